"""Static files, the home redirect, login and logout."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, Response

from api import security
from api.deps import CSRF_COOKIE, SESSION_COOKIE, SessionDep, SettingsDep, client_ip
from api.problems import ApiError
from api.routes.auth import set_session_cookies
from api.services import accounts
from web.pages import LOGIN_CSRF_COOKIE, STATIC, STATIC_TYPES, PageAuth, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/static/{name:path}")
def static(name: str) -> Response:
    """Our stylesheet and the vendored htmx (no CDN)."""
    path = (STATIC / name).resolve()
    if STATIC.resolve() not in path.parents or not path.is_file():
        raise HTTPException(status_code=404)
    media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/")
def home() -> Response:
    return redirect("/admin")


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/admin"


@router.get("/login")
def login_page(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if accounts.session_admin(session, request.cookies.get(SESSION_COOKIE)) is not None:
        return redirect(_safe_next(next))  # already logged in
    return _login_form(request, {"next": _safe_next(next)})


def _login_form(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    """The login page with a fresh double-submit CSRF token (cookie and hidden field)."""
    token = security.csrf_token()
    response = render(request, "login.html", {**context, "login_csrf": token}, status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    login: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/admin",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Log in; the login form's CSRF token is a double-submit cookie (no session yet)."""
    error = None
    status = 200
    if not security.same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        error, status = "Сессия истекла или форма устарела: обновите страницу и войдите снова.", 403
    else:
        try:
            admin = accounts.authenticate(session, login, password, client_ip(request), settings)
        except ApiError as exc:
            error, status = exc.message[:1].upper() + exc.message[1:], exc.status
        else:
            new = accounts.start_session(session, admin, settings)
            response = redirect(_safe_next(next))
            set_session_cookies(response, request, new, settings)
            response.delete_cookie(LOGIN_CSRF_COOKIE)
            return response
    return _login_form(request, {"next": _safe_next(next), "error": error, "login": login}, status)


@router.post("/logout")
def logout(request: Request, auth: PageAuth, session: SessionDep) -> Response:
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
