"""A small school and its remote schedule, built by hand for the export tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from planner.domain.model import School, SchoolClass, Timetable
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from tests.planner.factories import lesson as base
from tests.planner.factories import t

TZ = "Asia/Yekaterinburg"
TUE = date(2026, 12, 1)
WED = date(2026, 12, 2)
NEXT_TUE = date(2026, 12, 8)
LINK_MATH = "https://sferum.ru/?call_link=MathMathMathMath01"
LINK_ENG = "https://vk.com/call/join/EngEngEngEngEng0002"
LINK_CHOIR = "https://sferum.ru/?call_link=ChoirChoirChoir003"


def school_timetable() -> Timetable:
    lessons = (
        base(2, 1, "08:30", "09:15", "5А", "Математика", "Иванова И.И.", room="214"),
        base(2, 2, "09:25", "10:10", "5А", "Английский язык", "Смит Д.Д.", "англ-1", "301"),
        base(2, 2, "09:25", "10:10", "5А", "Английский язык", "Петрова А.А.", "англ-2", "302"),
        base(2, 3, "10:30", "11:15", "5А", "Русский язык", "Иванова И.И.", room="214"),
        base(2, 4, "11:25", "12:10", "5А,5Б", "Хор", "Сидорова С.С.", room="Актовый зал"),
        base(2, 1, "08:30", "09:15", "5Б", "История", "Петров П.П.", room="215"),
        base(2, 2, "09:25", "10:10", "5Б", "Математика", "Иванова И.И.", room="214"),
        base(3, 1, "08:30", "09:15", "5А", "Литература", "Иванова И.И.", room="214"),
        base(3, 2, "09:25", "10:10", "5А", "ИЗО", "Сидорова С.С.", room="110"),
        base(3, 1, "08:30", "09:15", "5Б", "Физкультура", "Петров П.П.", room="Спортзал"),
    )
    return Timetable(
        school=School("Школа № 1"),
        classes={
            "5А": SchoolClass("5А", 5, subgroups=("англ-1", "англ-2")),
            "5Б": SchoolClass("5Б", 5),
        },
        lessons=lessons,
    )


def order() -> QuarantineOrder:
    return QuarantineOrder(classes=("5А", "5Б"), date_from=TUE, date_to=NEXT_TUE)


def lesson(
    day: date,
    cls: str,
    n: int,
    subject: str,
    teacher: str,
    fmt: str = "online",
    start: str | None = None,
    end: str | None = None,
    *,
    no: int | None = None,
    group: str | None = None,
    classes: str | None = None,
    url: str | None = None,
    room: str | None = None,
) -> ScheduleItem:
    length = None
    if start and end:
        length = (t(end).hour * 60 + t(end).minute) - (t(start).hour * 60 + t(start).minute)
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
        screen_minutes=length if fmt == "online" else 0,
        base=BaseRef(day.isoweekday(), n),
        lesson_no=no,
        room=room,
        classes=tuple((classes or cls).split(",")),
        call_url=url,
    )


def health(day: date, cls: str, kind: str, start: str, end: str) -> ScheduleItem:
    return ScheduleItem(
        date=day, class_name=cls, kind=kind, start=t(start), end=t(end), rule=f"health.{kind}"
    )


def tuesday(day: date) -> list[ScheduleItem]:
    return [
        lesson(day, "5А", 1, "Математика", "Иванова И.И.", "online", "08:30", "09:00", no=1,
               url=LINK_MATH),
        health(day, "5А", "eye_gymnastics", "08:45", "08:47"),
        health(day, "5А", "physical_break", "08:52", "08:54"),
        health(day, "5А", "eye_gymnastics", "09:05", "09:10"),
        lesson(day, "5А", 2, "Английский язык", "Смит Д.Д.", "online", "09:20", "09:50", no=2,
               group="англ-1", url=LINK_ENG),
        lesson(day, "5А", 2, "Английский язык", "Петрова А.А.", "self_study", group="англ-2"),
        lesson(day, "5А", 3, "Русский язык", "Иванова И.И.", "self_study"),
        lesson(day, "5А", 4, "Хор", "Сидорова С.С.", "online", "11:25", "11:55", no=3,
               classes="5А,5Б", url=LINK_CHOIR),
        lesson(day, "5Б", 1, "История", "Петров П.П.", "online", "08:30", "09:00", no=1),
        lesson(day, "5Б", 2, "Математика", "Иванова И.И.", "online", "09:20", "09:50", no=2),
        lesson(day, "5Б", 4, "Хор", "Сидорова С.С.", "online", "11:25", "11:55", no=3,
               classes="5А,5Б", url=LINK_CHOIR),
    ]  # fmt: skip


def wednesday(day: date) -> list[ScheduleItem]:
    return [
        lesson(day, "5А", 1, "Литература", "Иванова И.И.", "online", "08:30", "09:00", no=1),
        lesson(day, "5А", 2, "ИЗО", "Сидорова С.С.", "self_study"),
        lesson(day, "5Б", 1, "Физкультура", "Петров П.П.", "self_study"),
    ]


def remote_schedule(items: list[ScheduleItem] | None = None) -> Schedule:
    if items is None:
        items = tuesday(TUE) + wednesday(WED) + tuesday(NEXT_TUE)
    return Schedule(
        school="Школа № 1",
        timezone=TZ,
        norm_set="sanpin-1.2.3685-21",
        order=order().summary(),
        items=tuple(items),
    )


def changed(schedule: Schedule, match: dict, **fields: object) -> Schedule:
    """The schedule with every item matching ``match`` (field → value) changed."""
    out = []
    for item in schedule.items:
        if all(getattr(item, k) == v for k, v in match.items()):
            item = replace(item, **fields)
        out.append(item)
    return schedule.with_items(out)


def without(schedule: Schedule, match: dict) -> Schedule:
    return schedule.with_items(
        i for i in schedule.items if not all(getattr(i, k) == v for k, v in match.items())
    )
