"""The flat timetable format: one row per lesson, CSV or XLSX.

Columns (Russian or English headers, any case, any order; unknown columns are ignored):

======== =========== ============================================================
field    headers     value
======== =========== ============================================================
day      день, day   Пн…Сб, понедельник, 1…6, Mon/Monday (or ``date``/``дата``)
lesson   урок        lesson number, a positive integer (``lesson_no`` too)
start    начало      HH:MM or H:MM; may be empty when the bells are known
end      конец       HH:MM or H:MM; may be empty when the bells are known
class    класс       one class, or several comma-separated for a combined lesson
group    группа      empty = the whole class; a subgroup name such as ``англ-1``
subject  предмет     required
teacher  учитель     several comma-separated allowed; may be empty
room     кабинет     optional column
shift    смена       optional column, 1 or 2 (default 1)
time     время       optional, ``08:30-09:10`` in one cell instead of start/end
======== =========== ============================================================

The header is the first of the top rows that names three known columns (a title line above it is
skipped). Row numbers in errors are the ones Excel or an editor shows (header = row 1 when it is
the first line). A merged cell of a workbook (a day written once beside its lessons) counts for
every row it spans. One spelling per name: ``7а``/``7 А``/``7-А`` are the class first written
``7А``, ``Иванова М. П.`` is ``Иванова М.П.``; combined classes keep the order written.

The bells (lesson number → start/end) come from a ``Звонки``/``bells`` sheet of the workbook or a
``bells.csv``/``звонки.csv`` next to the CSV (columns ``смена, урок, начало, конец`` and an
optional ``классы``), or from other rows of the same class or shift that carry times. Bells given
from outside (``bells=``: a bells file or a :class:`~planner.domain.bells.BellPlan`) fill the times
of rows without them when the file has no bells of its own.

The ``epos.csv`` our ЭПОС export writes reads too: ``date`` becomes its ISO weekday (the first date
of each weekday wins, later weeks are dropped), ``lesson_no`` is the lesson number, rows whose
``change`` is ``отмена`` and rows whose ``format`` is ``самостоятельно`` (no fixed time) are
skipped, room ``онлайн`` is no room and group ``весь класс`` is the
whole class. A CSV cell our exports defused (``'=…``, :mod:`planner.domain.cells`) reads as the
text it was.

Clashes (:mod:`~planner.engine.clashes`) are errors naming both rows, with the aSc importer's rule
for teachers: a lesson with several teachers (a team or rotation) and two overlapping lessons of one
subject by one teacher are not teacher clashes, so what ``planner convert`` writes from a real
aSc export reads back.

Reading is all or nothing: every problem of every row is collected and raised as one
:class:`~planner.domain.errors.InputError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from planner.domain.bells import BellPlan
from planner.domain.cells import restore_cell
from planner.domain.errors import InputError, Problem
from planner.domain.findings import MAX_PROBLEMS, NO_NAME, Findings, cap_problems
from planner.domain.model import (
    DAY_NAMES_RU,
    BaseLesson,
    Bell,
    BellSchedule,
    School,
    SchoolClass,
    SourceRef,
    Timetable,
    class_key,
    hhmm,
    minutes,
    parse_grade,
    plural,
    sort_class_names,
)
from planner.engine.clashes import resolve_source_clashes
from planner.imports._tables import Table as _Table
from planner.imports._tables import csv_table, open_workbook, sheet_table
from planner.imports._tables import text as _text

__all__ = [
    "BELLS_FILE_NAMES",
    "BELLS_SHEET_NAMES",
    "HEADERS",
    "MAX_PROBLEMS",
    "TIMETABLE_SHEET_NAMES",
    "read_flat",
]

HEADER_SEARCH_ROWS = 10
_T = TypeVar("_T")

#: Accepted headers of each field, normalised (lower case, ``ё`` → ``е``, single spaces).
#: The first one is the name we write and show in messages.
HEADERS: dict[str, tuple[str, ...]] = {
    "day": ("день", "день недели", "day", "weekday"),
    "date": ("дата", "date"),
    "lesson": (
        "урок",
        "№ урока",
        "урок №",
        "номер урока",
        "lesson",
        "lesson_no",
        "lesson no",
        "period",
    ),
    "start": ("начало", "начало урока", "время начала", "start", "start_time", "from"),
    "end": ("конец", "конец урока", "окончание", "время окончания", "end", "end_time", "to"),
    "time": ("время", "time"),
    "class": ("класс", "классы", "class", "classes"),
    "group": ("группа", "подгруппа", "group", "subgroup"),
    "subject": ("предмет", "subject"),
    "teacher": ("учитель", "учителя", "преподаватель", "teacher", "teachers"),
    "room": ("кабинет", "каб.", "аудитория", "room"),
    "shift": ("смена", "shift"),
    "change": ("изменение", "change"),
    "format": ("формат", "format"),
}
BELL_FIELDS = ("shift", "lesson", "start", "end", "class")

TIMETABLE_SHEET_NAMES = ("расписание", "timetable", "lessons", "уроки")
BELLS_SHEET_NAMES = ("звонки", "bells", "расписание звонков")
BELLS_FILE_NAMES = ("bells.csv", "звонки.csv")

# ``change`` cells (of our ЭПОС export) of a lesson that does not take place: the row is skipped.
CANCELLED = {"отмена", "отменен", "cancel", "cancelled", "canceled"}

# ``format`` cells of a lesson without a fixed time (our ЭПОС export): the row is skipped.
UNTIMED = {"самостоятельно", "самостоятельная работа", "self_study", "self-study"}

# ``room`` cells that are no room (our ЭПОС export writes «онлайн» for remote lessons).
NO_ROOM = {"онлайн", "online", "дистанционно"}


# Group cells that mean "the whole class" (our ЭПОС export writes «весь класс»).
WHOLE_CLASS = {"", "весь класс", "все", "-", "—", "whole class", "all"}

_DAY_WORDS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("пн", "пон", "понедельник", "mo", "mon", "monday"),
        ("вт", "вторник", "tu", "tue", "tues", "tuesday"),
        ("ср", "среда", "we", "wed", "wednesday"),
        ("чт", "четверг", "th", "thu", "thur", "thurs", "thursday"),
        ("пт", "пятница", "fr", "fri", "friday"),
        ("сб", "суббота", "sa", "sat", "saturday"),
        ("вс", "воскресенье", "su", "sun", "sunday"),
    ),
    start=1,
):
    for _name in _names:
        _DAY_WORDS[_name] = _number
    _DAY_WORDS[str(_number)] = _number

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::00)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DATE_RU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_INT = re.compile(r"^\d+$")


_SPACES = re.compile(r"\s+")
_SPACE = re.compile(r"\s")


def _norm_header(text: object) -> str:
    value = "" if text is None else str(text)
    value = value.replace("\ufeff", "").strip().lower().replace("ё", "е")
    return _SPACES.sub(" ", value)


# --------------------------------------------------------------------------- raw tables


def _xlsx_tables(path: Path, file: str) -> tuple[_Table, _Table | None]:
    wb = open_workbook(path, file)
    try:
        sheets = {_norm_header(ws.title): ws for ws in wb.worksheets}
        bells_ws = next((sheets[n] for n in BELLS_SHEET_NAMES if n in sheets), None)
        lessons_ws = next((sheets[n] for n in TIMETABLE_SHEET_NAMES if n in sheets), None)
        if lessons_ws is None:
            lessons_ws = next((ws for ws in wb.worksheets if ws is not bells_ws), None)
        if lessons_ws is None:
            raise InputError.at(
                file, "в книге нет листа с уроками; назовите лист с уроками «Расписание»."
            )
        lessons = sheet_table(lessons_ws, file)
        bells = sheet_table(bells_ws, file) if bells_ws is not None else None
    finally:
        wb.close()
    return lessons, bells


# --------------------------------------------------------------------------- cell parsing


class _CellError(Exception):
    """A bad cell; the message is Russian and says what to write instead."""


def _parse_day(value: object) -> int:
    if isinstance(value, date):  # a date typed into the day column of a workbook
        value = value.isoweekday()
    text = _text(value)
    key = text.lower().rstrip(".").strip()
    day = _DAY_WORDS.get(key)
    if day is None:
        raise _CellError(f"«{text}» — неизвестный день недели; пишите Пн…Сб или 1…6")
    if day == 7:
        raise _CellError(f"«{text}» — воскресенье не учебный день; пишите Пн…Сб или 1…6")
    return day


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        if m := _DATE_ISO.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DATE_RU.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise _CellError(f"«{text}» — неверная дата; пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")


def _parse_lesson(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = _text(value)
    if _INT.match(text) and int(text) > 0:
        return int(text)
    raise _CellError(f"«{text}» — номер урока должен быть целым положительным числом (1, 2, 3…)")


@lru_cache(maxsize=4096, typed=True)  # a timetable repeats a few bell times thousands of times
def _parse_time(value: object) -> time:
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return time(value.hour, value.minute)
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        total = round(value.total_seconds() / 60)  # a "[ч]:мм" cell of a workbook
        if total < 24 * 60:
            return time(total // 60, total % 60)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time stored as a day fraction
        total = round(value * 24 * 60)
        if total < 24 * 60:
            return time(total // 60, total % 60)
    text = _text(value)
    m = _TIME.match(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise _CellError(f"«{text}» — неверное время; пишите ЧЧ:ММ, например 08:30")


def _parse_shift(value: object) -> int:
    text = _text(value)
    m = re.match(r"^([12])(?:\s*(?:-?я)?\s*смена)?$", text.lower())
    if not m:
        raise _CellError(f"«{text}» — неизвестная смена; пишите 1 или 2")
    return int(m.group(1))


def _split_list(value: object) -> tuple[str, ...]:
    """The comma-separated names of a cell as written (spaces kept: see :class:`_Spellings`)."""
    raw = "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    # spaces around the commas separate the names: they are not part of a spelling
    return tuple(part.strip(" ") for part in raw.split(",") if part.strip())


@lru_cache(maxsize=8192)  # the same class, teacher and subject names on every row
def _clean(raw: str) -> str:
    """A name as it is kept: NFC, no-break spaces and newlines as spaces, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", raw).replace("\xa0", " ")).strip()


# --------------------------------------------------------------------------- header mapping


@dataclass
class _Columns:
    index: dict[str, int]  # field → column index
    label: dict[str, str]  # field → header as written in the file
    header_row: int
    width: int = 0  # fields of the header row

    def get(self, cells: Sequence[object], name: str) -> object:
        i = self.index.get(name)
        if i is None or i >= len(cells):
            return None
        return cells[i]

    def has(self, name: str) -> bool:
        return name in self.index

    def name(self, name: str) -> str:
        return self.label.get(name, HEADERS[name][0])


def _map_header(
    table: _Table,
    fields: Iterable[str],
    required: Sequence[tuple[str, ...]],
    findings: Findings,
    *,
    hint_encoding: bool = False,
    optional: Sequence[str] = (),
) -> tuple[_Columns, list[tuple[int, list[object]]]]:
    """Find the header row (skipping a title line above it) and map its columns to fields.

    A missing column of ``required`` refuses the table, unless it is in ``optional``: then it is
    a finding (strict mode refuses with the same message)."""
    start = next(
        (i for i, (_, cells) in enumerate(table.rows) if any(_text(c) for c in cells)), None
    )
    if start is None:
        raise InputError.at(
            table.file,
            "файл пуст; в первой строке должны быть заголовки столбцов.",
            element=table.element,
        )
    lookup = {alias: name for name in fields for alias in HEADERS[name]}
    # A title line («Расписание уроков на 2026/27 уч. год») may stand above the header: the
    # header is the first of the top rows that names at least three known columns.
    filled = [i for i, (_, cells) in enumerate(table.rows) if any(_text(c) for c in cells)]
    for i in filled[:HEADER_SEARCH_ROWS]:
        if len({lookup.get(_norm_header(c)) for c in table.rows[i][1]} - {None}) >= 3:
            start = i
            break
    header_row, header = table.rows[start]
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    for i, cell in enumerate(header):
        name = lookup.get(_norm_header(cell))
        if name is None:
            continue
        if name in index:
            findings.add(
                "duplicate",
                f"столбец «{HEADERS[name][0]}» встречается дважды "
                f"(«{label[name]}» и «{_text(cell)}»); оставьте один.",
                f"прочитан первый столбец «{label[name]}», второй не читается",
                row=header_row,
                column=_text(cell),
                element=table.element,
                file=table.file,
            )
            continue
        index[name] = i
        label[name] = _text(cell)
    missing = [alts for alts in required if not any(a in index for a in alts)]
    fatal = [alts for alts in missing if not set(alts) <= set(optional)]
    messages = []
    for alternatives in missing:
        accepted = ", ".join(alias for a in alternatives for alias in HEADERS[a])
        shown = " или ".join(f"«{HEADERS[a][0]}»" for a in alternatives)
        message = f"нет обязательного столбца {shown}; допустимые заголовки: {accepted}."
        if hint_encoding and not index:
            message += " Если заголовки на месте, проверьте кодировку файла (нужна UTF-8)."
        messages.append(message)
    if fatal:
        raise InputError(
            [
                Problem(file=table.file, row=header_row, element=table.element, message=m)
                for m in messages
            ]
        )
    for message in messages:
        findings.add(
            "no_teachers",
            message,
            "расписание прочитано без учителей: проверка учителей и ленты учителей недоступны",
            row=header_row,
            element=table.element,
            file=table.file,
        )
    return _Columns(index, label, header_row, len(header)), table.rows[start + 1 :]


# --------------------------------------------------------------------------- rows


@dataclass
class _Row:
    row: int
    day: int
    lesson: int
    start: time | None
    end: time | None
    classes: tuple[str, ...]
    group: str | None
    subject: str
    teachers: tuple[str, ...]
    room: str | None
    shift: int | None
    date: date | None = None


@dataclass
class _Bells:
    """Bells from a bells sheet/file: per shift and per class."""

    by_shift: dict[int, dict[int, tuple[time, time]]] = field(default_factory=dict)
    by_class: dict[str, dict[int, tuple[time, time]]] = field(default_factory=dict)
    class_shift: dict[str, int] = field(default_factory=dict)


_WHAT = {"class": "класса", "teacher": "учителя", "subject": "предмета", "group": "группы"}


class Spellings:
    """One spelling per name: «7а», «7 А» and «7-А» are the class first written «7А»;
    «Иванова М. П.» is «Иванова М.П.»; «математика» is «Математика». Spaces, newlines and
    no-break spaces inside a name are normalised; when two different raw spellings become one
    name, a ``names_merged`` finding says so (once per spelling)."""

    def __init__(self, findings: Findings, file: str, element: str | None = None) -> None:
        self.findings = findings
        self.file = file
        self.element = element
        self._seen: dict[tuple[str, str], tuple[str, str, int | None]] = {}
        self._reported: set[tuple[str, str]] = set()

    def _first(self, kind: str, key: str, raw: str, row: int | None, column: str | None) -> str:
        name = _clean(raw)
        if not name:
            return name
        first = self._seen.setdefault((kind, key), (name, raw, row))
        if raw != first[1] and (kind, raw) not in self._reported:
            self._reported.add((kind, raw))
            where = f" в строке {first[2]}" if first[2] is not None else ""
            self.findings.add(
                "names_merged",
                f"название {_WHAT[kind]} «{_shown(raw)}» написано иначе, чем «{_shown(first[1])}»"
                f"{where}",
                f"прочитано как одно название «{first[0]}»",
                row=row,
                column=column,
                element=self.element,
                file=self.file,
            )
        return first[0]

    def cls(self, raw: str, row: int | None = None, column: str | None = None) -> str:
        return self._first("class", class_key(_clean(raw)), raw, row, column)

    def teacher(self, raw: str, row: int | None = None, column: str | None = None) -> str:
        key = _SPACE.sub("", raw).lower().replace("ё", "е")
        return self._first("teacher", key, raw, row, column)

    def subject(self, raw: str, row: int | None = None, column: str | None = None) -> str:
        key = _clean(raw).lower().replace("ё", "е")
        return self._first("subject", key, raw, row, column)

    def group(self, raw: str, row: int | None = None, column: str | None = None) -> str:
        key = _SPACE.sub("", raw).lower().replace("ё", "е")
        return self._first("group", key, raw, row, column)


def _shown(raw: str) -> str:
    """A raw name with its invisible differences made visible (newlines, edge spaces)."""
    shown = raw.replace("\r", "").replace("\n", "⏎").replace("\xa0", "·")
    if shown != shown.strip():
        shown = shown.replace(" ", "·")
    return shown


class _Collector:
    """Findings of one table: a row that cannot be read is left out (``unreadable_row``)."""

    def __init__(self, findings: Findings, file: str, element: str | None, columns: _Columns):
        self.findings = findings
        self.file = file
        self.element = element
        self.columns = columns

    def add(
        self,
        row: int | None,
        name: str | None,
        message: str,
        *,
        kind: str = "unreadable_row",
        read_as: str = "строка не прочитана: урока в расписании нет",
    ) -> None:
        self.findings.add(
            kind,
            message,
            read_as,
            row=row,
            column=self.columns.name(name) if name else None,
            element=self.element,
            file=self.file,
        )

    def cell(
        self, row: int, cells: Sequence[object], name: str, parse: Callable[[object], _T]
    ) -> _T | None:
        try:
            return parse(self.columns.get(cells, name))
        except _CellError as exc:
            self.add(row, name, str(exc))
            return None


def _read_times(
    out: _Collector, row: int, cells: Sequence[object], cols: _Columns
) -> tuple[time | None, time | None, bool]:
    """Start and end of a row; ``ok`` is False when a problem was recorded."""
    raw_start = _text(cols.get(cells, "start")) if cols.has("start") else ""
    raw_end = _text(cols.get(cells, "end")) if cols.has("end") else ""
    raw_range = _text(cols.get(cells, "time")) if cols.has("time") else ""
    if raw_range and not raw_start and not raw_end:  # «время»: 08:30–09:10 in one cell
        parts = re.split(r"\s*[-–—]\s*", raw_range)
        try:
            if len(parts) != 2:
                raise _CellError("")
            start, end = _parse_time(parts[0]), _parse_time(parts[1])
        except _CellError:
            out.add(
                row,
                "time",
                f"«{raw_range}» — неверное время урока; пишите начало и конец через дефис, "
                "например 08:30-09:10",
            )
            return None, None, False
        if minutes(end) <= minutes(start):
            out.add(
                row,
                "time",
                f"конец урока ({hhmm(end)}) не позже начала ({hhmm(start)}); проверьте время.",
            )
            return None, None, False
        return start, end, True
    start = out.cell(row, cells, "start", _parse_time) if raw_start else None
    end = out.cell(row, cells, "end", _parse_time) if raw_end else None
    if (raw_start and start is None) or (raw_end and end is None):
        return None, None, False
    if raw_start and not raw_end:
        out.add(
            row,
            "end",
            "указано только начало урока; впишите и конец (или оставьте оба пустыми, "
            "чтобы взять время из звонков).",
        )
        return None, None, False
    if raw_end and not raw_start:
        out.add(
            row,
            "start",
            "указан только конец урока; впишите и начало (или оставьте оба пустыми, "
            "чтобы взять время из звонков).",
        )
        return None, None, False
    if start is not None and end is not None and minutes(end) <= minutes(start):
        out.add(
            row,
            "end",
            f"конец урока ({hhmm(end)}) не позже начала ({hhmm(start)}); проверьте время.",
        )
        return None, None, False
    return start, end, True


def _field_count(out: _Collector, cols: _Columns, number: int, cells: list[object]) -> bool:
    """A CSV row with more filled fields than its header: ``False`` (the row is left out)."""
    if len(cells) <= cols.width or not any(_text(c) for c in cells[cols.width :]):
        return True
    out.add(
        number,
        None,
        f"в строке {plural(len(cells), 'поле', 'поля', 'полей')}, а в заголовке {cols.width}: "
        "значения сдвинуты "
        "(например, запятая внутри ячейки без кавычек); возьмите такую ячейку в кавычки.",
        kind="field_count",
    )
    return False


def _read_rows(table: _Table, findings: Findings) -> tuple[list[_Row], _Columns]:
    cols, body = _map_header(
        table,
        HEADERS,
        (("day", "date"), ("lesson",), ("class",), ("subject",), ("teacher",)),
        findings,
        hint_encoding=True,
        optional=("teacher",),
    )
    out = _Collector(findings, table.file, table.element, cols)
    use_date = not cols.has("day")
    canon = Spellings(findings, table.file, table.element)
    rows: list[_Row] = []
    for number, cells in body:
        if not any(_text(c) for c in cells):
            continue
        if table.counted and not _field_count(out, cols, number, cells):
            continue
        if _norm_header(cols.get(cells, "change")) in CANCELLED:
            continue
        if _norm_header(cols.get(cells, "format")) in UNTIMED:
            continue
        ok = True
        day_name = "date" if use_date else "day"
        day: int | None = None
        when: date | None = None
        if not _text(cols.get(cells, day_name)):
            out.add(number, day_name, "не указан день недели; пишите Пн…Сб или 1…6")
            ok = False
        elif use_date:
            when = out.cell(number, cells, "date", _parse_date)
            if when is not None and when.isoweekday() == 7:
                out.add(
                    number,
                    "date",
                    f"{when.isoformat()} — воскресенье; уроков в воскресенье не бывает, "
                    "проверьте дату.",
                )
                when = None
            day = when.isoweekday() if when is not None else None
        else:
            day = out.cell(number, cells, "day", _parse_day)
        ok = ok and day is not None

        lesson: int | None = None
        if not _text(cols.get(cells, "lesson")):
            out.add(number, "lesson", "не указан номер урока; впишите 1, 2, 3…")
        else:
            lesson = out.cell(number, cells, "lesson", _parse_lesson)
        ok = ok and lesson is not None

        start, end, times_ok = _read_times(out, number, cells, cols)
        ok = ok and times_ok

        column = cols.name("class")
        classes = tuple(
            dict.fromkeys(
                canon.cls(c, number, column) for c in _split_list(cols.get(cells, "class"))
            )
        )
        if not classes:
            out.add(
                number,
                "class",
                "не указан класс; впишите класс, например 7А "
                "(для сборной группы — классы через запятую: 7А, 7Б)",
            )
            ok = False
        raw_subject = cols.get(cells, "subject")
        subject = canon.subject(
            "" if raw_subject is None else str(raw_subject), number, cols.name("subject")
        )
        if not subject and ok:
            out.add(
                number,
                "subject",
                "не указан предмет; впишите название предмета",
                kind="missing_name",
                read_as=f"урок прочитан с предметом «{NO_NAME}»",
            )
            subject = NO_NAME
        elif not subject:
            out.add(number, "subject", "не указан предмет; впишите название предмета")
        raw_group = cols.get(cells, "group")
        group_text = _clean("" if raw_group is None else _text(raw_group))
        group = (
            None
            if group_text.lower() in WHOLE_CLASS
            else canon.group(str(raw_group), number, cols.name("group"))
        )
        column = cols.name("teacher")
        teachers = tuple(
            dict.fromkeys(
                canon.teacher(x, number, column) for x in _split_list(cols.get(cells, "teacher"))
            )
        )
        room = _clean(_text(cols.get(cells, "room")))
        room = None if room.lower() in NO_ROOM else room or None
        shift: int | None = None
        if cols.has("shift") and _text(cols.get(cells, "shift")):
            shift = out.cell(number, cells, "shift", _parse_shift)
            ok = ok and shift is not None
        if ok:
            assert day is not None and lesson is not None
            rows.append(
                _Row(
                    number, day, lesson, start, end, classes, group, subject, teachers, room,
                    shift, when,
                )
            )  # fmt: skip
    return rows, cols


def _first_week(rows: list[_Row]) -> list[_Row]:
    """Keep, for each weekday, only the rows of the first date that falls on it."""
    first: dict[int, date] = {}
    for r in rows:
        if r.date is not None and (r.day not in first or r.date < first[r.day]):
            first[r.day] = r.date
    return [r for r in rows if r.date is None or r.date == first[r.day]]


def _read_bells(table: _Table, findings: Findings) -> _Bells:
    cols, body = _map_header(table, BELL_FIELDS, (("lesson",), ("start",), ("end",)), findings)
    out = _Collector(findings, table.file, table.element, cols)
    bells = _Bells()
    seen: dict[tuple[object, int], tuple[int, tuple[time, time]]] = {}
    skipped = "строка звонков не прочитана"
    for number, cells in body:
        if not any(_text(c) for c in cells):
            continue
        shift = 1
        if cols.has("shift") and _text(cols.get(cells, "shift")):
            shift = out.cell(number, cells, "shift", _parse_shift)
        lesson = out.cell(number, cells, "lesson", _parse_lesson)
        start = out.cell(number, cells, "start", _parse_time)
        end = out.cell(number, cells, "end", _parse_time)
        if None in (shift, lesson, start, end):
            continue
        if minutes(end) <= minutes(start):
            out.add(
                number,
                "end",
                f"конец урока ({hhmm(end)}) не позже начала ({hhmm(start)}); проверьте время.",
                read_as=skipped,
            )
            continue
        classes = _split_list(cols.get(cells, "class")) if cols.has("class") else ()
        classes = tuple(_clean(c) for c in classes)
        targets: Sequence[object] = classes or (shift,)
        for target in targets:
            key = (target, lesson)
            if key in seen and seen[key][1] != (start, end):
                where = f"класса {target}" if classes else f"{shift}-й смены"
                out.add(
                    number,
                    "lesson",
                    f"урок {lesson} {where} уже задан в строке {seen[key][0]} с другим временем; "
                    "оставьте одну строку.",
                    kind="conflict",
                    read_as=f"взято время из строки {seen[key][0]}",
                )
                continue
            seen[key] = (number, (start, end))
            if classes:
                bells.by_class.setdefault(str(target), {})[lesson] = (start, end)
                bells.class_shift[str(target)] = shift
            else:
                bells.by_shift.setdefault(shift, {})[lesson] = (start, end)
    return bells


def external_bells(bells: Path | str | BellPlan, findings: Findings) -> _Bells:
    """Bells given from outside the timetable file: a bells file (CSV/XLSX, the columns of a
    «Звонки» sheet) or a plan entered once (first-shift bells)."""
    if isinstance(bells, BellPlan):
        result = _Bells()
        result.by_shift[1] = bells.times()
        return result
    path = Path(bells)
    if not path.is_file():
        raise InputError.at(str(path), "файл звонков не найден; проверьте путь.")
    if path.suffix.lower() == ".xlsx":
        wb = open_workbook(path, path.name)
        try:
            sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
            if not sheets:
                raise InputError.at(path.name, "в книге звонков нет ни одного листа.")
            table = sheet_table(sheets[0], path.name)
        finally:
            wb.close()
    else:
        table = csv_table(path, path.name, findings)
    return _read_bells(table, findings)


def _companion_bells(path: Path) -> Path | None:
    for name in BELLS_FILE_NAMES:
        candidate = path.with_name(name)
        if candidate.is_file() and candidate.resolve() != path.resolve():
            return candidate
    return None


# --------------------------------------------------------------------------- building


def _most_common(counter: Counter[tuple[time, time]]) -> tuple[time, time]:
    """The most frequent times; a tie goes to the longer lesson, then the earlier start.

    The rule ignores row order, so a file and its sorted rewrite derive the same bells.
    """
    return max(
        counter,
        key=lambda se: (counter[se], minutes(se[1]) - minutes(se[0]), -minutes(se[0])),
    )


_Times = tuple[time, time]


def _derive_bells(
    items: Iterable[tuple[int, time | None, time | None, tuple[str, ...]]],
    shift_of: dict[str, int],
) -> tuple[dict[tuple[str, int], _Times], dict[tuple[int, int], _Times]]:
    """Bells implied by lessons with times: per class (its most common times for a lesson
    number) and per shift (the times most classes of the shift use)."""
    per_class: dict[tuple[str, int], Counter[_Times]] = defaultdict(Counter)
    for number, start, end, classes in items:
        if start is None or end is None:
            continue
        for c in classes:
            per_class[(c, number)][(start, end)] += 1
    class_map = {key: _most_common(cnt) for key, cnt in per_class.items()}
    votes: dict[tuple[int, int], Counter[_Times]] = defaultdict(Counter)
    for (c, number), times in class_map.items():
        votes[(shift_of[c], number)][times] += 1
    return class_map, {key: _most_common(cnt) for key, cnt in votes.items()}


def _in_shift(n: int) -> str:
    """«в 1-й», «во 2-й» (the preposition follows the spoken ordinal: в первой, во второй)."""
    return f"во {n}-й" if n == 2 else f"в {n}-й"


def _class_shifts(rows: list[_Row], bells: _Bells, out: _Collector) -> dict[str, int]:
    shifts: dict[str, tuple[int, int]] = {}
    for r in rows:
        if r.shift is None:
            continue
        for c in r.classes:
            if c in shifts and shifts[c][0] != r.shift:
                out.add(
                    r.row,
                    "shift",
                    f"класс {c} указан {_in_shift(shifts[c][0])} смене в строке {shifts[c][1]}, "
                    f"а здесь — {_in_shift(r.shift)}; у класса одна смена.",
                    kind="conflict",
                    read_as=f"класс {c} прочитан {_in_shift(shifts[c][0])} смене",
                )
            else:
                shifts.setdefault(c, (r.shift, r.row))
    result = {c: s for c, (s, _) in shifts.items()}
    for r in rows:
        for c in r.classes:
            if c not in result:
                result[c] = bells.class_shift.get(c, 1)
    return result


def _fill_times(
    rows: list[_Row], bells: _Bells, shift_of: dict[str, int], out: _Collector
) -> list[_Row]:
    by_class, by_shift = _derive_bells(
        ((r.lesson, r.start, r.end, r.classes) for r in rows), shift_of
    )
    filled: list[_Row] = []
    for r in rows:
        if r.start is not None:
            filled.append(r)
            continue
        c = r.classes[0]
        s = shift_of[c]
        known = (
            bells.by_class.get(c, {}).get(r.lesson)
            or bells.by_shift.get(s, {}).get(r.lesson)
            or by_class.get((c, r.lesson))
            or by_shift.get((s, r.lesson))
        )
        if known is None:
            out.add(
                r.row,
                "start",
                f"не указано время урока {r.lesson}, и звонки {s}-й смены для него неизвестны; "
                "впишите начало и конец или добавьте лист «Звонки» (файл bells.csv) "
                "со столбцами смена, урок, начало, конец.",
            )
            continue
        r.start, r.end = known
        filled.append(r)
    return filled


def _bell_schedules(
    lessons: list[BaseLesson], bells: _Bells, shift_of: dict[str, int]
) -> tuple[dict[str, BellSchedule], dict[str, str]]:
    """Bell schedules per shift, plus bands for classes whose bells differ from their shift's."""
    by_class, by_shift = _derive_bells(
        ((x.lesson, x.start, x.end, x.classes) for x in lessons), shift_of
    )
    derived_shift: dict[int, dict[int, _Times]] = defaultdict(dict)
    for (s, n), times in by_shift.items():
        derived_shift[s][n] = times
    own_of: dict[str, dict[int, _Times]] = defaultdict(dict)
    for (name, n), times in by_class.items():
        own_of[name][n] = times

    schedules: dict[str, BellSchedule] = {}
    bands: dict[tuple[int, tuple[tuple[int, time, time], ...]], list[str]] = defaultdict(list)
    assignment: dict[str, str] = {}
    shifts = sorted(set(shift_of.values()) | set(bells.by_shift))
    base = {s: derived_shift.get(s, {}) | bells.by_shift.get(s, {}) for s in shifts}
    for s in shifts:
        if base[s]:
            schedules[f"{s} смена"] = _schedule(f"{s} смена", base[s])
    for c in sort_class_names(shift_of):
        s = shift_of[c]
        own = own_of.get(c, {}) | bells.by_class.get(c, {})
        if all(base[s].get(n) == t for n, t in own.items()):
            assignment[c] = f"{s} смена"
        else:
            bands[(s, tuple(sorted((n, a, b) for n, (a, b) in own.items())))].append(c)
    for (s, items), names in bands.items():
        name = f"{s} смена ({', '.join(names)})"
        schedules[name] = _schedule(name, {n: (a, b) for n, a, b in items})
        for c in names:
            assignment[c] = name
    return schedules, assignment


def _schedule(name: str, bells: dict[int, tuple[time, time]]) -> BellSchedule:
    return BellSchedule(
        name=name, bells=tuple(Bell(n, a, b) for n, (a, b) in sorted(bells.items()))
    )


def read_flat(
    path: Path | str,
    *,
    school_name: str | None = None,
    strict: bool = False,
    bells: Path | str | BellPlan | None = None,
) -> Timetable:
    """Read a flat CSV or XLSX timetable (see the module docstring for the columns).

    ``bells`` (a bells file or a plan) fill rows without times when the file has no bells.

    Tolerant: a row that cannot be read is left out with a finding; ``strict=True`` raises
    :class:`~planner.domain.errors.InputError` with every finding instead (nothing is imported).
    """
    path = Path(path)
    file = path.name
    findings = Findings(file, strict=strict)
    if path.suffix.lower() == ".xlsx":
        table, bells_table = _xlsx_tables(path, file)
    else:
        table = csv_table(path, file, findings)
        for _number, cells in table.rows:  # our exports' defused cells, as they were
            cells[:] = [restore_cell(v) if isinstance(v, str) else v for v in cells]
        companion = _companion_bells(path)
        bells_table = csv_table(companion, companion.name, findings) if companion else None

    rows, cols = _read_rows(table, findings)
    if bells_table is not None:
        bell_data = _read_bells(bells_table, findings)
    elif bells is not None and any(r.start is None for r in rows):
        bell_data = external_bells(bells, findings)
    else:
        bell_data = _Bells()
    out = _Collector(findings, file, table.element, cols)
    rows = _first_week(rows)
    shift_of = _class_shifts(rows, bell_data, out)
    rows = _fill_times(rows, bell_data, shift_of, out)
    lessons = rows_to_lessons(rows, out, file, table.element)
    findings.check(sort_rows=True)
    return build_timetable(
        lessons,
        findings,
        bell_data,
        shift_of,
        school_name=school_name or path.stem,
        source=str(path),
        empty_message=(
            "в файле нет ни одного урока; под строкой заголовков впишите уроки, по одному в строке."
        ),
        element=table.element,
    )


def rows_to_lessons(
    rows: list[_Row], out: _Collector, file: str, element: str | None
) -> list[BaseLesson]:
    """Lessons of the rows; a row that repeats another is read once (``duplicate``)."""
    lessons: list[BaseLesson] = []
    first_row: dict[BaseLesson, int] = {}
    for r in rows:
        assert r.start is not None and r.end is not None
        lesson = BaseLesson(
            day=r.day,
            lesson=r.lesson,
            start=r.start,
            end=r.end,
            classes=r.classes,
            subject=r.subject,
            teachers=r.teachers,
            group=r.group,
            room=r.room,
            source=SourceRef(file=file, row=r.row, element=element),
        )
        if lesson in first_row:
            out.add(
                r.row,
                None,
                f"строка повторяет строку {first_row[lesson]} "
                f"({DAY_NAMES_RU[r.day - 1]}, урок {r.lesson}, {', '.join(r.classes)}, "
                f"«{r.subject}»); удалите одну из них.",
                kind="duplicate",
                read_as="урок прочитан один раз",
            )
            continue
        first_row[lesson] = r.row
        lessons.append(lesson)
    return lessons


def build_timetable(
    lessons: list[BaseLesson],
    findings: Findings,
    bells: _Bells,
    shift_of: dict[str, int],
    *,
    school_name: str,
    source: str,
    empty_message: str,
    element: str | None = None,
) -> Timetable:
    """The timetable of read lessons: clashes resolved by the one rule, bells and classes."""
    if not lessons:  # why no row was read comes first, then what to do
        empty = Problem(findings.file, empty_message, element=element)
        raise InputError([*cap_problems(findings.problems(), findings.file), empty])
    lessons, clashes = resolve_source_clashes(lessons, findings)
    findings.check(sort_rows=True)
    schedules, assignment = _bell_schedules(lessons, bells, shift_of)
    subgroups: dict[str, set[str]] = defaultdict(set)
    for lesson in lessons:
        if lesson.group:
            for c in lesson.classes:
                subgroups[c].add(lesson.group)
    classes = {
        c: SchoolClass(
            name=c,
            grade=parse_grade(c),
            shift=shift_of[c],
            bell_schedule=assignment.get(c),
            subgroups=tuple(sorted(subgroups.get(c, ()))),
        )
        for c in sort_class_names(shift_of)
    }
    return Timetable(
        school=School(
            name=school_name,
            days_per_week=6 if any(x.day == 6 for x in lessons) else 5,
        ),
        classes=classes,
        lessons=tuple(lessons),
        bell_schedules=schedules,
        source=source,
        findings=findings.result(),
        source_clashes=clashes,
    )
