"""Shared fixtures: a fresh database per test on SQLite AND PostgreSQL, the app and clients.

PostgreSQL is ``PLANNER_TEST_DATABASE_URL`` (default the local server's ``test`` database); each
test gets its own database named after the xdist worker, dropped afterwards. If the server cannot
be reached the test FAILS with a message saying so (it is never skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get(
    "PLANNER_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = ("sqlite", "postgresql")


def _worker(request: pytest.FixtureRequest) -> str:
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "main"


def _pg_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    try:
        return psycopg.connect(
            host=u.host or "127.0.0.1",
            port=u.port or 5432,
            user=u.username or "postgres",
            password=u.password,
            dbname=u.database or "postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL недоступен по PLANNER_TEST_DATABASE_URL={url}: {exc}. "
            "Запустите сервер или укажите другой адрес; тесты на PostgreSQL не пропускаются.",
            pytrace=False,
        )


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'planner.db'}"
        return
    from sqlalchemy.engine import make_url

    name = f"planner_{_worker(request)}_{uuid.uuid4().hex[:12]}"
    with _pg_connect(PG_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _pg_connect(PG_URL) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def api_settings(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings of a test app: its own data folder and database, jobs in a thread, short solves."""
    from api.settings import Settings

    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        base_url="http://testserver",
        job_runner="thread",
        job_pool_size=1,
        import_runner="inline",
        solver_time_limit=2,
        solver_workers=1,
        login_max_failures=3,
    )


@pytest.fixture
def app(api_settings):  # type: ignore[no-untyped-def]
    from web.app import create_app

    application = create_app(api_settings)
    yield application
    application.state.runner.shutdown(wait=True)
    application.state.engine.dispose()


ADMIN_LOGIN = "zavuch"
ADMIN_PASSWORD = "Пароль-для-тестов-1"


@pytest.fixture
def admin(app):  # type: ignore[no-untyped-def]
    """An administrator in the app's database."""
    from api.services import accounts

    with app.state.session_factory() as session:
        return accounts.create_admin(session, ADMIN_LOGIN, ADMIN_PASSWORD)


@pytest.fixture
def api_token(app, admin) -> str:  # type: ignore[no-untyped-def]
    from api.services import accounts

    with app.state.session_factory() as session:
        return accounts.issue_api_token(session, ADMIN_LOGIN)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """An anonymous TestClient (the app's start-up runs inside)."""
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth_headers(api_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token}"}


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, with small cost parameters so the suite stays fast."""
    from argon2 import PasswordHasher

    import api.security

    monkeypatch.setattr(
        api.security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
