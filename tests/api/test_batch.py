"""``planner batch``: a folder of schools and one order, on the embedded pool, without the app."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from planner.cli import app
from tests.api.util import DATA

DEMO_CSV = DATA.parent.parent / "web" / "data" / "demo-small.csv"


def _folder(tmp_path: Path) -> Path:
    schools = tmp_path / "schools"
    schools.mkdir()
    (schools / "Школа № 1.csv").write_bytes(DEMO_CSV.read_bytes())
    (schools / "Школа № 2.csv").write_bytes((DATA / "school.csv").read_bytes())  # grades 5–6
    (schools / "Школа № 3.csv").write_text("день,урок\nПн,x\n", encoding="utf-8")
    (schools / "readme.txt").write_text("не расписание", encoding="utf-8")
    return schools


def test_batch_frost_order_writes_each_school_and_the_summary(tmp_path: Path) -> None:
    order = tmp_path / "frost.yaml"
    order.write_text(
        "reason: frost\ntitle: Телефонограмма № 15\nfrom: 2026-12-08\nto: 2026-12-08\n"
        "frost: {temperature: -26}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["batch", str(_folder(tmp_path)), "--order", str(order), "--out", str(out),
         "--time-limit", "1", "--jobs", "1"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # school 3's file is not a timetable
    assert "Итог по школам" in result.output
    assert "файл «Школа № 3.csv» не прочитан" in result.output
    assert "не затронута" in result.output  # school 2 has no grades 1–4
    written = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert written == ["shkola-o-1"]
    assert (out / "shkola-o-1" / "schedule.json").is_file()
    assert (out / "shkola-o-1" / "epos.xlsx").is_file()
    wb = load_workbook(out / "summary.xlsx")
    rows = list(wb["Школы"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Школа № 3", "Школа № 1", "Школа № 2"]
    assert rows[2][1:4] == ("готово к проверке", "1–4", 4)


def test_batch_takes_an_ordinary_school_order_for_every_school(tmp_path: Path) -> None:
    schools = _folder(tmp_path)
    (schools / "Школа № 3.csv").unlink()
    order = tmp_path / "order.yaml"
    order.write_text("classes: [5А]\nfrom: 2026-12-08\nto: 2026-12-08\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["batch", str(schools), "--order", str(order), "--out", str(out), "--time-limit",
              "1", "--jobs", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and p.name[0] != ".") == [
        "shkola-o-1", "shkola-o-2"
    ]  # fmt: skip


def test_batch_refuses_an_unreadable_order(tmp_path: Path) -> None:
    order = tmp_path / "bad.yaml"
    order.write_text("reason: снег\nfrom: 2026-12-08\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["batch", str(_folder(tmp_path)), "--order", str(order), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "reason — frost (мороз), quarantine (карантин) или regional" in result.output
