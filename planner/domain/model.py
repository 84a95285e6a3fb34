"""The school's regular timetable as immutable value objects.

Every importer (flat CSV/XLSX, aSc Timetables XML, FET) produces a :class:`Timetable`; the solver,
the exports and the web app only ever read it. Nothing here knows about files, databases or the web.

Conventions:
* ``day`` is the ISO weekday, 1 = Monday … 7 = Sunday.
* ``lesson`` is the lesson number in the class's bell schedule (урок №), starting at 1.
* Clock times are naive :class:`datetime.time` values in the school's time zone
  (:attr:`School.timezone`); they become aware datetimes once a lesson is put on a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from planner.domain.errors import Finding

DAY_NAMES_RU = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
DAY_NAMES_RU_LONG = (
    "Понедельник",
    "Вторник",
    "Среда",
    "Четверг",
    "Пятница",
    "Суббота",
    "Воскресенье",
)

_CLASS_NAME = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*(.*?)\s*$")


def parse_grade(class_name: str) -> int | None:
    """Return the grade of a class name such as ``7А``, ``10-Б`` or ``11 мат``; ``None`` if none.

    >>> parse_grade("7А"), parse_grade("10-Б"), parse_grade("Кружок")
    (7, 10, None)
    """
    match = _CLASS_NAME.match(class_name)
    if not match:
        return None
    grade = int(match.group(1))
    return grade if 1 <= grade <= 11 else None


def minutes(t: time) -> int:
    """Minutes since midnight of a clock time."""
    return t.hour * 60 + t.minute


def clock(m: int) -> time:
    """Clock time of minutes since midnight (``0 <= m < 1440``)."""
    return time(m // 60, m % 60)


#: ``HH:MM`` of the whole minutes of a day (at most 1,440): an export formats ~100,000 times
_HHMM: dict[time, str] = {}


def hhmm(t: time | None) -> str | None:
    """``HH:MM`` text of a clock time, or ``None``."""
    if t is None:
        return None
    text = _HHMM.get(t)
    if text is None:
        text = f"{t.hour:02d}:{t.minute:02d}"
        if not (t.second or t.microsecond or t.tzinfo):  # whole minutes only: a bounded cache
            _HHMM[t] = text
    return text


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian word form for ``n``: ``ru_plural(n, "урок", "урока", "уроков")``."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def plural(n: int, one: str, few: str, many: str) -> str:
    """The number with its word, «1 урок», «2 урока», «5 уроков»: the one plural helper of the
    project (constraints, exports, the api and the pages' ``plural`` filter all call it)."""
    return f"{n} {ru_plural(n, one, few, many)}"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a piece of input came from, so errors and reports can point at it."""

    file: str
    row: int | None = None  # 1-based row, or line of an XML element
    element: str | None = None  # XML element or sheet name

    def __str__(self) -> str:
        parts = [self.file]
        if self.element:
            parts.append(self.element)
        if self.row is not None:
            parts.append(f"строка {self.row}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class School:
    name: str
    timezone: str = "Asia/Yekaterinburg"
    days_per_week: int = 5  # 5 or 6 (Mon–Fri or Mon–Sat)

    def __post_init__(self) -> None:
        if self.days_per_week not in (5, 6):
            raise ValueError(f"days_per_week must be 5 or 6, not {self.days_per_week}")

    @property
    def school_days(self) -> tuple[int, ...]:
        return tuple(range(1, self.days_per_week + 1))


@dataclass(frozen=True, slots=True)
class Bell:
    lesson: int
    start: time
    end: time

    @property
    def length(self) -> int:
        return minutes(self.end) - minutes(self.start)


@dataclass(frozen=True, slots=True)
class BellSchedule:
    """Lesson number → start/end for one shift (or one grade band)."""

    name: str
    bells: tuple[Bell, ...]

    def __post_init__(self) -> None:
        numbers = [b.lesson for b in self.bells]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"bell schedule {self.name!r} repeats a lesson number")

    def bell(self, lesson: int) -> Bell | None:
        for b in self.bells:
            if b.lesson == lesson:
                return b
        return None


@dataclass(frozen=True, slots=True)
class SchoolClass:
    name: str
    grade: int | None = None
    shift: int = 1
    bell_schedule: str | None = None  # name of a BellSchedule in the timetable
    subgroups: tuple[str, ...] = ()  # named subgroups of this class, e.g. ("англ-1", "англ-2")

    @classmethod
    def from_name(cls, name: str, **kwargs: object) -> SchoolClass:
        return cls(name=name.strip(), grade=parse_grade(name), **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Teacher:
    name: str


@dataclass(frozen=True, slots=True)
class BaseLesson:
    """One lesson of the regular weekly timetable.

    A combined lesson (сборная группа, поток) lists several classes and is *one* lesson.
    ``group`` is the subgroup name (``None`` = the whole class); lessons of different subgroups of
    one class may run at the same time.
    """

    day: int
    lesson: int
    start: time
    end: time
    classes: tuple[str, ...]
    subject: str
    teachers: tuple[str, ...] = ()
    group: str | None = None
    room: str | None = None
    source: SourceRef | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 7:
            raise ValueError(f"day must be 1..7, not {self.day}")
        if minutes(self.end) <= minutes(self.start):
            raise ValueError(f"lesson ends ({self.end}) before it starts ({self.start})")
        if not self.classes:
            raise ValueError("a lesson needs at least one class")

    @property
    def key(self) -> str:
        """Stable identity of the lesson in its week: day, number, classes, group, subject."""
        return "|".join(
            (
                str(self.day),
                str(self.lesson),
                ",".join(self.classes),
                self.group or "",
                self.subject,
                ",".join(self.teachers),
            )
        )

    @property
    def start_min(self) -> int:
        return minutes(self.start)

    @property
    def end_min(self) -> int:
        return minutes(self.end)

    @property
    def length(self) -> int:
        return self.end_min - self.start_min

    @property
    def teacher(self) -> str | None:
        """The teachers as one display string (``None`` when nobody is assigned)."""
        return ", ".join(self.teachers) if self.teachers else None


@dataclass(frozen=True, slots=True)
class SourceClash:
    """Two lessons that already put one teacher (or one class) in two places at once in the
    imported file. The import keeps both; a rebuild may keep such a pair but never adds one.

    ``tolerated``: the format's own rules explain the overlap (a team or a rotation of several
    teachers, a group joining a running lesson of the same subject), so it is no finding.
    """

    kind: Literal["teacher", "class"]
    who: str  # the teacher or the class
    a: BaseLesson
    b: BaseLesson
    tolerated: bool = False


@dataclass(frozen=True)
class Timetable:
    """A school's regular weekly timetable, as every importer returns it."""

    school: School
    classes: Mapping[str, SchoolClass]
    lessons: tuple[BaseLesson, ...]
    bell_schedules: Mapping[str, BellSchedule] = field(default_factory=dict)
    teachers: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    source: str | None = None
    #: what the import read although the file did not say it outright
    #: (see planner.domain.errors.Finding)
    findings: tuple[Finding, ...] = field(default=(), compare=False)
    #: overlaps that were already in the imported file (see SourceClash)
    source_clashes: tuple[SourceClash, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        pairs = {frozenset((c.a, c.b)) for c in self.source_clashes}
        object.__setattr__(self, "_clash_pairs", frozenset(pairs))
        object.__setattr__(self, "classes", MappingProxyType(dict(self.classes)))
        object.__setattr__(self, "bell_schedules", MappingProxyType(dict(self.bell_schedules)))
        if not self.teachers:
            names = {t for lesson in self.lessons for t in lesson.teachers}
            object.__setattr__(self, "teachers", tuple(sorted(names)))
        if not self.subjects:
            object.__setattr__(self, "subjects", tuple(sorted({x.subject for x in self.lessons})))
        if not self.rooms:
            rooms = {x.room for x in self.lessons if x.room}
            object.__setattr__(self, "rooms", tuple(sorted(rooms)))
        unknown = {c for x in self.lessons for c in x.classes} - set(self.classes)
        if unknown:
            raise ValueError(f"lessons name unknown classes: {sorted(unknown)}")

    def clash_in_source(self, a: BaseLesson, b: BaseLesson) -> bool:
        """Whether lessons ``a`` and ``b`` already overlapped (teacher or class) in the file."""
        return frozenset((a, b)) in self._clash_pairs  # type: ignore[attr-defined]

    @cached_property
    def _by_class(self) -> dict[tuple[str, int | None], tuple[BaseLesson, ...]]:
        """(class, weekday) and (class, None) → its lessons in file order (built once: the
        checker and the exports ask for every class on every date of a large school)."""
        return _index((lesson, c) for lesson in self.lessons for c in lesson.classes)

    @cached_property
    def _by_teacher(self) -> dict[tuple[str, int | None], tuple[BaseLesson, ...]]:
        return _index((lesson, t) for lesson in self.lessons for t in lesson.teachers)

    def lessons_of_class(self, class_name: str, day: int | None = None) -> Iterator[BaseLesson]:
        return iter(self._by_class.get((class_name, day), ()))

    def lessons_of_teacher(self, teacher: str, day: int | None = None) -> Iterator[BaseLesson]:
        return iter(self._by_teacher.get((teacher, day), ()))

    def grade_of(self, class_name: str) -> int | None:
        return self.classes[class_name].grade

    def days(self) -> tuple[int, ...]:
        """The weekdays that have lessons, in order."""
        return tuple(sorted({x.day for x in self.lessons}))

    def sorted_lessons(self) -> list[BaseLesson]:
        return sorted(
            self.lessons,
            key=lambda x: (x.day, x.start_min, x.lesson, x.classes, x.group or "", x.subject),
        )


def _index(
    pairs: Iterable[tuple[BaseLesson, str]],
) -> dict[tuple[str, int | None], tuple[BaseLesson, ...]]:
    """(who, weekday) and (who, None) → lessons in the order given, each lesson once per key."""
    out: dict[tuple[str, int | None], list[BaseLesson]] = {}
    for lesson, who in pairs:
        for key in ((who, lesson.day), (who, None)):
            found = out.setdefault(key, [])
            if not found or found[-1] is not lesson:
                found.append(lesson)
    return {k: tuple(v) for k, v in out.items()}


def class_key(name: str) -> str:
    """A class name folded for matching: case, ё/е, spaces and dashes do not count
    (``7а``, ``7 А`` and ``7-А`` are one class)."""
    return re.sub(r"[\s\-–—]", "", name).upper().replace("Ё", "Е")


def class_order(name: str) -> tuple[int, str]:
    """Sort key of a class name in school order (1А … 11Б; names without a grade last)."""
    grade = parse_grade(name)
    return (grade if grade is not None else 99, name)


def sort_class_names(names: Iterable[str]) -> list[str]:
    """Sort class names the way a school lists them: 1А, 1Б, 2А, …, 10А, 11Б."""
    return sorted(names, key=class_order)
