"""Nothing blocks the event loop: routes are plain functions (run in worker threads) and no
database query or template render happens on the loop's thread — except the upload routes,
which the upload rework owns."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy import event

from tests.api.util import ADMIN_LOGIN, ADMIN_PASSWORD, ORDER_5A, make_school, published

#: (method, path) → why the endpoint may be ``async def``
ASYNC_ALLOWED = {
    ("POST", "/api/v1/schools/{school_id}/timetable"): "upload: streamed by the upload rework",
    ("POST", "/admin/schools/{school_id}/timetable"): "upload: streamed by the upload rework",
    ("POST", "/admin/schools/{school_id}/order"): "awaits the form, then works in a thread",
}


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_routes_are_plain_functions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api.settings import Settings
    from web.app import create_app

    app = create_app(
        Settings(data_dir=tmp_path / "d", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    )
    try:
        found = {
            (method, route.path)
            for route in app.routes
            if isinstance(route, APIRoute) and inspect.iscoroutinefunction(route.endpoint)
            for method in route.methods
        }
    finally:
        app.state.engine.dispose()
    assert found <= set(ASYNC_ALLOWED), sorted(found - set(ASYNC_ALLOWED))


def test_no_query_or_render_on_the_event_loop(client, auth_headers, app) -> None:  # type: ignore[no-untyped-def]
    school_id = make_school(client, auth_headers)  # the upload is not checked here
    version = published(client, school_id, auth_headers)
    links = client.get(f"/api/v1/schools/{school_id}/links", headers=auth_headers).json()
    klass = next(x["token"] for x in links if x["kind"] == "class")
    teacher = next(x for x in links if x["kind"] == "teacher")
    jobs = client.get(f"/api/v1/schools/{school_id}/rebuilds", headers=auth_headers).json()
    html = {"Accept": "text/html"}
    with _recording(app) as seen:
        for path in (f"/c/{klass}", f"/t/{teacher['token']}", f"/feeds/{klass}.ics",
                     f"/api/v1/public/{klass}", "/c/unknown-token-000000000000", "/login",
                     "/admin", "/no-such-page", "/healthz"):  # fmt: skip
            assert client.get(path, headers=html).status_code in (200, 303, 404), path
        assert client.get(f"/api/v1/schools/{school_id}", headers=auth_headers).status_code == 200
        r = client.post(
            "/api/v1/auth/login", json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD}
        )
        csrf = r.json()["csrf_token"]
        base = f"/admin/schools/{school_id}"
        for path in ("/admin", base, f"{base}/order", f"{base}/links", f"{base}/downloads",
                     f"/admin/rebuilds/{jobs[0]['id']}", f"/admin/rebuilds/{jobs[0]['id']}/review",
                     "/admin/schools/999999"):  # fmt: skip
            assert client.get(path, headers=html).status_code in (200, 404), path
        form = {"csrf_token": csrf, "classes": ORDER_5A["classes"], "from": ORDER_5A["from"],
                "to": ORDER_5A["to"], "time_limit": "1"}  # fmt: skip
        r = client.post(f"{base}/order", data=form, headers=html, follow_redirects=False)
        assert r.status_code == 303, r.text
        r = client.post(f"{base}/order", data={**form, "from": "когда-нибудь"}, headers=html)
        assert r.status_code == 422
        r = client.post(
            f"/t/{teacher['token']}/calls",
            data={"class_name": "5А", "url": "https://sferum.ru/?call_link=x"},
            follow_redirects=False,
        )
        assert r.status_code in (303, 422)
    assert seen == [], seen
    assert version["number"] == 1


class _recording:
    """Records every database query and template render made on the event loop's thread."""

    def __init__(self, app: Any):
        self.app = app
        self.seen: list[str] = []

    def __enter__(self) -> list[str]:
        import web.pages

        self.original = web.pages.templates.TemplateResponse
        original, seen = self.original, self.seen

        def render(*args: Any, **kwargs: Any) -> Any:
            if _on_loop():
                seen.append(f"render: {args[1] if len(args) > 1 else kwargs.get('name')}")
            return original(*args, **kwargs)

        web.pages.templates.TemplateResponse = render  # type: ignore[method-assign]
        event.listen(self.app.state.engine, "before_cursor_execute", self._query)
        return seen

    def _query(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if _on_loop():
            self.seen.append("query: " + " ".join(statement.split())[:80])

    def __exit__(self, *exc: Any) -> None:
        import web.pages

        web.pages.templates.TemplateResponse = self.original  # type: ignore[method-assign]
        event.remove(self.app.state.engine, "before_cursor_execute", self._query)
