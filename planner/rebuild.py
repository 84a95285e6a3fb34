"""The remote-mode rebuild: solve, assemble ``schedule.json``, check, and the two CLI commands.

``solve_remote`` is the Python API the web app calls; ``rebuild_command`` and ``check_command``
back ``planner rebuild`` and ``planner check``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from constraints.checker import CheckReport, check_schedule
from constraints.limits import Limits
from constraints.problem import Problem, build_problem
from constraints.weights import DEFAULT_WEIGHTS, Weights
from planner.errors import InfeasibleOrder, InputError, SolveStopped
from planner.health import health_timeline
from planner.model import Timetable, clock, sort_class_names
from planner.order import QuarantineOrder
from planner.schedule import BaseRef, Schedule, ScheduleItem
from planner.solver import (
    Assignment,
    SolveProgress,
    SolveStats,
    build_model,
    explain_infeasible,
    solve_by_days,
    solve_model,
)

__all__ = [
    "RebuildResult",
    "SolveProgress",
    "assemble_schedule",
    "check_command",
    "load_catalogue",
    "rebuild_command",
    "solve_remote",
]

Echo = Callable[[str], Any]


@dataclass
class RebuildResult:
    schedule: Schedule
    report: CheckReport
    stats: SolveStats
    problem: Problem = field(repr=False)
    assignment: Assignment = field(repr=False)


def load_catalogue(order: QuarantineOrder) -> Any:
    from constraints.catalogue import NormCatalogue

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


def solve_remote(
    timetable: Timetable,
    order: QuarantineOrder,
    *,
    catalogue: Any = None,
    previous: Schedule | None = None,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 1,
    progress: Callable[[SolveProgress], None] | None = None,
    stop: threading.Event | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    deterministic: bool = True,
) -> RebuildResult:
    """Rebuild the order's period for remote mode and check the result independently.

    Raises :class:`InfeasibleOrder` (with the smallest conflicting requirements found) when the
    order's hard minimums cannot be met. ``stop`` cancels the search and keeps the best plan
    found so far; :class:`SolveStopped` when it came before the first complete plan.
    """
    if catalogue is None:
        catalogue = load_catalogue(order)
    limits = Limits(catalogue, order)
    problem = build_problem(timetable, order, limits)
    prev = previous_index(previous)
    if len(problem.dates) > 1:
        assignment, stats = solve_by_days(
            problem, weights=weights, previous=prev, time_limit=time_limit, workers=workers,
            seed=seed, deterministic=deterministic, progress=progress, stop=stop,
        )  # fmt: skip
    else:
        ctx = build_model(problem, weights=weights, previous=prev)
        assignment, stats = solve_model(
            ctx, time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic,
            progress=progress, stop=stop,
        )  # fmt: skip
    if assignment is None:
        if stats.stopped or (stop is not None and stop.is_set()):
            raise SolveStopped()
        if stats.status == "INFEASIBLE":
            explanation = explain_infeasible(problem, stop=stop)
            if stop is not None and stop.is_set() and not explanation.conflicts:
                raise SolveStopped()  # cancelled while looking for the reason
            raise explanation
        raise InfeasibleOrder(
            f"Решатель не нашёл ни одного плана за {time_limit:g} с (статус {stats.status}). "
            "Увеличьте --time-limit или уменьшите обязательные требования приказа.",
            [],
        )
    schedule = assemble_schedule(problem, assignment, catalogue, meta={"solver": stats.to_json()})
    report = check_schedule(schedule, timetable, order, catalogue)
    meta = dict(schedule.meta)
    meta["warnings"] = report.warnings
    meta["weights"] = weights.as_dict()
    schedule = Schedule(schedule.school, schedule.timezone, schedule.norm_set, schedule.order,
                        schedule.items, meta)  # fmt: skip
    return RebuildResult(schedule, report, stats, problem, assignment)


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


# -- CLI ------------------------------------------------------------------------------------------


def _load_inputs(
    timetable_path: Path, order_path: Path, school: str | None = None
) -> tuple[Timetable, QuarantineOrder]:
    from planner.imports import load_timetable
    from planner.order import load_order

    timetable = load_timetable(Path(timetable_path), school_name=school)
    order = load_order(Path(order_path), timetable)
    return timetable, order


def rebuild_command(
    timetable_path: Path,
    order_path: Path,
    out: Path,
    *,
    previous: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    echo: Echo | None,
    school: str | None = None,
) -> int:
    """``planner rebuild``: 0 on success; raises InputError (2) or InfeasibleOrder (3).

    ``school`` names the school where the file does not (a flat CSV/XLSX: else its file name).
    """
    say: Echo = echo or (lambda _s: None)
    timetable, order = _load_inputs(timetable_path, order_path, school)
    from planner.exports.bundle import load_previous_history, write_bundle

    # read before anything is written: ``--out`` may be the ``--previous`` folder itself
    previous_schedule = None
    if previous is not None:
        path = Path(previous) / "schedule.json"
        try:
            history = load_previous_history(previous)
        except (ValueError, KeyError) as exc:
            raise InputError.at(
                str(path), f"прошлый schedule.json не читается ({exc}); укажите другую папку."
            ) from None
        if history is None or history.latest is None:
            raise InputError.at(
                str(path), "нет прошлого результата schedule.json; проверьте папку --previous."
            )
        previous_schedule = history.latest.schedule
    else:
        history = None
    catalogue = load_catalogue(order)
    t0 = time.perf_counter()

    def on_progress(p: SolveProgress) -> None:
        if p.solutions == 0:
            say(f"  {p.elapsed:6.2f} с  стартовый план: штраф {p.objective:,.0f}".replace(",", " "))
            return
        if p.objective != p.objective:  # NaN: a date of a multi-day period is done
            say(f"  {p.elapsed:6.2f} с  решено дат: {p.solutions} из {n_days}")
            return
        say(
            f"  {p.elapsed:6.2f} с  план №{p.solutions}: штраф {p.objective:,.0f}, "
            f"граница {p.bound:,.0f}, разрыв {p.gap:.1%}".replace(",", " ")
        )

    n_days = len(order.dates(timetable.school.school_days))
    say(f"Перестраиваю: классов {len(order.classes)}, дней {n_days}, "
        f"предел {time_limit:g} с, потоков {workers}, зерно {seed}")  # fmt: skip
    result = solve_remote(
        timetable, order, catalogue=catalogue, previous=previous_schedule, time_limit=time_limit,
        workers=workers, seed=seed, progress=on_progress if echo else None,
    )  # fmt: skip
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result.schedule.write(out / "schedule.json")
    # publish as the next version after --previous's and write every export
    exported = write_bundle(
        out, result.schedule, timetable, order, catalogue, result.report, history
    )
    s = result.stats
    lessons = [i for i in result.schedule.lessons() if i.class_name in set(order.classes)]
    n_online = sum(1 for i in lessons if i.format == "online")
    n_self = sum(1 for i in lessons if i.format == "self_study")
    if s.status == "OPTIMAL":
        gap = "доказан оптимум"
    elif s.gap is None:
        gap = "разрыв до оптимума не доказан"
    else:
        gap = f"доказанный разрыв до оптимума не больше {s.gap:.1%}"
    say(f"Готово за {time.perf_counter() - t0:.1f} с ({s.status}, {gap}).")
    say(f"Классов на дистанте: {len(order.classes)}; уроков онлайн: {n_online}, "
        f"самостоятельно: {n_self}; онлайн-минут: {s.online_minutes}.")  # fmt: skip
    say(f"Записано: {out / 'schedule.json'} и ещё файлов: {len(exported)} (ЭПОС, календари, отчёт)")
    for w in result.report.warnings:
        say(f"Внимание: {w}")
    if result.report.violations:  # the checker disagrees with the model: say so loudly
        say("ОШИБКА: независимая проверка нашла нарушения:")
        for v in result.report.violations:
            say(f"  [{v.rule}] {v.message}")
        return 1
    return 0


def check_command(schedule_path: Path, timetable_path: Path, order_path: Path, *,
                  echo: Echo | None) -> int:  # fmt: skip
    """``planner check``: 1 if any violation, 0 otherwise."""
    say: Echo = echo or (lambda _s: None)
    timetable, order = _load_inputs(timetable_path, order_path)
    try:
        schedule = Schedule.read(Path(schedule_path))
    except FileNotFoundError:
        raise InputError.at(str(schedule_path), "файл расписания не найден.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError.at(
            str(schedule_path), f"файл не читается как schedule.json ({exc})."
        ) from None
    report = check_schedule(schedule, timetable, order, load_catalogue(order))
    for w in report.warnings:
        say(f"Внимание: {w}")
    for v in report.violations:
        say(f"[{v.rule}] {v.message}")
    if report.violations:
        say(f"Нарушений: {len(report.violations)}.")
        return 1
    say(f"Нарушений нет: проверено классов {len(order.classes)}, "
        f"дней {len(order.dates(timetable.school.school_days))}.")  # fmt: skip
    return 0
