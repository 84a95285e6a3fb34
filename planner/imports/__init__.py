"""Importers: every supported file becomes the same :class:`planner.domain.model.Timetable`.

* flat CSV/XLSX (our own format, also what ``planner convert`` and ``epos.csv`` write),
* the Russian grid («шахматка», XLSX) with an optional load table («нагрузка»),
* aSc Timetables XML (2012 and 2008 schema),
* FET ``.fet`` files that carry a timetable.

An import is tolerant: it refuses a file (:class:`planner.domain.errors.InputError` naming file,
row and column) only when nothing sensible can be read from it, and lists everything it had to
decide in ``Timetable.findings`` (see :mod:`planner.domain.findings`). ``strict=True`` refuses the
file instead, with every finding that is not a note as a problem.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from planner.domain.bells import BellPlan
from planner.domain.errors import InputError
from planner.domain.model import Timetable

MAX_INPUT_BYTES = 50 * 1024 * 1024
FORMATS = {".csv": "flat", ".xlsx": "flat", ".xml": "asc", ".fet": "fet"}


#: longest stored file name, in UTF-8 bytes (a file system's limit, and the database column's)
MAX_NAME_BYTES = 255


def safe_filename(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """The last part of an uploaded file's name, without control characters, cut to ``limit``
    UTF-8 bytes with its extension kept (never half a letter); ``""`` when nothing is left.

    >>> safe_filename("C:\\Users\\zavuch\\../расписание.csv")
    'расписание.csv'
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = name.lstrip(".").strip()
    if not name:
        return ""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    room = limit - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip()
    return stem + suffix if stem else ""


def too_big(limit: int) -> str:
    """The message for a file over ``limit`` bytes (``50 МБ``; below a mebibyte in bytes)."""
    size = f"{limit // 2**20} МБ" if limit >= 2**20 else f"{limit} байт"
    return f"файл больше {size}; это не похоже на расписание школы."


def detect_format(path: Path) -> str:
    """``flat``, ``asc`` or ``fet`` by the file's extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError.at(
            str(path),
            f"неизвестный формат «{path.suffix or 'без расширения'}»; поддерживаются "
            ".csv и .xlsx (плоская таблица), .xml (aSc Расписания 2012) и .fet (FET).",
        )
    return fmt


def load_timetable(
    path: Path | str,
    *,
    school_name: str | None = None,
    strict: bool = True,
    load_table: Path | str | None = None,
    bells: Path | str | BellPlan | None = None,
) -> Timetable:
    """Read any supported timetable file.

    ``load_table`` (a grid only): the load table («нагрузка», class/subject/group/teacher) as a
    separate CSV/XLSX file. ``bells``: a bells file (columns смена, урок, начало, конец) or a
    :class:`~planner.domain.bells.BellPlan`, for a file that has no bells of its own (a grid
    without a «Звонки» sheet, flat rows without times, FET hours without clock times); a file
    with its own bells keeps them. ``strict``: refuse the file at any finding that is not a note.
    It is ``True`` by default so that a caller which does not show ``timetable.findings`` never
    loses a row silently; a caller that shows them (the CLI, the web upload) passes
    ``strict=False``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.at(str(path), "файл не найден; проверьте путь.")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise InputError.at(str(path), too_big(MAX_INPUT_BYTES))
    fmt = detect_format(path)
    if fmt == "flat":
        from planner.imports.grid import is_grid, read_grid

        if load_table is not None or is_grid(path):
            return read_grid(
                path, school_name=school_name, strict=strict, load_table=load_table, bells=bells
            )
        from planner.imports.flat import read_flat

        return read_flat(path, school_name=school_name, strict=strict, bells=bells)
    if fmt == "asc":
        from planner.imports.asc import read_asc

        return read_asc(path, school_name=school_name, strict=strict)
    from planner.imports.fet import read_fet

    return read_fet(path, school_name=school_name, strict=strict, bells=bells)
