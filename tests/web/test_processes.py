"""The server as ``planner serve`` runs it, in a child process: forwarded headers, security
headers over real HTTP, SIGTERM during a long request, pool workers after a SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.paths import REPO

SCHOOL_CSV = REPO / "tests" / "api" / "data" / "school.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env.update(
        PLANNER_DATA_DIR=str(tmp / "data"),
        PLANNER_DATABASE_URL=f"sqlite:///{tmp / 'planner.db'}",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def _start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {cmd}")
        time.sleep(0.1)


def _serve(tmp: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "planner.cli", "serve", "--port", str(port)]
    return _start(cmd, _env(tmp, PLANNER_BASE_URL=f"http://127.0.0.1:{port}", **env), port)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a service manager stops the server; killed if it does not end in 15 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    proc = _serve(tmp_path_factory.mktemp("serve"), port, PLANNER_LOGIN_MAX_FAILURES="3")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _terminate(proc)


def test_rotating_x_forwarded_for_does_not_bypass_the_login_limit(server: str) -> None:
    """uvicorn believes X-Forwarded-For from 127.0.0.1 by default; ``planner serve`` does not
    (PLANNER_TRUSTED_PROXIES is empty), so the limit counts the real peer."""
    codes = []
    with httpx.Client(base_url=server, timeout=10) as client:
        for i in range(5):
            r = client.post(
                "/api/v1/auth/login",
                json={"login": "zavuch", "password": "не-тот-пароль"},
                headers={"X-Forwarded-For": f"203.0.113.{i + 1}", "X-Forwarded-Proto": "https"},
            )
            codes.append(r.status_code)
            assert "strict-transport-security" not in r.headers  # the https claim is not believed
    assert codes == [401, 401, 401, 429, 429]


def test_security_headers_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        for path, referrer in (
            ("/login", "same-origin"),
            ("/c/unknown-token-0123456789abcdef", "no-referrer"),
            ("/feeds/unknown-token-0123456789abcdef.ics", "no-referrer"),
            ("/static/style.css", "same-origin"),
            ("/api/v1/schools", "same-origin"),
        ):
            r = client.get(path)
            assert r.headers["x-frame-options"] == "DENY", path
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["referrer-policy"] == referrer, path


def test_sigterm_ends_a_long_request_within_seconds(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, PLANNER_BASE_URL=f"http://127.0.0.1:{port}")
    proc = _start([sys.executable, str(REPO / "tests/web/slow_serve.py"), str(port)], env, port)
    try:
        started = threading.Event()

        def slow() -> None:
            started.set()
            with contextlib.suppress(httpx.HTTPError):  # the server went away: expected
                httpx.get(f"http://127.0.0.1:{port}/test-slow", timeout=60)

        threading.Thread(target=slow, daemon=True).start()
        started.wait()
        time.sleep(0.5)  # the request is being computed
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail("the server ignored SIGTERM while a request was computing")
        assert time.monotonic() - t0 < 10
    finally:
        _stop(proc)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has exited


def test_pool_worker_exits_when_the_server_is_killed(tmp_path: Path) -> None:
    """A solve runs in a pool worker; SIGKILL the server; the worker is gone within seconds."""
    from api.services import rebuilds, schools, tenancy, uploads
    from api.settings import Settings
    from web.app import create_app

    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'planner.db'}"
    )
    app = create_app(settings)  # the school and a queued job, before the server starts
    with app.state.session_factory() as session:
        school = schools.create_school(
            session,
            "Школа № 1",
            None,
            settings,
            municipality_id=tenancy.default_municipality(session).id,
        )
        uploads.import_timetable(session, school, "school.csv", SCHOOL_CSV.read_bytes())
        order = {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-11"}
        job = rebuilds.create_job(session, school, order, settings, author="test", time_limit=60)
        job_id = job.id
    app.state.engine.dispose()
    port = _free_port()
    proc = _serve(
        tmp_path, port, PLANNER_JOB_RUNNER="process",
        PLANNER_SOLVER_FUNCTION="tests.api.standin_solver:solve_slow",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        pid = None
        while pid is None:  # the start-up re-queues the job; a pool worker claims it
            with app.state.session_factory() as session:
                job = rebuilds.get_job(session, job_id)
                pid = job.worker_pid if job.status == "running" else None
            assert time.monotonic() < deadline, "the job never ran"
            time.sleep(0.1)
        assert pid != proc.pid and _alive(pid)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while _alive(pid):
            assert time.monotonic() < deadline, "the pool worker outlived the killed server"
            time.sleep(0.1)
    finally:
        _stop(proc)
        app.state.engine.dispose()


def _pool_workers(server_pid: int) -> list[int]:
    """The server's solver pool processes (spawned children, not the resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == server_pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def test_the_solver_pool_starts_warm_with_the_server(tmp_path: Path) -> None:
    """The first «Перестроить» after a start does not wait for a process to start and import
    OR-Tools: the pool's workers start with the server and import the solver."""
    port = _free_port()
    proc = _serve(tmp_path, port, PLANNER_JOB_RUNNER="process", PLANNER_JOB_POOL_SIZE="2")
    try:
        deadline = time.monotonic() + 60
        while True:
            workers = _pool_workers(proc.pid)
            loaded = [
                pid
                for pid in workers
                if b"ortools" in Path(f"/proc/{pid}/maps").read_bytes()  # the solver's library
            ]
            if len(loaded) == 2:
                break
            assert time.monotonic() < deadline, f"pool workers {workers}, warm {loaded}"
            time.sleep(0.2)
    finally:
        _terminate(proc)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "pool workers outlived the server"
        time.sleep(0.1)
