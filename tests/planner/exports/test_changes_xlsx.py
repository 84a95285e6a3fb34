"""changes.xlsx lists exactly the changes of the pure diff, grouped by date and class."""

from __future__ import annotations

from openpyxl import load_workbook

from planner.engine.changes import ChangeSet, diff_against_base, diff_schedules
from planner.exports.changes_xlsx import COLUMNS, write_changes_xlsx

from .school import LINK_MATH, TUE, changed, remote_schedule, school_timetable, t


def read_groups(ws) -> list[tuple[str, str, list[list[object]]]]:
    """(date heading, class, rows) in sheet order."""
    out: list[tuple[str, str, list[list[object]]]] = []
    heading = None
    for row in ws.iter_rows(min_row=4, values_only=True):
        first = row[0]
        if isinstance(first, str) and first.startswith("Класс "):
            out.append((heading, first.removeprefix("Класс "), []))
        elif isinstance(first, str) and "," in first and row[1] is None:
            heading = first
        elif any(v is not None for v in row):
            out[-1][2].append(list(row))
    return out


def test_sheet_lists_exactly_the_diff_against_base(tmp_path):
    schedule = remote_schedule()
    changes = diff_against_base(schedule, school_timetable())
    path = write_changes_xlsx(
        tmp_path / "changes.xlsx", changes, school="Школа № 1", period="01.12–08.12.2026"
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["Лист замен"]
    ws = wb["Лист замен"]
    assert ws["A1"].value == "Лист замен — Школа № 1"
    assert [ws.cell(3, i + 1).value for i in range(len(COLUMNS))] == [c for c, _ in COLUMNS]
    groups = read_groups(ws)
    expected = [
        (d, cls, ["; ".join(c.details()) for c in items])
        for d, per_class in changes.grouped().items()
        for cls, items in per_class.items()
    ]
    assert [(cls, [r[9] for r in rows]) for _, cls, rows in groups] == [
        (cls, details) for _, cls, details in expected
    ]
    assert [g[0] for g in groups][:2] == ["01.12.2026, вторник", "01.12.2026, вторник"]
    assert sum(len(rows) for *_, rows in groups) == len(changes) == 19
    math = groups[0][2][0]
    assert math == [
        1, "08:30–09:15", "Математика", "Иванова И.И.", "08:30–09:00", "Математика",
        "Иванова И.И.", "онлайн", "без изменений",
        "время: 08:30–09:15 → 08:30–09:00; формат: очно → онлайн", LINK_MATH,
    ]  # fmt: skip
    rus = groups[0][2][3]
    assert rus[:9] == [
        3, "10:30–11:15", "Русский язык", "Иванова И.И.", "без времени", "Русский язык",
        "Иванова И.И.", "самостоятельно", "без изменений",
    ]  # fmt: skip


def test_sheet_is_printable(tmp_path):
    path = write_changes_xlsx(
        tmp_path / "c.xlsx", ChangeSet(), school="Школа № 1", period="01.12–08.12.2026"
    )
    ws = load_workbook(path).active
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.column_dimensions["J"].width == 44
    assert ws["A4"].value == "Изменений нет."


def test_second_sheet_lists_changes_since_previous_version(tmp_path):
    before = remote_schedule()
    after = changed(before, {"subject": "История", "date": TUE}, start=t("08:40"), end=t("09:10"))
    since = diff_schedules(before, after)
    path = write_changes_xlsx(
        tmp_path / "c.xlsx",
        diff_against_base(after, school_timetable()),
        school="Школа № 1",
        period="01.12–08.12.2026",
        since_previous=since,
        previous_number=3,
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["Лист замен", "С версии 3"]
    groups = read_groups(wb["С версии 3"])
    assert [(cls, [r[9] for r in rows]) for _, cls, rows in groups] == [
        ("5Б", ["время: 08:30–09:00 → 08:40–09:10"])
    ]
    assert groups[0][2][0][8] == "перенос"
