"""``attendance.xlsx`` — a school's attendance of remote days for the municipality.

Two sheets: «По дням» (per date: on the lessons, absent, ill, total, classes entered out of the
remote classes) with a total row, and «По классам» (per class and date: the counts, who entered
them and when, in the school's time; a class without an entry is marked). Counts only: no pupil is
named anywhere (152-ФЗ). The tables come as pandas frames (``api.services.attendance``).

Text cells are written as text, never as formulas (a class or teacher name that starts with «=»
stays text).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DAY_HEADERS = (
    "Дата",
    "На уроках",
    "Отсутствовали",
    "Болеют",
    "Всего",
    "Классов внесено",
    "Дистанционных классов",
)
CLASS_HEADERS = (
    "Дата",
    "Класс",
    "На уроках",
    "Отсутствовали",
    "Болеют",
    "Всего",
    "Кто внёс",
    "Как",
    "Когда",
    "Исправлений",
)
MISSING_RU = "не внесено"
BOLD = Font(bold=True)
MISSING_FILL = PatternFill("solid", fgColor="FFF4C2")


def _put(ws: Worksheet, row: int, values: list[Any], *, bold: bool = False) -> None:
    """One row; text always as a text cell (never a formula), numbers as numbers."""
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"  # «=…» is data, not a formula
        else:
            cell.value = value
        if bold:
            cell.font = BOLD


def _text_date(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def _when(value: Any) -> str:
    if value is None or (not isinstance(value, datetime) and pd.isna(value)):
        return ""
    return f"{value:%d.%m.%Y %H:%M}"


def write_attendance_xlsx(
    target: Path | IO[bytes],
    per_date: pd.DataFrame,
    per_class: pd.DataFrame,
    *,
    school: str,
    period: tuple[date, date],
    citation: str,
    timezone: str,
) -> Path | IO[bytes]:
    """Write the workbook to a path or a binary file object."""
    wb = Workbook()
    title = (
        f"{school}: посещаемость дистанционных уроков "
        f"с {_text_date(period[0])} по {_text_date(period[1])}"
    )
    days = wb.active
    days.title = "По дням"
    _put(days, 1, [title], bold=True)
    _put(days, 2, [f"Только числа, без имён учеников ({citation}). Время — {timezone}."])
    _put(days, 4, list(DAY_HEADERS), bold=True)
    row = 5
    for r in per_date.itertuples(index=False):
        _put(
            days,
            row,
            [
                _text_date(r.date),
                int(r.present),
                int(r.absent),
                int(r.ill),
                int(r.total),
                int(r.entered),
                int(r.expected),
            ],
        )
        row += 1
    sums = [
        int(per_date[k].sum()) for k in ("present", "absent", "ill", "total", "entered", "expected")
    ]
    _put(days, row, ["Итого", *sums], bold=True)

    classes = wb.create_sheet("По классам")
    _put(classes, 1, [title], bold=True)
    _put(classes, 3, list(CLASS_HEADERS), bold=True)
    row = 4
    for r in per_class.itertuples(index=False):
        if r.missing:
            values: list[Any] = [
                _text_date(r.date),
                r.class_name,
                None,
                None,
                None,
                None,
                MISSING_RU,
                "",
                "",
                None,
            ]
        else:
            values = [
                _text_date(r.date),
                r.class_name,
                int(r.present),
                int(r.absent),
                int(r.ill),
                int(r.total),
                r.entered_by,
                r.entered_via or "",
                _when(r.entered_at),
                int(r.corrections),
            ]
        _put(classes, row, values)
        if r.missing:
            for col in range(1, len(CLASS_HEADERS) + 1):
                classes.cell(row=row, column=col).fill = MISSING_FILL
        row += 1

    for ws, headers, head_row in ((days, DAY_HEADERS, 4), (classes, CLASS_HEADERS, 3)):
        for i, name in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(11, len(name) + 2)
            ws.cell(row=head_row, column=i).alignment = Alignment(wrap_text=True)
        ws.freeze_panes = f"A{head_row + 1}"
    classes.column_dimensions["G"].width = 24
    classes.column_dimensions["I"].width = 17
    wb.properties.title = title
    wb.properties.creator = "remote-planner"
    wb.save(target)
    return target
