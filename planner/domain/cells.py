"""Spreadsheet cells: data never becomes a formula — the rule and its inverse.

A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (or a DDE call: ``=cmd|' /C calc'!A0``) — the OWASP «CSV injection» rule. In a
CSV the project writes, such text gets a leading apostrophe (:func:`safe_cell`); text that already
starts with an apostrophe followed by one of these characters (or by another apostrophe) gets one
more, so :func:`restore_cell` gives back exactly the original text. The writers use the rule
through :mod:`planner.exports.cells` and :mod:`planner.exports.xlsx`; the flat importer reads our
CSV files back through :func:`restore_cell`. Both sides of the file format, so it lives here.

Only text is defused: a number written as a number is a number, not a formula.
"""

from __future__ import annotations

__all__ = [
    "FORMULA_STARTS",
    "QUOTE",
    "QUOTED_STARTS",
    "is_formula_like",
    "restore_cell",
    "safe_cell",
]

#: First characters that make a spreadsheet read a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
#: First characters of text :func:`safe_cell` prefixes (formula ones, and the apostrophe before one)
QUOTED_STARTS = (*FORMULA_STARTS, QUOTE)


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
    if value.startswith(FORMULA_STARTS) or (
        value[0] == QUOTE and value[1:2].startswith(QUOTED_STARTS)
    ):
        return QUOTE + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`safe_cell` was given, from what it wrote."""
    if text[:1] == QUOTE and text[1:2] and text[1:2].startswith(QUOTED_STARTS):
        return text[1:]
    return text
