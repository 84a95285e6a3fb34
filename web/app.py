"""The ASGI app that serves both the JSON API and the HTML pages, and ``planner serve``.

``create_app`` is the composition: the API app of :func:`api.main.create_api` plus the page
routers of ``web/routes`` and the HTML error page for browsers. Uvicorn target:
``uvicorn --factory web.app:create_app``.
"""

from __future__ import annotations

import logging

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
    return app


def serve(demo: bool = False, host: str = "127.0.0.1", port: int = 8000) -> None:
    """``planner serve``: the embedded default (SQLite in the data folder, local process pool)."""
    import uvicorn

    from api.demo import load_demo

    settings = get_settings()
    if settings.base_url == "http://127.0.0.1:8000" and (host, port) != ("127.0.0.1", 8000):
        settings.base_url = f"http://{host}:{port}"
    app = create_app(settings)
    if demo:
        print(load_demo(app))
    print(f"Планировщик: {settings.base_url}/  (данные: {settings.data_dir})")
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.run(app, host=host, port=port, log_level="info")
