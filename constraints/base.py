"""Shared plumbing of the rule families: the CP-SAT context, penalties, violations, check view.

Every rule family (one module in ``constraints/``) has, per rule, a ``build_*`` function that adds
its part to the CP-SAT model through :class:`ModelContext`, and a ``check_*`` function that
re-checks a finished :class:`~planner.domain.schedule.Schedule` through :class:`CheckView` — plain
Python over schedule items, never the CP-SAT encoding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from constraints.class_day import ClassDay
from constraints.cpsat import cp_model
from constraints.limits import Limits
from constraints.problem import Problem
from constraints.weights import Weights
from planner.domain.model import BaseLesson, Timetable, hhmm, plural
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import Schedule, ScheduleItem


def fmt_date(d: date) -> str:
    return d.strftime("%d.%m")


def lessons_ru(n: int) -> str:
    return plural(n, "онлайн-урок", "онлайн-урока", "онлайн-уроков")


def fmt_min(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard rule in a finished schedule."""

    rule: str
    message: str  # Russian, complete sentence with the figures and the norm
    citation: str
    class_name: str | None = None
    date: date | None = None
    teacher: str | None = None
    #: the overlap was already in the imported file (a clash of the source the rebuild kept):
    #: the checker reports it as a warning, not as the planner's violation
    in_source: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "class": self.class_name,
            "date": self.date.isoformat() if self.date else None,
            "teacher": self.teacher,
            "message": self.message,
            "citation": self.citation,
        }


@dataclass
class UnitVars:
    online: cp_model.IntVar
    start: cp_model.IntVar
    dur: cp_model.IntVar
    end: cp_model.IntVar
    interval: cp_model.IntervalVar


@dataclass
class Penalty:
    """One named penalty term: ``weight × var``; ``name`` says which rule and for what."""

    rule: str
    name: str
    var: cp_model.LinearExprT
    weight: int
    # (class, date, teacher) the term is about, for the report
    where: tuple[str | None, date | None, str | None] = (None, None, None)


@dataclass
class Guard:
    """An assumption literal switching a group of hard constraints on (infeasibility search)."""

    key: str
    text: str  # Russian: what this group requires
    fix: str  # Russian: what would lift it
    lit: cp_model.IntVar


@dataclass
class ModelContext:
    model: cp_model.CpModel
    problem: Problem
    weights: Weights
    vars: list[UnitVars] = field(default_factory=list)
    # running count of online units of a class-day up to and including unit u: pos[(class, u)]
    pos: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    # day-level online counts: count[(class, date)]
    count: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)
    penalties: list[Penalty] = field(default_factory=list)
    explain: bool = False
    guards: dict[str, Guard] = field(default_factory=dict)
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] = field(
        default_factory=dict
    )  # (class, date, base day, base lesson) -> (format, start, screen minutes)
    cache: dict[str, Any] = field(default_factory=dict)
    # where each unit's start variable parks when it is self-study (unit id → minutes)
    parked: dict[int, int] = field(default_factory=dict)
    # teacher gaps as segments between lessons (a tighter relaxation for a bound search, see
    # constraints/teachers.py); the plain rows otherwise (a plan search finds better plans)
    tight_gaps: bool = False

    @property
    def limits(self) -> Limits:
        return self.problem.limits

    def guard(self, key: str, text: str, fix: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a constraint group: none unless explaining infeasibility."""
        if not self.explain:
            return []
        g = self.guards.get(key)
        if g is None:
            g = Guard(key, text, fix, self.model.new_bool_var(f"guard[{key}]"))
            self.guards[key] = g
        return [g.lit]

    def penalise(
        self,
        rule: str,
        name: str,
        var: cp_model.LinearExprT,
        weight: int,
        where: tuple[str | None, date | None, str | None] = (None, None, None),
    ) -> None:
        if weight:
            self.penalties.append(Penalty(rule, name, var, weight, where))


# -- check side ---------------------------------------------------------------------------------


@dataclass
class CheckView:
    """A finished schedule indexed for the checks (built from items only)."""

    schedule: Schedule
    timetable: Timetable
    order: QuarantineOrder
    limits: Limits
    dates: list[date]
    quarantined: set[str]
    by_class_day: dict[tuple[str, date], list[ScheduleItem]]
    teacher_day: dict[tuple[str, date], list[ScheduleItem]]

    @classmethod
    def build(
        cls, schedule: Schedule, timetable: Timetable, order: QuarantineOrder, limits: Limits
    ) -> CheckView:
        by_cd: dict[tuple[str, date], list[ScheduleItem]] = defaultdict(list)
        for it in schedule.items:
            by_cd[(it.class_name, it.date)].append(it)
        for v in by_cd.values():
            v.sort(key=lambda i: (i.start_min if i.start_min is not None else 10_000, i.kind))
        td: dict[tuple[str, date], list[ScheduleItem]] = defaultdict(list)
        seen: set[tuple[Any, ...]] = set()
        for it in schedule.lessons():
            if not it.teacher or it.start is None:
                continue
            key = (it.date, it.start, it.end, it.subject, it.group, it.classes or (it.class_name,))
            for t in (x.strip() for x in it.teacher.split(",")):
                if (t, *key) in seen:
                    continue
                seen.add((t, *key))
                td[(t, it.date)].append(it)
        for v in td.values():
            v.sort(key=lambda i: (i.start_min or 0, i.end_min or 0))
        return cls(
            schedule=schedule,
            timetable=timetable,
            order=order,
            limits=limits,
            dates=order.dates(timetable.school.school_days),
            quarantined=set(order.classes),
            by_class_day=dict(by_cd),
            teacher_day=dict(td),
        )

    def quarantined_days(self) -> list[tuple[str, date]]:
        """The class-days of the order's classes, by date, then class."""
        return sorted(
            (k for k in self.by_class_day if k[0] in self.quarantined), key=lambda k: (k[1], k[0])
        )

    def base_lesson(self, it: ScheduleItem) -> BaseLesson | None:
        """The base-timetable lesson a schedule item stands for (None for a health slot)."""
        if it.base is None:
            return None
        for x in self.timetable.lessons_of_class(it.class_name, it.base.day):
            if x.lesson == it.base.lesson and x.subject == it.subject and x.group == it.group:
                return x
        return None

    def clash_in_source(self, a: ScheduleItem, b: ScheduleItem) -> bool:
        """Whether the lessons of items ``a`` and ``b`` already overlapped in the imported file
        (a source clash: :attr:`planner.domain.model.Timetable.source_clashes`)."""
        if not self.timetable.source_clashes:
            return False
        xa, xb = self.base_lesson(a), self.base_lesson(b)
        return xa is not None and xb is not None and self.timetable.clash_in_source(xa, xb)

    def grade(self, class_name: str) -> int | None:
        sc = self.timetable.classes.get(class_name)
        return sc.grade if sc else None

    def online(self, c: str, d: date) -> list[ScheduleItem]:
        """Online lessons of a class-day, one per time slot (parallel subgroups merged)."""
        out = [
            i
            for i in self.by_class_day.get((c, d), [])
            if i.kind == "lesson" and i.format == "online" and i.start is not None
        ]
        return sorted(out, key=lambda i: (i.start_min, i.end_min))

    def online_slots(self, c: str, d: date) -> list[tuple[int, int, list[ScheduleItem]]]:
        """Online time slots of a class-day: items that overlap are one slot (subgroups)."""
        slots: list[tuple[int, int, list[ScheduleItem]]] = []
        for it in self.online(c, d):
            s, e = it.start_min or 0, it.end_min or 0
            if slots and s < slots[-1][1]:
                ps, pe, members = slots[-1]
                slots[-1] = (ps, max(pe, e), [*members, it])
            else:
                slots.append((s, e, [it]))
        return slots

    def class_day(self, c: str, d: date) -> ClassDay:
        """The class-day the class-day rules judge: one span per online slot, its screen minutes
        the longest of the slot's lessons (parallel subgroups count once)."""
        slots = self.online_slots(c, d)
        screen = [
            max(
                m.screen_minutes
                if m.screen_minutes is not None
                else (m.end_min or 0) - (m.start_min or 0)
                for m in members
            )
            for _s, _e, members in slots
        ]
        return ClassDay.of(c, self.grade(c), d, [(s, e) for s, e, _m in slots], screen)


def item_where(it: ScheduleItem) -> str:
    return f"«{it.subject}» {hhmm(it.start)}–{hhmm(it.end)}"


BuildFn = Callable[[ModelContext], None]
CheckFn = Callable[[CheckView], list[Violation]]
DayPredicate = Callable[[ClassDay, Limits], bool]


@dataclass(frozen=True)
class Rule:
    """One rule: its id, its title, the norm it rests on, its CP-SAT builder, its checker, and
    for a class-day rule its plain predicate over a :class:`ClassDay`.

    ``title`` names catalogue keys in braces (``{break.min_minutes}``), never their numbers:
    :meth:`title_ru` renders it with the values in force, so an order's override shows.
    """

    id: str
    title: str
    norm: str  # the document and item the rule rests on
    hard: bool
    build: BuildFn | None
    check: CheckFn | None = None
    weight: str | None = None  # key in Weights for soft rules
    holds: DayPredicate | None = None  # class-day rules: does a class-day keep the rule?
    keys: tuple[str, ...] = ()  # the catalogue keys the rule reads

    def title_ru(self, limits: Limits) -> str:
        """The title with the catalogue values in force: «Перемена … не меньше 10 мин»."""
        return _TITLE_KEY.sub(lambda m: limits.norm(m.group(1)).value_text(), self.title)

    def title_keys(self) -> list[str]:
        """The catalogue keys the title names."""
        return _TITLE_KEY.findall(self.title)


_TITLE_KEY = re.compile(r"\{([a-z0-9_]+(?:\.[a-z0-9_]+)+)\}")
