"""The spreadsheet cell rule (formula-like text defused) and the workbook writer that applies it.

The writer's save must give openpyxl's own bytes: each workbook is also built with plain openpyxl
calls and saved with ``Workbook.save``, and the two files are compared part by part.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from planner.exports.cells import FORMULA_STARTS, csv_bytes, restore_cell, safe_cell
from planner.exports.xlsx import CellStyle, append, append_merged, save

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "=",
    "'=already quoted",
    "''",
    "#N/A",
]
_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        out = {name: z.read(name) for name in z.namelist()}
    out["docProps/core.xml"] = _CORE_TIMES.sub(b"", out["docProps/core.xml"])
    return out


# -- CSV -------------------------------------------------------------------------------------------


def test_formula_like_text_gets_an_apostrophe_and_comes_back():
    assert safe_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert [safe_cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tTab", "\rCR")] == [
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
    ]
    assert safe_cell("'=already quoted") == "''=already quoted"
    assert safe_cell("''") == "'''"
    assert [safe_cell(v) for v in ("Математика", "'Quoted'", "", "a=b")] == [
        "Математика",
        "'Quoted'",
        "",
        "a=b",
    ]
    assert [safe_cell(v) for v in (-2, 3, None)] == [-2, 3, None]  # numbers are not text
    assert [restore_cell(str(safe_cell(v))) for v in HOSTILE] == HOSTILE


@given(st.text())
def test_restore_inverts_safe_and_nothing_written_starts_a_formula(text):
    written = safe_cell(text)
    assert restore_cell(written) == text
    assert not written.startswith(FORMULA_STARTS)


def test_csv_bytes_bom_comma_crlf_and_defused():
    data = csv_bytes([["subject", "n"], ["=1+2", 5], ["a,b", -1]])
    assert data == '\ufeffsubject,n\r\n\'=1+2,5\r\n"a,b",-1\r\n'.encode()


# -- XLSX ------------------------------------------------------------------------------------------


def test_no_formula_cell_and_the_text_reads_back(tmp_path):
    wb = Workbook()
    append(wb.active, HOSTILE)
    append(wb.active, [-2, 7, None, "plain"])
    save(wb, tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx").active
    row1 = ws[1][: len(HOSTILE)]
    assert [c.value for c in row1] == [v.replace("\r", "\n") for v in HOSTILE]  # XML reads CR as LF
    assert {c.data_type for c in ws._cells.values()} <= {"s", "n"}
    assert [c.quotePrefix for c in row1] == [
        *([True] * 8),  # formula-like: Excel's leading apostrophe
        False,  # "'=already quoted": text as it is
        False,  # "''"
        False,  # "#N/A" is text, not Excel's error value
    ]
    assert [c.value for c in ws[2]][:4] == [-2, 7, None, "plain"]
    assert [c.data_type for c in ws[2]][:2] == ["n", "n"]


def test_control_characters_xml_cannot_hold_are_dropped(tmp_path):
    wb = Workbook()
    append(wb.active, ["a\x00b\x0bc", "tab\tkept"])
    save(wb, tmp_path / "x.xlsx")
    assert [c.value for c in load_workbook(tmp_path / "x.xlsx").active[1]] == ["abc", "tab\tkept"]


_THIN = Side(style="thin", color="999999")
_BOLD = CellStyle(font=Font(bold=True))
_BOXED = CellStyle(border=Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
                   alignment=Alignment(wrap_text=True, vertical="top"))  # fmt: skip
_FILLED = CellStyle(font=Font(bold=True), fill=PatternFill("solid", fgColor="D9E1F2"))


def _plain(ws, row, values, style=None):
    """The same row with openpyxl's own calls: what the writers did before."""
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula nor an error value
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        for name in ("font", "fill", "border", "alignment"):
            if style is not None and getattr(style, name) is not None:
                setattr(cell, name, getattr(style, name))


def _both(tmp_path, build):
    """Save ``build``'s workbook through this module and through plain openpyxl; the parts."""
    ours, theirs = Workbook(), Workbook()
    build(ours, fast=True)
    build(theirs, fast=False)
    save(ours, tmp_path / "ours.xlsx")
    theirs.save(tmp_path / "theirs.xlsx")
    return parts(tmp_path / "ours.xlsx"), parts(tmp_path / "theirs.xlsx")


def test_save_writes_openpyxls_bytes(tmp_path):
    values = ["Дата", "", None, 1, -2, " padded ", "  ", "a&b<c>", "ёжик", *HOSTILE[:9]]

    def build(wb, fast):
        ws = wb.active
        ws.title = "Лист"
        rows = [(values, None), (values, _BOLD), (["Заголовок"], _FILLED), (values, _BOXED)]
        for r, (row, style) in enumerate(rows, start=1):
            if fast and r == 3:
                append_merged(ws, row[0], 8, style)
            elif fast:
                append(ws, row, style)
            else:
                _plain(ws, r, row, style)
                if r == 3:
                    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=8)
        if fast:
            append_merged(ws, "в рамке", 4, _BOXED)  # a border: openpyxl's own merge
        else:
            _plain(ws, 5, ["в рамке"], _BOXED)
            ws.merge_cells("A5:D5")
        ws.freeze_panes = "A2"
        ws.column_dimensions["B"].width = 30
        second = wb.create_sheet("Второй")
        for r in range(1, 4):
            if fast:
                append(second, [r, f"строка {r}"], _BOLD if r == 1 else None)
            else:
                _plain(second, r, [r, f"строка {r}"], _BOLD if r == 1 else None)

    ours, theirs = _both(tmp_path, build)
    assert ours == theirs
    assert b"<mergeCell " in ours["xl/worksheets/sheet1.xml"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6), st.text()),
                         max_size=6), max_size=6))  # fmt: skip
def test_save_writes_openpyxls_bytes_for_any_text(tmp_path, rows):
    rows = [[_xml_safe(v) for v in row] for row in rows]

    def build(wb, fast):
        for r, row in enumerate(rows, start=1):
            if fast:
                append(wb.active, row, _BOLD if r % 2 else None)
            else:
                _plain(wb.active, r, row, _BOLD if r % 2 else None)

    ours, theirs = _both(tmp_path, build)
    assert ours == theirs


def _xml_safe(value):
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)  # openpyxl refuses them
    return value


def test_a_sheet_with_other_cells_is_written_by_openpyxl(tmp_path):
    def build(wb, fast):
        ws = wb.active
        if fast:
            append(ws, ["текст", 1])
        else:
            _plain(ws, 1, ["текст", 1])
        ws.cell(2, 1, 2.5)  # a float: not a cell of the fast writer
        ws.cell(2, 2, "=SUM(A1:A2)")  # a formula the project would write on purpose

    ours, theirs = _both(tmp_path, build)
    assert ours == theirs
    assert b"<f>SUM(A1:A2)</f>" in ours["xl/worksheets/sheet1.xml"]


def test_a_workbook_is_saved_once(tmp_path):
    wb = Workbook()
    append(wb.active, ["строка"])
    save(wb, tmp_path / "a.xlsx")
    with pytest.raises(RuntimeError):
        save(wb, tmp_path / "b.xlsx")
