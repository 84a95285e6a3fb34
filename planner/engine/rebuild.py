"""The solve step of a rebuild: solve the order, assemble ``schedule.json``, check it.

``solve_remote`` is what ``planner rebuild`` and the web app's jobs run (through
:mod:`planner.app.pipeline`); reading files and writing the export bundle are not done here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from constraints.catalogue import NormCatalogue
from constraints.checker import CheckReport, check_schedule
from constraints.limits import Limits
from constraints.problem import Problem, build_problem
from constraints.weights import DEFAULT_WEIGHTS, Weights
from planner.domain.errors import InfeasibleOrder, SolveStopped
from planner.domain.findings import findings_summary
from planner.domain.model import Timetable, clock, sort_class_names
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from planner.domain.solving import Assignment, SolveOptions, SolveProgress
from planner.domain.timings import Timings
from planner.engine.health import health_timeline
from planner.engine.naive import start_plan
from planner.engine.solver import (
    SolveStats,
    build_model,
    explain_infeasible,
    solve_by_days,
    solve_model,
)

__all__ = ["RebuildResult", "assemble_schedule", "load_catalogue", "solve_remote"]


@dataclass
class RebuildResult:
    schedule: Schedule
    report: CheckReport
    stats: SolveStats
    problem: Problem = field(repr=False)
    assignment: Assignment = field(repr=False)
    #: where the time went (problem, solve, assemble, check) and when the first plan was there
    timings: Timings = field(default_factory=Timings, repr=False)


def load_catalogue(order: QuarantineOrder) -> NormCatalogue:
    """The norm catalogue in force for an order: its first date, its local-act overrides.

    The one place an order's catalogue is built (the rebuild, ``planner check``, the web app)."""
    return NormCatalogue.load(on=order.date_from, overrides=order.overrides)


def previous_index(
    previous: Schedule | None,
) -> dict[tuple[str, date, int, int], tuple[str, int | None, int]]:
    """(class, date, base day, base lesson) → (format, start, screen minutes) of a published
    version."""
    out: dict[tuple[str, date, int, int], tuple[str, int | None, int]] = {}
    if previous is None:
        return out
    for it in previous.lessons():
        if it.base is None or it.format not in ("online", "self_study"):
            continue
        out.setdefault((it.class_name, it.date, it.base.day, it.base.lesson),
                       (it.format, it.start_min, it.screen_minutes or 0))  # fmt: skip
    return out


def assignment_of(problem: Problem, schedule: Schedule) -> Assignment:
    """The plan of ``schedule`` as the solver's decision per unit (a lesson the schedule does not
    have, or cannot be online as it stands, is self-study)."""
    index = previous_index(schedule)
    out = Assignment({}, {}, {})
    for u in problem.units:
        x = u.lessons[0]
        key = (u.classes[0], u.date, x.day, x.lesson)
        fmt, start, dur = index.get(key, ("self_study", None, 0))
        on = fmt == "online" and start is not None and dur in u.lengths and not u.blocked
        out.online[u.id] = on
        out.start[u.id] = start if on and start is not None else u.base_start
        out.dur[u.id] = dur if on else 0
    return out


def solve_remote(
    timetable: Timetable,
    order: QuarantineOrder,
    options: SolveOptions = SolveOptions(),
    *,
    catalogue: Any = None,
    previous: Schedule | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    start_from: Schedule | None = None,
    timings: Timings | None = None,
) -> RebuildResult:
    """Rebuild the order's period for remote mode and check the result independently.

    ``start_from``: a plan of the same order to continue from («Улучшать дальше»): the search
    starts from it as a complete hint and returns it or a better plan. ``timings`` (a fresh one
    by default) records the phases and the ``first_plan`` mark; the result carries it.

    Raises :class:`InfeasibleOrder` (with the smallest conflicting requirements found) when the
    order's hard minimums cannot be met. ``options.stop`` cancels the search and keeps the best
    plan found so far; :class:`SolveStopped` when it came before the first complete plan.
    """
    timings = timings if timings is not None else Timings()
    if catalogue is None:
        catalogue = load_catalogue(order)
    with timings.phase("problem"):
        limits = Limits(catalogue, order)
        problem = build_problem(timetable, order, limits)
        prev = previous_index(previous)
    if start_from is not None:
        options = replace(options, hint=assignment_of(problem, start_from))
    options = _marking_first_plan(options, timings)
    with timings.phase("solve"):
        if options.hint is None and previous is None:
            options = _report_start_plan(problem, options)
        if len(problem.dates) > 1:
            assignment, stats = solve_by_days(
                problem, weights=weights, previous=prev, options=options
            )
        else:
            ctx = build_model(problem, weights=weights, previous=prev, hint=options.hint)
            assignment, stats = solve_model(ctx, options)
    if assignment is None:
        if stats.stopped or options.stopped:
            raise SolveStopped()
        if stats.status == "INFEASIBLE":
            explanation = explain_infeasible(problem, stop=options.stop)
            if options.stopped and not explanation.conflicts:
                raise SolveStopped()  # cancelled while looking for the reason
            raise explanation
        raise InfeasibleOrder(
            f"Решатель не нашёл ни одного плана за {options.time_limit:g} с "
            f"(статус {stats.status}). "
            "Увеличьте --time-limit или уменьшите обязательные требования приказа.",
            [],
        )
    timings.mark("first_plan")  # a plan there is, even when no progress was reported
    with timings.phase("assemble"):
        schedule = assemble_schedule(
            problem, assignment, catalogue, meta={"solver": stats.to_json()}
        )
    with timings.phase("check"):
        report = check_schedule(schedule, timetable, order, catalogue)
    meta = dict(schedule.meta)
    meta["warnings"] = report.warnings
    meta["weights"] = weights.as_dict()
    meta["import"] = {
        **findings_summary(timetable.findings),
        "source_clashes": len(timetable.source_clashes),
    }
    schedule = Schedule(schedule.school, schedule.timezone, schedule.norm_set, schedule.order,
                        schedule.items, meta)  # fmt: skip
    return RebuildResult(schedule, report, stats, problem, assignment, timings)


def _marking_first_plan(options: SolveOptions, timings: Timings) -> SolveOptions:
    """``options`` whose progress also marks ``first_plan`` at the first complete plan (a
    report with an objective: a date of a multi-day period done is not a plan yet)."""
    given = options.progress

    def progress(p: SolveProgress) -> None:
        if not math.isnan(p.objective):
            timings.mark("first_plan")
        if given is not None:
            given(p)

    return replace(options, progress=progress)


def _report_start_plan(problem: Problem, options: SolveOptions) -> SolveOptions:
    """Report the start plan of a first rebuild as soon as it exists, before any model is built
    (on a whole city school building the period's model with its hint takes seconds), and
    make it the search's complete hint: the search returns it or a better plan, also when it
    is cancelled at once. The report's objective is unknown yet (``inf``): the model reports
    the same plan again, with its penalty, once it is built."""
    plan = start_plan(problem)
    if plan is None:  # no legal plan known before the search (the order's minimums)
        return options
    if options.progress is not None:  # (at 0 s: before the search, like the model's own report)
        options.progress(SolveProgress(0.0, math.inf, -math.inf, 0))
    return replace(options, hint=plan)


def assemble_schedule(
    problem: Problem, a: Assignment, catalogue: Any, meta: dict[str, Any] | None = None
) -> Schedule:
    """Items for every class on every date: remote units as decided, the rest in person."""
    tt, order = problem.timetable, problem.order
    quarantined = set(order.classes)
    items: list[ScheduleItem] = []
    for d in problem.dates:
        for c in sort_class_names(tt.classes):
            if c in quarantined:
                continue
            for x in tt.lessons_of_class(c, d.isoweekday()):
                items.append(
                    ScheduleItem(
                        date=d, class_name=c, kind="lesson", group=x.group, format="in_person",
                        subject=x.subject, teacher=x.teacher, start=x.start, end=x.end,
                        base=BaseRef(x.day, x.lesson), lesson_no=x.lesson, room=x.room,
                        classes=x.classes,
                    )
                )  # fmt: skip
    for (c, _d), ids in problem.class_days.items():
        n = 0
        for i in ids:
            u = problem.units[i]
            on = a.online[i]
            if on:
                n += 1
            for x in u.lessons:
                if c not in x.classes:
                    continue
                note = None
                if u.blocked:
                    note = f"Самостоятельная работа: {u.blocked}."
                items.append(
                    ScheduleItem(
                        date=u.date, class_name=c, kind="lesson", group=x.group,
                        format="online" if on else "self_study", subject=x.subject,
                        teacher=x.teacher,
                        start=clock(a.start[i]) if on else None,
                        end=clock(a.start[i] + a.dur[i]) if on else None,
                        screen_minutes=a.dur[i] if on else 0,
                        base=BaseRef(x.day, x.lesson), lesson_no=n if on else None,
                        classes=x.classes, note=note,
                    )
                )  # fmt: skip
    items.extend(health_timeline(items, tt, problem.limits))
    return Schedule(
        school=tt.school.name,
        timezone=tt.school.timezone,
        norm_set=str(getattr(catalogue, "name", "")),
        order=order.summary(),
        items=tuple(items),
        meta=dict(meta or {}),
    )
