"""Dependencies of every route: settings, DB session, the current administrator with CSRF, and
the tenancy guard every route of the app runs (:func:`tenant_guard`).

Web pages (web/) use the same ones: ``SessionDep``, ``SettingsDep``, ``CurrentAdmin``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api import security
from api.import_runner import ImportRunner
from api.jobs import Runner
from api.models import Admin
from api.problems import Forbidden, Unauthorized
from api.services import accounts, tenancy
from api.services.tenancy import Scope
from api.settings import Settings

SESSION_COOKIE = "planner_session"
CSRF_COOKIE = "planner_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_runner(request: Request) -> Runner:
    return request.app.state.runner  # type: ignore[no-any-return]


def get_imports(request: Request) -> ImportRunner:
    return request.app.state.imports  # type: ignore[no-any-return]


#: a row id or version number in a path: a database integer (a larger one is a 422, not a 500)
DB_INT_MAX = 2**31 - 1
DbId = Annotated[int, Path(ge=1, le=DB_INT_MAX)]

SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
RunnerDep = Annotated[Runner, Depends(get_runner)]
ImportsDep = Annotated[ImportRunner, Depends(get_imports)]


@dataclass(frozen=True)
class Auth:
    admin: Admin
    via: str  # "session" | "token"
    csrf_token: str | None = None

    @property
    def scope(self) -> Scope:
        """What this administrator sees (api.services.tenancy)."""
        return tenancy.scope_of(self.admin)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def is_secure(request: Request, settings: Settings) -> bool:
    """Whether the browser talks TLS to us: directly, via a trusted proxy (its
    X-Forwarded-Proto sets the scheme, api/headers.py), or by the base URL."""
    return settings.behind_tls or request.url.scheme == "https"


async def _csrf_from(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def optional_auth(request: Request, session: SessionDep) -> Auth | None:
    """The administrator of the request, or ``None``; enforces CSRF for session requests.

    Async only to read a form's CSRF field; the database is read in a worker thread, never on
    the event loop."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("заголовок Authorization должен быть «Bearer <токен>».")
        admin = await run_in_threadpool(accounts.token_admin, session, token.strip())
        if admin is None:
            raise Unauthorized(
                "API-токен не принят (неизвестен или отозван); выпустите новый: "
                "planner admin token <логин>."
            )
        return Auth(admin=admin, via="token")  # API tokens are not sent by browsers: no CSRF
    found = await run_in_threadpool(
        accounts.session_admin, session, request.cookies.get(SESSION_COOKIE)
    )
    if found is None:
        return None
    admin, ws = found
    if request.method not in SAFE_METHODS:
        sent = await _csrf_from(request)
        if not security.same(sent, ws.csrf_token):
            # a browser user reads it: no header or field names (the API docs name them:
            # the X-CSRF-Token header or the csrf_token form field)
            raise Forbidden(
                "запрос отклонён: форма устарела или открыта в другом входе. Обновите страницу "
                "и отправьте её снова."
            )
    return Auth(admin=admin, via="session", csrf_token=ws.csrf_token)


ANONYMOUS = (
    "нужен вход: войдите в приложение или передайте API-токен в заголовке "
    "Authorization: Bearer <токен>."
)


async def require_auth(auth: Annotated[Auth | None, Depends(optional_auth)]) -> Auth:
    if auth is None:
        raise Unauthorized(ANONYMOUS)
    return auth


AuthDep = Annotated[Auth, Depends(require_auth)]
OptionalAuthDep = Annotated[Auth | None, Depends(optional_auth)]


async def tenant_guard(request: Request, session: SessionDep) -> None:
    """Every route's first dependency: an id of another tenant in the path or the query is 404.

    The ids are the parameters :data:`api.services.tenancy.OWNERS` knows (``school_id``,
    ``job_id``, ``link_id``, ``order_id``). Without a logged-in administrator the route's own
    dependency answers (401, or the login page); token routes carry no such ids.
    """
    ids = [
        (name, value)
        for params in (request.path_params, request.query_params)
        for name, value in params.items()
        if name in tenancy.OWNERS
    ]
    if not ids:
        return
    auth = await optional_auth(request, session)
    if auth is None:
        return

    def check() -> None:  # database reads: in a worker thread, never on the event loop
        for name, value in ids:
            tenancy.check(session, auth.scope, name, value)

    await run_in_threadpool(check)


def current_admin(auth: AuthDep) -> Admin:
    return auth.admin


CurrentAdmin = Annotated[Admin, Depends(current_admin)]
