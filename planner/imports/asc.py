"""aSc Timetables 2012 XML (``<timetable displayname="aSc Timetables 2012 XML">``) → Timetable.

aSc («Расписания») exports the whole database: periods, day/week/term definitions, subjects,
teachers, classrooms, classes, groups, lessons (what is taught to whom, how often) and cards (where
each lesson sits). This module reads that export; :mod:`planner.exports.asc` writes it.

Mapping (aSc → our model):

* **Periods** → one :class:`BellSchedule` named ``"aSc"`` shared by every class. The lesson number
  (``BaseLesson.lesson``, урок №) of a period is its ``name`` when that is a whole number ≥ 1 (aSc's
  displayed number; in real exports ``name == period``), else its ``period`` number.
* **Cards** → lessons. A real export has one ``<card>`` per period; consecutive cards of one
  lesson on one day are joined into one :class:`BaseLesson` from the first period's start to the
  last period's end, at most ``periodspercard`` periods at a time (two double lessons in a row stay
  two lessons). A card with ``durationperiods="N"`` covers N periods by itself. Cards are only
  joined when the periods are back to back in time, no ``<break>`` lies between them and the room
  does not change. **The lesson number of a multi-period lesson is the number of its first
  period.**
* **Periods past the last defined period**: real exports contain cards on periods the period table
  no longer lists (clubs running into the evening). When the periods form a regular back-to-back
  grid the grid is continued at the same pace; otherwise the card is an error.
* **Days** → ISO weekdays by bit position (``01000`` = Tuesday); the week has as many days as the
  bit strings are long (5 or 6).
* **Weeks and terms**: a card carries week bits (``10`` odd, ``01`` even, ``11`` every week) and
  term bits. The imported timetable is the *first week of the first term* that has cards: a card
  is kept when its week bits include the first week any card uses and its term bits include the
  first term any card uses. Cards without week or term bits count for every week/term.
* **Classes** keep their names; the grade is the class's ``grade`` attribute when it is 1…11,
  otherwise :func:`planner.domain.model.parse_grade` of the name (``S1-01`` → none).
* **Groups**: a lesson on the entire class has ``group=None``; on a named group (``Group 1``,
  ``Boys``) it has that name; several different group names are joined with `` / ``.
  A lesson on several classes is one combined lesson of all of them.
* **Teachers, subjects, classrooms** by name (a name that two ids share gets the short name added);
  all teachers, subjects and rooms of the file are listed, not only those with lessons. A card with
  several rooms has them joined with ``", "``.
* **Lessons without classes** (staff duties, meetings of teachers only) are not lessons of
  pupils and are skipped; the count goes into ``Timetable.source``.

Clashes follow aSc's own semantics, which a real school's export relies on:

1. *Joint sessions.* Cards of different lessons at the same time with the same subject and a
   shared teacher are one session the teacher gives to all of them: they become one combined
   lesson (classes, teachers and rooms united).
2. *Parallel choice lessons.* aSc checks a class conflict per student; an export without student
   lists (both real fixtures) cannot show who attends which of two simultaneous lessons of one
   class — elective blocks (``JC2 H1 Math`` ‖ ``JC2 H1 Economics``), clubs of a ``CCA``
   pseudo-class.
   A whole-class lesson that overlaps another lesson of the same class is therefore a lesson for
   the part of the class that chose it: it gets the subject as group name (with the teachers, then
   a number, added when two parallel lessons would share a name). This holds also when the other
   lesson is on a named group: the real export needs it (its JC classes mix group lessons with
   whole-class electives). The price: two whole-class lessons of one class at once in an aSc file
   are read as a choice, not reported; their count is written into ``Timetable.source`` so the
   deputy director can check it. Two lessons of the *same named group* at once remain a clash.
3. *Teams and rotations.* A lesson with several teachers is a team or a rotation (``FH (History
   term 1&3, Geog term 2&4)``), so not every listed teacher is in the room at every card; a teacher
   overlap that involves such a lesson is not reported, nor are two overlapping lessons of one
   subject by the same teacher (a group joining a running session). Two overlapping
   single-teacher lessons of different subjects with the same teacher are a clash.

Everything else is checked with :func:`planner.engine.clashes.raise_on_clashes`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element

from planner.domain.errors import InputError, Problem
from planner.domain.findings import NO_NAME, Findings
from planner.domain.model import (
    BaseLesson,
    Bell,
    BellSchedule,
    School,
    SchoolClass,
    SourceRef,
    Timetable,
    clock,
    parse_grade,
)
from planner.engine.clashes import joint_clusters, mark_source_clashes
from planner.imports import MAX_INPUT_BYTES, too_big
from planner.imports._xml import XmlFault, parse_xml, xml_bytes

BELL_SCHEDULE = "aSc"
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_BITS = re.compile(r"^[01]+$")


# --------------------------------------------------------------------------------------- parsing


def _parse_xml(data: bytes, file: str) -> tuple[Element, dict[Element, int]]:
    try:
        return parse_xml(data)
    except XmlFault as fault:
        if fault.kind == "entity":
            what = "внешнюю XML-сущность" if fault.external else "XML-сущность"
            named = f" «{fault.entity}»" if fault.entity else ""
            message = (
                f"файл объявляет {what}{named} (<!ENTITY>); такие файлы не принимаются из "
                "соображений безопасности. Выгрузите расписание из aSc заново (Файл → Экспорт → "
                "aSc Timetables 2012 XML) и не правьте его вручную."
            )
            raise InputError.at(file, message, row=fault.line, element="<!ENTITY>") from None
        if fault.kind == "forbidden":
            message = (
                "файл содержит запрещённые конструкции XML (DTD, внешние ссылки); выгрузите "
                "расписание из aSc заново."
            )
        else:
            message = (
                f"файл повреждён — это не правильный XML (позиция {fault.column}: "
                f"{fault.reason}). Выгрузите расписание из aSc заново или исправьте разметку в "
                "этой строке."
            )
        raise InputError.at(file, message, row=fault.line) from None


# ------------------------------------------------------------------------------------ raw tables


@dataclass(frozen=True)
class _Period:
    number: int
    lesson: int
    start: int  # minutes since midnight
    end: int
    line: int | None
    extrapolated: bool = False


@dataclass(frozen=True)
class _Group:
    class_id: str
    name: str
    entire: bool


@dataclass(frozen=True)
class _Lesson:
    id: str
    subject: str
    class_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    teacher_ids: tuple[str, ...]
    per_card: int
    line: int | None
    weeks: str | None = None  # the 2008 schema: weeks and terms on the lesson
    terms: str | None = None


@dataclass(frozen=True)
class _Unit:
    """One period of one placed card in the imported week."""

    lesson_id: str
    day: int
    period: int
    rooms: tuple[str, ...]
    line: int | None
    span_id: int  # cards with durationperiods > 1 keep their periods together


@dataclass
class _Draft:
    """A lesson being built: merged and regrouped before it becomes a BaseLesson."""

    day: int
    lesson: int
    start: int
    end: int
    classes: list[str]
    class_groups: list[tuple[str, str | None]]  # (class, group name or None) per class
    subject: str
    teachers: list[str]
    rooms: list[str]
    source: SourceRef
    order: int
    group: str | None = None
    choice: bool = False
    merged: int = 1
    extra: list[str] = field(default_factory=list)


class _Skip(Exception):
    """An element that cannot be read: left out, with the finding already recorded."""


class _Reader:
    def __init__(
        self, path: Path, root: Element, lines: dict[Element, int], findings: Findings
    ) -> None:
        self.path = path
        self.file = str(path)
        self.root = root
        self.lines = lines
        self.notes: list[str] = []
        self.findings = findings

    # ---------------------------------------------------------------- helpers

    def line(self, element: Element) -> int | None:
        return self.lines.get(element)

    def error(
        self, element: Element, message: str, column: str | None = None, label: str | None = None
    ) -> InputError:
        return InputError(
            Problem(
                file=self.file,
                row=self.line(element),
                column=column,
                element=label or _label(element),
                message=message,
            )
        )

    def found(
        self,
        element: Element,
        kind: str,
        seen: str,
        read_as: str,
        column: str | None = None,
        label: str | None = None,
    ) -> None:
        self.findings.add(
            kind,
            seen,
            read_as,
            row=self.line(element),
            column=column,
            element=label or _label(element),
        )

    def skip(self, element: Element, seen: str, column: str | None = None) -> _Skip:
        """A finding that the element is left out; raise the result to leave it."""
        what = "карточка пропущена: урока в этот день и час нет"
        if element.tag != "card":
            what = f"элемент <{element.tag}> пропущен"
        self.found(element, "skipped" if element.tag == "card" else "unreadable_row", seen, what,
                   column)  # fmt: skip
        return _Skip()

    def section(self, name: str, child: str, *, required: bool) -> list[Element]:
        container = self.root.find(name)
        if container is None:
            if required:
                raise InputError.at(
                    self.file,
                    f"в файле нет раздела <{name}>; выгрузите расписание из aSc целиком "
                    "(Файл → Экспорт → aSc Timetables 2012 XML).",
                    row=self.line(self.root),
                    element="<timetable>",
                )
            return []
        return container.findall(child)

    def ids(self, element: Element, attr: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in (element.get(attr) or "").split(",") if x.strip())

    def bits(self, element: Element, attr: str) -> str | None:
        """A card's bit string, ``None`` when absent (= every day/week/term)."""
        value = (element.get(attr) or "").strip()
        if not value:
            return None
        if not _BITS.match(value):
            raise self.skip(
                element,
                f"«{attr}» должно быть строкой из 0 и 1 (например «01000»), а не «{value}»; "
                "у размещённой карточки ровно одно значение — выгрузите файл из aSc заново.",
                attr,
            )
        return value

    def clock_minutes(self, element: Element, attr: str) -> int:
        value = element.get(attr)
        match = _TIME.match(value or "")
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise self.skip(
                element,
                f"время «{value or ''}» не распознано; укажите время как ЧЧ:ММ, например 8:30.",
                attr,
            )
        return int(match.group(1)) * 60 + int(match.group(2))

    def integer(self, element: Element, attr: str, *, default: int | None = None) -> int:
        value = (element.get(attr) or "").strip()
        if not value and default is not None:
            return default
        try:
            number = int(value)
        except ValueError:
            if default is None:
                raise self.skip(
                    element, f"«{attr}» должно быть целым числом, а не «{value}».", attr
                ) from None
            self.found(
                element,
                "unreadable_row",
                f"«{attr}» должно быть целым числом, а не «{value}».",
                f"взято значение по умолчанию {default}",
                attr,
            )
            return default
        return number

    def names(self, elements: list[Element], kind: str) -> dict[str, str]:
        """id → display name; names two ids share get the short name added."""
        raw: dict[str, tuple[str, str]] = {}
        for element in elements:
            item_id = (element.get("id") or "").strip()
            if not item_id:
                self.found(
                    element,
                    "unreadable_row",
                    f"у элемента {kind} нет атрибута id.",
                    "элемент пропущен: на него не может ссылаться ни один урок",
                    "id",
                )
                continue
            if item_id in raw:
                self.found(
                    element,
                    "duplicate",
                    f"id «{item_id}» повторяется; ids должны быть разными.",
                    "прочитан первый элемент с этим id",
                    "id",
                )
                continue
            name = " ".join((element.get("name") or "").split())
            short = " ".join((element.get("short") or "").split())
            if not name and not short:
                self.found(
                    element,
                    "missing_name",
                    "не указано имя (name); впишите его в aSc.",
                    f"взят id «{item_id}»",
                    "name",
                )
                name = item_id
            raw[item_id] = (name or short, short)
        count: dict[str, int] = defaultdict(int)
        for name, _short in raw.values():
            count[name] += 1
        result: dict[str, str] = {}
        for item_id, (name, short) in raw.items():
            if count[name] > 1 and short and short != name:
                name = f"{name} ({short})"
            result[item_id] = name
        return result

    # ---------------------------------------------------------------- sections

    def read_periods(self) -> dict[int, _Period]:
        elements = self.section("periods", "period", required=True)
        if not elements:
            raise InputError.at(
                self.file,
                "раздел <periods> пуст: в файле нет уроков (звонков); задайте периоды в aSc "
                "и выгрузите файл заново.",
                row=self.line(self.root.find("periods")),  # type: ignore[arg-type]
                element="<periods>",
            )
        periods: dict[int, _Period] = {}
        for element in elements:
            try:
                number = self.integer(element, "period")
                if number in periods:
                    raise self.skip(element, f"период {number} описан дважды.", "period")
                start = self.clock_minutes(element, "starttime")
                end = self.clock_minutes(element, "endtime")
                if end <= start:
                    raise self.skip(
                        element, "период заканчивается раньше, чем начинается.", "endtime"
                    )
            except _Skip:
                continue
            name = (element.get("name") or "").strip()
            lesson = int(name) if name.isdigit() and int(name) >= 1 else number
            periods[number] = _Period(number, lesson, start, end, self.line(element))
        if not periods:
            raise InputError(self.findings.problems())
        return periods

    def read_breaks(self) -> list[tuple[int | None, int, int]]:
        result: list[tuple[int | None, int, int]] = []
        for element in self.section("breaks", "break", required=False):
            after = (element.get("break") or "").strip()
            try:
                start = self.clock_minutes(element, "starttime") if element.get("starttime") else -1
                end = self.clock_minutes(element, "endtime") if element.get("endtime") else -1
            except _Skip:
                continue
            result.append((int(after) if after.isdigit() else None, start, end))
        return result

    def days_per_week(self, cards: list[Element]) -> int:
        lengths = [
            len(part)
            for element in self.section("daysdefs", "daysdef", required=False)
            for part in (element.get("days") or "").split(",")
            if _BITS.match(part.strip())
        ]
        lengths += [len(c.get("days") or "") for c in cards if _BITS.match(c.get("days") or "")]
        # the 2008 schema: a <days> list and zero-based day numbers on the cards
        lengths += [len(self.section("days", "day", required=False))]
        lengths += [int(d) + 1 for c in cards if (d := (c.get("day") or "").strip()).isdigit()]
        days = max(lengths, default=5)
        return min(max(days, 5), 6)

    # ---------------------------------------------------------------- main

    def read(self, school_name: str | None) -> Timetable:
        root = self.root
        if root.tag != "timetable":
            raise InputError.at(
                self.file,
                f"корневой элемент <{root.tag}>, а ожидается <timetable>: это не выгрузка "
                "«aSc Timetables 2012 XML». В aSc выберите Файл → Экспорт → "
                "aSc Timetables 2012 XML.",
                row=self.line(root),
                element=f"<{root.tag}>",
            )
        periods = self.read_periods()
        breaks = self.read_breaks()
        subjects = self.names(self.section("subjects", "subject", required=True), "<subject>")
        teachers = self.names(self.section("teachers", "teacher", required=False), "<teacher>")
        rooms = self.names(self.section("classrooms", "classroom", required=False), "<classroom>")
        class_elements = self.section("classes", "class", required=True)
        classes = self.names(class_elements, "<class>")
        if len(set(classes.values())) != len(classes):
            seen: set[str] = set()
            for element in class_elements:
                class_id = element.get("id", "").strip()
                name = classes.get(class_id)
                if name is None:
                    continue
                if name in seen:
                    new = f"{name} ({class_id})"
                    self.found(
                        element,
                        "duplicate",
                        f"класс «{name}» описан дважды; дайте классам разные имена.",
                        f"второй класс прочитан как «{new}»",
                    )
                    classes[class_id] = name = new
                seen.add(name)
        class_elements = [e for e in class_elements if (e.get("id") or "").strip() in classes]
        if not classes:
            raise InputError.at(
                self.file,
                "в разделе <classes> нет ни одного класса; выгрузите расписание из aSc целиком.",
                row=self.line(self.root),
                element="<classes>",
            )
        groups = self.read_groups(classes)
        lessons = self.read_lessons(subjects, classes, groups, teachers)
        cards = self.section("cards", "card", required=True)
        days_per_week = self.days_per_week(cards)
        units = self.read_cards(cards, lessons, rooms, periods, days_per_week)

        drafts = self.build_drafts(units, lessons, periods, breaks, classes, groups, teachers)
        drafts = self.merge_joint_sessions(drafts)
        self.assign_choice_groups(drafts)
        base = [self.to_lesson(d) for d in drafts]
        base.sort(key=_sort_key)
        if not base:
            raise InputError(
                self.findings.problems()
                or [
                    Problem(
                        self.file,
                        "в файле нет ни одного размещённого урока (карточки <cards>); "
                        "разместите уроки в aSc и выгрузите файл заново.",
                        element="<cards>",
                    )
                ]
            )
        clashes = mark_source_clashes(base, self.findings)
        for note in _unique(self.notes):
            self.findings.add("format_note", "выгрузка aSc", note)
        self.findings.check()

        bells = tuple(
            Bell(p.lesson, clock(p.start), clock(p.end))
            for p in sorted(periods.values(), key=lambda p: p.number)
        )
        schedules: dict[str, BellSchedule] = {}
        bell_name: str | None = None
        if len({b.lesson for b in bells}) == len(bells):
            schedules[BELL_SCHEDULE] = BellSchedule(BELL_SCHEDULE, bells)
            bell_name = BELL_SCHEDULE
        else:
            self.notes.append(
                "номера уроков в <periods> повторяются — общее расписание звонков не составлено"
            )

        school_classes = self.school_classes(class_elements, classes, groups, base, bell_name)
        used_teachers = [t for b in base for t in b.teachers]
        return Timetable(
            school=School(name=school_name or self.path.stem, days_per_week=days_per_week),
            classes=school_classes,
            lessons=tuple(base),
            bell_schedules=schedules,
            teachers=_unique([*teachers.values(), *used_teachers]),
            subjects=_unique([*subjects.values(), *(b.subject for b in base)]),
            rooms=_unique(rooms.values()),
            source=self.source_note(),
            findings=self.findings.result(),
            source_clashes=clashes,
        )

    def read_groups(self, classes: dict[str, str]) -> dict[str, _Group]:
        groups: dict[str, _Group] = {}
        for element in self.section("groups", "group", required=False):
            group_id = (element.get("id") or "").strip()
            class_id = (element.get("classid") or "").strip()
            if class_id not in classes:
                self.found(
                    element,
                    "unknown_reference",
                    f"группа ссылается на класс с id «{class_id}», которого нет в разделе "
                    "<classes>; выгрузите файл из aSc заново.",
                    "группа пропущена; уроки на ней прочитаны как уроки на весь класс",
                    "classid",
                )
                continue
            name = " ".join((element.get("name") or "").split())
            entire = (element.get("entireclass") or "").strip() == "1"
            groups[group_id] = _Group(class_id, name or group_id, entire)
        return groups

    def read_lessons(
        self,
        subjects: dict[str, str],
        classes: dict[str, str],
        groups: dict[str, _Group],
        teachers: dict[str, str],
    ) -> dict[str, _Lesson]:
        lessons: dict[str, _Lesson] = {}
        for element in self.section("lessons", "lesson", required=True):
            lesson_id = (element.get("id") or "").strip()
            if not lesson_id:
                self.skip(element, "у урока нет атрибута id.", "id")
                continue
            if lesson_id in lessons:
                self.found(
                    element,
                    "duplicate",
                    f"id «{lesson_id}» повторяется; ids должны быть разными.",
                    "прочитан первый урок с этим id",
                    "id",
                )
                continue
            subject_id = (element.get("subjectid") or "").strip()
            subject = subjects.get(subject_id)
            if subject is None:
                subject = NO_NAME
                self.found(
                    element,
                    "missing_name" if not subject_id else "unknown_reference",
                    f"предмет с id «{subject_id}» не найден в разделе <subjects>; "
                    "укажите предмет урока в aSc и выгрузите файл заново.",
                    f"урок прочитан с предметом «{NO_NAME}»",
                    "subjectid",
                )
            refs: dict[str, tuple[str, ...]] = {}
            for attr, table, section in (
                ("classids", classes, "<classes>"),
                ("groupids", groups, "<groups>"),
                ("teacherids", teachers, "<teachers>"),
            ):
                refs[attr] = self.ids(element, attr)
                for ref in refs[attr]:
                    if ref not in table:
                        self.found(
                            element,
                            "unknown_reference",
                            f"id «{ref}» не найден в разделе {section}; выгрузите файл из aSc "
                            "заново или уберите ссылку.",
                            "ссылка пропущена, урок прочитан без неё",
                            attr,
                        )
                refs[attr] = tuple(r for r in refs[attr] if r in table)
            per_card = self.integer(element, "periodspercard", default=0) or self.integer(
                element, "durationperiods", default=1
            )
            lessons[lesson_id] = _Lesson(
                id=lesson_id,
                subject=subject,
                class_ids=_unique(refs["classids"]),
                group_ids=refs["groupids"],
                teacher_ids=_unique(refs["teacherids"]),
                per_card=max(per_card, 1),
                line=self.line(element),
                weeks=self.lesson_bits(element, "weeks"),
                terms=self.lesson_bits(element, "terms"),
            )
        return lessons

    def lesson_bits(self, element: Element, attr: str) -> str | None:
        """Weeks or terms on a lesson (the 2008 schema keeps them there, not on the card)."""
        value = (element.get(attr) or "").strip()
        return value if _BITS.match(value) else None

    def card_day_list(self, element: Element) -> list[int]:
        """ISO weekdays of a card: the 2012 bit string ``days``, or the 2008 zero-based ``day``."""
        days = self.bits(element, "days")
        if days is not None:
            return [i + 1 for i, bit in enumerate(days) if bit == "1"]
        day = (element.get("day") or "").strip()
        if day.isdigit():
            return [int(day) + 1]
        return []

    def read_cards(
        self,
        cards: list[Element],
        lessons: dict[str, _Lesson],
        rooms: dict[str, str],
        periods: dict[int, _Period],
        days_per_week: int,
    ) -> list[_Unit]:
        raw: list[tuple[Element, str, str | None, str | None]] = []
        for element in cards:
            lesson_id = (element.get("lessonid") or "").strip()
            try:
                if lesson_id not in lessons:
                    raise self.skip(
                        element,
                        f"урок с id «{lesson_id}» не найден в разделе <lessons>; выгрузите файл "
                        "из aSc заново или удалите эту карточку.",
                        "lessonid",
                    )
                lesson = lessons[lesson_id]
                weeks = self.bits(element, "weeks") or lesson.weeks
                terms = self.bits(element, "terms") or lesson.terms
            except _Skip:
                continue
            raw.append((element, lesson_id, weeks, terms))

        first_week = _first_bit(w for _, _, w, _ in raw)
        first_term = _first_bit(t for _, _, _, t in raw)
        units: list[_Unit] = []
        skipped = 0
        for span_id, (element, lesson_id, weeks, terms) in enumerate(raw):
            if not _has_bit(weeks, first_week) or not _has_bit(terms, first_term):
                skipped += 1
                continue
            try:
                units.extend(self.card_units(element, lesson_id, span_id, rooms, periods,
                                             days_per_week))  # fmt: skip
            except _Skip:
                continue
        if skipped:
            several_weeks = len({w for _, _, w, _ in raw if w}) > 1
            scope = []
            if first_week is not None and several_weeks:
                scope.append(f"{first_week + 1}-й недели (чередование недель)")
            if first_term is not None and len({t for _, _, _, t in raw if t}) > 1:
                scope.append(f"{first_term + 1}-го учебного периода")
            self.notes.append(
                f"взяты карточки {' и '.join(scope) or 'первой недели'}; "
                f"пропущено карточек других недель и периодов: {skipped}"
            )
        return units

    def card_units(
        self,
        element: Element,
        lesson_id: str,
        span_id: int,
        rooms: dict[str, str],
        periods: dict[int, _Period],
        days_per_week: int,
    ) -> list[_Unit]:
        day_list = self.card_day_list(element)
        if not day_list:
            raise self.skip(
                element,
                "у карточки не указан день (days); разместите урок в aSc и выгрузите файл заново.",
                "days",
            )
        if day_list[-1] > days_per_week:
            raise self.skip(
                element,
                f"карточка стоит на {day_list[-1]}-й день недели, а в неделе {days_per_week} "
                "дней; уберите урок с воскресенья.",
                "days",
            )
        first = self.integer(element, "period")
        length = max(self.integer(element, "durationperiods", default=1), 1)
        room_ids = _unique(self.ids(element, "classroomids"))
        for ref in room_ids:
            if ref not in rooms:
                self.found(
                    element,
                    "unknown_reference",
                    f"кабинет с id «{ref}» не найден в разделе <classrooms>; выгрузите файл "
                    "из aSc заново.",
                    "урок прочитан без этого кабинета",
                    "classroomids",
                )
        card_rooms = tuple(rooms[r] for r in room_ids if r in rooms)
        units: list[_Unit] = []
        for number in range(first, first + length):
            self.period(periods, number, element)
            for day in day_list:
                units.append(
                    _Unit(
                        lesson_id,
                        day,
                        number,
                        card_rooms,
                        self.line(element),
                        span_id if length > 1 else -1,
                    )
                )
        return units

    def period(self, periods: dict[int, _Period], number: int, card: Element) -> _Period:
        """The period of a card; continues a regular grid past the last defined period."""
        if number in periods:
            return periods[number]
        defined = sorted(
            (p for p in periods.values() if not p.extrapolated), key=lambda p: p.number
        )
        last = defined[-1]
        length = last.end - last.start
        regular = all(
            b.number == a.number + 1 and b.start == a.end and b.end - b.start == length
            for a, b in pairwise(defined)
        )
        if number < last.number or not regular:
            raise self.skip(
                card,
                f"карточка стоит на период {number}, которого нет в разделе <periods>; "
                "добавьте период в aSc или переставьте урок.",
                "period",
            )
        start = last.end + (number - last.number - 1) * length
        if start + length > 24 * 60:
            raise self.skip(
                card, f"период {number} выходит за полночь; переставьте урок в aSc.", "period"
            )
        for k in range(last.number + 1, number + 1):
            if k not in periods:
                s = last.end + (k - last.number - 1) * length
                lesson = last.lesson + (k - last.number)
                periods[k] = _Period(k, lesson, s, s + length, None, extrapolated=True)
        self.notes.append(
            f"карточки на периодах после {last.number}-го: время продолжено по сетке {length} мин"
        )
        return periods[number]

    def build_drafts(
        self,
        units: list[_Unit],
        lessons: dict[str, _Lesson],
        periods: dict[int, _Period],
        breaks: list[tuple[int | None, int, int]],
        classes: dict[str, str],
        groups: dict[str, _Group],
        teachers: dict[str, str],
    ) -> list[_Draft]:
        by_key: dict[tuple[str, int], dict[int, _Unit]] = defaultdict(dict)
        for unit in units:
            by_key[(unit.lesson_id, unit.day)].setdefault(unit.period, unit)
        lesson_order = {lesson_id: i for i, lesson_id in enumerate(lessons)}
        skipped_no_class: set[str] = set()
        drafts: list[_Draft] = []
        for (lesson_id, day), placed in sorted(
            by_key.items(), key=lambda kv: (lesson_order[kv[0][0]], kv[0][1])
        ):
            lesson = lessons[lesson_id]
            if not lesson.class_ids:
                skipped_no_class.add(lesson_id)
                continue
            class_names = [classes[c] for c in lesson.class_ids]
            class_groups = self.class_groups(lesson, classes, groups)
            runs: list[list[_Unit]] = []
            for number in sorted(placed):
                unit = placed[number]
                if runs and self.joins(runs[-1], unit, lesson, periods, breaks):
                    runs[-1].append(unit)
                else:
                    runs.append([unit])
            for run in runs:
                first = periods[run[0].period]
                last = periods[run[-1].period]
                drafts.append(
                    _Draft(
                        day=day,
                        lesson=first.lesson,
                        start=first.start,
                        end=last.end,
                        classes=list(class_names),
                        class_groups=list(class_groups),
                        subject=lesson.subject,
                        teachers=[teachers[t] for t in lesson.teacher_ids],
                        rooms=list(run[0].rooms),
                        source=SourceRef(
                            file=self.path.name,
                            row=run[0].line,
                            element=f'<card lessonid="{lesson_id}">',
                        ),
                        order=len(drafts),
                    )
                )
        if skipped_no_class:
            self.notes.append(
                f"пропущено уроков без классов (дежурства, совещания учителей): "
                f"{len(skipped_no_class)}"
            )
        return drafts

    def joins(
        self,
        run: list[_Unit],
        unit: _Unit,
        lesson: _Lesson,
        periods: dict[int, _Period],
        breaks: list[tuple[int | None, int, int]],
    ) -> bool:
        prev = run[-1]
        if unit.period != prev.period + 1 or unit.rooms != prev.rooms:
            return False
        if prev.span_id >= 0 or unit.span_id >= 0:
            return prev.span_id == unit.span_id
        if len(run) >= lesson.per_card:
            return False
        a, b = periods[prev.period], periods[unit.period]
        if a.end != b.start:
            return False
        return not any(
            after == a.number or (start >= 0 and a.end <= start < b.end)
            for after, start, _end in breaks
        )

    def class_groups(
        self, lesson: _Lesson, classes: dict[str, str], groups: dict[str, _Group]
    ) -> list[tuple[str, str | None]]:
        named: dict[str, str | None] = {classes[c]: None for c in lesson.class_ids}
        for group_id in lesson.group_ids:
            group = groups[group_id]
            class_name = classes[group.class_id]
            if not group.entire and class_name in named:
                named[class_name] = group.name
        return list(named.items())

    def merge_joint_sessions(self, drafts: list[_Draft]) -> list[_Draft]:
        """Rule 1: same time, same subject, a shared teacher → one combined lesson."""
        result: list[_Draft] = []
        merged_count = 0
        clusters = joint_clusters(
            drafts, lambda d: (d.day, d.start, d.end, d.subject), lambda d: d.teachers
        )
        for indices in clusters:
            cluster = sorted((drafts[i] for i in indices), key=lambda d: d.order)
            head = cluster[0]
            for other in cluster[1:]:
                merged_count += 1
                for class_name, group in other.class_groups:
                    if class_name not in head.classes:
                        head.classes.append(class_name)
                        head.class_groups.append((class_name, group))
                    else:
                        i = head.classes.index(class_name)
                        old = head.class_groups[i][1]
                        if old is not None and group != old:
                            joined = old if group is None else f"{old} / {group}"
                            head.class_groups[i] = (
                                class_name,
                                None if group is None else joined,
                            )
                head.teachers.extend(t for t in other.teachers if t not in head.teachers)
                head.rooms.extend(r for r in other.rooms if r not in head.rooms)
                head.lesson = min(head.lesson, other.lesson)
            result.append(head)
        if merged_count:
            self.notes.append(
                f"объединено карточек в совместные уроки (один предмет, общий учитель, одно "
                f"время): {merged_count}"
            )
        result.sort(key=lambda d: d.order)
        for draft in result:
            names = _unique(g for _c, g in draft.class_groups if g is not None)
            draft.group = " / ".join(names) if names else None
        return result

    def assign_choice_groups(self, drafts: list[_Draft]) -> None:
        """Rule 2: whole-class lessons that overlap another lesson of the class are choices."""
        by_class_day: dict[tuple[str, int], list[_Draft]] = defaultdict(list)
        for draft in drafts:
            for class_name in draft.classes:
                by_class_day[(class_name, draft.day)].append(draft)
        overlapping: list[list[_Draft]] = []
        for items in by_class_day.values():
            items.sort(key=lambda d: (d.start, d.end, d.order))
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    if b.start >= a.end:
                        break
                    overlapping.append([a, b])
                    for draft in (a, b):
                        if draft.group is None:
                            draft.choice = True
        choices = [d for d in drafts if d.choice]
        if not choices:
            return
        for draft in choices:
            draft.group = draft.subject
        # Parallel lessons of one class must not share a group name: add teachers, then numbers.
        for step in range(3):
            clashes = [
                d
                for a, b in overlapping
                if a.group == b.group and (a.choice or b.choice)
                for d in (a, b)
            ]
            if not clashes:
                break
            for draft in {id(d): d for d in clashes}.values():
                if not draft.choice:
                    continue
                if step == 0 and draft.teachers:
                    draft.group = f"{draft.subject} — {', '.join(draft.teachers)}"
                elif step <= 1 and draft.rooms:
                    draft.group = f"{draft.subject} — {', '.join(draft.rooms)}"
                else:
                    draft.group = f"{draft.subject} ({draft.order + 1})"
        self.notes.append(
            f"уроков, идущих параллельно с другими уроками того же класса (выбор учеников, "
            f"кружки), — им дана группа по предмету: {len(choices)}"
        )

    def to_lesson(self, draft: _Draft) -> BaseLesson:
        return BaseLesson(
            day=draft.day,
            lesson=draft.lesson,
            start=clock(draft.start),
            end=clock(draft.end),
            classes=tuple(draft.classes),
            subject=draft.subject,
            teachers=tuple(draft.teachers),
            group=draft.group,
            room=", ".join(draft.rooms) if draft.rooms else None,
            source=draft.source,
        )

    def school_classes(
        self,
        class_elements: list[Element],
        classes: dict[str, str],
        groups: dict[str, _Group],
        lessons: list[BaseLesson],
        bell_name: str | None,
    ) -> dict[str, SchoolClass]:
        subgroups: dict[str, list[str]] = defaultdict(list)
        for group in groups.values():
            if not group.entire:
                subgroups[classes[group.class_id]].append(group.name)
        for lesson in lessons:
            if lesson.group is not None:
                for class_name in lesson.classes:
                    subgroups[class_name].append(lesson.group)
        result: dict[str, SchoolClass] = {}
        for element in class_elements:
            name = classes[(element.get("id") or "").strip()]
            grade_text = (element.get("grade") or "").strip()
            grade = int(grade_text) if grade_text.isdigit() else None
            if grade is None or not 1 <= grade <= 11:
                grade = parse_grade(name)
            result[name] = SchoolClass(
                name=name,
                grade=grade,
                bell_schedule=bell_name,
                subgroups=_unique(subgroups[name]),
            )
        return result

    def source_note(self) -> str:
        text = f"aSc Timetables 2012 XML: {self.path.name}"
        if self.notes:
            text += "; " + "; ".join(_unique(self.notes))
        return text


def _label(element: Element) -> str:
    for attr in ("lessonid", "id", "period", "name"):
        value = element.get(attr)
        if value:
            return f'<{element.tag} {attr}="{value}">'
    return f"<{element.tag}>"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _first_bit(values: Iterable[str | None]) -> int | None:
    firsts = [v.index("1") for v in values if v and "1" in v]
    return min(firsts) if firsts else None


def _has_bit(value: str | None, index: int | None) -> bool:
    if value is None or index is None:
        return True
    return index < len(value) and value[index] == "1"


def _sort_key(x: BaseLesson) -> tuple[object, ...]:
    return (x.day, x.start_min, x.end_min, x.classes, x.group or "", x.subject, x.teachers)


def read_asc(
    path: Path | str, *, school_name: str | None = None, strict: bool = False
) -> Timetable:
    """Read an aSc Timetables XML export (2012 or 2008 schema; see the module docstring).

    Tolerant: an element that cannot be read is left out with a finding; ``strict=True`` raises
    :class:`~planner.domain.errors.InputError` with every finding instead (nothing is imported).
    """
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError.at(file, "файл не найден; проверьте путь.") from None
    if size > MAX_INPUT_BYTES:
        raise InputError.at(file, too_big(MAX_INPUT_BYTES))
    with path.open("rb") as handle:
        data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError.at(file, too_big(MAX_INPUT_BYTES))
    findings = Findings(file, strict=strict)
    root, lines = _parse_xml(xml_bytes(data, findings), file)
    return _Reader(path, root, lines, findings).read(school_name)


__all__ = ["BELL_SCHEDULE", "read_asc"]
