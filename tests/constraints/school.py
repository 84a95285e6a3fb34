"""Small hand-built schools for the solver and checker tests (domain objects, no files)."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.domain.model import BaseLesson, School, SchoolClass, Timetable
from planner.domain.order import MustOnline, Override, QuarantineOrder
from tests.planner.factories import lesson, timetable

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


def L(
    day: int,
    number: int,
    classes: str,
    subject: str,
    teacher: str,
    group: str | None = None,
    bells: tuple[tuple[str, str], ...] = BELLS,
) -> BaseLesson:
    """Lesson ``number`` of ``bells`` (the school's bells by default)."""
    s, e = bells[number - 1]
    return lesson(day, number, s, e, classes, subject, teacher, group)


def school(*lessons: BaseLesson, extra_classes: tuple[str, ...] = ()) -> Timetable:
    return timetable(*lessons, extra_classes=extra_classes)


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
    lessons += day_of("5А", 1, ["Математика", "Литература", "Английский язык", "Биология",
                                "История", "Русский язык"],
                      ["Смирнова", "Сидоров", "Зайцева", "Волков", "Сидоров",
                       "Зайцева"])  # fmt: skip
    lessons += day_of("1А", 1, ["Математика", "Русский язык", "Литературное чтение",
                                "Окружающий мир"], ["Морозова"] * 4)  # fmt: skip
    lessons += day_of("9В", 1, ["Алгебра", "Геометрия", "Химия", "Физика", "Русский язык"],
                      ["Иванова", "Фёдоров", "Гусева", "Ершов", "Ершова"])  # fmt: skip
    return school(*lessons)


SUBJECTS_BY_BAND = {
    "primary": [("Математика", 4), ("Русский язык", 4), ("Литературное чтение", 3),
                ("Окружающий мир", 2), ("Физическая культура", 2), ("Музыка", 1), ("ИЗО", 1),
                ("Технология", 1)],
    "middle": [("Математика", 5), ("Русский язык", 5), ("Литература", 3), ("История", 2),
               ("Биология", 1), ("География", 1), ("Физическая культура", 2), ("Музыка", 1),
               ("ИЗО", 1), ("Технология", 2), ("Обществознание", 1)],
    "senior": [("Алгебра", 3), ("Геометрия", 2), ("Русский язык", 3), ("Литература", 3),
               ("Физика", 2), ("Химия", 2), ("Биология", 1), ("История", 2), ("Обществознание", 1),
               ("География", 1), ("Информатика", 1), ("Физическая культура", 2), ("ОБЖ", 1)],
}  # fmt: skip
FOREIGN = ("Английский язык", 3)


def _bells(
    start: int, length: int, n: int, big_after: tuple[int, ...] = (2, 3)
) -> list[tuple[int, int]]:
    out, t = [], start
    for k in range(1, n + 1):
        out.append((t, t + length))
        t += length + (20 if k in big_after else 10)
    return out


def random_school(
    parallels: int = 1,
    seed: int = 1,
    grades: tuple[int, ...] = tuple(range(1, 12)),
    teachers_per_subject_classes: int = 4,
) -> Timetable:
    """A clash-free random school: grade bands with different lesson lengths (grade 1: 35 min,
    the rest 45), grades 5–11 with a foreign language in two parallel subgroups, grade 3 in the
    second shift; teachers shared between classes so that remote lessons must fit around their
    in-person duties."""
    import random

    from planner.domain.model import clock

    rng = random.Random(seed)
    letters = "АБВГДЕ"
    classes = [(f"{g}{letters[p]}", g) for g in grades for p in range(parallels)]
    teacher_of: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
    lessons: list[BaseLesson] = []

    def teacher_for(cls: str, subject: str, k: int = 0) -> str:
        key = (cls, f"{subject}#{k}")
        if key not in teacher_of:
            n = counters.get(subject, 0)
            counters[subject] = n + 1
            teacher_of[key] = f"{subject[:4]}-{n // teachers_per_subject_classes + 1}-{k}"
        return teacher_of[key]

    def free(tch: str, day: int, s: int, e: int) -> bool:
        return all(e <= bs or be <= s for bs, be in busy.get((tch, day), []))

    for cls, g in classes:
        band = "primary" if g <= 4 else "middle" if g <= 9 else "senior"
        plan = [s for s, h in SUBJECTS_BY_BAND[band] for _ in range(h)]
        if g >= 2:
            plan += [FOREIGN[0]] * (2 if g <= 4 else FOREIGN[1])
        per_day = 4 if g == 1 else 5 if g <= 4 else 6
        start = 8 * 60 + (0 if g != 3 else 5 * 60 + 30)
        bells = _bells(start, 35 if g == 1 else 45, per_day + 1)
        rng.shuffle(plan)
        for day in range(1, 6):
            n = per_day if g == 1 else per_day + (day % 2 if g >= 5 else 0)
            for k in range(n):
                s, e = bells[k]
                placed = False
                for idx, subject in enumerate(plan):
                    sub_split = subject == FOREIGN[0] and g >= 5
                    tchs = [teacher_for(cls, subject, j) for j in range(2 if sub_split else 1)]
                    if all(free(t_, day, s, e) for t_ in tchs):
                        plan.pop(idx)
                        for j, t_ in enumerate(tchs):
                            busy.setdefault((t_, day), []).append((s, e))
                            lessons.append(BaseLesson(
                                day=day, lesson=k + 1, start=clock(s), end=clock(e),
                                classes=(cls,), subject=subject, teachers=(t_,),
                                group=(f"англ-{j + 1}" if sub_split else None),
                            ))  # fmt: skip
                        placed = True
                        break
                if not placed:
                    break
    names = {c for c, _g in classes}
    return Timetable(
        school=School("Школа № 2"),
        classes={
            c: SchoolClass.from_name(
                c, subgroups=("англ-1", "англ-2") if (parse_g(c) or 0) >= 5 else ()
            )
            for c in names
        },
        lessons=tuple(lessons),
    )


def parse_g(name: str) -> int | None:
    from planner.domain.model import parse_grade

    return parse_grade(name)
