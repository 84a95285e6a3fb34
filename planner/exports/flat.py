"""Write a timetable in the flat format that :func:`planner.imports.flat.read_flat` reads back.

CSV: UTF-8 *with* BOM (Excel then opens Cyrillic correctly; LibreOffice and Python ignore the
BOM), comma-separated, CRLF line ends, Russian headers
``день, урок, начало, конец, класс, группа, предмет, учитель, кабинет`` (plus ``смена`` when a
class studies in the 2nd shift). Rows are sorted by day, start, class, group, subject, so the same
timetable always gives a byte-identical file. Text a spreadsheet would run as a formula is defused
(:mod:`planner.exports.cells`).

XLSX: sheet ``Расписание`` with the same columns (bold frozen header, column widths, filter) and
sheet ``Звонки`` with the bell schedules (``смена, урок, начало, конец, классы``; an empty
``классы`` means the whole shift).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from planner.domain.errors import InputError
from planner.domain.model import DAY_NAMES_RU, BaseLesson, Timetable, class_order, hhmm

from .cells import csv_bytes

__all__ = ["BELL_COLUMNS", "COLUMNS", "bell_rows", "flat_csv_bytes", "flat_rows", "write_flat"]

COLUMNS = ("день", "урок", "начало", "конец", "класс", "группа", "предмет", "учитель", "кабинет")
SHIFT_COLUMN = "смена"
BELL_COLUMNS = ("смена", "урок", "начало", "конец", "классы")
_WIDTHS = {
    "день": 7,
    "урок": 7,
    "начало": 9,
    "конец": 9,
    "класс": 14,
    "группа": 14,
    "предмет": 28,
    "учитель": 30,
    "кабинет": 10,
    "смена": 8,
    "классы": 30,
}


def _lesson_key(x: BaseLesson) -> tuple[object, ...]:
    return (
        x.day,
        x.start_min,
        [class_order(c) for c in x.classes],
        x.group or "",
        x.subject,
        x.lesson,
        x.end_min,
        x.teachers,
        x.room or "",
    )


def _needs_shift(timetable: Timetable) -> bool:
    return any(c.shift != 1 for c in timetable.classes.values())


def flat_rows(timetable: Timetable) -> list[list[str]]:
    """The header and one row per lesson, as text, in the deterministic file order."""
    with_shift = _needs_shift(timetable)
    header = [*COLUMNS, SHIFT_COLUMN] if with_shift else list(COLUMNS)
    rows = [header]
    for x in sorted(timetable.lessons, key=_lesson_key):
        row = [
            DAY_NAMES_RU[x.day - 1],
            str(x.lesson),
            hhmm(x.start) or "",
            hhmm(x.end) or "",
            ", ".join(x.classes),
            x.group or "",
            x.subject,
            ", ".join(x.teachers),
            x.room or "",
        ]
        if with_shift:
            row.append(str(timetable.classes[x.classes[0]].shift))
        rows.append(row)
    return rows


def bell_rows(timetable: Timetable) -> list[list[str]]:
    """The ``Звонки`` sheet: header and one row per bell.

    For each shift the schedule most of its classes use is written with an empty ``классы``;
    any other schedule (e.g. shorter lessons of the 1st grade) names its classes.
    """
    users: dict[str, list[str]] = {}
    for c in timetable.classes.values():
        if c.bell_schedule and c.bell_schedule in timetable.bell_schedules:
            users.setdefault(c.bell_schedule, []).append(c.name)
    if not users and len(timetable.bell_schedules) == 1:
        (only,) = timetable.bell_schedules
        users[only] = []
    shift_of = {
        name: min((timetable.classes[c].shift for c in cs), default=1) for name, cs in users.items()
    }
    base: dict[int, str] = {}
    for s in sorted(set(shift_of.values())):
        candidates = Counter({n: len(users[n]) for n in users if shift_of[n] == s})
        base[s] = sorted(candidates, key=lambda n: (-candidates[n], n))[0]
    rows = [list(BELL_COLUMNS)]
    for name in sorted(users, key=lambda n: (shift_of[n], n != base[shift_of[n]], n)):
        schedule = timetable.bell_schedules[name]
        classes = (
            "" if base[shift_of[name]] == name else ", ".join(sorted(users[name], key=class_order))
        )
        for bell in sorted(schedule.bells, key=lambda b: b.lesson):
            rows.append(
                [
                    str(shift_of[name]),
                    str(bell.lesson),
                    hhmm(bell.start) or "",
                    hhmm(bell.end) or "",
                    classes,
                ]
            )
    return rows


def flat_csv_bytes(timetable: Timetable) -> bytes:
    """The CSV file's bytes (UTF-8 with BOM, comma, CRLF; formula-like text defused)."""
    return csv_bytes(flat_rows(timetable))


def _write_xlsx(timetable: Timetable, path: Path) -> None:
    from openpyxl import Workbook  # slow import, only for XLSX
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .xlsx import CellStyle, append, save

    header = CellStyle(font=Font(bold=True))
    wb = Workbook()
    sheets = (("Расписание", flat_rows(timetable)), ("Звонки", bell_rows(timetable)))
    for i, (title, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        numbers = [name in ("урок", "смена") for name in rows[0]]
        append(ws, rows[0], header)
        for values in rows[1:]:
            append(
                ws,
                [int(v) if n and v.isdigit() else v for n, v in zip(numbers, values, strict=True)],
            )
        for c, name in enumerate(rows[0], start=1):
            ws.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(name, 12)
        ws.freeze_panes = "A2"
        if len(rows) > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    save(wb, path)


def write_flat(timetable: Timetable, path: Path | str) -> None:
    """Write ``timetable`` to ``path``: CSV or XLSX by the extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(flat_csv_bytes(timetable))
    elif suffix == ".xlsx":
        _write_xlsx(timetable, path)
    else:
        raise InputError.at(
            str(path),
            f"не знаю, как записать «{path.suffix or 'без расширения'}»; "
            "укажите файл .csv или .xlsx.",
        )
