"""Clashes in an imported timetable: one teacher or one class in two places at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from planner.domain.errors import InputError, Problem
from planner.domain.model import DAY_NAMES_RU, BaseLesson, hhmm


def _overlap(a: BaseLesson, b: BaseLesson) -> bool:
    return a.day == b.day and a.start_min < b.end_min and b.start_min < a.end_min


def _class_conflict(a: BaseLesson, b: BaseLesson, class_name: str) -> bool:
    # Different named subgroups of one class may run in parallel; the whole class may not.
    return a.group is None or b.group is None or a.group == b.group


def _where(lesson: BaseLesson) -> str:
    src = lesson.source
    return str(src) if src is not None else f"{DAY_NAMES_RU[lesson.day - 1]}, урок {lesson.lesson}"


def _running_pairs(items: list[BaseLesson]) -> Iterator[tuple[BaseLesson, BaseLesson]]:
    """Pairs (earlier, later) of one day's lessons where the later starts before the earlier
    ends; sorts ``items`` by time."""
    items.sort(key=lambda x: (x.start_min, x.end_min))
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if b.start_min >= a.end_min:
                break
            yield a, b


def find_clashes(lessons: Iterable[BaseLesson], file: str) -> list[Problem]:
    """Every pair of lessons that puts a teacher or a class in two places at once."""
    by_teacher: dict[tuple[str, int], list[BaseLesson]] = defaultdict(list)
    by_class: dict[tuple[str, int], list[BaseLesson]] = defaultdict(list)
    for lesson in lessons:
        for t in lesson.teachers:
            by_teacher[(t, lesson.day)].append(lesson)
        for c in lesson.classes:
            by_class[(c, lesson.day)].append(lesson)

    problems: list[Problem] = []

    def report(kind: str, who: str, a: BaseLesson, b: BaseLesson) -> None:
        row = a.source.row if a.source else None
        problems.append(
            Problem(
                file=file,
                row=row,
                element=a.source.element if a.source else None,
                message=(
                    f"{kind} {who} в одно время на двух уроках: "
                    f"«{a.subject}» ({_where(a)}, {hhmm(a.start)}–{hhmm(a.end)}) и "
                    f"«{b.subject}» ({_where(b)}, {hhmm(b.start)}–{hhmm(b.end)}). "
                    "Исправьте расписание или объедините уроки в один (классы через запятую)."
                ),
            )
        )

    for (teacher, _day), items in sorted(by_teacher.items()):
        for a, b in _running_pairs(items):
            if a is not b and _overlap(a, b):
                report("Учитель", teacher, a, b)
    for (class_name, _day), items in sorted(by_class.items()):
        for a, b in _running_pairs(items):
            if _overlap(a, b) and _class_conflict(a, b, class_name):
                report("Класс", class_name, a, b)
    return problems


def team_teaching_view(lessons: Sequence[BaseLesson]) -> list[BaseLesson]:
    """The lessons as the teacher clash check sees them in real school files.

    A lesson with several teachers is a team or a rotation (aSc exports list every teacher of a
    term-rotating subject): not every listed teacher is in the room at every lesson, so its
    teachers are not checked. Two overlapping lessons of one subject by one teacher are one session
    that a group joins. Class clashes are always checked.
    """
    view = [replace(x, teachers=()) if len(x.teachers) > 1 else x for x in lessons]
    by_teacher: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, x in enumerate(view):
        for teacher in x.teachers:
            by_teacher[(teacher, x.day, x.subject)].append(i)
    drop: set[int] = set()
    for indices in by_teacher.values():
        indices.sort(key=lambda i: (view[i].start_min, view[i].end_min))
        for k, i in enumerate(indices):
            for j in indices[k + 1 :]:
                if view[j].start_min < view[i].end_min:
                    drop.add(j)
    return [replace(x, teachers=()) if i in drop else x for i, x in enumerate(view)]


def raise_on_clashes(lessons: Iterable[BaseLesson], file: str) -> None:
    problems = find_clashes(lessons, file)
    if problems:
        raise InputError(problems)
