"""The one rule for spreadsheet cells the project writes: data never becomes a formula.

A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (or a DDE call: ``=cmd|' /C calc'!A0``) — the OWASP «CSV injection» rule. A
subject, teacher or room name is data, so every spreadsheet the project writes goes through this
module (CSV) or :mod:`planner.exports.xlsx` (XLSX, the same rule):

* CSV: such text gets a leading apostrophe, ``'=HYPERLINK(…)`` (:func:`safe_cell`). Text that
  already starts with an apostrophe followed by one of these characters (or by another
  apostrophe) gets one more, so :func:`restore_cell` gives back exactly the original text — the
  flat importer reads our ``epos.csv`` and flat CSV back through it.
* XLSX: the cell is a string cell with the «quote prefix» style (Excel's leading apostrophe),
  the text itself unchanged: never a formula, also after an edit in Excel.

Only text is defused: a number written as a number (a lesson number, a negative count) is a
number, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

__all__ = ["FORMULA_STARTS", "csv_bytes", "is_formula_like", "restore_cell", "safe_cell"]

#: First characters that make a spreadsheet read a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_QUOTED = (*FORMULA_STARTS, QUOTE)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula?"""
    return text.startswith(FORMULA_STARTS)


def safe_cell(value: object) -> object:
    """A CSV cell's value as written: formula-like text with a leading apostrophe.

    Text that starts with an apostrophe followed by a formula character or an apostrophe gets one
    too, so that :func:`restore_cell` is its exact inverse. Other values are returned as they are.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or (value[0] == QUOTE and value[1:2].startswith(_QUOTED)):
        return QUOTE + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`safe_cell` was given, from what it wrote."""
    if text[:1] == QUOTE and text[1:2] and text[1:2].startswith(_QUOTED):
        return text[1:]
    return text


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The CSV file: UTF-8 with BOM (Excel reads it as UTF-8), comma, CRLF, cells defused."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(
        [safe_cell(v) if isinstance(v, str) and v.startswith(_QUOTED) else v for v in row]
        for row in rows
    )
    return buffer.getvalue().encode("utf-8-sig")
