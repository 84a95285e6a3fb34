"""The Russian grid («шахматка») with its load table and bells: realistic files in tests/data."""

from __future__ import annotations

from collections import Counter
from datetime import time
from pathlib import Path

import pytest

from planner.domain.errors import InputError
from planner.domain.model import BaseLesson
from planner.imports import load_timetable
from planner.imports.flat import read_flat
from planner.imports.grid import default_bells, split_cell
from tests.paths import DATA

GRID = DATA / "grid"


def _key(x: BaseLesson) -> tuple[object, ...]:
    return (x.day, x.lesson, x.start, x.end, x.classes, x.group, x.subject, x.teachers, x.room)


def test_grid_with_load_table_and_bells_is_the_flat_truth() -> None:
    timetable = load_timetable(
        GRID / "school-grid.xlsx",
        load_table=GRID / "school-load.xlsx",
        bells=GRID / "bells.csv",
        strict=True,
    )
    truth = read_flat(GRID / "school-flat.csv")

    assert sorted(map(_key, timetable.lessons)) == sorted(map(_key, truth.lessons))
    assert list(timetable.classes) == list(truth.classes)
    # the elective of 10А and 10Б with one teacher is one joint lesson: a note, strict accepts it;
    # a note says where the bells came from
    assert Counter(f.kind for f in timetable.findings) == {"joint_lesson": 4, "format_note": 1}
    [bells] = [f for f in timetable.findings if f.kind == "format_note"]
    assert bells.read_as == "взяты звонки из файла «bells.csv»"


def test_grid_without_load_table_imports_without_teachers_and_says_so() -> None:
    timetable = load_timetable(GRID / "school-grid.xlsx", strict=False)

    assert timetable.teachers == ()
    assert len(timetable.classes) == 27
    assert len(timetable.lessons) == 879  # electives of two classes are not joined: no teacher
    kinds = {f.kind: f for f in timetable.findings}
    assert set(kinds) == {"no_teachers", "default_bells"}
    assert kinds["no_teachers"].note and kinds["default_bells"].note
    assert "ленты учителей недоступны" in kinds["no_teachers"].read_as
    monday_1a = sorted(
        (x.lesson, x.start, x.end) for x in timetable.lessons if x.classes == ("1А",) and x.day == 1
    )
    assert monday_1a[:2] == [(1, time(8, 0), time(8, 45)), (2, time(8, 55), time(9, 40))]


def test_default_bells_are_45_10_20() -> None:
    bells = default_bells(5)
    assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in bells.values()] == [
        ("08:00", "08:45"),
        ("08:55", "09:40"),
        ("09:50", "10:35"),
        ("10:55", "11:40"),
        ("12:00", "12:45"),
    ]


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        ("Алгебра 305", [("Алгебра", "305")]),
        ("Алгебра / 305", [("Алгебра", "305")]),
        ("Английский / Немецкий", [("Английский", None), ("Немецкий", None)]),
        ("Английский / Немецкий 331/436", [("Английский", "331"), ("Немецкий", "436")]),
        ("Физика 7 класс", [("Физика 7 класс", None)]),
    ],
)
def test_split_cell(cell: str, parts: list[tuple[str, str | None]]) -> None:
    assert [(p.subject, p.room) for p in split_cell(cell)] == parts


def test_quirky_grid_one_sheet_bells_and_load_sheets() -> None:
    timetable = load_timetable(GRID / "quirks.xlsx", strict=False)
    lessons = {_key(x) for x in timetable.lessons}
    t = time

    # a title line above the header; the day in a merged cell in capitals; rooms in the cells
    assert (1, 1, t(8, 0), t(8, 40), ("5А",), None, "Алгебра", ("Орлова Е.В.",), "305") in lessons
    # split groups with their rooms, group names from the load table
    assert {
        (x[5], x[6], x[7], x[8]) for x in lessons if x[:2] == (1, 3) and x[4] == ("11И (физ-мат)",)
    } == {
        ("англ", "Английский", ("Смит Дж.",), "331"),
        ("нем", "Немецкий", ("Мюллер Г.",), "436"),
    }
    # identical halves are the load table's groups in order
    assert {x[5] for x in lessons if x[4] == ("5А",) and x[6] == "Информатика"} == {
        "1 гр.",
        "2 гр.",
    }
    # a class with its own number column: numbers shifted by two
    assert (1, 3, t(9, 50), t(10, 30), ("6Б (2 смена)",), None, "Русский язык",
            ("Петрова А.А.",), None) in lessons  # fmt: skip
    # profile classes with the same letter stay two classes; one teacher → one joint lesson
    assert (2, 3, t(9, 50), t(10, 30), ("11И (физ-мат)", "11И (физ-хим)"), None, "Алгебра",
            ("Орлова Е.В.",), None) in lessons  # fmt: skip
    assert set(timetable.classes) == {"5А", "6Б (2 смена)", "11И (физ-мат)", "11И (физ-хим)"}

    kinds = Counter(f.kind for f in timetable.findings)
    assert kinds == {"load_table": 4, "names_merged": 2, "joint_lesson": 1, "source_clash": 1}
    merged = [f for f in timetable.findings if f.kind == "names_merged"]
    assert {f.read_as for f in merged} == {"прочитано как одно название «Русский язык»"}
    [clash] = timetable.source_clashes if len(timetable.source_clashes) == 1 else [None]
    assert clash is not None and clash.kind == "teacher" and clash.who == "Орлова Е.В."
    assert timetable.clash_in_source(clash.a, clash.b)


def test_quirky_grid_strict_refuses_with_every_finding() -> None:
    with pytest.raises(InputError) as err:
        load_timetable(GRID / "quirks.xlsx", strict=True)

    assert len(err.value.problems) == 7
    assert any(p.message.startswith("Учитель Орлова Е.В.") for p in err.value.problems)


def test_a_workbook_that_is_neither_flat_nor_grid_is_refused(tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Просто", "таблица"])
    wb.active.append(["без", "классов"])
    path = tmp_path / "other.xlsx"
    wb.save(path)

    with pytest.raises(InputError) as err:
        load_timetable(path, load_table=GRID / "school-load.xlsx")

    assert "ни плоской таблицы уроков" in err.value.problems[0].message


def test_shipped_grid_template_reads_strictly() -> None:
    templates = Path(__file__).parents[3] / "data" / "templates"
    timetable = load_timetable(templates / "grid-template.xlsx", strict=True)

    assert len(timetable.lessons) == 10
    assert {f.kind for f in timetable.findings} == set()
    separate = load_timetable(
        templates / "grid-template.xlsx", load_table=templates / "load-template.csv", strict=False
    )
    assert any(f.kind == "load_table" for f in separate.findings)


def test_a_flat_csv_is_known_by_its_header_without_parsing_it(monkeypatch) -> None:
    """The flat-header shortcut of ``is_grid`` answers as the full check does, on every table."""
    from planner.imports import grid

    files = sorted(p for p in DATA.rglob("*") if p.suffix.lower() in (".csv", ".xlsx"))
    fast = {p: grid.is_grid(p) for p in files}
    shortcut = [p.name for p in files if grid._flat_csv_header(p)]
    assert {"school-ru.csv", "school-cp1251.csv", "irregular.csv"} <= set(shortcut)
    assert "school-grid.xlsx" not in shortcut
    monkeypatch.setattr(grid, "_flat_csv_header", lambda _p: False)
    assert {p: grid.is_grid(p) for p in files} == fast
    assert any(fast.values())
