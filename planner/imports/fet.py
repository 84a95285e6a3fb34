"""FET (``.fet``) files that carry a finished timetable → :class:`planner.domain.model.Timetable`.

FET (https://lalescu.ro/liviu/fet/) stores the school's data and, after ``fet-cl`` has solved it,
one ``ConstraintActivityPreferredStartingTime`` (weight 100, active) per placed activity in
``<name>_data_and_timetable.fet``. That file is what this module imports; a plain input ``.fet``
(activities without times) is refused with an error that says how to produce the right file.

Mapping (FET → our model):

* **Days** → ISO weekdays by their order (the names are free text). Five or six days give a 5- or
  6-day week. Files with more than six days (A/B weeks, e.g. 12 days) keep the first week
  (6 days when the count divides by 6, else 5 when it divides by 5, else 6) and drop the lessons
  of the later days. ``<Mode>Terms</Mode>`` files keep the first term
  (``Number_of_Days_Per_Term`` days). The ``Mornings_Afternoons`` and ``Block_Planning`` modes
  are refused: their "days" are half-days or blocks, not weekdays.
* **Hours** → lesson numbers. Hours that are a ``ConstraintBreakTimes`` break on every day
  (``RECREO``, ``COMIDA`` …) are breaks, not lessons, and get no number. Clock times are read from
  the hour names (``08:00-8:50``, ``07:30 - 08:15``, ``8.00``); when the names carry only the start,
  a lesson lasts 45 minutes, or less so that at least 5 minutes are left before the closest next
  start (Bulgarian 07:30, 08:15 … gives 40); starts 90+ minutes apart are "пары" lasting the
  shortest gap minus a 10-minute break. When the names carry no times at all
  (``1``, ``Tiết 1``), a standard bell schedule is derived: 08:00 start, 45-minute lessons,
  10-minute breaks, 20 minutes after lessons 2 and 3.
* **Years, groups, subgroups → classes and lesson groups.** FET files use two layouts. Either a
  *year is a class* (``5A`` with groups ``5A Girls``/``5A Boys``, or a year split by categories
  into overlapping groups), or a *year is a grade* whose groups are the classes (year ``8`` with
  groups ``8 а``, ``8 б``; year ``5`` with classes ``5a``…``5d`` and a cross-class group ``5MF``).
  A year is taken as a grade when its name does not look like a class (``5A``, ``10-Б``,
  ``ЛД101``), fewer than a quarter of the activities that touch it are on the whole year (a class
  has most lessons on the whole class, a grade has them on its classes), and some of its groups,
  taken in file order and skipping those that overlap earlier ones, split it completely into
  disjoint parts; those groups are the classes.
* **Activities** → one :class:`BaseLesson` each, spanning ``Duration`` hours; every teacher, the
  subject, the room of an active weight-100 ``ConstraintActivityPreferredRoom``. Inactive
  activities and activities without students are skipped (counted in ``Timetable.source``).
  An activity on several students sets is one combined lesson of all the classes it touches.

Lesson groups follow FET's own overlap rule: FET's atoms are subgroups, and two activities may run
at once only if their sets of subgroups are disjoint. Each activity is mapped to the subgroups it
covers; per class, covering all of them is the whole class (``group=None``), covering a part is
named by the FET group/subgroup with exactly that part (``9 б историци1`` in class ``9 б`` →
``историци1``) or by its subgroups joined with ``+``. A lesson on parts of several classes that
carry different names is named ``"<class> <part> + <class> <part>"``. Equal names therefore mean
equal (overlapping) parts, so :func:`~planner.engine.clashes.find_clashes` reports no clash that FET
would allow. Overlapping FET categories (``boys`` vs ``lang1``) keep different names, so the model
treats them as parallel-capable; that is the limit of ``BaseLesson.group``.

Everything the importer had to assume is written, in Russian, into ``Timetable.source``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element

from planner.domain.bells import BellPlan
from planner.domain.errors import InputError, Problem
from planner.domain.findings import NO_NAME, Findings
from planner.domain.model import (
    DAY_NAMES_RU,
    BaseLesson,
    Bell,
    BellSchedule,
    School,
    SchoolClass,
    SourceRef,
    Timetable,
    clock,
    hhmm,
    plural,
)
from planner.engine.clashes import resolve_source_clashes
from planner.imports import MAX_INPUT_BYTES, too_big
from planner.imports._xml import XmlFault, parse_xml, xml_bytes
from planner.imports.flat import external_bells

NO_TIMETABLE = (
    "в файле нет готового расписания: запустите fet-cl и импортируйте *_data_and_timetable.fet"
)

# Standard bells when the hour names carry no clock times.
STANDARD_START = 8 * 60
STANDARD_LESSON = 45
STANDARD_BREAK = 10
LONG_BREAK = 20
LONG_BREAK_AFTER = (2, 3)

_TIME = r"(\d{1,2})[:.h](\d{2})"
_HOUR_TIMES = re.compile(_TIME + r"(?:\s*[-–—]\s*" + _TIME + r")?")
# A year whose name looks like one class: 5A, 8 а, 10-Б, 11 мат, ЛД101, ИС-21.
_CLASS_LIKE = re.compile(
    r"^\s*(?:\d{1,2}\s*[-–.]?\s*[^\W\d_ºª°]{1,3}\d?|[^\W\d_]{1,4}\s*-?\s*\d{2,4})\s*$"
)
_STRIP = " -_.:/"
# A year whose activities cover the whole year this often is a class, not a grade.
WHOLE_YEAR_SHARE = 0.25


@dataclass(slots=True)
class _Unit:
    """A class of the timetable: its FET subgroups (atoms) and its named parts."""

    name: str
    atoms: frozenset[str]
    atom_order: tuple[str, ...]
    parts: dict[frozenset[str], str] = field(default_factory=dict)  # atoms → short name
    short: dict[str, str] = field(default_factory=dict)  # FET set name → short name


def of_activities(n: int) -> str:
    """«из 1 активности», «из 5 активностей» (the genitive after «из»)."""
    return plural(n, "активности", "активностей", "активностей")


def _read_bytes(path: Path, file: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.at(
            file, f"файл не читается ({exc.strerror}); проверьте путь и права."
        ) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError.at(file, too_big(MAX_INPUT_BYTES))
    if data[:2] == b"\x1f\x8b":  # a gzipped .fet, as some FET packages ship them
        try:
            unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = unzip.decompress(data, MAX_INPUT_BYTES + 1)
        except zlib.error:
            raise InputError.at(
                file, "сжатый файл повреждён; распакуйте его и проверьте."
            ) from None
        if len(data) > MAX_INPUT_BYTES:
            raise InputError.at(file, too_big(MAX_INPUT_BYTES))
    return data


def _parse(data: bytes, file: str) -> tuple[Element, dict[Element, int]]:
    try:
        root, lines = parse_xml(data)
    except XmlFault as fault:
        if fault.kind == "broken":
            message = (
                f"XML повреждён ({fault.reason}, позиция {fault.column}); "
                "откройте файл в FET и сохраните заново."
            )
        else:
            message = (
                "файл объявляет XML-сущности (<!ENTITY>); такие файлы не принимаются из "
                "соображений безопасности. Откройте его в FET и сохраните заново."
            )
        raise InputError.at(file, message, row=fault.line) from None
    if root.tag != "fet":
        raise InputError.at(
            file,
            f"корневой элемент <{root.tag}>, а в файле FET должен быть <fet>; это не файл FET.",
            row=lines.get(root),
            element=root.tag,
        )
    return root, lines


class _Reader:
    def __init__(
        self, path: Path, root: Element, lines: dict[Element, int], findings: Findings
    ) -> None:
        self.path = path
        self.file = str(path)
        self.root = root
        self.lines = lines
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.findings = findings

    # -- helpers -----------------------------------------------------------------------------

    def line(self, element: Element | None) -> int | None:
        return None if element is None else self.lines.get(element)

    def problem(
        self, message: str, element: Element | None, *, column: str | None = None, label: str = ""
    ) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                message=message,
                row=self.line(element),
                column=column,
                element=label or (element.tag if element is not None else None),
            )
        )

    def found(
        self,
        message: str,
        element: Element | None,
        *,
        column: str | None = None,
        label: str = "",
        kind: str = "unknown_reference",
        read_as: str,
    ) -> None:
        """A finding: the file is read on (strict mode refuses it at the end)."""
        self.findings.add(
            kind,
            message,
            read_as,
            row=self.line(element),
            column=column,
            element=label or (element.tag if element is not None else None),
        )

    def fail_if_problems(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    def section(self, tag: str) -> Element:
        element = self.root.find(tag)
        if element is None:
            raise InputError.at(
                self.file,
                f"в файле нет раздела <{tag}>; сохраните файл заново в FET.",
                element="fet",
                row=self.line(self.root),
            )
        return element

    @staticmethod
    def text(element: Element, tag: str) -> str:
        return (element.findtext(tag) or "").strip()

    # -- days and hours ------------------------------------------------------------------------

    def days(self) -> tuple[list[str], int]:
        days_list = self.section("Days_List")
        names = [self.text(d, "Name") for d in days_list.findall("Day")]
        if not names:
            raise InputError.at(
                self.file,
                "в <Days_List> нет ни одного дня; добавьте дни в FET.",
                row=self.line(days_list),
                element="Days_List",
            )
        mode_el = self.root.find("Mode")
        mode = (mode_el.text or "").strip() if mode_el is not None else "Official"
        per_term = 0
        if mode == "Terms":
            try:
                per_term = int(self.text(self.root, "Number_of_Days_Per_Term") or "0")
            except ValueError:
                per_term = 0
        elif mode not in ("Official", ""):
            raise InputError.at(
                self.file,
                f"режим FET «{mode}» не поддерживается: импортируются расписания в режимах "
                "Official и Terms. Сохраните расписание в FET в официальном режиме "
                "(Settings → Mode → Official) и запустите fet-cl заново.",
                row=self.line(mode_el),
                element="Mode",
            )
        if 1 <= per_term <= 6:
            keep = min(per_term, len(names))
        elif len(names) <= 6:
            keep = len(names)
        elif len(names) % 6 == 0:
            keep = 6
        elif len(names) % 5 == 0:
            keep = 5
        else:
            keep = 6
        if keep < len(names) and per_term:
            self.notes.append(
                f"режим Terms: импортирован первый период ({keep} дн., «{names[0]}» … "
                f"«{names[keep - 1]}»), остальные {len(names) - keep} дн. пропущены"
            )
        elif keep < len(names):
            self.notes.append(
                f"в файле {plural(len(names), 'день', 'дня', 'дней')} (например, недели А и Б): "
                f"импортированы первые {keep} "
                f"(«{names[0]}» … «{names[keep - 1]}»), остальные дни пропущены"
            )
        return names, keep

    def break_hours(self, days: list[str], keep: int, hours: list[str]) -> set[int]:
        """Hours that are a hard ``ConstraintBreakTimes`` break on every kept day."""
        per_hour: dict[int, set[str]] = {}
        for c in self.section("Time_Constraints_List").findall("ConstraintBreakTimes"):
            if not self._hard(c):
                continue
            for bt in c.findall("Break_Time"):
                day, hour = self.text(bt, "Day"), self.text(bt, "Hour")
                if hour in hours:
                    per_hour.setdefault(hours.index(hour), set()).add(day)
        kept = set(days[:keep])
        return {h for h, ds in per_hour.items() if kept <= ds}

    def bells(
        self,
        hours: list[str],
        hour_elements: list[Element],
        breaks: set[int],
        outside: dict[int, tuple[time, time]] | None = None,
    ) -> BellSchedule:
        teaching = [i for i in range(len(hours)) if i not in breaks]
        parsed = {i: _HOUR_TIMES.search(hours[i]) for i in teaching}
        spans: dict[int, tuple[int, int]] = {}
        if teaching and all(parsed.values()):
            starts = {i: _minutes(m.group(1), m.group(2)) for i, m in parsed.items() if m}
            gaps = [starts[b] - starts[a] for a, b in pairwise(teaching)]
            positive = [g for g in gaps if g > 0]
            min_gap = min(positive) if positive else STANDARD_LESSON
            if min_gap >= 90:  # "пары": 90-minute lessons
                length = min_gap - STANDARD_BREAK
            else:  # leave at least a 5-minute break before the next start
                length = min(STANDARD_LESSON, min_gap - 5)
            if length < 10:
                length = min_gap
            start_only = []
            for i, m in parsed.items():
                assert m is not None
                if m.group(3):
                    spans[i] = (starts[i], _minutes(m.group(3), m.group(4)))
                else:
                    spans[i] = (starts[i], starts[i] + length)
                    start_only.append(i)
            if start_only:
                self.notes.append(
                    f"в названиях часов FET указано только начало урока — длительность урока "
                    f"принята {length} мин"
                )
            self._check_spans(spans, hours, hour_elements)
            name = "Звонки из FET"
        elif outside and all(n in outside for n in range(1, len(teaching) + 1)):
            for number, i in enumerate(teaching, start=1):
                start, end = outside[number]
                spans[i] = (start.hour * 60 + start.minute, end.hour * 60 + end.minute)
            self.notes.append("в названиях часов FET нет времени — взяты указанные звонки")
            name = "Звонки"
        else:
            t = STANDARD_START
            for number, i in enumerate(teaching, start=1):
                spans[i] = (t, t + STANDARD_LESSON)
                t += STANDARD_LESSON + (
                    LONG_BREAK if number in LONG_BREAK_AFTER else STANDARD_BREAK
                )
            self.notes.append(
                "в названиях часов FET нет времени — звонки взяты стандартные: начало 08:00, "
                "уроки по 45 мин, перемены 10 мин, после 2-го и 3-го урока 20 мин"
            )
            name = "Стандартные звонки"
        if breaks:
            names = ", ".join(f"«{hours[i]}»" for i in sorted(breaks))
            self.notes.append(
                f"часы {names} — перемены (ConstraintBreakTimes), в нумерацию уроков не входят"
            )
        self.spans = spans
        self.numbers = {i: n for n, i in enumerate(teaching, start=1)}
        return BellSchedule(
            name=name,
            bells=tuple(
                Bell(lesson=self.numbers[i], start=clock(s), end=clock(e))
                for i, (s, e) in sorted(spans.items())
            ),
        )

    def _check_spans(
        self, spans: dict[int, tuple[int, int]], hours: list[str], elements: list[Element]
    ) -> None:
        previous_end = -1
        for i, (start, end) in sorted(spans.items()):
            if not (0 <= start < end < 24 * 60) or start < previous_end:
                self.problem(
                    f"время часа «{hours[i]}» не подходит: урок должен кончаться позже, чем "
                    "начинается, и не раньше начала следующего часа; исправьте название часа "
                    "в FET (например, «08:00-08:45»).",
                    _child(elements[i], "Name"),
                    column="Name",
                    label="Hour",
                )
            previous_end = end
        self.fail_if_problems()

    # -- students ------------------------------------------------------------------------------

    def students(self) -> tuple[list[_Unit], dict[str, frozenset[str]]]:
        sets: dict[str, frozenset[str]] = {}
        years: list[tuple[str, frozenset[str], list[tuple[str, frozenset[str], list[str]]]]] = []
        atom_order: list[str] = []

        def atom(name: str) -> None:
            if name not in atom_order:
                atom_order.append(name)

        for y in self.section("Students_List").findall("Year"):
            year_name = self.text(y, "Name")
            groups = []
            for g in y.findall("Group"):
                group_name = self.text(g, "Name")
                subs = [self.text(s, "Name") for s in g.findall("Subgroup")]
                for s in subs:
                    sets[s] = frozenset({s})
                    atom(s)
                if not subs:
                    atom(group_name)
                g_atoms = frozenset(subs) if subs else frozenset({group_name})
                sets[group_name] = sets.get(group_name, frozenset()) | g_atoms
                groups.append((group_name, g_atoms, subs))
            if not groups:
                atom(year_name)
            y_atoms = frozenset().union(*(g[1] for g in groups)) if groups else {year_name}
            sets[year_name] = frozenset(y_atoms)
            years.append((year_name, frozenset(y_atoms), groups))

        # How many active activities of each year cover the whole year (a year that is a class
        # has most of its lessons on the whole year; a grade has them on its classes).
        covering: list[frozenset[str]] = []
        for a in self.root.iterfind("Activities_List/Activity"):
            if (a.findtext("Active") or "true").strip().lower() == "false":
                continue
            names = [(x.text or "").strip() for x in a.findall("Students")]
            covering.append(frozenset().union(*(sets.get(n, frozenset()) for n in names)))
        position = {a: i for i, a in enumerate(atom_order)}

        def ordered(atoms: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted(atoms, key=position.__getitem__))

        units: list[_Unit] = []
        seen: set[str] = set()
        grade_years: list[str] = []
        for year_name, y_atoms, groups in years:
            touching = [c for c in covering if c & y_atoms]
            whole = sum(c >= y_atoms for c in touching)
            classes = _class_groups(year_name, y_atoms, groups)
            if classes is not None and whole >= WHOLE_YEAR_SHARE * len(touching) > 0:
                classes = None
            if classes is None:
                if year_name in seen:
                    continue
                seen.add(year_name)
                unit = _Unit(year_name, y_atoms, ordered(y_atoms))
                named = [(g, a) for g, a, _ in groups]
                named += [(s, frozenset({s})) for _, _, subs in groups for s in subs]
                _name_parts(unit, named)
                units.append(unit)
                continue
            grade_years.append(year_name)
            class_names = {c[0] for c in classes}
            others = [(g, a) for g, a, _ in groups if g not in class_names]
            for group_name, g_atoms, subs in classes:
                if group_name in seen:
                    continue
                seen.add(group_name)
                unit = _Unit(group_name, g_atoms, ordered(g_atoms))
                named = [(s, frozenset({s})) for s in subs]
                named += [(g, a & g_atoms) for g, a in others if a & g_atoms]
                _name_parts(unit, named)
                units.append(unit)
        if grade_years:
            names = ", ".join(f"«{y}»" for y in grade_years)
            self.notes.append(f"годы FET {names} — параллели: классами считаются их группы")
        return units, sets

    # -- activities ----------------------------------------------------------------------------

    @staticmethod
    def _hard(c: Element) -> bool:
        active = (c.findtext("Active") or "true").strip().lower() != "false"
        try:
            weight = float((c.findtext("Weight_Percentage") or "100").strip())
        except ValueError:
            weight = 0.0
        return active and weight >= 100

    def placements(
        self, days: list[str], hours: list[str]
    ) -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
        times: dict[str, tuple[int, int]] = {}
        rooms: dict[str, str] = {}
        for c in self.section("Time_Constraints_List").findall(
            "ConstraintActivityPreferredStartingTime"
        ):
            if not self._hard(c):
                continue
            act = self.text(c, "Activity_Id")
            day, hour = self.text(c, "Preferred_Day"), self.text(c, "Preferred_Hour")
            if not day or not hour:
                continue
            for value, names, column, what, where in (
                (day, days, "Preferred_Day", "день", "Days_List"),
                (hour, hours, "Preferred_Hour", "час", "Hours_List"),
            ):
                if value not in names:
                    self.found(
                        f"{what} «{value}» не описан в {where}; "
                        "исправьте ограничение или сохраните файл заново в FET.",
                        c.find(column),
                        column=column,
                        label=f"ConstraintActivityPreferredStartingTime Activity_Id={act}",
                        read_as="время активности не прочитано",
                    )
            if day in days and hour in hours:
                times[act] = (days.index(day), hours.index(hour))
        space = self.root.find("Space_Constraints_List")
        room_names = {self.text(r, "Name") for r in self.root.iterfind("Rooms_List/Room")}
        for c in space.findall("ConstraintActivityPreferredRoom") if space is not None else ():
            if not self._hard(c):
                continue
            act, room = self.text(c, "Activity_Id"), self.text(c, "Room")
            if room not in room_names:
                self.found(
                    f"кабинет «{room}» не описан в Rooms_List; добавьте его в FET или исправьте "
                    "ограничение.",
                    c.find("Room"),
                    column="Room",
                    label=f"ConstraintActivityPreferredRoom Activity_Id={act}",
                    read_as="урок прочитан без кабинета",
                )
                continue
            rooms[act] = room
        return times, rooms


def _child(element: Element, tag: str) -> Element:
    """The child ``tag`` (for its line number), or the element itself when it has none."""
    child = element.find(tag)
    return element if child is None else child


def _minutes(h: str, m: str) -> int:
    return int(h) * 60 + int(m)


def _class_groups(
    year_name: str,
    y_atoms: frozenset[str],
    groups: list[tuple[str, frozenset[str], list[str]]],
) -> list[tuple[str, frozenset[str], list[str]]] | None:
    """The groups of a year that are its classes, or ``None`` when the year itself is a class."""
    if not groups or _CLASS_LIKE.match(year_name):
        return None
    taken: list[tuple[str, frozenset[str], list[str]]] = []
    covered: frozenset[str] = frozenset()
    for group in groups:
        if not group[1] & covered:
            taken.append(group)
            covered |= group[1]
    return taken if covered == y_atoms else None


def _short(full: str, class_name: str) -> str:
    name = full
    if name.startswith(class_name):
        name = name[len(class_name) :].lstrip(_STRIP)
    elif name.endswith(class_name):
        name = name[: -len(class_name)].rstrip(_STRIP)
    return name.strip() or full


def _name_parts(unit: _Unit, named: list[tuple[str, frozenset[str]]]) -> None:
    """Short names for the FET sets inside a class; full names if the short ones collide."""
    fulls = list(dict.fromkeys(n for n, a in named if a and a != unit.atoms))
    shorts = {f: _short(f, unit.name) for f in fulls}
    if len(set(shorts.values())) != len(shorts):
        shorts = {f: f for f in fulls}
    for atom in unit.atom_order:
        if atom not in shorts:
            shorts[atom] = _short(atom, unit.name)
    unit.short = shorts
    for n, a in named:
        if a and a != unit.atoms and a not in unit.parts:
            unit.parts[a] = shorts[n]


def _part_name(unit: _Unit, atoms: frozenset[str]) -> str | None:
    if atoms == unit.atoms:
        return None
    if atoms in unit.parts:
        return unit.parts[atoms]
    return "+".join(unit.short.get(a, a) for a in unit.atom_order if a in atoms)


def _subgroup_clashes(
    lessons: list[BaseLesson], covers: list[frozenset[str]], units: list[_Unit], file: str
) -> list[Problem]:
    """Parallel lessons of differently named groups that share FET subgroups.

    :func:`~planner.engine.clashes.find_clashes` lets different named groups of a class run at once;
    FET's overlapping categories (``мальчики`` and ``яз1`` share ``м1``) must not, so they are
    checked here on the subgroups themselves. Pairs that ``find_clashes`` already reports are left
    to it.
    """
    class_of = {a: u.name for u in units for a in u.atoms}
    by_day: dict[tuple[int, str], list[int]] = {}
    for i, (lesson, atoms) in enumerate(zip(lessons, covers, strict=True)):
        for atom in atoms:
            by_day.setdefault((lesson.day, atom), []).append(i)
    seen: set[tuple[int, int]] = set()
    problems: list[Problem] = []
    for (_day, atom), items in sorted(by_day.items()):
        for n, i in enumerate(items):
            for j in items[n + 1 :]:
                a, b = lessons[i], lessons[j]
                if (i, j) in seen or a.group is None or b.group is None or a.group == b.group:
                    continue
                if not (a.start_min < b.end_min and b.start_min < a.end_min):
                    continue
                seen.add((i, j))
                common = ", ".join(sorted(covers[i] & covers[j]))
                problems.append(
                    Problem(
                        file=file,
                        row=a.source.row if a.source else None,
                        element=a.source.element if a.source else None,
                        message=(
                            f"Класс {class_of[atom]}: группы «{a.group}» и «{b.group}» "
                            f"пересекаются (общие подгруппы FET: {common}), но в "
                            f"{DAY_NAMES_RU[a.day - 1]} {hhmm(max(a.start, b.start))} "
                            "стоят в одно время: "
                            f"«{a.subject}» ({_where(a)}) и «{b.subject}» ({_where(b)}). "
                            "Исправьте расписание "
                            "в FET и сохраните *_data_and_timetable.fet заново."
                        ),
                    )
                )
    return problems


def _where(lesson: BaseLesson) -> str:
    return f"{lesson.source.element}, строка {lesson.source.row}" if lesson.source else ""


def read_fet(
    path: Path | str,
    *,
    school_name: str | None = None,
    strict: bool = False,
    bells: Path | str | BellPlan | None = None,
) -> Timetable:
    """Read a FET ``*_data_and_timetable.fet`` (every active activity placed) as a timetable.

    ``bells`` (a bells file or a plan): the bells when the hour names carry no clock times
    (instead of the standard ones).

    Tolerant: an activity that cannot be read is left out with a finding; ``strict=True`` raises
    :class:`~planner.domain.errors.InputError` with every finding instead (nothing is imported).
    """
    path = Path(path)
    file = str(path)
    findings = Findings(file, strict=strict)
    root, lines = _parse(xml_bytes(_read_bytes(path, file), findings), file)
    r = _Reader(path, root, lines, findings)

    days, keep = r.days()
    hours_list = r.section("Hours_List")
    hour_elements = hours_list.findall("Hour")
    hours = [r.text(h, "Name") for h in hour_elements]
    # current FET: the name may be a code («0», «1») and the label with the clock times is in
    # Long_Name («HU I*@08:10-09:00»)
    hour_labels = [
        f"{n} {r.text(h, 'Long_Name')}".strip() for n, h in zip(hours, hour_elements, strict=True)
    ]
    if not hours:
        raise InputError.at(
            file,
            "в <Hours_List> нет ни одного часа; добавьте часы в FET.",
            row=r.line(hours_list),
            element="Hours_List",
        )
    breaks = r.break_hours(days, keep, hours)
    outside = external_bells(bells, findings).by_shift.get(1) if bells is not None else None
    bell_schedule = r.bells(hour_labels, hour_elements, breaks, outside)
    units, sets = r.students()
    teachers = {r.text(t, "Name") for t in root.iterfind("Teachers_List/Teacher")}
    subjects = {r.text(s, "Name") for s in root.iterfind("Subjects_List/Subject")}
    times, rooms = r.placements(days, hours)

    activities = r.section("Activities_List").findall("Activity")
    active = [a for a in activities if (a.findtext("Active") or "true").strip().lower() != "false"]
    # Validate references first: a broken file is reported in full before anything else.
    bad: set[str] = set()
    for a in active:
        act = r.text(a, "Id")
        label = f"Activity Id={act}"
        for t in a.findall("Teacher"):
            if (t.text or "").strip() not in teachers:
                r.found(
                    f"учитель «{(t.text or '').strip()}» не описан в Teachers_List; добавьте его "
                    "в FET или исправьте имя в активности.",
                    t,
                    column="Teacher",
                    label=label,
                    read_as="урок прочитан с этим учителем",
                )
        subject = r.text(a, "Subject")
        if subject not in subjects:
            r.found(
                f"предмет «{subject}» не описан в Subjects_List; добавьте его в FET или исправьте "
                "предмет активности.",
                _child(a, "Subject"),
                column="Subject",
                label=label,
                kind="missing_name" if not subject else "unknown_reference",
                read_as=f"урок прочитан с предметом «{subject or NO_NAME}»",
            )
        for s in a.findall("Students"):
            if (s.text or "").strip() not in sets:
                r.found(
                    f"класс или группа «{(s.text or '').strip()}» не описаны в Students_List; "
                    "добавьте их в FET или исправьте активность.",
                    s,
                    column="Students",
                    label=label,
                    read_as="урок прочитан без них (без учеников он пропущен)",
                )
        try:
            duration = int(r.text(a, "Duration"))
        except ValueError:
            duration = 0
        if duration < 1:
            r.found(
                f"длительность «{r.text(a, 'Duration')}» должна быть целым числом часов от 1; "
                "исправьте активность.",
                _child(a, "Duration"),
                column="Duration",
                label=label,
                kind="skipped",
                read_as="активность пропущена",
            )
            bad.add(act)
    r.fail_if_problems()
    r.findings.check()

    unplaced = [r.text(a, "Id") for a in active if r.text(a, "Id") not in times]
    if unplaced and len(unplaced) < len(active):
        example = ", ".join(unplaced[:5]) + (" …" if len(unplaced) > 5 else "")
        r.found(
            f"{NO_TIMETABLE} (без времени {len(unplaced)} из {of_activities(len(active))}, "
            f"например Id {example}).",
            r.section("Activities_List"),
            label="Activities_List",
            kind="skipped",
            read_as="активности без времени пропущены",
        )
        bad.update(unplaced)
    elif unplaced:
        example = ", ".join(unplaced[:5]) + (" …" if len(unplaced) > 5 else "")
        raise InputError.at(
            file,
            f"{NO_TIMETABLE} (без времени {len(unplaced)} из {of_activities(len(active))}, "
            f"например Id {example}).",
            row=r.line(r.section("Activities_List")),
            element="Activities_List",
        )

    lessons: list[BaseLesson] = []
    covers: list[frozenset[str]] = []  # FET subgroups of each lesson
    skipped_days = no_students = 0
    for a in active:
        act = r.text(a, "Id")
        if act in bad:
            continue
        day, hour = times[act]
        duration = int(r.text(a, "Duration"))
        if day >= keep:
            skipped_days += 1
            continue
        atoms = frozenset().union(
            *(sets.get((s.text or "").strip(), frozenset()) for s in a.findall("Students"))
        )
        if not atoms:
            no_students += 1
            continue
        span = range(hour, hour + duration)
        if span.stop > len(hours) or any(h in breaks for h in span):
            r.found(
                f"активность длительностью {duration} ч. с часа «{hours[hour]}» выходит за "
                "конец дня или попадает на перемену; составьте расписание заново в fet-cl.",
                a,
                label=f"Activity Id={act}",
                kind="skipped",
                read_as="активность пропущена",
            )
            continue
        touched = [u for u in units if u.atoms & atoms]
        parts = [(u.name, _part_name(u, u.atoms & atoms)) for u in touched]
        if all(p is None for _, p in parts):
            group = None
        elif len({p for _, p in parts}) == 1:
            group = parts[0][1]
        else:
            group = " + ".join(c if p is None else f"{c} {p}" for c, p in parts)
        start, _ = r.spans[hour]
        _, end = r.spans[span[-1]]
        covers.append(atoms)
        lessons.append(
            BaseLesson(
                day=day + 1,
                lesson=r.numbers[hour],
                start=clock(start),
                end=clock(end),
                classes=tuple(u.name for u in touched),
                subject=r.text(a, "Subject") or NO_NAME,
                teachers=tuple(
                    dict.fromkeys(
                        name for t in a.findall("Teacher") if (name := (t.text or "").strip())
                    )
                ),
                group=group,
                room=rooms.get(act),
                source=SourceRef(file=file, row=r.line(a), element=f"Activity Id={act}"),
            )
        )
    r.fail_if_problems()
    inactive = len(activities) - len(active)
    if inactive:
        r.notes.append(f"неактивные активности пропущены: {inactive}")
    if skipped_days:
        r.notes.append(f"уроки в пропущенных днях: {skipped_days}")
    if no_students:
        r.notes.append(f"активности без учеников (классов) пропущены: {no_students}")
    if not lessons:
        raise InputError(
            r.findings.problems()
            or [Problem(file, f"{NO_TIMETABLE}: в файле нет ни одного урока с учениками.")]
        )
    subgroup_clashes = _subgroup_clashes(lessons, covers, units, file)
    lessons, clashes = resolve_source_clashes(lessons, r.findings)
    for problem in subgroup_clashes:
        r.findings.add(
            "source_clash",
            problem.message,
            "оба урока сохранены и отмечены как накладка исходного расписания",
            row=problem.row,
            element=problem.element,
        )
    for note in r.notes:
        r.findings.add("format_note", f"файл FET {root.get('version', '?')}", note)
    r.findings.check()

    used: dict[str, list[str]] = {u.name: [] for u in units}
    for lesson in lessons:
        if lesson.group is not None:
            for c in lesson.classes:
                if lesson.group not in used[c]:
                    used[c].append(lesson.group)
    classes = {
        u.name: SchoolClass.from_name(
            u.name,
            bell_schedule=bell_schedule.name,
            subgroups=tuple(dict.fromkeys([*u.parts.values(), *used[u.name]])),
        )
        for u in units
    }
    version = root.get("version", "?")
    source = f"{path.name} (FET {version})"
    if r.notes:
        source += ": " + "; ".join(r.notes)
    name = school_name or r.text(root, "Institution_Name") or path.stem
    return Timetable(
        school=School(name=name, days_per_week=6 if keep >= 6 else 5),
        classes=classes,
        lessons=tuple(lessons),
        bell_schedules={bell_schedule.name: bell_schedule},
        source=source,
        findings=r.findings.result(),
        source_clashes=clashes,
    )


__all__ = ["NO_TIMETABLE", "read_fet"]
