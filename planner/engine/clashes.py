"""Clashes in an imported timetable: one teacher or one class in two places at once.

The one rule every importer uses (:func:`resolve_source_clashes`):

1. *Joint lessons.* Lessons at the same time (day, start, end) with the same subject and a shared
   teacher are one lesson the teacher gives to all of their classes: they become one combined
   lesson (classes, teachers and rooms united) — a note, not an error.
2. *Clashes of the source.* Every other overlap of one teacher's or one class's lessons (a class's
   lessons on different named subgroups may run at once) is kept as it is: both lessons stay, the
   pair is listed in :attr:`planner.domain.model.Timetable.source_clashes`, and a
   ``source_clash`` finding names both places. Strict mode refuses such a file.
3. *Teams and rotations.* A teacher overlap that involves a lesson with several teachers (a team,
   or a rotation such as «History term 1&3, Geography term 2&4»: not every listed teacher is in
   the room at every lesson), or two overlapping lessons of one subject (a group joining a running
   session), is what real exports contain on purpose: it is listed as a *tolerated* source clash,
   without a finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from planner.domain.errors import Problem
from planner.domain.model import DAY_NAMES_RU, BaseLesson, SourceClash, hhmm

if TYPE_CHECKING:
    from planner.domain.findings import Findings

_T = TypeVar("_T")


def _overlap(a: BaseLesson, b: BaseLesson) -> bool:
    return a.day == b.day and a.start_min < b.end_min and b.start_min < a.end_min


def _class_conflict(a: BaseLesson, b: BaseLesson) -> bool:
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


def overlaps(lessons: Iterable[BaseLesson]) -> list[SourceClash]:
    """Every pair of lessons that puts a teacher or a class in two places at once."""
    by_teacher: dict[tuple[str, int], list[BaseLesson]] = defaultdict(list)
    by_class: dict[tuple[str, int], list[BaseLesson]] = defaultdict(list)
    for lesson in lessons:
        for t in lesson.teachers:
            by_teacher[(t, lesson.day)].append(lesson)
        for c in lesson.classes:
            by_class[(c, lesson.day)].append(lesson)
    found: list[SourceClash] = []
    for (teacher, _day), items in sorted(by_teacher.items()):
        for a, b in _running_pairs(items):
            if a is not b and _overlap(a, b):
                team = len(a.teachers) > 1 or len(b.teachers) > 1 or a.subject == b.subject
                found.append(SourceClash("teacher", teacher, a, b, tolerated=team))
    for (class_name, _day), items in sorted(by_class.items()):
        for a, b in _running_pairs(items):
            if _overlap(a, b) and _class_conflict(a, b):
                found.append(SourceClash("class", class_name, a, b))
    return found


def _message(clash: SourceClash) -> str:
    a, b = clash.a, clash.b
    who = "Учитель" if clash.kind == "teacher" else "Класс"
    return (
        f"{who} {clash.who} в одно время на двух уроках: "
        f"«{a.subject}» ({_where(a)}, {hhmm(a.start)}–{hhmm(a.end)}) и "
        f"«{b.subject}» ({_where(b)}, {hhmm(b.start)}–{hhmm(b.end)}). "
        "Исправьте расписание или объедините уроки в один (классы через запятую)."
    )


def find_clashes(lessons: Iterable[BaseLesson], file: str) -> list[Problem]:
    """Every overlap (teams included) as a problem naming both lessons."""
    return [
        Problem(
            file=file,
            row=c.a.source.row if c.a.source else None,
            element=c.a.source.element if c.a.source else None,
            message=_message(c),
        )
        for c in overlaps(lessons)
    ]


def joint_clusters(
    items: Sequence[_T],
    slot: Callable[[_T], Hashable],
    teachers: Callable[[_T], Iterable[str]],
) -> list[list[int]]:
    """Rule 1 on any kind of item: indices of items in one ``slot`` (day, start, end, subject)
    that share a teacher, transitively; every item is in exactly one cluster, clusters in the
    order of their first item."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[Hashable, str], int] = {}
    for i, item in enumerate(items):
        key = slot(item)
        for t in teachers(item):
            j = first.setdefault((key, t), i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(find(i), []).append(i)
    return list(clusters.values())


def _joined_group(members: list[BaseLesson]) -> str | None:
    per_class: dict[str, list[str | None]] = {}
    for m in members:
        for c in m.classes:
            per_class.setdefault(c, []).append(m.group)
    names: list[str] = []
    for groups in per_class.values():
        if None in groups:
            continue
        for g in groups:
            if g is not None and g not in names:
                names.append(g)
    return " / ".join(names) if names else None


def merge_joint_lessons(lessons: Sequence[BaseLesson], findings: Findings) -> list[BaseLesson]:
    """Rule 1 on lessons: each cluster becomes one combined lesson, with a ``joint_lesson`` note."""
    clusters = joint_clusters(
        lessons, lambda x: (x.day, x.start_min, x.end_min, x.subject), lambda x: x.teachers
    )
    result: list[BaseLesson] = []
    for cluster in clusters:
        members = [lessons[i] for i in cluster]
        head = members[0]
        if len(members) == 1:
            result.append(head)
            continue
        classes = tuple(dict.fromkeys(c for m in members for c in m.classes))
        teachers = tuple(dict.fromkeys(t for m in members for t in m.teachers))
        rooms = tuple(dict.fromkeys(r for m in members if m.room for r in m.room.split(", ")))
        merged = replace(
            head,
            lesson=min(m.lesson for m in members),
            classes=classes,
            teachers=teachers,
            group=_joined_group(members) if len({m.group for m in members}) > 1 else head.group,
            room=", ".join(rooms) or None,
        )
        shared = sorted(set(head.teachers).intersection(*(m.teachers for m in members[1:])))
        who = ", ".join(shared) if shared else ", ".join(teachers)
        for other in members[1:]:
            findings.add(
                "joint_lesson",
                f"{who} в одно время ведёт «{head.subject}» у {', '.join(head.classes)} "
                f"({_where(head)}) и у {', '.join(other.classes)} ({_where(other)})",
                f"один совместный урок классов {', '.join(classes)}",
                row=other.source.row if other.source else None,
                element=other.source.element if other.source else None,
            )
        result.append(merged)
    return result


def mark_source_clashes(
    lessons: Sequence[BaseLesson], findings: Findings
) -> tuple[SourceClash, ...]:
    """Rules 2 and 3: every overlap as a source clash; a finding for each one not tolerated."""
    found = overlaps(lessons)
    for clash in found:
        if clash.tolerated:
            continue
        a = clash.a
        findings.add(
            "source_clash",
            _message(clash),
            "оба урока сохранены и отмечены как накладка исходного расписания; перестроение "
            "её не исправляет, но и новых накладок не добавляет",
            row=a.source.row if a.source else None,
            element=a.source.element if a.source else None,
        )
    return tuple(found)


def resolve_source_clashes(
    lessons: Sequence[BaseLesson], findings: Findings, *, merge: bool = True
) -> tuple[list[BaseLesson], tuple[SourceClash, ...]]:
    """The rule of this module: joint lessons merged (unless the importer did it already, as
    aSc does on its cards), then every remaining overlap marked."""
    merged = merge_joint_lessons(lessons, findings) if merge else list(lessons)
    return merged, mark_source_clashes(merged, findings)
