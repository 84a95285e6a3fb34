"""Importers: every supported file becomes the same :class:`planner.model.Timetable`.

* flat CSV/XLSX (our own format, also what ``planner convert`` and ``epos.csv`` write),
* aSc Timetables 2012 XML,
* FET ``.fet`` files that carry a timetable.

An import is all or nothing: it returns a complete timetable or raises
:class:`planner.errors.InputError` naming file, row and column.
"""

from __future__ import annotations

from pathlib import Path

from planner.domain.errors import InputError
from planner.domain.model import Timetable

MAX_INPUT_BYTES = 50 * 1024 * 1024
FORMATS = {".csv": "flat", ".xlsx": "flat", ".xml": "asc", ".fet": "fet"}


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


def load_timetable(path: Path | str, *, school_name: str | None = None) -> Timetable:
    """Read any supported timetable file."""
    path = Path(path)
    if not path.is_file():
        raise InputError.at(str(path), "файл не найден; проверьте путь.")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise InputError.at(str(path), too_big(MAX_INPUT_BYTES))
    fmt = detect_format(path)
    if fmt == "flat":
        from planner.imports.flat import read_flat

        return read_flat(path, school_name=school_name)
    if fmt == "asc":
        from planner.imports.asc import read_asc

        return read_asc(path, school_name=school_name)
    from planner.imports.fet import read_fet

    return read_fet(path, school_name=school_name)
