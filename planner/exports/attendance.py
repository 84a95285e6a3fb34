"""``attendance.xlsx`` — a school's attendance of remote days for the municipality.

Two sheets: «По дням» (per date: on the lessons, absent, ill, total, classes entered out of the
remote classes) with a total row, and «По классам» (per class and date: the counts, who entered
them and when, in the school's time; a class without an entry is marked). Counts only: no pupil is
named anywhere (152-ФЗ). The tables come as pandas frames (``api.services.attendance``).

Cells go through :mod:`planner.exports.xlsx`: text is never a formula (a class or teacher name
that starts with «=» stays text, with Excel's quote prefix).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .xlsx import CellStyle, append, save

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
_TITLE = CellStyle(font=BOLD)
_HEADER = CellStyle(font=BOLD, alignment=Alignment(wrap_text=True))
_MISSING = CellStyle(fill=MISSING_FILL)


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
    append(days, [title], _TITLE)
    append(days, [f"Только числа, без имён учеников ({citation}). Время — {timezone}."])
    append(days, [])
    append(days, list(DAY_HEADERS), _HEADER)
    for r in per_date.itertuples(index=False):
        append(
            days,
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
    sums = [
        int(per_date[k].sum()) for k in ("present", "absent", "ill", "total", "entered", "expected")
    ]
    append(days, ["Итого", *sums], _TITLE)

    classes = wb.create_sheet("По классам")
    append(classes, [title], _TITLE)
    append(classes, [])
    append(classes, list(CLASS_HEADERS), _HEADER)
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
        append(classes, values, _MISSING if r.missing else None)

    for ws, headers, head_row in ((days, DAY_HEADERS, 4), (classes, CLASS_HEADERS, 3)):
        for i, name in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(11, len(name) + 2)
        ws.freeze_panes = f"A{head_row + 1}"
    classes.column_dimensions["G"].width = 24
    classes.column_dimensions["I"].width = 17
    wb.properties.title = title
    wb.properties.creator = "remote-planner"
    save(wb, target)
    return target
