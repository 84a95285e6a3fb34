"""Security headers on every response, and forwarded headers only from trusted proxies.

* ``Content-Security-Policy``: everything from this site only — no inline script or style (the
  pages' scripts and styles are files in ``web/static``; htmx's own indicator style is switched
  off in ``base.html`` and lives in ``style.css``), no framing (``frame-ancestors 'none'``, and
  ``X-Frame-Options: DENY`` for old browsers). The API docs (``/docs``, ``/redoc``) load
  FastAPI's documentation viewer and keep its inline start-up script: they get their own policy.
  A version's ``report.html`` (opened inline to print) keeps its inline styles and may run no
  script at all (``REPORT_CSP``).
* ``X-Content-Type-Options: nosniff`` everywhere.
* ``Referrer-Policy: no-referrer`` on token addresses (``/c/``, ``/t/``, ``/feeds/``,
  ``/api/v1/public/``: the token is in the path and must not leak to a linked site), else
  ``same-origin``.
* ``Strict-Transport-Security`` when the request came over https (directly, or from a trusted
  proxy's ``X-Forwarded-Proto``) or ``PLANNER_BASE_URL`` is https.

``X-Forwarded-For``/``X-Forwarded-Proto`` are read only from the addresses in
``PLANNER_TRUSTED_PROXIES`` (default none: the peer address is the client, so a client cannot pick
the address the login rate limit counts); ``planner serve`` turns uvicorn's own proxy handling off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: FastAPI's /docs and /redoc: the viewer from its CDN and an inline start-up script
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
#: a version's ``report.html``, opened in the browser to print: one self-contained file whose
#: styles are inline; it runs no script and loads nothing
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
REPORT_SUFFIX = "/files/report.html"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
TOKEN_PREFIXES = ("/c/", "/t/", "/feeds/", "/api/v1/public/")
HSTS = "max-age=31536000"


def _headers(csp: str, referrer: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", referrer.encode()),
    ]


PAGE = _headers(CSP, "same-origin")
TOKEN = _headers(CSP, "no-referrer")
DOCS = _headers(DOCS_CSP, "same-origin")
REPORT = _headers(REPORT_CSP, "same-origin")
ADDED = {name for name, _ in PAGE} | {b"strict-transport-security"}


def headers_for(path: str, https: bool) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to ``path``."""
    if path.startswith(TOKEN_PREFIXES):
        out = TOKEN
    elif path in DOCS_PATHS:
        out = DOCS
    elif path.startswith("/api/v1/schools/") and path.endswith(REPORT_SUFFIX):
        out = REPORT
    else:
        out = PAGE
    return [*out, (b"strict-transport-security", HSTS.encode())] if https else out


class SecurityHeaders:
    """ASGI middleware: adds :func:`headers_for` to every HTTP response (replacing any the app
    set itself)."""

    def __init__(self, app: ASGIApp, always_https: bool = False):
        self.app = app
        self.always_https = always_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"], self.always_https or scope.get("scheme") == "https")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in ADDED]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def trusted_proxies(value: str) -> list[str]:
    """``PLANNER_TRUSTED_PROXIES``: addresses or networks, separated by commas or spaces."""
    return [x for x in value.replace(",", " ").split() if x]
