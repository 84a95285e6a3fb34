"""``summary.xlsx`` — the municipal summary of one order: the order, every school, the totals.

The tables are pandas frames (:func:`planner.app.municipal.report_frames`); every cell is written
defused (text never becomes a formula).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

_BOLD = Font(bold=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _put(ws, row: int, col: int, value: object) -> None:  # type: ignore[no-untyped-def]
    """One defused cell: numbers stay numbers, text is a string cell (never a formula)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = str(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value


def write_municipal_summary(
    target: Path | BinaryIO, sheets: Mapping[str, pd.DataFrame]
) -> Path | BinaryIO:
    """Write each frame as a sheet (header row bold, columns sized to their text) into a file
    or a binary stream."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        for col, name in enumerate(frame.columns, start=1):
            _put(ws, 1, col, name)
            ws.cell(row=1, column=col).font = _BOLD
        for row, values in enumerate(frame.itertuples(index=False), start=2):
            for col, value in enumerate(values, start=1):
                _put(ws, row, col, value)
        for col, name in enumerate(frame.columns, start=1):
            longest = max([len(str(name)), *(len(str(v)) for v in frame.iloc[:, col - 1])])
            ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, longest + 2))
        ws.freeze_panes = "A2"
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
