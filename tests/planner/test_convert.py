"""``planner convert``: any timetable file → flat CSV/XLSX."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from planner.cli import app
from planner.imports import load_timetable
from planner.imports.flat import read_flat
from tests.paths import ASC_FIXTURES, DATA

FILES = DATA / "flat"

runner = CliRunner()


def test_convert_csv_to_xlsx_and_back(tmp_path: Path) -> None:
    xlsx = tmp_path / "school.xlsx"
    csv = tmp_path / "school.csv"

    first = runner.invoke(app, ["convert", str(FILES / "school-ru.csv"), "--out", str(xlsx)])
    second = runner.invoke(app, ["convert", str(xlsx), "-o", str(csv)])

    assert first.exit_code == 0, first.output
    assert first.stdout == (
        f"Записано / written: {xlsx} — классов 2, уроков 6, учителей 5\n"
        "Замечаний при импорте нет.\n"
    )
    assert not (tmp_path / "school.findings.txt").exists()  # nothing to list, nothing written
    assert second.exit_code == 0, second.output
    assert set(read_flat(csv).lessons) == set(read_flat(FILES / "school-ru.csv").lessons)


def test_convert_bad_input_exits_2_with_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("день;урок;класс;предмет;учитель\nПнд;1;5А;Чтение;Иванова\n", encoding="utf-8")
    out = tmp_path / "out.csv"

    result = runner.invoke(app, ["convert", str(bad), "--out", str(out)])

    assert result.exit_code == 2
    assert result.stderr == (
        "Ошибка / Error:\n"
        "bad.csv, строка 2, столбец «день»: «Пнд» — неизвестный день недели; "
        "пишите Пн…Сб или 1…6\n"
        "bad.csv: в файле нет ни одного урока; под строкой заголовков впишите уроки, по одному "
        "в строке.\n"
    )
    assert not out.exists()


def test_convert_unknown_output_extension_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "out.ods"

    result = runner.invoke(app, ["convert", str(FILES / "school-ru.csv"), "--out", str(out)])

    assert result.exit_code == 2
    assert result.stderr == (
        f"Ошибка / Error:\n{out}: не знаю, как записать «.ods»; укажите файл .csv или .xlsx.\n"
    )


def test_convert_real_asc_export_reads_back_equal(tmp_path: Path) -> None:
    source = ASC_FIXTURES / "SOTY2026.xml"
    out = tmp_path / "soty.csv"

    result = runner.invoke(app, ["convert", str(source), "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert set(read_flat(out).lessons) == set(load_timetable(source).lessons)
