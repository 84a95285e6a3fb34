"""``summary.xlsx`` — the municipal summary of one order: the order, every school, the totals.

The tables are pandas frames (:func:`planner.app.municipal.report_frames`); every cell goes
through :mod:`planner.exports.xlsx` (text never becomes a formula).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .xlsx import CellStyle, append, save

_HEADER = CellStyle(font=Font(bold=True))


def _value(value: object) -> object:
    """A frame's value as a cell's: a number stays a number, the rest is text, NaN is empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def write_municipal_summary(
    target: Path | BinaryIO, sheets: Mapping[str, pd.DataFrame]
) -> Path | BinaryIO:
    """Write each frame as a sheet (header row bold, columns sized to their text) into a file
    or a binary stream."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        append(ws, [_value(name) for name in frame.columns], _HEADER)
        for values in frame.itertuples(index=False):
            append(ws, [_value(v) for v in values])
        for col, name in enumerate(frame.columns, start=1):
            longest = max([len(str(name)), *(len(str(v)) for v in frame.iloc[:, col - 1])])
            ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, longest + 2))
        ws.freeze_panes = "A2"
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    save(wb, target)
    return target
