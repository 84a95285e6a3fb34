"""Every workbook the project writes: defused cells, styles set once, a fast save.

* :func:`append` writes a row of text, integers and empty cells. Text is a string cell, never a
  formula (nor an error value such as ``#N/A``); text a spreadsheet would take for a formula
  (:func:`planner.domain.cells.is_formula_like`) also gets the «quote prefix» (Excel's leading
  apostrophe): the text is kept as it is and does not run, also after an edit in Excel. A
  workbook holds a formula only where the project writes one on purpose (none today). Control
  characters XML cannot hold are dropped, as openpyxl would refuse them.
* :class:`CellStyle` is a font, fill, border and alignment. openpyxl hashes every style object
  each time it is set on a cell, which costs more than writing the cell; :func:`append` resolves
  a :class:`CellStyle` once per workbook and shares the result with every cell that uses it.
* :func:`append_merged` writes a heading across several columns (a merged row) without
  openpyxl's check of every merged range so far (quadratic in a long sheet of headings).
* :func:`save` is ``Workbook.save`` with a faster writer of the cell rows: :func:`append` keeps
  the rows aside (no openpyxl cell object per value) and the sheet's ``<sheetData>`` is rendered
  in one pass; every other part is openpyxl's. The parts' bytes are openpyxl's own, which the
  tests check against ``Workbook.save`` (the archive is compressed at deflate's fastest level,
  not openpyxl's default); a sheet with cells of other kinds (dates, floats, formulas,
  rich text, comments, links, row heights) is written by openpyxl's writer. A workbook is saved
  once: its rows are released then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from weakref import WeakKeyDictionary, WeakSet
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .cells import is_formula_like

__all__ = ["CellStyle", "append", "append_merged", "save"]


@dataclass(frozen=True, eq=False, slots=True)
class CellStyle:
    """The look of a cell; compared by identity, so define each one once (module constants)."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None


#: (value, openpyxl data type — "" for openpyxl to choose —, style) of a cell :func:`append` wrote
_Cell = tuple[object, str, StyleArray]

_RESOLVED: WeakKeyDictionary[Workbook, dict[CellStyle, StyleArray]] = WeakKeyDictionary()
_QUOTED: WeakKeyDictionary[Workbook, dict[int, StyleArray]] = WeakKeyDictionary()
_PENDING: WeakKeyDictionary[Worksheet, list[tuple[int, list[_Cell]]]] = WeakKeyDictionary()
_SAVED: WeakSet[Workbook] = WeakSet()
_NO_STYLE = StyleArray()
_EMPTY_SHEET_DATA = b"<sheetData></sheetData>"


def _style_array(ws: Worksheet, style: CellStyle | None) -> StyleArray:
    """The workbook's style array of ``style``, registered on first use as setting it on a cell
    registers it."""
    if style is None:
        return _NO_STYLE
    resolved = _RESOLVED.setdefault(ws.parent, {})
    array = resolved.get(style)
    if array is None:
        scratch = Cell(ws)
        for name in ("font", "fill", "border", "alignment"):
            value = getattr(style, name)
            if value is not None:
                setattr(scratch, name, value)
        array = resolved[style] = scratch._style or _NO_STYLE
    return array


def _quoted(ws: Worksheet, array: StyleArray) -> StyleArray:
    """``array`` with the quote prefix (one shared array per style)."""
    quoted = _QUOTED.setdefault(ws.parent, {})
    out = quoted.get(id(array))
    if out is None:
        out = quoted[id(array)] = StyleArray(array)
        out.quotePrefix = 1
    return out


def append(ws: Worksheet, values: Iterable[object], style: CellStyle | None = None) -> None:
    """Write ``values`` as the next row, defused, with ``style``.

    Text, integers and ``None`` (an empty cell) are kept aside and written by :func:`save` in one
    pass (openpyxl would make a cell object of each, which costs more than writing it); any other
    value openpyxl takes (a float, a date) is typed by openpyxl, and its sheet written by
    openpyxl's writer. Characters XML cannot hold (control characters but tab and line breaks)
    are dropped; text is cut at Excel's 32,767 characters, as openpyxl cuts it.
    """
    values = list(values)
    array = _style_array(ws, style) if values else _NO_STYLE  # a style is registered when used
    search = ILLEGAL_CHARACTERS_RE.search
    cells: list[_Cell] = []
    for value in values:
        if isinstance(value, str):
            value = value[:32767]
            if search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cells.append((value, "s", _quoted(ws, array) if is_formula_like(value) else array))
        elif value is None or type(value) is int:
            cells.append((value, "n", array))
        else:
            cells.append((value, "", array))  # openpyxl's type, openpyxl's writer
    ws._current_row += 1  # the row openpyxl's own append would write next
    _PENDING.setdefault(ws, []).append((ws._current_row, cells))


def append_merged(ws: Worksheet, value: object, width: int, style: CellStyle | None = None) -> None:
    """Write ``value`` as the next row, merged across the first ``width`` columns.

    ``ws.merge_cells`` compares the new range with every merged range so far (quadratic in a
    sheet of many headings), fills it with empty «merged cells» and copies the first cell's border
    to its edges. Without a border those cells carry nothing and openpyxl writes none of them, so
    only the range is added (:func:`save` counts it in the sheet's used range, as openpyxl counts
    its merged cells); with a border, openpyxl merges.
    """
    append(ws, [value], style)
    row = ws._current_row
    if style is not None and style.border is not None:
        _materialize(ws)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        return
    ws.merged_cells.ranges.add(CellRange(min_col=1, min_row=row, max_col=width, max_row=row))


# -- save -----------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """A cell the fast row writer does not write; openpyxl's writer writes the sheet."""


def _materialize(ws: Worksheet) -> None:
    """openpyxl's own cells for what :func:`append` and :func:`append_merged` kept aside, for
    openpyxl's writer: the rows, and the merged cells of the merged ranges."""
    for row_idx, cells in _PENDING.pop(ws, []):
        for col_idx, (value, kind, array) in enumerate(cells, start=1):
            cell = Cell(ws, row=row_idx, column=col_idx, value=value, style_array=array)
            if kind:  # text stays text; other values keep the type openpyxl gave them
                cell.data_type = kind
            ws._cells[(row_idx, col_idx)] = cell
    for merged in ws.merged_cells.ranges:
        for row_idx, col_idx in merged.cells:
            if (row_idx, col_idx) not in ws._cells:
                ws._cells[(row_idx, col_idx)] = MergedCell(ws, row_idx, col_idx)


def _grid(ws: Worksheet) -> dict[int, list[tuple[int, _Cell]]]:
    """Row → (column, cell) in column order: the rows :func:`append` kept aside and openpyxl's own
    cells."""
    grid = {row_idx: list(enumerate(cells, start=1)) for row_idx, cells in _PENDING.get(ws, [])}
    grid = {row_idx: cells for row_idx, cells in grid.items() if cells}  # as openpyxl's append
    extra: dict[int, dict[int, _Cell]] = {}
    for (row_idx, col_idx), cell in ws._cells.items():
        if cell._comment is not None or cell.hyperlink:
            raise _Unsupported("comment or link")
        extra.setdefault(row_idx, {})[col_idx] = (cell._value, cell.data_type, cell._style)
    for row_idx, cells in extra.items():
        mixed = dict(grid.get(row_idx, ()))
        mixed.update(cells)
        grid[row_idx] = sorted(mixed.items())
    return grid


def _text(value: str) -> str:
    """Character data as ElementTree escapes it."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _sheet_data(ws: Worksheet, grid: dict[int, list[tuple[int, _Cell]]]) -> bytes:
    """``<sheetData>…</sheetData>`` exactly as openpyxl's ``WorksheetWriter.write_rows`` writes
    these cells; :class:`_Unsupported` for a cell of another kind.

    The loop runs once per cell (~100,000 in a whole school's ЭПОС sheet): what does not depend on
    the row — the column's letter, the style's attribute — is looked up once per column and style.
    """
    cell_styles = ws.parent._cell_styles
    # (column, id(style array)) → ('<c r="B', '" s="3"' or '"' unstyled, whether styled)
    heads: dict[tuple[int, int], tuple[str, str, bool]] = {}
    out = ["<sheetData>"]
    put = out.append
    for row_idx in sorted(grid.keys() | ws.row_dimensions.keys()):
        dimension = ws.row_dimensions.get(row_idx)
        if dimension is not None and dict(dimension):
            raise _Unsupported("row dimensions")
        put(f'<row r="{row_idx}">')
        for col_idx, (value, kind, array) in grid.get(row_idx, ()):
            key = (col_idx, id(array))
            head = heads.get(key)
            if head is None:
                styled = array is not None and any(array)
                style = f'" s="{cell_styles.add(array)}"' if styled else '"'
                head = heads[key] = (f'<c r="{get_column_letter(col_idx)}', style, styled)
            ref, style, styled = head
            if value is None and not styled:
                continue  # openpyxl writes no empty cell without a style
            if kind == "s" and type(value) is str:
                if not value:
                    put(f'{ref}{row_idx}{style} t="inlineStr" />')
                    continue
                if "&" in value or "<" in value or ">" in value:
                    value = _text(value)
                if value[0].isspace() or value[-1].isspace():  # as ``value.strip() != value``
                    space = ' xml:space="preserve"' if value.strip() else ""
                    put(f'{ref}{row_idx}{style} t="inlineStr"><is><t{space}>{value}</t></is></c>')
                else:
                    put(f'{ref}{row_idx}{style} t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind == "s" and value is None:
                put(f'{ref}{row_idx}{style} t="inlineStr" />')
            elif kind == "n" and (value is None or type(value) is int):
                if value is None:
                    put(f'{ref}{row_idx}{style} t="n" />')
                else:
                    put(f'{ref}{row_idx}{style} t="n"><v>{value}</v></c>')
            else:
                raise _Unsupported(f"cell type {kind} ({type(value).__name__})")
        put("</row>")
    put("</sheetData>")
    return "".join(out).encode("utf-8")


class _RowsWriter(WorksheetWriter):
    """openpyxl's sheet writer with the rows rendered in one pass (see :func:`_sheet_data`)."""

    rendered: bytes | None = None

    def __init__(self, ws: Worksheet) -> None:
        try:
            grid = _grid(ws)
            self.rendered = _sheet_data(ws, grid)
        except _Unsupported:
            _materialize(ws)
            grid = {}
        self.used: dict[int, list[tuple[int, _Cell]]] | None = grid
        super().__init__(ws)

    def write_dimensions(self) -> None:
        """The used range as openpyxl computes it: every cell, merged cells included."""
        if self.rendered is None or not self.used:
            return super().write_dimensions()
        rows = set(self.used)
        cols = {cells[0][0] for cells in self.used.values()}  # each row is in column order
        cols.update(cells[-1][0] for cells in self.used.values())
        for merged in self.ws.merged_cells.ranges:
            rows.update((merged.min_row, merged.max_row))
            cols.update((merged.min_col, merged.max_col))
        ref = f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_rows(self) -> None:
        if self.rendered is None:
            return super().write_rows()
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            pass  # an empty element, replaced by the rendered rows once the file is closed
        self.xf.send(None)

    def archive(self, archive: ZipFile, name: str) -> None:
        """Put the written sheet into ``archive`` as ``name``, as ``archive.write(self.out,
        name)`` puts it, with the rendered rows in place of the empty ``<sheetData>``: spliced in
        memory, not written to the scratch file and read back (a whole school's ЭПОС sheet is
        5 MB)."""
        if self.rendered is None:
            archive.write(self.out, name)
        else:
            data = Path(self.out).read_bytes()
            assert data.count(_EMPTY_SHEET_DATA) == 1
            info = ZipInfo.from_file(self.out, name)  # the file's date and mode, as write() has
            info.compress_type = archive.compression
            info._compresslevel = archive.compresslevel  # type: ignore[attr-defined]
            archive.writestr(info, data.replace(_EMPTY_SHEET_DATA, self.rendered))
        self.rendered = self.used = None  # released now, not when the collector finds the writer


class _Writer(ExcelWriter):
    def write_worksheet(self, ws: Worksheet) -> None:
        # openpyxl's ExcelWriter.write_worksheet (3.1) for a normal workbook, our row writer
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _RowsWriter(ws)
        writer.write()
        ws._rels = writer._rels
        writer.archive(self._archive, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def save(wb: Workbook, path: Path | IO[bytes]) -> Path | IO[bytes]:
    """``wb.save(path)``: the same parts, faster for big sheets (compressed at deflate's fastest
    level).

    A workbook is saved once: the rows :func:`append` kept aside are released when it is written
    (an export does not wait for the garbage collector to free them); a second save raises.
    """
    if wb in _SAVED:
        raise RuntimeError("this workbook was saved already; build a new one to save again")
    if wb.write_only:
        wb.save(path)
        return path
    # Deflate's fastest level: the parts are the same, the workbook ~30-45 % larger (a whole
    # school's epos.xlsx 123 KB -> 161 KB), its compression 2.5-4x faster (~0.1 s of a 165-class
    # export's CPU; openpyxl's default level 6 spent a quarter of the time of saving)
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _Writer(wb, archive).save()
    _SAVED.add(wb)
    for ws in wb.worksheets:
        _PENDING.pop(ws, None)
    return path
