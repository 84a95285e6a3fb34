"""Small timetables built in code, for tests that need a school without reading a file."""

from __future__ import annotations

from datetime import time

from planner.model import BaseLesson, School, SchoolClass, SourceRef, Timetable


def t(text: str) -> time:
    """``"08:30"`` → ``time(8, 30)``."""
    h, m = text.split(":")
    return time(int(h), int(m))


def lesson(
    day: int,
    number: int,
    start: str,
    end: str,
    classes: str,
    subject: str,
    teachers: str | None = None,
    group: str | None = None,
    room: str | None = None,
    *,
    row: int | None = None,
) -> BaseLesson:
    """A base lesson; ``classes`` and ``teachers`` are comma-separated, ``row`` of ``t.csv``."""
    return BaseLesson(
        day=day,
        lesson=number,
        start=t(start),
        end=t(end),
        classes=tuple(c.strip() for c in classes.split(",")),
        subject=subject,
        teachers=tuple(x.strip() for x in (teachers or "").split(",") if x.strip()),
        group=group,
        room=room,
        source=SourceRef("t.csv", row) if row else None,
    )


def timetable(
    *lessons: BaseLesson, name: str = "Школа № 1", extra_classes: tuple[str, ...] = ()
) -> Timetable:
    """The lessons' classes (and ``extra_classes``) as a school of that name."""
    classes = {c for x in lessons for c in x.classes} | set(extra_classes)
    return Timetable(
        school=School(name),
        classes={c: SchoolClass.from_name(c) for c in classes},
        lessons=tuple(lessons),
    )
