"""Small hand-built schools for the solver and checker tests (planner.model objects, no files)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from planner.model import BaseLesson, School, SchoolClass, Timetable
from planner.order import MustOnline, Override, QuarantineOrder

BELLS = (
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
    ("14:20", "15:05"),
)
MONDAY = date(2026, 11, 30)  # a Monday in the Nov–Dec grade-1 regime


def t(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def L(
    day: int,
    number: int,
    classes: str,
    subject: str,
    teacher: str,
    group: str | None = None,
    bells: tuple[tuple[str, str], ...] = BELLS,
) -> BaseLesson:
    s, e = bells[number - 1]
    return BaseLesson(
        day=day,
        lesson=number,
        start=t(s),
        end=t(e),
        classes=tuple(c.strip() for c in classes.split(",")),
        subject=subject,
        teachers=(teacher,),
        group=group,
    )


def school(*lessons: BaseLesson, extra_classes: tuple[str, ...] = ()) -> Timetable:
    names = {c for x in lessons for c in x.classes} | set(extra_classes)
    return Timetable(
        school=School("Школа № 1"),
        classes={c: SchoolClass.from_name(c) for c in names},
        lessons=tuple(lessons),
    )


def order(
    classes: tuple[str, ...],
    d_from: date = MONDAY,
    d_to: date | None = None,
    **kw: Any,
) -> QuarantineOrder:
    overrides = {
        k: Override(v, "Приказ № 1 от 27.11.2026") for k, v in kw.pop("overrides", {}).items()
    }
    must = tuple(MustOnline(*m) if isinstance(m, tuple) else m for m in kw.pop("must_online", ()))
    return QuarantineOrder(
        classes=classes,
        date_from=d_from,
        date_to=d_to or d_from,
        overrides=overrides,
        must_online=must,
        **kw,
    )


def day_of(cls: str, day: int, subjects: list[str], teachers: list[str]) -> list[BaseLesson]:
    return [
        L(day, i + 1, cls, s, tch)
        for i, (s, tch) in enumerate(zip(subjects, teachers, strict=True))
    ]


SEVENTH = [
    "Алгебра",
    "Русский язык",
    "История",
    "Физика",
    "Литература",
    "Физическая культура",
    "Музыка",
]


def small_school() -> Timetable:
    """5А and 7Б (7 lessons each on Monday), 1А (4 lessons) and 9В kept in person; shared
    teachers so the teacher rule matters."""
    lessons: list[BaseLesson] = []
    lessons += day_of("7Б", 1, SEVENTH, ["Иванова", "Петрова", "Сидоров", "Кузнецов", "Петрова",
                                          "Орлов", "Белова"])  # fmt: skip
    lessons += day_of("5А", 1, ["Математика", "Русский язык", "Английский язык", "Биология",
                                "История", "Литература"],
                      ["Смирнова", "Петрова", "Зайцева", "Волков", "Сидоров", "Петрова"])  # fmt: skip
    # shifted so Петрова does not clash in the base timetable
    fixed = []
    for x in lessons:
        fixed.append(x)
    lessons = fixed
    lessons = [x for x in lessons if not (x.classes == ("5А",) and x.lesson in (2, 6))]
    lessons += [L(1, 2, "5А", "Литература", "Сидоров"), L(1, 6, "5А", "Русский язык", "Зайцева")]
    lessons += day_of("1А", 1, ["Математика", "Русский язык", "Литературное чтение",
                                "Окружающий мир"], ["Морозова"] * 4)  # fmt: skip
    lessons += day_of("9В", 1, ["Алгебра", "Геометрия", "Химия", "Физика", "Русский язык"],
                      ["Иванова", "Фёдоров", "Гусева", "Ершов", "Ершова"])  # fmt: skip
    return school(*lessons)
