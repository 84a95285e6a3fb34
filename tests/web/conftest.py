"""Web tests: one live uvicorn server (SQLite in a tmp data dir, real solver, short limits) and one
headless Debian chromium per session; screenshots go to ``artifacts/`` in the repo root.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import launch_chromium
from tests.paths import ARTIFACTS, REPO

DATA = Path(__file__).parent / "data"
DEMO_CSV = DATA / "demo-small.csv"
ADMIN_LOGIN = "zavuch"
ADMIN_PASSWORD = "Пароль-для-тестов-1"
#: the demo school's order week (planner.app.demo.demo_week)
WEEK_FROM, WEEK_TO = "2026-12-07", "2026-12-11"


@dataclass
class Live:
    url: str
    app: Any
    token: str  # API token of the administrator

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on 127.0.0.1:<random port> in a thread, with an administrator and an API token."""
    import uvicorn

    from api.services import accounts
    from api.settings import Settings
    from web.app import create_app

    tmp = tmp_path_factory.mktemp("web")
    port = _free_port()
    settings = Settings(
        data_dir=tmp / "data",
        database_url=f"sqlite:///{tmp / 'planner.db'}",
        base_url=f"http://127.0.0.1:{port}",
        timezone="Asia/Yekaterinburg",
        job_runner="thread",
        job_pool_size=2,
        solver_time_limit=2,
        solver_workers=1,
        login_max_failures=50,
    )
    app = create_app(settings)
    with app.state.session_factory() as session:
        accounts.create_admin(session, ADMIN_LOGIN, ADMIN_PASSWORD)
        token = accounts.issue_api_token(session, ADMIN_LOGIN)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Live(url=settings.base_url, app=app, token=token)
    server.should_exit = True
    thread.join(timeout=10)


def wait_job(client: httpx.Client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        doc = client.get(f"/api/v1/rebuilds/{job_id}").json()
        if doc["status"] in ("succeeded", "failed", "cancelled"):
            return doc
        assert time.monotonic() < deadline, f"job still {doc['status']}"
        time.sleep(0.1)


@dataclass
class Published:
    school_id: int
    links: list[dict[str, Any]]
    items: list[dict[str, Any]]  # the 5А class page's items (JSON API)

    def link(self, kind: str, target: str) -> dict[str, Any]:
        return next(
            x
            for x in self.links
            if x["kind"] == kind and x["target"] == target and not x["with_calls"]
        )


def rebuilt_school(
    api: httpx.Client, name: str, classes: list[str], *, time_limit: float, timeout: float = 60
) -> tuple[int, dict[str, Any]]:
    """A new school with the small demo timetable and a succeeded rebuild of ``classes`` for the
    demo week (JSON API): its id and the finished job."""
    r = api.post("/api/v1/schools", json={"name": name})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = api.post(
        f"/api/v1/schools/{sid}/timetable",
        files={"file": ("demo-small.csv", DEMO_CSV.read_bytes(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    order = {"classes": classes, "from": WEEK_FROM, "to": WEEK_TO}
    r = api.post(
        f"/api/v1/schools/{sid}/rebuilds",
        json={"order": order, "time_limit": time_limit, "workers": 1},
    )
    assert r.status_code == 202, r.text
    job = wait_job(api, r.json()["id"], timeout=timeout)
    assert job["status"] == "succeeded", job
    return sid, job


@pytest.fixture(scope="session")
def published(live: Live) -> Published:
    """A school with the small demo timetable and a published rebuild of 5А and 7А (JSON API)."""
    with live.api() as api:
        sid, job = rebuilt_school(api, "Школа для страниц", ["5А", "7А"], time_limit=2)
        r = api.post(f"/api/v1/rebuilds/{job['id']}/publish", json={"comment": "карантин"})
        assert r.status_code == 201, r.text
        links = api.get(f"/api/v1/schools/{sid}/links").json()
        token = next(x["token"] for x in links if x["kind"] == "class" and x["target"] == "5А")
        items = api.get(f"/api/v1/public/{token}").json()["items"]
    return Published(school_id=sid, links=links, items=items)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    htmx = REPO / "web" / "static" / "vendor" / "htmx.min.js"
    assert htmx.is_file(), f"нет {htmx}: установите htmx командой bash scripts/setup.sh"
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
