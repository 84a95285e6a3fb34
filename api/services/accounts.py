"""Administrators: accounts, login with its rate limit, browser sessions and API tokens.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api import security
from api.db import aware, utcnow
from api.models import Admin, ApiToken, LoginFailure, School, WebSession
from api.problems import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from api.services import tenancy
from api.settings import Settings

_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")
MIN_PASSWORD = 10


def create_admin(
    session: Session,
    login: str,
    password: str,
    *,
    municipality_id: int | None = None,
    school_id: int | None = None,
) -> Admin:
    """Create an administrator; the password is stored as an argon2 hash.

    Without ``school_id`` she is a municipal administrator (every school of the municipality);
    with it, the administrator of that school only. Without ``municipality_id``: the school's
    municipality, else the default one (a deployment that never named one).
    """
    login = login.strip()
    if not _LOGIN.match(login):
        raise Invalid(
            f"логин «{login}» не подходит: 2–100 латинских букв, цифр или знаков . _ @ -."
        )
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"пароль слишком короткий: нужно не меньше {MIN_PASSWORD} символов.")
    if session.scalar(select(Admin).where(Admin.login == login)) is not None:
        raise Conflict(f"администратор «{login}» уже есть; выберите другой логин.")
    if school_id is not None:
        school = session.get(School, school_id)
        if school is None or municipality_id not in (None, school.municipality_id):
            raise Invalid(f"школы с номером {school_id} в этом муниципалитете нет.")
        municipality_id = school.municipality_id
    if municipality_id is None:
        municipality_id = tenancy.default_municipality(session).id
    admin = Admin(
        login=login,
        password_hash=security.hash_password(password),
        municipality_id=municipality_id,
        school_id=school_id,
    )
    session.add(admin)
    session.commit()
    return admin


def get_admin(session: Session, login: str) -> Admin:
    admin = session.scalar(select(Admin).where(Admin.login == login.strip()))
    if admin is None:
        raise NotFound(f"администратора «{login}» нет; создайте его: planner admin create {login}")
    return admin


def authenticate(session: Session, login: str, password: str, ip: str, settings: Settings) -> Admin:
    """Check a login; failures are counted per login and IP, too many → 429 for a while."""
    login = login.strip()
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    failures = session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.login == login, LoginFailure.ip == ip, LoginFailure.at > since
        )
    )
    if (failures or 0) >= settings.login_max_failures:
        minutes = max(1, settings.login_window_seconds // 60)
        raise TooManyRequests(
            f"слишком много неудачных попыток входа для «{login}»; подождите {minutes} мин. "
            "и попробуйте снова или попросите другого администратора сменить пароль."
        )
    admin = session.scalar(select(Admin).where(Admin.login == login))
    if not security.verify_password(admin.password_hash if admin else None, password):
        session.execute(delete(LoginFailure).where(LoginFailure.at <= since))  # keep it small
        session.add(LoginFailure(login=login, ip=ip, at=now))
        session.commit()
        raise Unauthorized("неверный логин или пароль.")
    assert admin is not None
    if security.needs_rehash(admin.password_hash):
        admin.password_hash = security.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.login == login, LoginFailure.ip == ip))
    session.commit()
    return admin


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie, never stored
    csrf_token: str
    expires_at: datetime


def start_session(session: Session, admin: Admin, settings: Settings) -> NewSession:
    token, csrf = security.session_token(), security.csrf_token()
    expires = utcnow() + timedelta(hours=settings.session_hours)
    session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    session.add(
        WebSession(
            admin_id=admin.id,
            token_hash=security.token_hash(token),
            csrf_token=csrf,
            expires_at=expires,
        )
    )
    session.commit()
    return NewSession(token=token, csrf_token=csrf, expires_at=expires)


def session_admin(session: Session, token: str | None) -> tuple[Admin, WebSession] | None:
    """The administrator of a live session cookie, or ``None``."""
    if not token:
        return None
    ws = session.scalar(
        select(WebSession).where(WebSession.token_hash == security.token_hash(token))
    )
    if ws is None:
        return None
    if (aware(ws.expires_at) or utcnow()) <= utcnow():
        session.delete(ws)
        session.commit()
        return None
    admin = session.get(Admin, ws.admin_id)
    return (admin, ws) if admin else None


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            delete(WebSession).where(WebSession.token_hash == security.token_hash(token))
        )
        session.commit()


def issue_api_token(session: Session, login: str) -> str:
    """A new API token for an administrator; shown once, only its hash is stored."""
    admin = get_admin(session, login)
    token = security.api_token()
    session.add(ApiToken(admin_id=admin.id, token_hash=security.token_hash(token)))
    session.commit()
    return token


def token_admin(session: Session, token: str | None) -> Admin | None:
    """The administrator an ``Authorization: Bearer`` token belongs to, or ``None``."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    session.commit()
    return session.get(Admin, row.admin_id)
