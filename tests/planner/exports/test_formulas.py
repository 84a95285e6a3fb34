"""Hostile names in every spreadsheet the project writes: never a formula, and they read back.

Subjects and teachers named like formulas and DDE calls go through a whole bundle (``epos.csv``,
``epos.xlsx``, ``changes.xlsx``) and the flat export (``planner convert`` CSV and XLSX): CSV cells
get a leading apostrophe, workbooks have no formula cell and mark the text with Excel's quote
prefix, and the flat importer reads each file back to the original names.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from constraints.catalogue import NormCatalogue
from constraints.checker import check_schedule
from planner.domain.model import Timetable
from planner.domain.schedule import Schedule
from planner.exports.bundle import write_bundle
from planner.exports.cells import FORMULA_STARTS
from planner.exports.flat import write_flat
from planner.imports import load_timetable

from .school import order, remote_schedule, school_timetable

SUBJECTS = {
    "Математика": '=HYPERLINK("http://x","y")',
    "История": "+1",
    "Литература": "-2",
    "Хор": "@SUM(A1)",
    "ИЗО": "\tТаб",
    "Русский язык": "\rВозврат",
    "Английский язык": "=cmd|' /C calc'!A0",
    "Физкультура": "Физкультура",
}
TEACHERS = {"Иванова И.И.": "=cmd|' /C calc'!A0", "Петров П.П.": "-2", "Сидорова С.С.": "@SUM(A1)"}


def _teacher(names: str | None) -> str | None:
    if names is None:
        return None
    return ", ".join(TEACHERS.get(t.strip(), t.strip()) for t in names.split(","))


def hostile_timetable() -> Timetable:
    tt = school_timetable()
    lessons = []
    for x in tt.lessons:
        teachers = tuple(TEACHERS.get(name, name) for name in x.teachers)
        lessons.append(replace(x, subject=SUBJECTS[x.subject], teachers=teachers))
    return Timetable(school=tt.school, classes=tt.classes, lessons=tuple(lessons))


def hostile_schedule() -> Schedule:
    s = remote_schedule()
    return s.with_items(
        replace(i, subject=SUBJECTS[i.subject], teacher=_teacher(i.teacher))
        if i.kind == "lesson"
        else i
        for i in s.items
    )


def _read_as_importer(text: str) -> str:
    return text.strip()  # the flat importer trims every cell (tab, CR, spaces)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("hostile")
    o, tt, schedule = order(), hostile_timetable(), hostile_schedule()
    cat = NormCatalogue.load(on=o.date_from, overrides=o.overrides)
    report = check_schedule(schedule, tt, o, cat)
    write_bundle(outdir, schedule, tt, o, cat, report, None,
                 now=datetime(2026, 11, 30, 13, tzinfo=UTC))  # fmt: skip
    write_flat(tt, outdir / "flat.csv")
    write_flat(tt, outdir / "flat.xlsx")
    return outdir


def assert_no_formula(path: Path) -> int:
    """No formula cell in the workbook; formula-like text carries the quote prefix. The number of
    formula-like cells."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    seen = 0
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value.startswith((*FORMULA_STARTS, "\n")):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    seen += 1
    return seen


@pytest.mark.parametrize("name", ["epos.xlsx", "changes.xlsx", "flat.xlsx"])
def test_no_formula_cell_in_any_workbook(bundle, name):
    assert assert_no_formula(bundle / name) >= len(set(SUBJECTS.values())) - 2


@pytest.mark.parametrize("name", ["epos.csv", "flat.csv"])
def test_csv_cells_are_prefixed(bundle, name):
    text = (bundle / name).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for hostile in {*SUBJECTS.values(), *TEACHERS.values()} - {"Физкультура"}:
        assert "'" + hostile in cells, hostile


@pytest.mark.parametrize("name", ["epos.csv", "flat.csv", "flat.xlsx"])
def test_importer_reads_the_original_names_back(bundle, name):
    back = load_timetable(bundle / name)
    subjects = {x.subject for x in back.lessons}
    teachers = {t for x in back.lessons for t in x.teachers}
    online = {i.subject for i in hostile_schedule().lessons() if i.start is not None}
    want = {x.subject for x in hostile_timetable().lessons} if name.startswith("flat") else online
    assert subjects == {_read_as_importer(s) for s in want}
    assert teachers >= {"=cmd|' /C calc'!A0", "@SUM(A1)"}
    assert teachers <= set(TEACHERS.values()) | {"Смит Д.Д.", "Петрова А.А."}


def test_summaries_attendance_and_municipal_never_hold_a_formula(tmp_path):
    import numpy as np
    import pandas as pd

    from planner.exports.attendance import write_attendance_xlsx
    from planner.exports.municipal import write_municipal_summary

    day = datetime(2026, 12, 1).date()
    per_date = pd.DataFrame([{"date": day, "present": 20, "absent": 3, "ill": 2, "total": 25,
                              "entered": 1, "expected": 2}])  # fmt: skip
    per_class = pd.DataFrame([
        {"date": day, "class_name": "5А", "missing": False, "present": 20, "absent": 3, "ill": 2,
         "total": 25, "entered_by": "=cmd|' /C calc'!A0", "entered_via": "@SUM(A1)",
         "entered_at": datetime(2026, 12, 1, 9, 5), "corrections": 0},
        {"date": day, "class_name": "5Б", "missing": True, "present": 0, "absent": 0, "ill": 0,
         "total": 0, "entered_by": None, "entered_via": None, "entered_at": None,
         "corrections": 0},
    ])  # fmt: skip
    write_attendance_xlsx(tmp_path / "attendance.xlsx", per_date, per_class,
                          school='=HYPERLINK("http://x","y")', period=(day, day),
                          citation="152-ФЗ", timezone="Asia/Yekaterinburg")  # fmt: skip
    frame = pd.DataFrame({"Школа": ['=HYPERLINK("http://x","y")', "-2"],
                          "Классов": np.array([4, 5]), "Доля": [0.5, float("nan")]})  # fmt: skip
    write_municipal_summary(tmp_path / "summary.xlsx", {"Школы": frame})

    assert assert_no_formula(tmp_path / "attendance.xlsx") == 4  # title ×2, who, how
    assert assert_no_formula(tmp_path / "summary.xlsx") == 2
    ws = load_workbook(tmp_path / "summary.xlsx")["Школы"]
    assert [c.value for c in ws[2]] == ['=HYPERLINK("http://x","y")', 4, 0.5]
    assert [c.value for c in ws[3]][:2] == ["-2", 5] and ws["C3"].value is None
    days = load_workbook(tmp_path / "attendance.xlsx")["По дням"]
    assert [c.value for c in days[5]] == ["01.12.2026", 20, 3, 2, 25, 1, 2]
