"""Stand-ins for ``planner.app.pipeline.solve`` with the same signature, for job tests.

Each takes ``(timetable, order, options, *, previous=None)``; ``options`` is the job's
:class:`~planner.domain.solving.SolveOptions` (time limit, progress callback, stop event).
``solve_remote`` puts every lesson of the ordered classes online at its base time; ``solve_slow``
reports progress until it is stopped (or 20 s pass); ``solve_infeasible`` raises InfeasibleOrder;
``solve_crash`` raises a plain error.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

from planner.domain.errors import InfeasibleOrder, SolveStopped
from planner.domain.model import Timetable
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from planner.domain.solving import SolveOptions


def _schedule(timetable: Timetable, order: QuarantineOrder) -> Schedule:
    items = []
    for d in order.dates(timetable.school.school_days):
        for lesson in timetable.lessons:
            if lesson.day != d.isoweekday():
                continue
            for cls in lesson.classes:
                online = cls in order.classes
                items.append(
                    ScheduleItem(
                        date=d,
                        class_name=cls,
                        kind="lesson",
                        group=lesson.group,
                        format="online" if online else "in_person",
                        subject=lesson.subject,
                        teacher=lesson.teacher,
                        start=lesson.start,
                        end=lesson.end,
                        screen_minutes=lesson.length if online else None,
                        base=BaseRef(lesson.day, lesson.lesson),
                        lesson_no=lesson.lesson,
                        room=None if online else lesson.room,
                        classes=lesson.classes,
                    )
                )
    return Schedule(
        school=timetable.school.name,
        timezone=timetable.school.timezone,
        norm_set="standin",
        order=order.summary(),
        items=tuple(items),
        meta={},
    )


def solve_remote(
    timetable: Timetable,
    order: QuarantineOrder,
    options: SolveOptions = SolveOptions(),
    *,
    previous: Schedule | None = None,
) -> SimpleNamespace:
    if options.progress:
        options.progress(SimpleNamespace(objective=12.0, bound=4.0, solutions=1))
    return SimpleNamespace(
        schedule=_schedule(timetable, order),
        report=SimpleNamespace(violations=[], warnings=[]),
        stats={"status": "FEASIBLE", "objective": 12.0},
    )


def solve_slow(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    stop: threading.Event = options.stop
    progress = options.progress
    deadline = time.monotonic() + 20
    n = 0
    while not stop.is_set() and time.monotonic() < deadline:
        n += 1
        # the best plan's own figures ride along (optional attributes of a progress report)
        progress(SimpleNamespace(objective=100.0 - n, bound=1.0, solutions=n,
                                 online_minutes=600 + n, subjects_without_contact=2))  # fmt: skip
        time.sleep(0.05)
    return solve_remote(timetable, order)


def solve_infeasible(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    raise InfeasibleOrder(
        "5А: математика должна быть онлайн, но в этот день у класса нет места.",
        ["must_online 5А Математика 2026-12-07"],
    )


def solve_catalogue_gap(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    from constraints.catalogue import CatalogueError

    raise CatalogueError(
        "Для «Длительность урока не более» (lesson.max_minutes) нет значения: 12 кл.",
        key="lesson.max_minutes",
    )


def solve_crash(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    raise RuntimeError("сбой решателя")


def solve_die(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    """The worker process dies (as if killed by the OOM killer)."""
    import os

    os._exit(1)


def solve_no_plan_yet(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    """What ``solve_remote`` does when stopped before CP-SAT's first plan and without a legal
    start plan: it raises SolveStopped."""
    stop: threading.Event = options.stop
    options.progress(SimpleNamespace(objective=float("nan"), bound=0.0, solutions=1))
    stop.wait(options.time_limit)
    raise SolveStopped()


def solve_gives_up(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    """What ``solve_remote`` does when its time limit ends before any plan (not cancelled)."""
    options.stop.wait(options.time_limit)
    raise InfeasibleOrder(
        f"Решатель не нашёл ни одного плана за {options.time_limit:g} с (статус UNKNOWN). "
        "Увеличьте --time-limit или уменьшите обязательные требования приказа.",
        [],
    )


#: the test opens these one after the other to let :func:`solve_dates` go on
GATES = (threading.Event(), threading.Event())


def solve_dates(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    """The reports of a rebuild of a 5-date period: the start plan (twice, see solve_remote),
    two dates (NaN objective), a wait, three dates and a whole-period plan, a wait, the end."""
    progress = options.progress
    inf = float("inf")
    # the start plan: before the model is built (penalty unknown), then with its penalty
    progress(SimpleNamespace(objective=inf, bound=-inf, solutions=0))
    progress(SimpleNamespace(objective=500.0, bound=-inf, solutions=0))
    for k in (1, 2):
        progress(SimpleNamespace(objective=float("nan"), bound=10.0 * k, solutions=k))
    GATES[0].wait(20)
    for k in (3, 4, 5):
        progress(SimpleNamespace(objective=float("nan"), bound=10.0 * k, solutions=k))
    progress(SimpleNamespace(objective=420.0, bound=300.0, solutions=6))
    GATES[1].wait(20)
    progress(SimpleNamespace(objective=410.0, bound=305.0, solutions=7))
    return SimpleNamespace(
        schedule=_schedule(timetable, order),
        report=SimpleNamespace(violations=[], warnings=[]),
        stats={"status": "FEASIBLE", "objective": 410.0},
    )


def solve_breaks_when_stopped(
    timetable: Timetable, order: QuarantineOrder, options: SolveOptions, **_kw: Any
) -> SimpleNamespace:
    """``solve_remote`` on a multi-day period stopped early when the greedy start plan breaks
    the order (planner.engine.solver.solve_by_days → ``fixed_objective``): a ValueError."""
    options.progress(SimpleNamespace(objective=float("nan"), bound=0.0, solutions=1))
    options.stop.wait(20)
    raise ValueError("the fixed plan is not accepted by the model: INFEASIBLE")
