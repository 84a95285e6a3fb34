"""Issue 8, «Done when»: ``planner convert`` and ``planner rebuild`` accept aSc 2008 and 2012,
current FET and the Russian grid with and without a load table, print the findings and exit 0;
``--strict`` refuses at the first finding; hostile files end with exit 2 and a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from tests.hostile import hostile_xlsx
from tests.paths import DATA

runner = CliRunner()
GRID = DATA / "grid"

ASC2008 = DATA / "asc" / "asc2008-cp1251.xml"
#: file, extra options, a class of it, what the findings say (headline)
SOURCES = {
    "asc2008": (ASC2008, [], "5А", "Замечаний при импорте: 3; пояснений: 1."),
    "asc2012": (DATA / "asc" / "small.xml", [], "5А", "Замечаний при импорте нет; пояснений: 3."),
    "fet": (DATA / "fet" / "current.fet", [], "5K", "Замечаний при импорте нет."),
    "grid": (GRID / "school-grid.xlsx", [], "5А", "Замечаний при импорте нет; пояснений: 2."),
    "grid+load": (
        GRID / "school-grid.xlsx",
        ["--load-table", str(GRID / "school-load.xlsx"), "--bells", str(GRID / "bells.csv")],
        "5А",
        "Замечаний при импорте нет; пояснений: 5.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SOURCES))
def test_convert_reads_every_format_prints_findings_and_exits_0(tmp_path: Path, name: str) -> None:
    source, extra, _cls, headline = SOURCES[name]
    out = tmp_path / "out.csv"

    result = runner.invoke(app, ["convert", str(source), "-o", str(out), *extra])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Записано / written: {out} — классов ")
    assert lines[1] == headline
    written = tmp_path / "out.findings.json"
    assert written.exists() == (headline != "Замечаний при импорте нет.")


@pytest.mark.parametrize("name", list(SOURCES))
def test_rebuild_reads_every_format_and_reports_findings(tmp_path: Path, name: str) -> None:
    source, extra, cls, headline = SOURCES[name]
    order = tmp_path / "order.yaml"
    order.write_text(f"classes: [{cls}]\nfrom: 2026-12-08\nto: 2026-12-08\n", encoding="utf-8")
    out = tmp_path / "out"

    result = runner.invoke(
        app,
        ["rebuild", str(source), "--order", str(order), "-o", str(out), "--time-limit", "5",
         "--workers", "1", "-q", *extra],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == headline
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    meta = json.loads((out / "schedule.json").read_text(encoding="utf-8"))["meta"]["import"]
    assert (meta["findings"], meta["notes"]) == (doc["findings"], doc["notes"])
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Замечания при импорте</h2>" in report
    for group in doc["groups"]:
        assert f"<h3>{group['title']} — {group['count']}" in report


def test_findings_are_grouped_with_places_and_the_full_list_is_written(tmp_path: Path) -> None:
    source = DATA / "asc" / "asc2008-cp1251.xml"
    out = tmp_path / "school.csv"

    result = runner.invoke(app, ["convert", str(source), "-o", str(out)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:5] == [
        "Замечаний при импорте: 3; пояснений: 1.",
        "  Ссылки на то, чего нет в файле — 1",
        "  Пропущенные уроки — 1",
        "  Кодировка файла — 1",
    ]
    assert any(line.startswith("  asc2008-cp1251.xml, ") for line in lines)  # the places
    full = (tmp_path / "school.findings.txt").read_text(encoding="utf-8").splitlines()
    assert full[:5] == lines[1:6]


def test_a_long_list_is_capped_on_the_terminal(tmp_path: Path) -> None:
    def at(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    rows = "\n".join(
        f"Пн,{n},{at(420 + 50 * n)},{at(465 + 50 * n)},{c},,{t}"
        for c, t in (("5А", "Иванова И.И."), ("5Б", "Петрова А.А."))
        for n in range(1, 16)
    )  # 30 lessons without a subject
    source = tmp_path / "empty-subjects.csv"
    source.write_text(f"день,урок,начало,конец,класс,предмет,учитель\n{rows}\n", encoding="utf-8")

    result = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / "out.csv")])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "… и ещё 10 мест." in lines
    assert lines[-1] == f"Полный список: {tmp_path / 'out.findings.txt'} (и out.findings.json)."
    assert sum(1 for line in lines if line.startswith("  empty-subjects.csv, строка")) == 20
    full = (tmp_path / "out.findings.txt").read_text(encoding="utf-8")
    assert full.count("empty-subjects.csv, строка") == 30


def test_strict_refuses_at_the_first_finding_with_place_and_count(tmp_path: Path) -> None:
    source = DATA / "asc" / "asc2008-cp1251.xml"
    out = tmp_path / "out.csv"

    result = runner.invoke(app, ["convert", str(source), "-o", str(out), "--strict"])

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        "Ошибка / Error:",
        "строгая проверка (--strict): файл не принят из-за замечаний импорта.",
    ]
    assert lines[2].startswith("Первое: asc2008-cp1251.xml: файл в кодировке Windows-1251")
    assert lines[2].endswith("; и ещё 2 замечания.")
    assert not out.exists()


def test_strict_rebuild_refuses_too(tmp_path: Path) -> None:
    order = tmp_path / "order.yaml"
    order.write_text("classes: [5А]\nfrom: 2026-12-08\nto: 2026-12-08\n", encoding="utf-8")
    result = runner.invoke(app, ["rebuild", str(GRID / "quirks.xlsx"), "--order", str(order),
                                 "-o", str(tmp_path / "out"), "--strict"])  # fmt: skip
    assert result.exit_code == 2
    assert "строгая проверка (--strict)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_hostile_xlsx_ends_with_exit_2_and_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.imports._tables

    monkeypatch.setattr(planner.imports._tables, "MAX_TEXT_CHARS", 50_000)
    source = hostile_xlsx(tmp_path / "огромная.xlsx", 200, "Ж" * 100)

    result = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / "out.csv")])

    assert result.exit_code == 2
    assert result.stderr == (
        "Ошибка / Error:\nогромная.xlsx: на листе «Лист1» больше 50000 знаков текста; это не "
        "похоже на расписание школы.\n"
    )


def test_an_importer_crash_ends_with_exit_2_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.imports.asc

    def crash(*_a: object, **_k: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(planner.imports.asc, "read_asc", crash)
    result = runner.invoke(
        app, ["convert", str(DATA / "asc" / "small.xml"), "-o", str(tmp_path / "out.csv")]
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("Ошибка / Error:\nsmall.xml: файл не удалось прочитать")
    assert "RecursionError" not in result.output and "Traceback" not in result.output


def test_a_csv_over_the_row_limit_ends_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.imports._tables

    monkeypatch.setattr(planner.imports._tables, "MAX_ROWS", 10)
    source = tmp_path / "длинный.csv"
    rows = "".join(f"Пн,{n % 7 + 1},08:00,08:45,{n}А,Математика\n" for n in range(11))
    source.write_text(f"день,урок,начало,конец,класс,предмет\n{rows}", encoding="utf-8")

    result = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / "out.csv")])

    assert result.exit_code == 2
    assert result.stderr == (
        "Ошибка / Error:\n"
        "длинный.csv: в файле больше 10 строк; это не похоже на расписание школы.\n"
    )


def test_a_load_table_given_to_an_asc_file_is_noted_not_used(tmp_path: Path) -> None:
    source = DATA / "asc" / "small.xml"
    load = GRID / "school-load.xlsx"
    result = runner.invoke(
        app, ["convert", str(source), "-o", str(tmp_path / "o.csv"), "--load-table", str(load)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "  school-load.xlsx: приложена таблица нагрузки → не использована: учителя берутся из "
        "файла расписания (нагрузка нужна только сетке-шахматке)"
    ) in result.stdout.splitlines()
