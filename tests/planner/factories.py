"""Small timetables built in code, for tests that need a school without reading a file."""

from __future__ import annotations

from datetime import time

from planner.model import BaseLesson, School, SchoolClass, SourceRef, Timetable


def lesson(
    day: int,
    number: int,
    start: str,
    end: str,
    classes: str,
    subject: str,
    teacher: str | None = None,
    group: str | None = None,
    row: int | None = None,
) -> BaseLesson:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return BaseLesson(
        day=day,
        lesson=number,
        start=time(h1, m1),
        end=time(h2, m2),
        classes=tuple(c.strip() for c in classes.split(",")),
        subject=subject,
        teachers=(teacher,) if teacher else (),
        group=group,
        source=SourceRef("t.csv", row) if row else None,
    )


def timetable(*lessons: BaseLesson, name: str = "Школа № 1") -> Timetable:
    classes = {c for x in lessons for c in x.classes}
    return Timetable(
        school=School(name),
        classes={c: SchoolClass.from_name(c) for c in classes},
        lessons=tuple(lessons),
    )
