"""Request body limits, enforced before a body is read (an ASGI middleware).

Every request with a body gets a hard limit: ``Settings.max_body_bytes`` (small JSON and forms),
or for an *upload route* the importers' file limit plus room for a load table and the form
fields (:func:`upload_limit`). A ``Content-Length`` over the limit is answered 413 at once; a body
without one (chunked) is counted as it streams and cut at the limit. On an upload route the
caller must be known before a byte of the body is read: an anonymous request (no valid API token,
no valid session) gets the route's refusal (401 for the JSON API, the login redirect for a page)
and the body is never read.

Upload routes register themselves in ``app.state.upload_routes`` as ``(pattern, refuse)``;
``refuse(request)`` builds the answer for an anonymous caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import ANONYMOUS, SESSION_COOKIE
from api.services import accounts

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: room in an upload's body beyond the timetable file: the load table, the form fields
UPLOAD_EXTRA_BYTES = 4 * 1024 * 1024

Refuse = Callable[[Request], Response]


def upload_limit() -> int:
    """The body limit of an upload route (read at request time: tests lower the file limit)."""
    from planner.imports import MAX_INPUT_BYTES

    return MAX_INPUT_BYTES + UPLOAD_EXTRA_BYTES


def too_large_message(limit: int) -> str:
    size = f"{limit / 2**20:.0f} МБ" if limit >= 2**20 else f"{limit} байт"
    return f"запрос больше {size}: так много данных сюда не отправляют; загрузите файл поменьше."


class BodyTooLarge(HTTPException):
    """The body went over its limit while it was read (the app answers 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def api_refusal(request: Request) -> Response:
    """An anonymous upload to the JSON API: 401, as :func:`api.deps.require_auth` says it."""
    return JSONResponse(
        {"detail": {"message": ANONYMOUS, "problems": []}},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _known_caller(request: Request) -> bool:
    """Whether the request carries a valid API token or login session (a database read)."""
    factory = request.app.state.session_factory
    with factory() as session:
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer":
                return False
            return accounts.token_admin(session, token.strip()) is not None
        return accounts.session_admin(session, request.cookies.get(SESSION_COOKIE)) is not None


class BodyLimit:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, default_limit: int) -> None:
        self.app = app
        self.default_limit = default_limit

    def _upload_route(self, scope: Scope) -> Refuse | None:
        app = scope.get("app")
        routes: list[tuple[re.Pattern[str], Refuse]] = getattr(
            getattr(app, "state", None), "upload_routes", []
        )
        path = scope.get("path", "")
        return next((refuse for pattern, refuse in routes if pattern.fullmatch(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        refuse = self._upload_route(scope)
        limit = upload_limit() if refuse is not None else self.default_limit
        request = Request(scope)
        if refuse is not None and not await run_in_threadpool(_known_caller, request):
            await refuse(request)(scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._answer(scope, receive, send, 413, too_large_message(limit))
            return
        await self.app(scope, _counting(receive, limit), send)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        from api.main import error_response

        response = await error_response(
            Request(scope), status, message, headers={"Connection": "close"}
        )
        await response(scope, receive, send)


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted
