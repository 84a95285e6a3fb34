"""Raw tables of the flat format and the grid: CSV by the csv module, XLSX streamed with limits.

* **CSV**: the bytes are decoded (UTF-8 with or without BOM, Windows-1251 silently; KOI8-R,
  MacCyrillic, CP866 and UTF-16 recognised by ``charset-normalizer`` with an ``encoding``
  finding; anything else refused), the separator is detected (``;``, ``,``, tab or Excel's
  ``sep=`` line) and :mod:`csv` reads every field as text (no pandas: its import alone costs
  a quarter of a second of every ``planner rebuild``). A quote that is never closed,
  or that swallows the next rows into one cell, is an error naming the row: reading on would lose
  those rows silently. A row with more fields than its header is a ``field_count`` finding.
* **XLSX**: openpyxl in read-only (streaming) mode, because merged cells (a day written once beside
  its lessons) matter and pandas' ``read_excel`` would load the whole sheet before any check.
  The unpacked size of the book and of every part loaded whole (shared strings, styles) is checked
  before reading; rows, columns and cells are counted while reading and the file is refused as
  soon as one passes its limit, so memory stays bounded on any file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.domain.findings import Findings
from planner.domain.model import hhmm

MAX_UNPACKED_BYTES = 200 * 2**20  # the whole book, unpacked
MAX_PART_BYTES = 16 * 2**20  # a part openpyxl loads whole (shared strings, styles, workbook)
MAX_ROWS = 100_000
MAX_COLUMNS = 2_000
MAX_CELLS = 300_000  # a 6,000-lesson flat book has ~60,000; reading 1,000,000 takes a minute
MAX_TEXT_CHARS = 20_000_000  # text of a sheet's cells (a 6,000-lesson school has ~1 million)

# Characters a cp1251 decode of a non-cp1251 file produces and real timetables never contain.
_CP1251_JUNK = set("ЂЃ‚ѓ„†‡€‰Љ‹ЊЌЋЏђ™љ›њќћџЎўЈ¤Ґ¦§©Є¬®Ї°±Ііґµ¶·єјЅѕї")
#: encodings recognised besides UTF-8 and Windows-1251, with their Russian names
OTHER_ENCODINGS = {
    "koi8_r": "KOI8-R",
    "mac_cyrillic": "MacCyrillic",
    "cp866": "CP866 (DOS)",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
}


@dataclass
class Table:
    """A sheet or a CSV file as rows of raw cell values with their 1-based row numbers."""

    file: str
    element: str | None
    rows: list[tuple[int, list[object]]]
    #: CSV: each row holds exactly the fields written in the file (a short row is short)
    counted: bool = False


def text(value: object) -> str:
    """A cell as text: numbers without ``.0``, times as HH:MM, NFC, no-break spaces as spaces,
    stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, time):
        return hhmm(value) or ""
    return unicodedata.normalize("NFC", str(value)).replace("\xa0", " ").strip()


# --------------------------------------------------------------------------------- decoding


def _plausible_cp1251(decoded: str) -> bool:
    non_ascii = [ch for ch in decoded if ord(ch) > 127]
    junk = sum(1 for ch in non_ascii if ch in _CP1251_JUNK)
    return not non_ascii or junk * 10 <= len(non_ascii)


def _plausible_russian(decoded: str) -> bool:
    """Text in another Cyrillic code page reads as Russian: its non-ASCII characters are letters,
    mostly Cyrillic and mostly lower case (a wrong code page gives symbols or inverted case)."""
    non_ascii = [ch for ch in decoded if ord(ch) > 127]
    if not non_ascii:
        return True
    letters = [ch for ch in non_ascii if "\u0400" <= ch <= "\u04ff"]
    lower = sum(1 for ch in letters if ch.islower())
    return len(letters) >= 0.9 * len(non_ascii) and lower >= 0.4 * len(letters)


def decode_text(data: bytes, file: str, findings: Findings, *, quiet_cp1251: bool = True) -> str:
    """The text of a file; an ``encoding`` finding when it is not UTF-8 (or Windows-1251, which
    a Russian CSV file usually is: silent unless ``quiet_cp1251`` is false)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            decoded = data.decode("utf-16")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None and "\x00" not in decoded:
            _encoding_finding(findings, file, "UTF-16")
            return decoded
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(
        data,
        cp_isolation=["cp1251", *OTHER_ENCODINGS],
        explain=False,
    ).best()
    encoding = best.encoding if best is not None else None
    decoded = str(best) if best is not None else None
    if decoded is not None and "\x00" not in decoded:
        if encoding == "cp1251" and _plausible_cp1251(decoded):
            if not quiet_cp1251:
                _encoding_finding(findings, file, "Windows-1251", xml=True)
            return decoded
        if encoding in OTHER_ENCODINGS and _plausible_russian(decoded):
            _encoding_finding(findings, file, OTHER_ENCODINGS[encoding], xml=not quiet_cp1251)
            return decoded
    if b"\x00" not in data:
        try:
            decoded = data.decode("cp1251")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None and _plausible_cp1251(decoded):
            if not quiet_cp1251:
                _encoding_finding(findings, file, "Windows-1251", xml=True)
            return decoded
    raise InputError.at(
        file,
        "не удалось прочитать текст: файл не в кодировке UTF-8 и не в Windows-1251 (и не в "
        "KOI8-R, MacCyrillic, CP866, UTF-16) или это не текст; сохраните его как «CSV UTF-8».",
    )


def _encoding_finding(findings: Findings, file: str, name: str, *, xml: bool = False) -> None:
    seen = f"файл в кодировке {name}, а не в UTF-8 или Windows-1251; сохраните его как «CSV UTF-8»"
    if xml:
        seen = f"файл в кодировке {name}, а в нём не объявлена никакая (значит, UTF-8)"
    findings.add(
        "encoding",
        seen,
        f"текст прочитан в кодировке {name}; проверьте названия классов и предметов",
        file=file,
    )


# --------------------------------------------------------------------------------- CSV


def sniff_delimiter(decoded: str) -> str:
    first = next((line for line in decoded.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_quote_line(decoded: str, delimiter: str) -> int | None:
    """The line where a quoted field starts that is never closed (``None`` when all close).

    A quote opens a field only at its start; inside, ``""`` is a quote and ``"`` closes it."""
    if '"' not in decoded:
        return None
    quoted = False
    start = 1
    for number, line in enumerate(decoded.split("\n"), start=1):
        if not quoted and '"' not in line:
            continue
        i, n = 0, len(line)
        field_start = not quoted
        while i < n:
            ch = line[i]
            if quoted:
                if ch == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        i += 1
                    else:
                        quoted = False
            elif ch == '"' and field_start:
                quoted, start = True, number
            elif ch == delimiter:
                field_start = True
                i += 1
                continue
            if not (ch in " \r" and field_start and not quoted):
                field_start = False
            i += 1
    return start if quoted else None


def csv_table(path: Path, file: str, findings: Findings) -> Table:
    data = path.read_bytes()
    decoded = decode_text(data, file, findings)
    if not decoded.strip():
        raise InputError.at(file, "файл пуст; в первой строке должны быть заголовки столбцов.")
    lines = decoded.splitlines()
    if len(lines) > MAX_ROWS + 1:  # a header and the rows: memory and time stay bounded
        raise _too_big(file, f"в файле больше {MAX_ROWS} строк")
    delimiter = sniff_delimiter(decoded)
    sep_line = re.match(r"^\s*sep=(.)\s*$", lines[0], re.IGNORECASE) if lines else None
    if sep_line:  # Excel's "sep=;" hint line
        delimiter = sep_line.group(1)
    unclosed = _open_quote_line(decoded, delimiter)
    if unclosed is not None:
        raise InputError.at(
            file,
            "кавычка в этой строке не закрыта: всё до конца файла попало бы в одну ячейку; "
            "закройте кавычку или уберите её.",
            row=unclosed,
        )
    try:  # every field as text; a row keeps all its fields (more than the header's: a finding)
        records = list(
            csv.reader(
                io.StringIO(decoded, newline=""), delimiter=delimiter, quotechar='"',
                doublequote=True, strict=True,
            )
        )  # fmt: skip
    except csv.Error as exc:
        raise InputError.at(
            file,
            f"файл не разбирается как CSV ({exc}); проверьте кавычки в ячейках.",
        ) from None
    rows: list[tuple[int, list[object]]] = []
    for number, record in enumerate(records, start=1):
        cells: list[object] = list(record)
        if sep_line and number == 1:
            cells = []
        for value in cells:
            if isinstance(value, str) and "\n" in value and value.count(delimiter) >= 2:
                raise InputError.at(
                    file,
                    "в ячейке этой строки кавычка открыта и закрыта только через несколько "
                    "строк: следующие строки попали бы в одну ячейку; проверьте кавычки.",
                    row=number,
                )
        rows.append((number, cells))
    return Table(file, None, rows, counted=True)


# --------------------------------------------------------------------------------- XLSX


def _too_big(file: str, what: str) -> InputError:
    return InputError.at(file, f"{what}; это не похоже на расписание школы.")


def open_workbook(path: Path, file: str) -> Any:
    """The book in read-only (streaming) mode, after the size checks."""
    from openpyxl import load_workbook  # slow import, only for XLSX

    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.at(
            file,
            "это книга старого формата Excel 97–2003 (.xls); сохраните её как .xlsx "
            "(«Файл → Сохранить как → Книга Excel»).",
        )
    if not zipfile.is_zipfile(path):
        raise InputError.at(
            file,
            "файл не является книгой Excel .xlsx (это не ZIP-архив); откройте его в Excel или "
            "LibreOffice и сохраните как «Книга Excel (.xlsx)».",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        infos = []  # openpyxl below reports the damage
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _too_big(
            file, f"книга Excel распаковывается больше чем в {MAX_UNPACKED_BYTES // 2**20} МБ"
        )
    for info in infos:
        if not info.filename.startswith("xl/worksheets/") and info.file_size > MAX_PART_BYTES:
            raise _too_big(
                file,
                f"часть книги «{info.filename}» больше {MAX_PART_BYTES // 2**20} МБ "
                "(таблица строк или стилей)",
            )
    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged book
        raise InputError.at(
            file,
            "книга Excel повреждена или не в формате .xlsx; сохраните её заново как "
            "«Книга Excel (.xlsx)».",
        ) from None


def _merged_ranges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range, streamed from the sheet XML."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    ranges: list[tuple[int, int, int, int]] = []
    try:
        with ws._get_source() as source:
            for _event, element in iterparse(source, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell":
                    ref = element.get("ref") or ""
                    try:
                        min_col, min_row, max_col, max_row = range_boundaries(ref)
                    except (ValueError, TypeError):
                        continue
                    if None not in (min_col, min_row, max_col, max_row):
                        ranges.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
                        if len(ranges) > MAX_CELLS:
                            break
                if tag in ("row", "c", "v", "mergeCell", "f", "is", "t"):
                    element.clear()
    except Exception:  # a broken part: openpyxl's own reading reports it
        return []
    return ranges


def sheet_table(ws: Any, file: str) -> Table:
    """A worksheet's rows (streamed, with limits); a merged cell's value fills its whole range."""
    rows: list[tuple[int, list[object]]] = []
    cells_read = text_read = 0
    try:
        ws.reset_dimensions()  # rows as long as their cells, not as the (claimed) sheet size
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_big(file, f"на листе «{ws.title}» больше {MAX_ROWS} строк")
            cells_read += len(values) + 1
            if cells_read > MAX_CELLS:
                raise _too_big(file, f"на листе «{ws.title}» больше {MAX_CELLS} ячеек")
            row = list(values)
            text_read += sum(len(v) for v in row if isinstance(v, str))
            if text_read > MAX_TEXT_CHARS:
                raise _too_big(file, f"на листе «{ws.title}» больше {MAX_TEXT_CHARS} знаков текста")
            while row and row[-1] is None:
                row.pop()
            if len(row) > MAX_COLUMNS:
                raise _too_big(file, f"на листе «{ws.title}» больше {MAX_COLUMNS} столбцов")
            rows.append((number, row))
    except InputError:
        raise
    except Exception:
        raise InputError.at(
            file,
            f"лист «{ws.title}» не читается; сохраните книгу заново как «Книга Excel (.xlsx)».",
        ) from None
    while rows and not rows[-1][1]:
        rows.pop()
    for min_row, min_col, max_row, max_col in _merged_ranges(ws):
        if min_row > len(rows) or max_row - min_row > MAX_ROWS:
            continue
        first = rows[min_row - 1][1]
        value = first[min_col - 1] if min_col - 1 < len(first) else None
        for r in range(min_row, min(max_row, len(rows)) + 1):
            cells = rows[r - 1][1]
            for c in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if c > len(cells):
                    cells.extend([None] * (c - len(cells)))
                if cells[c - 1] is None:
                    cells[c - 1] = value
    return Table(file, ws.title, rows)


def workbook_tables(path: Path, file: str) -> list[Table]:
    """Every sheet of a book, in order."""
    wb = open_workbook(path, file)
    try:
        return [sheet_table(ws, file) for ws in wb.worksheets if hasattr(ws, "iter_rows")]
    finally:
        wb.close()
