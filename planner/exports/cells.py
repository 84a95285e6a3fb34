"""CSV files the project writes, and the one rule for every spreadsheet cell it writes.

The rule — text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first)
is defused — is :mod:`planner.domain.cells` (the flat importer reads our files back through its
inverse); every writer uses it from here or through :mod:`planner.exports.xlsx`:

* CSV: such text gets a leading apostrophe, ``'=HYPERLINK(…)`` (:func:`safe_cell`,
  :func:`csv_bytes`); :func:`restore_cell` gives back exactly the original text.
* XLSX: the cell is a string cell with the «quote prefix» style (Excel's leading apostrophe),
  the text itself unchanged: never a formula, also after an edit in Excel.

Only text is defused: a number written as a number (a lesson number, a negative count) is a
number, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from planner.domain.cells import (
    FORMULA_STARTS,
    QUOTED_STARTS,
    is_formula_like,
    restore_cell,
    safe_cell,
)

__all__ = ["FORMULA_STARTS", "csv_bytes", "is_formula_like", "restore_cell", "safe_cell"]


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The CSV file: UTF-8 with BOM (Excel reads it as UTF-8), comma, CRLF, cells defused."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(
        [safe_cell(v) if isinstance(v, str) and v.startswith(QUOTED_STARTS) else v for v in row]
        for row in rows
    )
    return buffer.getvalue().encode("utf-8-sig")
