"""Timetable → aSc Timetables 2012 XML, the format :func:`planner.imports.asc.read_asc` reads.

The file has the structure of a real aSc export (periods, breaks, daysdefs, weeksdefs, termsdefs,
subjects, teachers, buildings, classrooms, grades, classes, groups, students, lessons, cards) and
reads back to exactly the same lessons: day, lesson number, start, end, classes, group, subject,
teachers and room.

Periods — two layouts:

* **Bell grid** (the regular timetable): when the timetable's bell schedules agree on one time per
  lesson number and every lesson starts at its bell and ends at the end of the same or a later
  bell, with the bells in between back to back, the periods are those bells and a lesson of
  several bells gets one card per period (as aSc itself exports it, ``periodspercard`` = its
  length).
* **Time slots** (a rebuilt remote day, minute-precise times): otherwise the periods are the
  sorted distinct ``(lesson number, start, end)`` slots across the school and each lesson is one
  card on its slot. Periods are numbered 1…N; their ``name`` is the lesson number, which the
  reader takes as урок №. Slots of different classes may overlap in time, which aSc tolerates
  in an import but would not produce itself.

Ids are the first 16 hex digits of a SHA-1 of the kind and name, so the same timetable always
gives the same bytes. One aSc lesson is written per (subject, classes, group, teachers, periods
per card); its cards carry the day bits, ``weeks="1"``, ``terms="1"`` and the room.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from planner.domain.model import BaseLesson, Timetable, minutes

DAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
DAY_SHORT_EN = ("Mo", "Tu", "We", "Th", "Fr", "Sa")
ENTIRE_CLASS = "Entire class"
OPTIONS = "canadd,export:silent"


@lru_cache(maxsize=4096)
def _id(kind: str, *parts: str) -> str:
    # cached: a card names the same lessons, classes and rooms again and again
    digest = hashlib.sha1("\x1f".join((kind, *parts)).encode("utf-8")).hexdigest()
    return digest[:16].upper()


def _clock(m: int) -> str:
    return f"{m // 60}:{m % 60:02d}"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _Element:
    """An XML element of attributes and child elements (no text): what this file is made of.

    Written by :func:`_xml` with the bytes ``ElementTree.indent`` and ``tostring`` give such a
    tree, without their generic serializer (a third of the writer's time on a 165-class week).
    """

    __slots__ = ("attrib", "children", "tag")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.children: list[_Element] = []


def _child(parent: _Element, tag: str, attrib: dict[str, str]) -> _Element:
    child = _Element(tag, attrib)
    parent.children.append(child)
    return child


#: what an attribute value escapes beyond ``&``, ``<`` and ``>``, as ElementTree escapes it
_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _attr(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    return escape(text, _ATTR_ENTITIES)


def _xml(node: _Element, put: Callable[[str], object], pad: str = "\n") -> None:
    """``node`` as ``tostring`` writes it after ``indent(node, space="  ")``."""
    put("<" + node.tag + "".join([f' {k}="{_attr(v)}"' for k, v in node.attrib.items()]))
    if not node.children:
        put(" />")
        return
    put(">")
    inner = pad + "  "
    for child in node.children:
        put(inner)
        _xml(child, put, inner)
    put(f"{pad}</{node.tag}>")


def _section(root: _Element, name: str, columns: str) -> _Element:
    return _child(root, name, {"options": OPTIONS, "columns": columns})


def _bell_grid(timetable: Timetable) -> dict[int, tuple[int, int]] | None:
    """Lesson number → (start, end) when every lesson sits on one common bell grid."""
    grid: dict[int, tuple[int, int]] = {}
    for schedule in timetable.bell_schedules.values():
        for bell in schedule.bells:
            times = (minutes(bell.start), minutes(bell.end))
            if grid.setdefault(bell.lesson, times) != times:
                return None
    if not grid:
        return None
    numbers = sorted(grid)
    if any(grid[a][1] > grid[b][0] for a, b in pairwise(numbers)):
        return None  # overlapping bells are no grid
    for lesson in timetable.lessons:
        if _periods_of(lesson, grid, numbers) is None:
            return None
    return grid


def _periods_of(
    lesson: BaseLesson, grid: dict[int, tuple[int, int]], numbers: list[int]
) -> list[int] | None:
    if lesson.lesson not in grid or grid[lesson.lesson][0] != lesson.start_min:
        return None
    run = [lesson.lesson]
    index = numbers.index(lesson.lesson)
    while grid[run[-1]][1] < lesson.end_min:
        index += 1
        if index >= len(numbers) or grid[numbers[index]][0] != grid[run[-1]][1]:
            return None
        run.append(numbers[index])
    return run if grid[run[-1]][1] == lesson.end_min else None


def _room_parts(room: str | None, known: set[str]) -> list[str]:
    """The classrooms of a lesson's room text: ``"A, B"`` is two rooms when both are known."""
    if not room:
        return []
    parts = room.split(", ")
    return parts if len(parts) > 1 and all(p in known for p in parts) else [room]


def _days_bits(day: int, days_per_week: int) -> str:
    return "".join("1" if d == day else "0" for d in range(1, days_per_week + 1))


def write_asc(timetable: Timetable, path: Path) -> None:
    """Write ``timetable`` as aSc Timetables 2012 XML (see the module docstring)."""
    path = Path(path)
    lessons = sorted(
        timetable.lessons,
        key=lambda x: (x.day, x.start_min, x.end_min, x.lesson, x.classes, x.group or "",
                       x.subject, x.teachers, x.room or ""),
    )  # fmt: skip
    days_per_week = timetable.school.days_per_week
    if any(x.day > days_per_week for x in lessons):
        days_per_week = 6

    # Periods: number → (name/lesson number, start, end); each lesson → its period numbers.
    grid = _bell_grid(timetable)
    periods: list[tuple[int, int, int]] = []
    placement: list[list[int]] = []
    if grid is not None:
        numbers = sorted(grid)
        position = {n: i + 1 for i, n in enumerate(numbers)}
        periods = [(n, *grid[n]) for n in numbers]
        for lesson in lessons:
            run = _periods_of(lesson, grid, numbers)
            assert run is not None
            placement.append([position[n] for n in run])
    else:
        slots = sorted({(x.start_min, x.end_min, x.lesson) for x in lessons})
        index = {slot: i + 1 for i, slot in enumerate(slots)}
        periods = [(lesson, start, end) for start, end, lesson in slots]
        placement = [[index[(x.start_min, x.end_min, x.lesson)]] for x in lessons]

    classes = list(timetable.classes.values())
    teachers = _unique([*timetable.teachers, *(t for x in lessons for t in x.teachers)])
    subjects = _unique([*timetable.subjects, *(x.subject for x in lessons)])
    known_rooms = set(timetable.rooms)
    rooms = _unique(
        [*timetable.rooms, *(r for x in lessons for r in _room_parts(x.room, known_rooms))]
    )
    groups_of: dict[str, list[str]] = defaultdict(list)
    for school_class in classes:
        groups_of[school_class.name].extend(school_class.subgroups)
    for lesson in lessons:
        if lesson.group is not None:
            for class_name in lesson.classes:
                groups_of[class_name].append(lesson.group)

    root = _Element(
        "timetable",
        {
            "importtype": "database",
            "options": "export:idprefix:%CHRID,import:idprefix:%TEMPID,groupstype1,"
            "decimalseparatordot,lessonsincludeclasseswithoutstudents,handlestudentsafterlessons",
            "defaultexport": "1",
            "displayname": "aSc Timetables 2012 XML",
            "displaycountries": "",
        },
    )
    section = _section(root, "periods", "period,name,short,starttime,endtime")
    for number, (name, start, end) in enumerate(periods, start=1):
        _child(
            section,
            "period",
            {"name": str(name), "short": str(name), "period": str(number),
             "starttime": _clock(start), "endtime": _clock(end)},
        )  # fmt: skip
    _section(root, "breaks", "break,name,short,starttime,endtime")
    section = _section(root, "daysdefs", "id,days,name,short")
    for day in range(1, days_per_week + 1):
        _child(
            section,
            "daysdef",
            {"id": _id("daysdef", str(day)), "name": DAY_NAMES_EN[day - 1],
             "short": DAY_SHORT_EN[day - 1], "days": _days_bits(day, days_per_week)},
        )  # fmt: skip
    any_day = ",".join(_days_bits(d, days_per_week) for d in range(1, days_per_week + 1))
    _child(
        section,
        "daysdef",
        {"id": _id("daysdef", "any"), "name": "Any day", "short": "X", "days": any_day},
    )
    section = _section(root, "weeksdefs", "id,weeks,name,short")
    weeks_id = _id("weeksdef", "all")
    _child(section, "weeksdef", {"id": weeks_id, "name": "All weeks", "short": "All", "weeks": "1"})
    section = _section(root, "termsdefs", "id,terms,name,short")
    terms_id = _id("termsdef", "year")
    _child(section, "termsdef", {"id": terms_id, "name": "Whole year", "short": "YR", "terms": "1"})
    section = _section(root, "subjects", "id,name,short,partner_id")
    for name in subjects:
        _child(
            section,
            "subject",
            {"id": _id("subject", name), "name": name, "short": name, "partner_id": ""},
        )
    section = _section(
        root,
        "teachers",
        "id,name,short,gender,color,email,mobile,partner_id,firstname,lastname",
    )
    for name in teachers:
        _child(
            section,
            "teacher",
            {"id": _id("teacher", name), "firstname": "", "lastname": "", "name": name,
             "short": name, "gender": "", "color": "", "email": "", "mobile": "",
             "partner_id": ""},
        )  # fmt: skip
    _section(root, "buildings", "id,name,partner_id")
    section = _section(root, "classrooms", "id,name,short,capacity,buildingid,partner_id")
    for name in rooms:
        _child(
            section,
            "classroom",
            {"id": _id("classroom", name), "name": name, "short": name, "capacity": "*",
             "buildingid": "", "partner_id": ""},
        )  # fmt: skip
    section = _section(root, "grades", "grade,name,short")
    for grade in sorted({c.grade for c in classes if c.grade is not None}):
        _child(
            section,
            "grade",
            {"name": f"{grade} класс", "short": str(grade), "grade": str(grade)},
        )
    section = _section(root, "classes", "id,name,short,classroomids,teacherid,grade,partner_id")
    for school_class in classes:
        _child(
            section,
            "class",
            {"id": _id("class", school_class.name), "name": school_class.name,
             "short": school_class.name, "teacherid": "", "classroomids": "",
             "grade": "" if school_class.grade is None else str(school_class.grade),
             "partner_id": ""},
        )  # fmt: skip
    section = _section(
        root, "groups", "id,classid,name,entireclass,divisiontag,studentcount,studentids"
    )
    for school_class in classes:
        class_id = _id("class", school_class.name)
        _child(
            section,
            "group",
            {"id": _id("group", school_class.name, ""), "name": ENTIRE_CLASS,
             "classid": class_id, "studentids": "", "entireclass": "1", "divisiontag": "0"},
        )  # fmt: skip
        for name in _unique(groups_of[school_class.name]):
            _child(
                section,
                "group",
                {"id": _id("group", school_class.name, name), "name": name,
                 "classid": class_id, "studentids": "", "entireclass": "0",
                 "divisiontag": "1"},
            )  # fmt: skip
    _section(root, "students", "id,classid,name,number,email,mobile,partner_id,firstname,lastname")
    _section(root, "studentsubjects", "studentid,subjectid,seminargroup,importance,alternatefor")

    # Lessons: one per (subject, classes, group, teachers, periods per card).
    keyed: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, lesson in enumerate(lessons):
        key = (lesson.subject, lesson.classes, lesson.group, lesson.teachers, len(placement[i]))
        keyed[key].append(i)
    section = _section(
        root,
        "lessons",
        "id,subjectid,classids,groupids,teacherids,classroomids,periodspercard,periodsperweek,"
        "daysdefid,weeksdefid,termsdefid,seminargroup,capacity,partner_id",
    )
    lesson_ids: dict[int, str] = {}
    for (subject, class_names, group, teacher_names, per_card), indices in keyed.items():
        lesson_id = _id(
            "lesson", subject, ",".join(class_names), group or "", ",".join(teacher_names),
            str(per_card),
        )  # fmt: skip
        for i in indices:
            lesson_ids[i] = lesson_id
        lesson_rooms = _unique(
            r for i in indices for r in _room_parts(lessons[i].room, known_rooms)
        )
        _child(
            section,
            "lesson",
            {"id": lesson_id, "classids": ",".join(_id("class", c) for c in class_names),
             "subjectid": _id("subject", subject), "periodspercard": str(per_card),
             "periodsperweek": f"{per_card * len(indices)}.0",
             "teacherids": ",".join(_id("teacher", t) for t in teacher_names),
             "classroomids": ",".join(_id("classroom", r) for r in lesson_rooms),
             "groupids": ",".join(_id("group", c, group or "") for c in class_names),
             "seminargroup": "", "termsdefid": terms_id, "weeksdefid": weeks_id,
             "daysdefid": _id("daysdef", "any"), "capacity": "*", "partner_id": ""},
        )  # fmt: skip
    section = _section(root, "cards", "lessonid,period,days,weeks,terms,classroomids")
    for i, lesson in enumerate(lessons):
        for number in placement[i]:
            _child(
                section,
                "card",
                {"lessonid": lesson_ids[i],
                 "classroomids": ",".join(
                     _id("classroom", r) for r in _room_parts(lesson.room, known_rooms)
                 ),
                 "period": str(number), "weeks": "1", "terms": "1",
                 "days": _days_bits(lesson.day, days_per_week)},
            )  # fmt: skip
    _section(root, "classroomsupervisions", "classroomid,teacherid,day,week,term,period,break")

    out = ["<?xml version='1.0' encoding='UTF-8'?>\n"]
    _xml(root, out.append)
    out.append("\n")
    path.write_bytes("".join(out).encode("utf-8"))


__all__ = ["write_asc"]
