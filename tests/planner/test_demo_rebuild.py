"""The demo school with both example orders: rebuilt, then re-checked by `planner check`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()


@pytest.mark.parametrize("order", ["order-three-classes.yaml", "order-whole-school.yaml"])
def test_demo_school_rebuild_passes_planner_check(tmp_path: Path, order: str) -> None:
    school = tmp_path / "school"
    assert runner.invoke(app, ["demo-school", str(school), "--size", "small"]).exit_code == 0
    timetable, order_path, out = school / "timetable.csv", school / order, tmp_path / "out"

    rebuilt = runner.invoke(
        app,
        ["rebuild", str(timetable), "--order", str(order_path), "--out", str(out),
         "--time-limit", "4", "--workers", "2", "-q"],
    )  # fmt: skip
    assert rebuilt.exit_code == 0, rebuilt.output

    checked = runner.invoke(
        app, ["check", str(out / "schedule.json"), "--timetable", str(timetable),
              "--order", str(order_path)],
    )  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "Нарушений нет" in checked.output
