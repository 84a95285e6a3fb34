"""The ASGI app that serves both the JSON API and the HTML pages, and ``planner serve``.

``create_app`` is the composition: the API app of :func:`api.main.create_api` plus the page
routers of ``web/routes`` and the HTML error page for browsers. Uvicorn target:
``uvicorn --factory web.app:create_app``.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

from fastapi import APIRouter, FastAPI

from api.main import RedactTokens, create_api
from api.settings import Settings, get_settings
from web.pages import error_page
from web.routes import links, login, municipal, public, rebuilds, regulation, schools, uploads

#: the page routers, mounted in this order after the JSON API's
PAGE_ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    schools.router,
    uploads.router,
    rebuilds.router,
    links.router,
    municipal.router,
    regulation.router,
    public.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole web app: the JSON API, the pages, HTML error pages for a browser."""
    app = create_api(settings)
    app.state.upload_routes.append((uploads.UPLOAD_ROUTE, uploads.page_refusal))
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.state.error_page = error_page
    for prefix, kind in (("/c/", "c"), ("/t/", "t")):  # token pages answered from memory
        app.state.serve_variants[prefix] = public.memory_variant(kind, app.state.settings)
    return app


#: after SIGTERM, requests still running this long are abandoned and the server stops
GRACEFUL_SECONDS = 3


def server_config(app: FastAPI, host: str, port: int) -> Any:
    """The uvicorn settings of ``planner serve``.

    uvicorn's own forwarded-header handling is off: by default it believes X-Forwarded-For from
    127.0.0.1, which would let a local client pick the address the login rate limit counts. The
    app reads those headers only from ``PLANNER_TRUSTED_PROXIES`` (api/headers.py).
    """
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, log_level="info", proxy_headers=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )  # fmt: skip


def _exit_past_busy_threads(grace: float = 1.0) -> None:
    """After the server stopped: a request handler still computing in a worker thread would keep
    the process alive until it ends (nobody will read its answer); end the process instead."""
    busy = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    for thread in busy:
        thread.join(grace / max(1, len(busy)))
    if any(t.is_alive() for t in busy):
        logging.getLogger(__name__).warning("stopping with %d request(s) unfinished", len(busy))
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def lan_address() -> str | None:
    """This computer's address in the local network (the interface of the default route; a UDP
    socket is connected, nothing is sent), None without a network."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            ip = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def serve(demo: bool = False, host: str = "127.0.0.1", port: int = 8000) -> None:
    """``planner serve``: the embedded default (SQLite in the data folder, local process pool)."""
    import uvicorn

    from api.demo import load_demo
    from api.services.links import public_address

    settings = get_settings()
    if settings.base_url == "http://127.0.0.1:8000" and (host, port) != ("127.0.0.1", 8000):
        # listening on every interface: the links name the address the school network sees
        shown = (lan_address() or host) if host in ("0.0.0.0", "::") else host
        settings.base_url = f"http://{shown}:{port}"
    app = create_app(settings)
    address = public_address(settings)
    print(f"Планировщик: {settings.base_url}/  (данные: {settings.data_dir})")
    if address["loopback"]:
        print(f"Внимание: {address['warning']}\n{address['howto']}")
    if demo:  # the demo's links, then its login: the last lines, in view when the server runs
        print(load_demo(app))
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    server = uvicorn.Server(server_config(app, host, port))
    server.run()
    _exit_past_busy_threads()
    if not server.started:
        sys.exit(3)  # as uvicorn.run: the server could not start (port taken, …)
