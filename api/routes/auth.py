from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AuthDep,
    SessionDep,
    SettingsDep,
    client_ip,
    is_secure,
)
from api.problems import Invalid
from api.schemas import ERRORS, LoginOut, MeOut, MessageOut
from api.services import accounts

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginIn(BaseModel):
    login: str = Field(max_length=100)
    password: str = Field(max_length=1000)


def set_session_cookies(
    response: Response, request: Request, new: accounts.NewSession, settings: SettingsDep
) -> None:
    """Session cookie (HttpOnly) and CSRF cookie (readable by htmx); Secure behind TLS."""
    secure = is_secure(request, settings)
    max_age = settings.session_hours * 3600
    response.set_cookie(
        SESSION_COOKIE, new.token, max_age=max_age, httponly=True, secure=secure, samesite="lax"
    )
    response.set_cookie(
        CSRF_COOKIE, new.csrf_token, max_age=max_age, httponly=False, secure=secure, samesite="lax"
    )


@router.post("/login", response_model=LoginOut, responses=ERRORS)
def login(
    body: LoginIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Log in with login and password; sets the session cookie, returns the CSRF token."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Invalid("вход принимает только JSON (Content-Type: application/json).")
    admin = accounts.authenticate(session, body.login, body.password, client_ip(request), settings)
    new = accounts.start_session(session, admin, settings)
    set_session_cookies(response, request, new, settings)
    return {"login": admin.login, "csrf_token": new.csrf_token}


@router.post("/logout", response_model=MessageOut, responses=ERRORS)
def logout(auth: AuthDep, request: Request, response: Response, session: SessionDep) -> dict:
    """End the browser session."""
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return {"message": "вы вышли из приложения."}


@router.get("/me", response_model=MeOut, responses=ERRORS)
def me(auth: AuthDep) -> dict[str, Any]:
    """Who is logged in, and how."""
    return {"login": auth.admin.login, "via": auth.via, "csrf_token": auth.csrf_token}
