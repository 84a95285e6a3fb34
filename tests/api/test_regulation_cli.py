"""``planner attendance`` and ``planner readiness`` on the server's database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from planner.cli import app as cli
from tests.api.test_regulation import counts, remote_school


@pytest.fixture
def server(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The app on a data folder the CLI reads too (SQLite), rebuilds by the stand-in solver."""
    from api.services import accounts
    from api.settings import Settings
    from web.app import create_app

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLANNER_SOLVER_FUNCTION", "tests.api.standin_solver:solve_remote")
    monkeypatch.setenv("PLANNER_JOB_RUNNER", "thread")
    app = create_app(Settings())
    with app.state.session_factory() as session:
        accounts.create_admin(session, "zavuch", "Пароль-для-тестов-1")
        token = accounts.issue_api_token(session, "zavuch")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    app.state.runner.shutdown(wait=True)
    app.state.engine.dispose()


def test_attendance_and_readiness_commands(server, tmp_path) -> None:
    client, headers = server
    s = remote_school(client, headers)
    first, day = s.days
    url = f"/api/v1/public/{s.token('teacher', 'Иванова И.И.')}/attendance"
    assert client.put(url, json=counts("5А", day, 20, 3, 2)).status_code == 200
    runner = CliRunner()

    r = runner.invoke(cli, ["attendance", "day", "--school", str(s.id), "--date", day.isoformat()])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[2].startswith("5А            20              3       2     25  Иванова И.И., ")
    assert lines[3] == "7А     не внесено"
    assert lines[4].endswith("внесено классов 1 из 2")

    out = tmp_path / "attendance.xlsx"
    r = runner.invoke(
        cli,
        [
            "attendance",
            "export",
            "--school",
            str(s.id),
            "--out",
            str(out),
            "--from",
            first.isoformat(),
            "--to",
            day.isoformat(),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = list(load_workbook(out)["По дням"].iter_rows(min_row=5, values_only=True))
    assert rows[-1] == ("Итого", 20, 3, 2, 25, 1, 4)

    r = runner.invoke(
        cli,
        [
            "attendance",
            "totals",
            "--school",
            str(s.id),
            "--from",
            (day - timedelta(days=30)).isoformat(),
            "--to",
            day.isoformat(),
        ],
    )
    assert r.exit_code == 0, r.output
    [total] = json.loads(r.output)
    assert (total["school_id"], total["present"], total["entered"]) == (s.id, 20, 1)

    r = runner.invoke(cli, ["readiness", "show", "--school", str(s.id)])
    assert r.exit_code == 0, r.output
    assert "5А     не готов: чек-лист готовности не заполнен" in r.output

    r = runner.invoke(cli, ["attendance", "day", "--school", "999"])
    assert r.exit_code == 2 and "школы с номером 999 нет" in r.output
