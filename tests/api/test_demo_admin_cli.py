from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from planner.cli import app as cli


@pytest.fixture
def env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_SECRET_KEY", raising=False)
    return tmp_path / "data"


def test_admin_create_and_token_via_cli(env) -> None:
    from sqlalchemy import select

    from api.db import make_engine, make_session_factory
    from api.models import Admin, ApiToken
    from api.security import token_hash
    from api.services import accounts

    runner = CliRunner()
    r = runner.invoke(
        cli, ["admin", "create", "zavuch"], input="Очень-длинный-1\nОчень-длинный-1\n"
    )
    assert r.exit_code == 0, r.output
    assert "Администратор «zavuch» создан / administrator created." in r.output
    assert (env / "planner.db").is_file()
    r = runner.invoke(cli, ["admin", "token", "zavuch"])
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    assert re.fullmatch(r"plt_[A-Za-z0-9_-]{43}", token)
    engine = make_engine(f"sqlite:///{env / 'planner.db'}")
    with make_session_factory(engine)() as s:
        admin = s.scalar(select(Admin))
        assert admin.login == "zavuch" and admin.password_hash.startswith("$argon2id$")
        assert s.scalars(select(ApiToken.token_hash)).all() == [token_hash(token)]
        assert accounts.token_admin(s, token).login == "zavuch"
    engine.dispose()
    # the same login again, and a token for nobody: exit 2 with the reason
    r = runner.invoke(
        cli, ["admin", "create", "zavuch"], input="Очень-длинный-1\nОчень-длинный-1\n"
    )
    assert r.exit_code == 2
    assert "администратор «zavuch» уже есть; выберите другой логин." in r.output
    r = runner.invoke(cli, ["admin", "token", "nobody"])
    assert r.exit_code == 2
    assert "администратора «nobody» нет; создайте его: planner admin create nobody" in r.output
    r = runner.invoke(cli, ["admin", "create", "x2"], input="short\nshort\n")
    assert r.exit_code == 2
    assert "пароль слишком короткий: нужно не меньше 10 символов." in r.output


def test_settings_defaults_and_secret_key(env) -> None:
    from api.settings import Settings

    s = Settings()
    assert s.data_dir == env
    assert s.database_url == f"sqlite:///{env / 'planner.db'}"
    assert s.timezone == "Asia/Yekaterinburg"
    key = s.resolved_secret_key()
    assert len(key) >= 64
    assert (env / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings().resolved_secret_key() == key  # kept across restarts
    assert Settings(database_url="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValueError, match="неизвестный часовой пояс «Mars/Base»"):
        Settings(timezone="Mars/Base")


@pytest.mark.slow
def test_demo_publishes_a_version_with_the_real_solver(app) -> None:
    from fastapi.testclient import TestClient

    from api.demo import load_demo

    app.state.settings.solver_function = "planner.app.pipeline:solve"
    text = load_demo(app, time_limit=2)
    password = re.search(r"логин: demo  пароль: (\S+)", text).group(1)
    assert "версия № 1 опубликована" in text
    tokens = re.findall(r"http://testserver/c/([A-Za-z0-9_-]{32})", text)
    assert len(tokens) == 9  # the small demo school has 9 classes
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"login": "demo", "password": password})
        assert r.status_code == 200
        schools = c.get("/api/v1/schools").json()
        assert len(schools) == 1 and schools[0]["published_version"] == 1
        version = c.get(f"/api/v1/schools/{schools[0]['id']}/versions/1").json()
        online = {i["class"] for i in version["schedule"]["items"] if i.get("format") == "online"}
        assert online <= {"5А", "7А", "9А"} and online
        feed = c.get(f"/feeds/{tokens[0]}.ics")
        assert feed.status_code == 200


def test_admin_cli_uses_planner_database_url(database_url, tmp_path, monkeypatch) -> None:
    from api.db import make_engine, make_session_factory
    from api.services import accounts

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.setenv("PLANNER_DATABASE_URL", database_url)
    runner = CliRunner()
    r = runner.invoke(
        cli, ["admin", "create", "it-admin"], input="Длинный-пароль\nДлинный-пароль\n"
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["admin", "token", "it-admin"])
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            assert accounts.token_admin(s, token).login == "it-admin"
    finally:
        engine.dispose()
