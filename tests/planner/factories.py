"""Small timetables built in code, for tests that need a school without reading a file."""

from __future__ import annotations

from datetime import date, time

from planner.domain.model import BaseLesson, School, SchoolClass, SourceRef, Timetable
from planner.domain.schedule import BaseRef, ScheduleItem

TUESDAY = date(2026, 12, 1)


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


def item(
    subject: str,
    n: int,
    start: str | None,
    end: str | None,
    *,
    fmt: str = "online",
    day: date = TUESDAY,
    cls: str = "5А",
    teacher: str | None = "Иванова И.И.",
    url: str | None = None,
    room: str | None = None,
    group: str | None = None,
) -> ScheduleItem:
    """A lesson of the remote schedule (``start``/``end`` None for self-study)."""
    return ScheduleItem(
        date=day,
        class_name=cls,
        kind="lesson",
        group=group,
        format=fmt,
        subject=subject,
        teacher=teacher,
        start=t(start) if start else None,
        end=t(end) if end else None,
        base=BaseRef(day.isoweekday(), n),
        lesson_no=n,
        call_url=url,
        room=room,
        classes=(cls,),
    )
