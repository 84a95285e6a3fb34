"""The JSON API app (``create_api``): routers, error handlers, database and job runner.

It knows nothing of the HTML pages: :func:`web.app.create_app` composes the app that serves both,
adding the page routers and setting ``app.state.error_page`` (a function that renders the errors
a browser gets); ``api/`` never imports ``web/``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import feeds
from api.db import make_engine, make_session_factory, upgrade
from api.deps import tenant_guard
from api.headers import SecurityHeaders, trusted_proxies
from api.import_runner import ImportRunner
from api.jobs import make_runner
from api.limits import BodyLimit, api_refusal
from api.problems import ApiError
from api.routes import (
    attendance,
    auth,
    health,
    links,
    municipal,
    public,
    readiness,
    rebuilds,
    schools,
)
from api.serving import Poller, ServeFromMemory, memory_for
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

#: the JSON API's upload routes (:mod:`api.limits`)
UPLOAD_ROUTE = re.compile(r"/api/v1/schools/[^/]+/(?:timetable|uploads)")

#: pydantic's error types in Russian (others keep pydantic's English text)
VALIDATION_RU = {
    "missing": "обязательное поле: заполните его.",
    "int_parsing": "нужно целое число.",
    "int_type": "нужно целое число.",
    "float_parsing": "нужно число.",
    "float_type": "нужно число.",
    "bool_parsing": "нужно true или false.",
    "bool_type": "нужно true или false.",
    "string_type": "нужна строка.",
    "string_too_short": "слишком коротко: не меньше {min_length} символов.",
    "string_too_long": "слишком длинно: не больше {max_length} символов.",
    "list_type": "нужен список.",
    "dict_type": "нужен объект JSON.",
    "json_invalid": "тело запроса — не JSON: проверьте кавычки и запятые.",
    "greater_than_equal": "нужно не меньше {ge}.",
    "less_than_equal": "нужно не больше {le}.",
    "literal_error": "допустимо: {expected}.",
    "enum": "допустимо: {expected}.",
    "date_parsing": "нужна дата ГГГГ-ММ-ДД.",
    "date_from_datetime_parsing": "нужна дата ГГГГ-ММ-ДД.",
    "extra_forbidden": "такого поля нет: принимаются только перечисленные поля (числа, без имён).",
}


def validation_message(err: dict[str, Any]) -> str:
    """One pydantic error in Russian, when its type is known."""
    text = VALIDATION_RU.get(str(err.get("type")))
    if text is None:
        return str(err.get("msg", ""))
    try:
        return text.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err.get("msg", ""))


HTTP_MESSAGES = {
    404: "адрес не найден; проверьте ссылку.",
    405: "этот метод для адреса не поддерживается.",
}


def wants_html(request: Request) -> bool:
    """A browser navigating to a page (not the JSON API, not htmx, not an API token client)."""
    return (
        "text/html" in request.headers.get("accept", "")
        and not request.url.path.startswith("/api/")
        and request.headers.get("hx-request") != "true"
        and not request.headers.get("authorization")
    )


async def error_response(
    request: Request,
    status: int,
    message: str,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as JSON, or as the HTML page of ``app.state.error_page`` for a browser
    (rendered in a worker thread: templates are CPU work, kept off the event loop; also for
    :mod:`api.limits`, which answers before the app)."""
    page = getattr(request.app.state, "error_page", None)
    if page is not None and status >= 400 and wants_html(request):
        return await run_in_threadpool(page, request, status, message, problems or [], headers)  # type: ignore[no-any-return]
    return JSONResponse(
        {"detail": {"message": message, "problems": problems or []}},
        status_code=status,
        headers=headers,
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return await error_response(request, exc.status, exc.message, exc.problems, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code) or str(exc.detail)
        return await error_response(
            request, exc.status_code, message, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "file": "запрос",
                "row": None,
                "column": ".".join(str(x) for x in err.get("loc", ()) if x != "body") or None,
                "element": None,
                "message": validation_message(err),
            }
            for err in exc.errors()
        ]
        return await error_response(
            request, 422, "запрос не принят: исправьте поля, перечисленные ниже.", problems
        )


def _operation_id(route: APIRoute) -> str:
    """Clean OpenAPI operation ids for generated clients: ``<tag>-<function>``."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_api(settings: Settings | None = None) -> FastAPI:
    """Build the JSON API app: data folder, secret key, ``alembic upgrade head``, job runner."""
    settings = settings or get_settings()
    settings.ensure_data_dir()
    settings.resolved_secret_key()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    runner = make_runner(settings, factory)
    memory = memory_for(engine, settings.serve_memory_mb << 20, settings.serve_poll_seconds)
    poller = Poller(engine, memory)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        failed = runner.recover()
        if failed:
            log.warning("marked %d interrupted rebuild job(s) as failed", len(failed))
        runner.warm()  # the first «Перестроить» finds a worker with the solver imported
        poller.start()
        yield
        poller.stop()
        memory.clear()  # a cache: the next app on this database fills it again
        runner.shutdown(wait=False)
        engine.dispose()

    app = FastAPI(
        title="Планировщик дистанционного расписания",
        description="JSON API v1: школы, расписания, перестроения, версии, ссылки и календари; "
        "посещаемость, готовность классов, материалы для самостоятельной работы.",
        version="1",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        # every route, also those web.app adds: ids of another tenant are 404 (api.services.tenancy)
        dependencies=[Depends(tenant_guard)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.runner = runner
    app.state.imports = ImportRunner(settings.import_runner, settings.import_timeout)
    # routes whose body is a timetable file: anonymous callers are refused before it is read
    app.state.upload_routes = [(UPLOAD_ROUTE, api_refusal)]
    app.add_middleware(BodyLimit, default_limit=settings.max_body_bytes)
    app.state.serving = memory
    # path prefix → the variant of a request answered from memory; web/ adds its pages
    app.state.serve_variants = {"/feeds/": lambda headers: feeds.feed_variant()}
    app.add_middleware(ServeFromMemory, memory=memory, variants=app.state.serve_variants)
    app.add_middleware(SecurityHeaders, always_https=settings.behind_tls)
    proxies = trusted_proxies(settings.trusted_proxies)
    if proxies:  # outermost: the client address and scheme are settled before anything else
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    _install_handlers(app)
    app.state.error_page = None  # web.app.create_app sets the HTML error page
    for module in (health, auth, schools, rebuilds, links, public, attendance, readiness,
                   municipal):  # fmt: skip
        app.include_router(module.router)
    return app


class RedactTokens(logging.Filter):
    """Access logs must not keep link tokens (they open a class's or teacher's schedule)."""

    PATTERN = re.compile(r"(/(?:c|t|feeds|api/v1/public)/)[A-Za-z0-9_-]{16,}")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args
            )
        record.msg = self.PATTERN.sub(r"\1…", str(record.msg))
        return True
