"""The Russian grid («шахматка»): rows are day × lesson number, columns are classes.

The most common hand-made timetable of a Russian school (XLSX, or CSV):

* a header row names the classes (``5А``, ``10Б``, ``11И (физ-мат)``); one sheet for the school
  or one sheet per grade band — every sheet with such a row is read;
* a day column left of the classes: ``ПОНЕДЕЛЬНИК`` in capitals, ``Пн``, often written once in a
  merged cell (it counts for every row below it until the next day);
* a lesson-number column (``№``, ``урок``); a class may have its own number column just left of
  it (numbers of a second-shift class may be shifted); without any, the lesson number is the
  row's position within its day;
* a cell holds the subject and often the room: ``Алгебра 305``, ``Алгебра / 305``; split groups
  as ``Английский / Немецкий`` or ``Информатика / Информатика``, their rooms as ``331/436``.

Teachers are usually not in the grid. The optional **load table** («нагрузка»: класс, предмет,
группа, учитель — a sheet ``Нагрузка`` of the book or a separate file) gives each lesson its
teacher and names the groups of split lessons (the k-th part of a split cell is the k-th load row
of that class and subject with a group). Without it the timetable is imported without teachers
(a ``no_teachers`` note: teacher checks and teacher feeds are not possible).

Bells come from a ``Звонки`` sheet, a bells file, or the common default (08:00, lessons of 45
minutes, breaks of 10 minutes and 20 minutes after the 3rd and 4th lesson) with a note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from planner.domain.bells import PLAN_LESSONS, BellPlan
from planner.domain.errors import InputError
from planner.domain.findings import NO_NAME, Findings
from planner.domain.model import (
    DAY_NAMES_RU,
    BaseLesson,
    SourceRef,
    Timetable,
    class_key,
    parse_grade,
)
from planner.imports._tables import (
    Table,
    csv_table,
    open_workbook,
    sheet_table,
    sniff_delimiter,
    text,
)
from planner.imports.flat import (
    BELLS_SHEET_NAMES,
    HEADERS,
    Spellings,
    _Bells,
    _Collector,
    _map_header,
    _norm_header,
    _read_bells,
    build_timetable,
    external_bells,
)

LOAD_SHEET_NAMES = ("нагрузка", "load", "учителя", "тарификация")
LOAD_FIELDS = ("class", "subject", "group", "teacher")
HEADER_ROWS = 10

DEFAULT_LESSONS = PLAN_LESSONS

_DAYS = {
    "понедельник": 1, "пн": 1, "вторник": 2, "вт": 2, "среда": 3, "ср": 3, "четверг": 4,
    "чт": 4, "пятница": 5, "пт": 5, "суббота": 6, "сб": 6,
}  # fmt: skip
_CLASS = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*[А-ЯЁA-Z]{0,2}\d?\s*(\(.*\))?\s*$", re.IGNORECASE)
_ROOM = re.compile(r"^(?:каб\.?\s*)?\d{1,4}[а-яёa-z]?$|^(?:с/з|спортзал|актовый зал)$", re.I)
_NUMBER_HEADERS = {"№", "№ урока", "урок", "урок №", "номер", "n", "no", "#"}


def default_bells(count: int = DEFAULT_LESSONS) -> dict[int, tuple[time, time]]:
    """The common 45/10/20 bells (what the upload screen fills in): :class:`BellPlan`'s default."""
    return BellPlan(count=count).times()


def _day(value: object) -> int | None:
    word = re.sub(r"[\s.]+", "", text(value).lower()).replace("ё", "е")
    return _DAYS.get(word)


def _is_class(value: object) -> bool:
    cell = text(value)
    return bool(cell) and bool(_CLASS.match(cell)) and parse_grade(cell) is not None


@dataclass
class _Layout:
    header_row: int  # index into table.rows
    day_col: int | None
    class_cols: dict[int, str]  # column → class name as written
    number_col: dict[int, int | None]  # class column → its lesson-number column


def _layout(table: Table) -> _Layout | None:
    for i, (_number, cells) in enumerate(table.rows[:HEADER_ROWS]):
        class_cols = {c: text(v) for c, v in enumerate(cells) if _is_class(v)}
        if len(class_cols) < 1 or (len(class_cols) < 2 and len(cells) > 4):
            continue
        first = min(class_cols)
        body = table.rows[i + 1 :]
        day_col = next(
            (
                c
                for c in range(first)
                if sum(1 for _, row in body if c < len(row) and _day(row[c])) >= 1
            ),
            None,
        )
        numbers = [
            c
            for c, v in enumerate(cells)
            if c not in class_cols
            and c != day_col
            and (
                _norm_header(v) in _NUMBER_HEADERS
                or (not text(v) and _mostly_numbers(body, c) and c < max(class_cols))
            )
        ]
        number_col = {
            c: max((n for n in numbers if n < c), default=None) for c in sorted(class_cols)
        }
        return _Layout(i, day_col, class_cols, number_col)
    return None


def _mostly_numbers(body: list[tuple[int, list[object]]], col: int) -> bool:
    values = [text(row[col]) for _, row in body if col < len(row) and text(row[col])]
    return bool(values) and sum(v.isdigit() for v in values) >= 0.8 * len(values)


def _tables(path: Path, file: str, findings: Findings) -> list[Table]:
    if path.suffix.lower() == ".xlsx":
        wb = open_workbook(path, file)
        try:
            return [sheet_table(ws, file) for ws in wb.worksheets if hasattr(ws, "iter_rows")]
        finally:
            wb.close()
    return [csv_table(path, file, findings)]


def _is_flat(table: Table) -> bool:
    lookup = {alias for aliases in HEADERS.values() for alias in aliases}
    return any(
        sum(_norm_header(c) in lookup for c in cells) >= 3 for _, cells in table.rows[:HEADER_ROWS]
    )


def _flat_csv_header(path: Path) -> bool:
    """A CSV file whose first lines already carry the flat format's headers: no need to parse
    the whole file to know it is not a grid (a 6,000-row file parses in ~0.3 s)."""
    if path.suffix.lower() != ".csv":
        return False
    with path.open("rb") as handle:
        head = handle.read(16_384)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            decoded = head.decode(encoding)
            break
        except UnicodeDecodeError:  # a cut multi-byte character at the end, or another code
            with_cut = head[: head.rfind(b"\n") + 1]
            try:
                decoded = with_cut.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    else:
        return False
    lines = decoded.splitlines()[:HEADER_ROWS]
    delimiter = sniff_delimiter(decoded)
    rows = [(n, [c.strip().strip('"') for c in line.split(delimiter)])
            for n, line in enumerate(lines, start=1)]  # fmt: skip
    return _is_flat(Table(path.name, None, rows))


def is_grid(path: Path) -> bool:
    """Whether a CSV/XLSX file is a grid rather than the flat format (never raises)."""
    try:
        if _flat_csv_header(path):
            return False
        tables = _tables(path, path.name, Findings(path.name))
    except Exception:
        return False
    named = [
        t for t in tables if _norm_header(t.element) not in (*BELLS_SHEET_NAMES, *LOAD_SHEET_NAMES)
    ]
    if any(_is_flat(t) for t in named):
        return False
    return any(_layout(t) is not None for t in named)


@dataclass(frozen=True)
class _Part:
    subject: str
    room: str | None


def split_cell(value: str) -> list[_Part]:
    """Subjects and rooms of a cell: ``Алгебра 305``, ``Алгебра / 305``, ``А / Н 331/436``."""
    subjects: list[tuple[str, str | None]] = []
    loose: list[str] = []
    order: list[str] = []
    for raw in value.split("/"):
        part = " ".join(raw.split())
        if not part:
            continue
        if _ROOM.match(part):
            loose.append(part)
            order.append(part)
            continue
        words = part.split(" ")
        room = words[-1] if len(words) > 1 and _ROOM.match(words[-1]) else None
        if room is not None:
            part = " ".join(words[:-1])
            order.append(room)
        subjects.append((part, room))
    if not subjects:
        return []
    if len(order) == len(subjects):
        return [_Part(s, r) for (s, _), r in zip(subjects, order, strict=True)]
    if len(order) == 1:
        return [_Part(s, order[0]) for s, _ in subjects]
    return [_Part(s, r) for s, r in subjects]


@dataclass
class _Load:
    """The load table: (class key, subject key) → [(group, teacher, row)]."""

    rows: dict[tuple[str, str], list[tuple[str | None, str | None, int]]]
    used: set[int]
    table: Table | None
    shown: dict[tuple[str, str], tuple[str, str]]  # key → class and subject as written


def _read_load(table: Table, findings: Findings) -> _Load:
    cols, body = _map_header(table, LOAD_FIELDS, (("class",), ("subject",)), findings)
    out = _Collector(findings, table.file, table.element, cols)
    canon = Spellings(findings, table.file, table.element)
    rows: dict[tuple[str, str], list[tuple[str | None, str | None, int]]] = defaultdict(list)
    shown: dict[tuple[str, str], tuple[str, str]] = {}
    for number, cells in body:
        if not any(text(c) for c in cells):
            continue
        class_name = text(cols.get(cells, "class"))
        subject = text(cols.get(cells, "subject"))
        if not class_name or not subject:
            out.add(number, "class" if not class_name else "subject",
                    "в строке нагрузки нет класса или предмета; заполните оба столбца",
                    kind="load_table", read_as="строка нагрузки не прочитана")  # fmt: skip
            continue
        group = text(cols.get(cells, "group")) or None
        teacher_raw = cols.get(cells, "teacher")
        teacher = (
            canon.teacher(str(teacher_raw), number, cols.name("teacher"))
            if text(teacher_raw)
            else None
        )
        for c in class_name.split(","):
            if c.strip():
                key = (class_key(c), _subject_key(subject))
                rows[key].append((group, teacher, number))
                shown.setdefault(key, (" ".join(c.split()), subject))
    return _Load(dict(rows), set(), table, shown)


def _subject_key(subject: str) -> str:
    return " ".join(subject.lower().replace("ё", "е").split()).rstrip(".")


def _load_tables(
    tables: list[Table], load_table: Path | str | None, findings: Findings
) -> tuple[list[Table], Table | None]:
    grids, load = [], None
    for t in tables:
        name = _norm_header(t.element)
        if name in LOAD_SHEET_NAMES:
            load = t
        elif name not in BELLS_SHEET_NAMES:
            grids.append(t)
    if load_table is not None:
        path = Path(load_table)
        if not path.is_file():
            raise InputError.at(str(path), "файл нагрузки не найден; проверьте путь.")
        load_tables = _tables(path, path.name, findings)
        load = next(
            (t for t in load_tables if _norm_header(t.element) in LOAD_SHEET_NAMES),
            load_tables[0] if load_tables else None,
        )
    return grids, load


def _bells(
    tables: list[Table], bells: Path | str | BellPlan | None, findings: Findings, file: str
) -> _Bells:
    """The file's own bells sheet; else the bells given (a file or a plan); else 45/10/20."""
    sheet = next((t for t in tables if _norm_header(t.element) in BELLS_SHEET_NAMES), None)
    if sheet is not None:
        if bells is not None:
            findings.add(
                "format_note",
                f"в файле есть свои звонки (лист «{sheet.element}»)",
                "взяты звонки файла; приложенные звонки не использованы",
                element=sheet.element,
                file=file,
            )
        return _read_bells(sheet, findings)
    if bells is not None:
        given = (
            f"указанные при загрузке: {bells.describe()}"
            if isinstance(bells, BellPlan)
            else f"из файла «{Path(bells).name}»"
        )
        findings.add(
            "format_note", "в файле нет звонков (листа «Звонки»)", f"взяты звонки {given}",
            file=file,
        )  # fmt: skip
        return external_bells(bells, findings)
    result = _Bells()
    result.by_shift[1] = default_bells()
    findings.add(
        "default_bells",
        "в файле нет звонков (листа «Звонки»)",
        f"взяты обычные звонки: {BellPlan().describe()}; если звонки другие, добавьте лист "
        "«Звонки» или укажите звонки при загрузке",
        file=file,
    )
    return result


def read_grid(
    path: Path | str,
    *,
    school_name: str | None = None,
    strict: bool = False,
    load_table: Path | str | None = None,
    bells: Path | str | BellPlan | None = None,
) -> Timetable:
    """Read a Russian grid («шахматка») with an optional load table and bells (module docstring).

    Tolerant like every importer (findings); ``strict=True`` refuses the file at any finding
    that is not a note.
    """
    path = Path(path)
    file = path.name
    findings = Findings(file, strict=strict)
    tables = _tables(path, file, findings)
    grids, load_t = _load_tables(tables, load_table, findings)
    load = _read_load(load_t, findings) if load_t is not None else None
    bell_data = _bells(tables, bells, findings, file)
    canon = Spellings(findings, file)
    lessons: list[BaseLesson] = []
    shift_of: dict[str, int] = {}
    read_any = False
    for table in grids:
        layout = _layout(table)
        if layout is None:
            if any(text(c) for _, cells in table.rows for c in cells):
                findings.add(
                    "format_note",
                    f"на листе «{table.element}» нет строки с названиями классов",
                    "лист пропущен",
                    element=table.element,
                )
            continue
        read_any = True
        lessons += _read_sheet(table, layout, canon, load, bell_data, shift_of, findings)
    if not read_any:
        raise InputError.at(
            file,
            "в файле нет ни плоской таблицы уроков (столбцы день, урок, класс, предмет), ни "
            "сетки-шахматки (строка с классами 5А, 5Б… и столбец дней); проверьте, тот ли это "
            "файл.",
        )
    if load is None:
        findings.add(
            "no_teachers",
            "в сетке нет учителей, а таблица нагрузки (класс, предмет, группа, учитель) не "
            "приложена",
            "расписание прочитано без учителей: проверка накладок учителей и ленты учителей "
            "недоступны; приложите нагрузку",
        )
    else:
        for key, items in sorted(load.rows.items()):
            c, s = load.shown[key]
            for group, teacher, number in items:
                if number not in load.used:
                    findings.add(
                        "load_table",
                        f"строка нагрузки «{c}», «{s}»{f', {group}' if group else ''}"
                        f"{f', {teacher}' if teacher else ''} не встречается в сетке",
                        "строка не использована",
                        row=number,
                        element=load.table.element if load.table else None,
                        file=load.table.file if load.table else None,
                    )
    return build_timetable(
        lessons,
        findings,
        bell_data,
        shift_of,
        school_name=school_name or path.stem,
        source=str(path),
        empty_message="в сетке нет ни одного урока; впишите предметы в ячейки под классами.",
    )


def _read_sheet(
    table: Table,
    layout: _Layout,
    canon: Spellings,
    load: _Load | None,
    bells: _Bells,
    shift_of: dict[str, int],
    findings: Findings,
) -> list[BaseLesson]:
    header = table.rows[layout.header_row]
    names = {col: canon.cls(name, header[0], None) for col, name in layout.class_cols.items()}
    for name in names.values():
        shift_of.setdefault(name, bells.class_shift.get(name, 1))
    lessons: list[BaseLesson] = []
    day: int | None = None
    position = 0
    for number, cells in table.rows[layout.header_row + 1 :]:
        if layout.day_col is not None and layout.day_col < len(cells):
            new_day = _day(cells[layout.day_col])
            if new_day is not None and new_day != day:
                day, position = new_day, 0
            elif text(cells[layout.day_col]) and new_day is None:
                findings.add(
                    "unreadable_row",
                    f"«{text(cells[layout.day_col])}» — неизвестный день недели; пишите "
                    "ПОНЕДЕЛЬНИК…СУББОТА или Пн…Сб",
                    "строка не прочитана: уроков этой строки в расписании нет",
                    row=number,
                    element=table.element,
                )
                day = None
        if not any(text(cells[c]) for c in layout.class_cols if c < len(cells)):
            if any(text(c) for c in cells):
                position += 1  # a numbered row without lessons still counts
            continue
        position += 1
        if day is None:
            findings.add(
                "unreadable_row",
                "у строки нет дня недели (столбец дней выше пуст)",
                "строка не прочитана: уроков этой строки в расписании нет",
                row=number,
                element=table.element,
            )
            continue
        for col, class_name in names.items():
            value = text(cells[col]) if col < len(cells) else ""
            if not value:
                continue
            raw = str(cells[col])
            lesson_no = _lesson_number(cells, layout.number_col[col], position)
            if lesson_no is None:
                findings.add(
                    "unreadable_row",
                    f"номер урока «{text(cells[layout.number_col[col] or 0])}» не число",
                    f"взят номер по порядку строки в дне: {position}",
                    row=number,
                    element=table.element,
                )
                lesson_no = position
            lessons += _cell_lessons(
                value, raw, class_name, day, lesson_no, number, table, load, bells, shift_of, canon
            )
    return lessons


def _lesson_number(cells: list[object], col: int | None, position: int) -> int | None:
    if col is None:
        return position
    value = text(cells[col]) if col < len(cells) else ""
    if not value:
        return position
    value = value.rstrip(".")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _cell_lessons(
    value: str,
    raw: str,
    class_name: str,
    day: int,
    lesson_no: int,
    row: int,
    table: Table,
    load: _Load | None,
    bells: _Bells,
    shift_of: dict[str, int],
    canon: Spellings,
) -> list[BaseLesson]:
    findings = canon.findings
    place = f"{DAY_NAMES_RU[day - 1]}, урок {lesson_no}, {class_name}"
    parts = split_cell(value)
    if not parts:
        parts = [_Part(NO_NAME, value)]
    times = bells.by_class.get(class_name, {}).get(lesson_no) or bells.by_shift.get(
        shift_of.get(class_name, 1), {}
    ).get(lesson_no)
    if times is None:
        findings.add(
            "unreadable_row",
            f"для урока {lesson_no} нет звонка ({place}); добавьте его на лист «Звонки»",
            "урок не прочитан",
            row=row,
            element=table.element,
        )
        return []
    split = len(parts) > 1
    result: list[BaseLesson] = []
    taken: dict[str, int] = defaultdict(int)
    for k, part in enumerate(parts, start=1):
        whole = len(parts) == 1 and part.room is None
        subject = canon.subject(raw if whole else part.subject, row, None)
        group: str | None = None
        teachers: tuple[str, ...] = ()
        if split:
            same = sum(1 for p in parts if _subject_key(p.subject) == _subject_key(subject))
            group = f"{k} гр." if same > 1 else subject
        if load is not None:
            items = load.rows.get((class_key(class_name), _subject_key(subject)), [])
            if split:
                grouped = [x for x in items if x[0]] or items
                index = taken[_subject_key(subject)]
                taken[_subject_key(subject)] += 1
                chosen = grouped[index : index + 1]
                if chosen and chosen[0][0]:
                    group = chosen[0][0]
            else:
                chosen = items
            if not chosen:
                findings.add(
                    "load_table",
                    f"в нагрузке нет строки для «{subject}» класса {class_name} ({place})",
                    "урок прочитан без учителя",
                    row=row,
                    element=table.element,
                )
            for item in chosen:
                load.used.add(item[2])
            teachers = tuple(dict.fromkeys(t for _, t, _ in chosen if t))
        result.append(
            BaseLesson(
                day=day,
                lesson=lesson_no,
                start=times[0],
                end=times[1],
                classes=(class_name,),
                subject=subject,
                teachers=teachers,
                group=group,
                room=part.room,
                source=SourceRef(file=table.file, row=row, element=table.element),
            )
        )
    return result


__all__ = ["DEFAULT_LESSONS", "default_bells", "is_grid", "read_grid", "split_cell"]
