"""The remote-rebuild problem as plain indexes: units, class days, teacher days.

A *unit* is one base time slot of the quarantined classes on one date: a whole-class lesson, a
combined lesson of several classes, or the parallel subgroup lessons that shared the slot. A unit
is either online as a whole (one call time, one length) or self-study.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from constraints.limits import Limits
from planner.domain.model import BaseLesson, Timetable, class_order
from planner.domain.order import QuarantineOrder

# Shortest online lesson the solver may plan (minutes); a shorter call is not worth a login.
MIN_ONLINE_MINUTES = 20
LENGTH_STEP = 5


@dataclass
class Unit:
    id: int
    date: date
    classes: tuple[str, ...]  # quarantined classes taking part
    lessons: tuple[BaseLesson, ...]
    base_start: int
    base_end: int
    teachers: tuple[str, ...]
    grade: int | None  # the youngest grade of the unit (its norms bind)
    max_len: int
    lengths: tuple[int, ...]  # allowed online lengths, longest first
    # why this unit cannot be online at all (a teacher teaching in person at the time), or None
    blocked: str | None = None
    priority: int = 1
    difficulty: int = 0
    is_pe: bool = False

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x.subject for x in self.lessons))

    @property
    def label(self) -> str:
        return f"{','.join(self.classes)} «{'/'.join(self.subjects)}»"


@dataclass
class Problem:
    timetable: Timetable
    order: QuarantineOrder
    limits: Limits
    dates: list[date]
    units: list[Unit]
    class_days: dict[tuple[str, date], list[int]]  # units of a class-day in base order
    # in-person lessons each teacher keeps, per date: (start, end, lesson)
    teacher_fixed: dict[tuple[str, date], list[tuple[int, int, BaseLesson]]]
    teacher_units: dict[tuple[str, date], list[int]]
    weekly_hours: dict[tuple[str, str], int] = field(default_factory=dict)  # (class, subject)
    # (class, subject, ISO week) pairs the weekly-contact rule looks at; None = all
    contact_scope: set[tuple[str, str, int]] | None = None
    # (class, ISO week) whose once-a-week extra PE lesson is already used on another date
    no_pe_extra: set[tuple[str, int]] = field(default_factory=set)
    # weekly-contact pairs that must get an online lesson here (a date's part of a week plan)
    contact_forced: set[tuple[str, str, int]] = field(default_factory=set)
    # weekly-contact pairs whose missing contact costs this instead of the rule's weight
    contact_weights: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def subject_units(self, min_weekly_hours: int = 0) -> dict[tuple[str, str, int], list[int]]:
        """For each (class, subject, ISO week) of a subject with at least ``min_weekly_hours``
        weekly hours, the units (not blocked) that could give it an online lesson, in order."""
        groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for u in self.units:
            if u.blocked:
                continue
            week = u.date.isocalendar()[1]
            for c in u.classes:
                for s in u.subjects:
                    if self.weekly_hours.get((c, s), 0) >= min_weekly_hours:
                        groups[(c, s, week)].append(u.id)
        return groups

    def contact_groups(self) -> dict[tuple[str, str, int], list[int]]:
        """The weekly-contact rule's groups: :meth:`subject_units` of the subjects with at least
        two weekly hours."""
        return self.subject_units(2)


def is_pe(subject: str) -> bool:
    s = subject.lower()
    return ("физ" in s and ("культ" in s or "ра" in s)) or s.startswith("фк")


def lengths_for(max_len: int) -> tuple[int, ...]:
    """Allowed online lengths: the cap, then 5-minute steps down to the floor."""
    floor = min(MIN_ONLINE_MINUTES, max_len)
    out = [max_len]
    v = max_len - max_len % LENGTH_STEP if max_len % LENGTH_STEP else max_len - LENGTH_STEP
    while v >= floor:
        out.append(v)
        v -= LENGTH_STEP
    return tuple(dict.fromkeys(out))


def build_problem(timetable: Timetable, order: QuarantineOrder, limits: Limits) -> Problem:
    """Index the timetable for the order's period; no CP-SAT here."""
    quarantined = set(order.classes)
    dates = order.dates(timetable.school.school_days)
    by_day: dict[int, list[BaseLesson]] = defaultdict(list)
    for lesson in timetable.sorted_lessons():
        by_day[lesson.day].append(lesson)

    units: list[Unit] = []
    class_days: dict[tuple[str, date], list[int]] = {}
    teacher_fixed: dict[tuple[str, date], list[tuple[int, int, BaseLesson]]] = defaultdict(list)
    teacher_units: dict[tuple[str, date], list[int]] = defaultdict(list)

    for d in dates:
        lessons = by_day.get(d.isoweekday(), [])
        remote = [x for x in lessons if quarantined.intersection(x.classes)]
        for x in lessons:
            if not quarantined.issuperset(x.classes):  # someone is still in the classroom
                for t in x.teachers:
                    teacher_fixed[(t, d)].append((x.start_min, x.end_min, x))
        # union-find: lessons sharing a quarantined class and overlapping in time form one unit
        parent = list(range(len(remote)))

        def find(i: int, parent: list[int] = parent) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        by_class: dict[str, list[int]] = defaultdict(list)
        for i, x in enumerate(remote):
            for c in x.classes:
                if c in quarantined:
                    by_class[c].append(i)
        for idx in by_class.values():
            for a_pos, a in enumerate(idx):
                for b in idx[a_pos + 1 :]:
                    xa, xb = remote[a], remote[b]
                    if xa.start_min < xb.end_min and xb.start_min < xa.end_min:
                        parent[find(a)] = find(b)
        groups: dict[int, list[BaseLesson]] = defaultdict(list)
        for i, x in enumerate(remote):
            groups[find(i)].append(x)
        day_units: list[Unit] = []
        for members in groups.values():
            members.sort(key=lambda x: (x.start_min, x.group or "", x.subject))
            classes = tuple(
                sorted({c for x in members for c in x.classes if c in quarantined}, key=class_order)
            )
            grades = [timetable.classes[c].grade for c in classes]
            known = [g for g in grades if g is not None]
            grade = min(known) if known else None
            max_len = min(limits.per_lesson(timetable.classes[c].grade, d).value for c in classes)
            teachers = tuple(dict.fromkeys(t for x in members for t in x.teachers))
            blocked = None
            mixed = [x for x in members if not quarantined.issuperset(x.classes)]
            if mixed:
                others = sorted({c for x in mixed for c in x.classes} - quarantined)
                blocked = (
                    f"урок общий с классами {', '.join(others)}, которые учатся очно; "
                    "учитель ведёт его в классе"
                )
            subj = members[0].subject
            unit = Unit(
                id=-1,
                date=d,
                classes=classes,
                lessons=tuple(members),
                base_start=min(x.start_min for x in members),
                base_end=max(x.end_min for x in members),
                teachers=teachers,
                grade=grade,
                max_len=max_len,
                lengths=lengths_for(max_len),
                blocked=blocked,
                priority=max(limits.priority(grade, x.subject) for x in members),
                difficulty=max(limits.difficulty(grade, x.subject) for x in members),
                is_pe=any(is_pe(x.subject) for x in members) and is_pe(subj),
            )
            day_units.append(unit)
        day_units.sort(key=lambda u: (u.base_start, u.base_end, u.classes, u.subjects))
        for u in day_units:
            u.id = len(units)
            units.append(u)
            for c in u.classes:
                class_days.setdefault((c, d), []).append(u.id)
            if u.blocked is None:
                for t in u.teachers:
                    teacher_units[(t, d)].append(u.id)
        for c in quarantined:
            class_days.setdefault((c, d), [])

    weekly: dict[tuple[str, str], int] = defaultdict(int)
    for x in timetable.lessons:
        for c in x.classes:
            if c in quarantined:
                weekly[(c, x.subject)] += 1
    for v in teacher_fixed.values():
        v.sort(key=lambda t: (t[0], t[1]))
    return Problem(
        timetable=timetable,
        order=order,
        limits=limits,
        dates=dates,
        units=units,
        class_days=dict(
            sorted(class_days.items(), key=lambda kv: (kv[0][1], class_order(kv[0][0])))
        ),
        teacher_fixed=dict(teacher_fixed),
        teacher_units=dict(teacher_units),
        weekly_hours=dict(weekly),
    )


def merged_blocks(
    intervals: list[tuple[int, int, BaseLesson]], buffer: int
) -> list[tuple[int, int]]:
    """In-person lessons widened by the switch buffer, merged where the widened ones touch."""
    out: list[tuple[int, int]] = []
    for s, e, _x in sorted(intervals, key=lambda t: (t[0], t[1])):
        s, e = s - buffer, e + buffer
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
