"""The CP-SAT model of the remote rebuild and its solve loop.

One unit per base time slot of a quarantined class (see :mod:`constraints.problem`). Per unit: a
Boolean *online*, an integer start (minutes since midnight), a duration from a small set of
allowed lengths (0 when self-study) and an optional interval. Every rule in
:mod:`constraints.rules` adds its part; the objective is one weighted sum of named penalties.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from constraints.base import ModelContext, Penalty, UnitVars
from constraints.coverage import price_weekly_contact
from constraints.problem import Problem
from constraints.rules import ALL_RULES
from constraints.weights import DEFAULT_WEIGHTS, EXPLAIN_RU, Weights
from planner.domain.errors import InfeasibleOrder
from planner.domain.solving import (
    STOP_CANCELLED,
    STOP_GAP,
    STOP_OPTIMAL,
    STOP_STALL,
    STOP_TIME_LIMIT,
    Assignment,
    SolveOptions,
    SolveProgress,
    relative_gap,
    stop_reason_ru,
)
from planner.engine.naive import (
    catch_up_subjects,
    greedy_plan,
    hand_plan_floors,
    plan_figures,
    repair_weekly_contact,
    subject_pairs,
)

# Online lessons start on a 5-minute grid (or exactly at their base start).
GRID = 5

#: a model (or a date) with fewer units is small: closed to the proven optimum whatever the gap
#: target, and a small date is solved with one worker (see solve_by_days)
SMALL_DAY_UNITS = 120
#: a period of fewer units (a few classes) and small dates is solved by the exact decomposition
#: by dates; a larger one by the two lanes of solve_by_days (measured on the small demo school
#: fully remote, 238 units in dates of ~48: the exact decomposition ran out of time at a gap of
#: 16-20 %, the two lanes reached 2.1 %)
SMALL_PERIOD_UNITS = 150

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass
class PenaltyLine:
    """One soft rule's share of the objective, with its Russian explanation."""

    rule: str
    weight: int
    amount: int  # sum of the terms before weighting
    cost: int  # weight × amount
    explanation: str
    top: list[tuple[str, int]] = field(default_factory=list)  # biggest named terms

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "weight": self.weight,
            "amount": self.amount,
            "cost": self.cost,
            "explanation": self.explanation,
            "top": [{"name": n, "amount": a} for n, a in self.top],
        }


@dataclass
class SolveStats:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    first_solution_s: float | None
    wall_s: float
    solutions: int
    units: int
    online_units: int
    self_study_units: int
    online_minutes: int
    variables: int
    constraints: int
    workers: int
    seed: int
    deterministic: bool
    penalties: list[PenaltyLine] = field(default_factory=list)
    stopped: bool = False
    phases: str = "весь период"
    # why the search ended: one of planner.domain.solving.STOP_REASONS (None: no plan)
    stop_reason: str | None = None
    stop_ru: str | None = None  # the same in Russian, as the user reads it
    gap_target: float | None = None
    stall_s: float | None = None
    # the hand plan (planner.engine.naive.naive_plan) the plan never falls behind
    hand_online_minutes: int | None = None
    hand_subjects: int | None = None
    subjects_online: int | None = None

    def end(self, reason: str) -> None:
        """Record why the search ended (and its Russian wording)."""
        self.stop_reason = reason
        self.stop_ru = stop_reason_ru(reason, gap=self.gap, gap_target=self.gap_target,
                                      stall=self.stall_s)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        doc = {k: v for k, v in self.__dict__.items() if k != "penalties"}
        doc["penalties"] = [p.to_json() for p in self.penalties]
        return doc


def build_model(
    problem: Problem,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None = None,
    explain: bool = False,
    rules: tuple[Any, ...] = ALL_RULES,
    hint: Assignment | None = None,
    floors: bool = True,
    subject_floor: bool = True,
    hints: bool = True,
    tight_gaps: bool = False,
) -> ModelContext:
    """Create variables and let every rule add its part; ``floors``: the plan is never behind
    the hand plan (online minutes, subjects with an online lesson), see :func:`add_hand_floors`.
    ``hint``: a complete plan to start from (else the previous version or the greedy plan).
    ``tight_gaps``: teacher gaps in the form for a bound search (the same costs)."""
    model = cp_model.CpModel()
    ctx = ModelContext(model, problem, weights, explain=explain, previous=previous or {},
                       tight_gaps=tight_gaps)  # fmt: skip
    lim = problem.limits
    lo, hi = lim.day_start.value, lim.online_end.value
    if explain:  # the window is a norm to explain, so it must not live in the domains
        lo, hi = 0, 24 * 60
    for u in problem.units:
        on = model.new_bool_var(f"online[{u.id}]")
        latest = max(lo, hi - min(u.lengths))
        earliest = lo
        grid = sorted({*range(-(-earliest // GRID) * GRID, latest + 1, GRID),
                       min(max(u.base_start, earliest), latest)})  # fmt: skip
        start = model.new_int_var_from_domain(cp_model.Domain.from_values(grid), f"start[{u.id}]")
        dur = model.new_int_var_from_domain(
            cp_model.Domain.from_values([0, *sorted(u.lengths)]), f"dur[{u.id}]"
        )
        end = model.new_int_var(lo, max(hi, latest + max(u.lengths)), f"end[{u.id}]")
        model.add(end == start + dur)
        model.add(dur == 0).only_enforce_if(on.Not())
        model.add(dur >= min(u.lengths)).only_enforce_if(on)
        # a self-study unit parks at its base start, so equal plans print identically
        ctx.parked[u.id] = min(max(u.base_start, earliest), latest)
        model.add(start == ctx.parked[u.id]).only_enforce_if(on.Not())
        interval = model.new_optional_interval_var(start, dur, end, on, f"iv[{u.id}]")
        ctx.vars.append(UnitVars(on, start, dur, end, interval))
        if u.blocked:
            g = ctx.guard(
                f"blocked:{u.id}",
                f"урок {u.label} {u.date.strftime('%d.%m')}: {u.blocked}",
                "переведите на дистанционное обучение и второй класс общего урока или "
                "разрешите по нему самостоятельную работу",
            )
            model.add(on == 0).only_enforce_if(g)
    for (c, d), ids in problem.class_days.items():
        running: list[Any] = []
        for i in ids:
            running.append(ctx.vars[i].online)
            p = model.new_int_var(0, len(ids), f"pos[{c},{i}]")
            model.add(p == sum(running))
            ctx.pos[(c, i)] = p
        cnt = model.new_int_var(0, len(ids), f"count[{c},{d}]")
        model.add(cnt == sum(ctx.vars[i].online for i in ids))
        ctx.count[(c, d)] = cnt
    for rule in rules:
        if rule.build is not None and (rule.hard or not explain):
            rule.build(ctx)
    if floors and not explain:
        add_hand_floors(ctx, subjects=subject_floor)
    if not explain and ctx.penalties:
        objective = sum(p.weight * p.var for p in ctx.penalties)
        ctx.cache["objective"] = objective
        model.minimize(objective)
    if hint is not None and _full_hint(ctx, hint):
        return ctx
    if hints:
        _add_hints(ctx)
    return ctx


def add_hand_floors(ctx: ModelContext, *, subjects: bool = True) -> None:
    """Never behind the hand plan: on every date at least its online minutes, and in the
    period at least as many (class, subject, week) with an online lesson (``subjects``; a
    date's own model leaves that week-wide row to the whole period). Hard rows of the engine,
    not a norm, added only when the hand plan keeps the order's own minimums: it is then a
    legal plan that meets them, so they never make an order infeasible."""
    hand = hand_plan_floors(ctx.problem)
    if hand is None:
        return
    ctx.cache["hand"] = hand
    a, _minutes, n_subjects = hand
    m = ctx.model
    by_date: dict[date, list[int]] = {}
    for u in ctx.problem.units:
        by_date.setdefault(u.date, []).append(u.id)
    for ids in by_date.values():
        floor = sum(a.dur[i] for i in ids)
        if floor:
            m.add(sum(ctx.vars[i].dur for i in ids) >= floor)
    if not subjects:
        return
    covered = []
    for (c, s, week), ids in sorted(subject_pairs(ctx.problem).items()):
        cov = m.new_bool_var(f"has_online[{c},{s},{week}]")
        m.add_bool_or([ctx.vars[i].online for i in ids]).only_enforce_if(cov)
        covered.append(cov)
    m.add(sum(covered) >= n_subjects)


def _add_hints(ctx: ModelContext) -> None:
    """Hint every unit from the previous version (a re-plan starts where the last one ended),
    or, for a first plan, from the naive baseline (a legal plan in most cases)."""
    if ctx.explain:
        return
    hand = ctx.cache.get("hand")
    if not ctx.previous:
        # the greedy plan, or the hand plan when the greedy one falls behind it
        if not _full_hint(ctx, greedy_plan(ctx.problem)) and hand is not None:
            _full_hint(ctx, hand[0])
        return
    # a complete hint from the published plan when it is still legal under the new order …
    fallback = greedy_plan(ctx.problem)
    plan = Assignment(dict(fallback.online), dict(fallback.start), dict(fallback.dur))
    for u in ctx.problem.units:
        x = u.lessons[0]
        prev = ctx.previous.get((u.classes[0], u.date, x.day, x.lesson))
        if prev is None:
            continue
        fmt, start, dur = prev
        on = fmt == "online" and start is not None and dur in u.lengths and not u.blocked
        plan.online[u.id] = on
        plan.start[u.id] = start if on and start is not None else u.base_start
        plan.dur[u.id] = dur if on else 0
    if _full_hint(ctx, plan):
        return
    # … otherwise the greedy plan (complete), the previous formats and starts on top (partial)
    if _full_hint(ctx, fallback) or (hand is not None and _full_hint(ctx, hand[0])):
        return
    for u in ctx.problem.units:
        x = u.lessons[0]
        prev = ctx.previous.get((u.classes[0], u.date, x.day, x.lesson))
        if prev is None:
            continue
        fmt, start, _dur = prev
        v = ctx.vars[u.id]
        ctx.model.add_hint(v.online, fmt == "online")
        if fmt == "online" and start is not None:
            ctx.model.add_hint(v.start, start)


def _full_hint(ctx: ModelContext, a: Assignment, time_limit: float = 5.0) -> bool:
    """Hint every model variable from a plan: fix the unit variables in a copy, let one worker
    complete the auxiliary ones, and hint the complete solution (CP-SAT then starts from it)."""
    model = ctx.model.clone()  # keeps the objective: the auxiliary terms settle at their best
    for u in ctx.problem.units:
        idx = ctx.vars[u.id]
        on = model.get_int_var_from_proto_index(idx.online.index)
        dur = model.get_int_var_from_proto_index(idx.dur.index)
        model.add(on == int(a.online[u.id]))
        model.add(dur == a.dur[u.id])
        if a.online[u.id]:
            model.add(model.get_int_var_from_proto_index(idx.start.index) == a.start[u.id])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    t0 = time.perf_counter()
    status = solver.solve(model)
    # the clock of one fixed-plan solve of this model (about what fixed_objective takes)
    ctx.cache["fixed_s"] = time.perf_counter() - t0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False  # the plan breaks a hard rule or minimum of the order: no hint from it
    ctx.cache["hint_plan"] = (a, solver.objective_value)
    ctx.cache["hint_lines"] = penalty_lines(ctx, lambda e: int(solver.value(e)))
    # (a copy of a date's model comes with its base's hint: replaced)
    hint_solution(ctx.model, solver.response_proto.solution)
    return True


def hint_solution(model: cp_model.CpModel, values: Any) -> None:
    """Hint every variable of ``model`` with ``values`` (a solution of it or of a copy with
    rows added), replacing any hint it had: in bulk, not one ``add_hint`` per variable (1 000
    variables: 10 ms → 0.1 ms; three classes' week hints ~7 000 variables in its copies)."""
    n = len(model.proto.variables)
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(n))
    hint.values.extend(list(values)[:n])


def plan_of(ctx: ModelContext, solver: cp_model.CpSolver) -> Assignment:
    """The plan of ``solver``'s solution of ``ctx``'s model (or of a copy of it)."""
    units, v = ctx.problem.units, ctx.vars
    return Assignment(
        online={u.id: bool(solver.value(v[u.id].online)) for u in units},
        start={u.id: int(solver.value(v[u.id].start)) for u in units},
        dur={u.id: int(solver.value(v[u.id].dur)) for u in units},
    )


def add_ceiling(ctx: ModelContext, ceiling: float | None) -> None:
    """Only plans whose objective is below ``ceiling`` (none found: INFEASIBLE)."""
    if ceiling is not None and "objective" in ctx.cache:
        ctx.model.add(ctx.cache["objective"] < math.ceil(ceiling - 1e-6))


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        t0: float,
        progress: Callable[[SolveProgress], None] | None,
        stop: threading.Event | None,
    ):
        super().__init__()
        self.t0 = t0
        self.progress = progress
        self.stop = stop
        self.first: float | None = None
        self.count = 0
        self.last_improvement = time.perf_counter()

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.t0
        self.count += 1
        self.last_improvement = time.perf_counter()
        if self.first is None:
            self.first = now
        if self.progress is not None:
            self.progress(
                SolveProgress(now, self.objective_value, self.best_objective_bound, self.count)
            )
        if self.stop is not None and self.stop.is_set():
            self.stop_search()


def configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    """Time limit, workers, seed and the gap target; determinism comes from solve_model's
    one-worker re-solve."""
    p = solver.parameters
    p.max_time_in_seconds = float(max(0.01, options.time_limit))
    p.num_workers = max(1, int(options.workers))
    p.random_seed = int(options.seed)
    p.relative_gap_limit = max(0.0, float(options.gap_target))
    if options.work_limit is not None:
        p.max_deterministic_time = max(0.001, float(options.work_limit))
    # Measured on the medium demo school: probing and symmetry detection cost about half of the
    # time to the first solution and did not improve the 30-second result.
    p.cp_model_probing_level = 0
    p.symmetry_level = 0


def _solve_watched(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    stop: threading.Event | None,
    callback: _Progress | None = None,
    stall: float | None = None,
    stalled: threading.Event | None = None,
) -> Any:
    """``solver.solve`` that a set ``stop`` event interrupts even between solutions, and that
    ends when no better plan came for ``stall`` seconds (then ``stalled`` is set)."""
    done = threading.Event()
    watcher = None
    if stop is not None or (stall and callback is not None):

        def watch() -> None:
            # A stop asked for while CP-SAT still loads the model is lost (measured with
            # OR-Tools 9.15): once asked, ask again on every tick until the solve returns.
            while not done.wait(0.05):
                if stop is not None and stop.is_set():
                    solver.stop_search()
                elif (
                    stall
                    and callback is not None
                    and (time.perf_counter() - callback.last_improvement > stall)
                ):
                    if stalled is not None:
                        stalled.set()
                    solver.stop_search()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()


def solve_model(
    ctx: ModelContext, options: SolveOptions = SolveOptions(), *, presolve: bool = True
) -> tuple[Assignment | None, SolveStats]:
    """Solve one model within ``options``; the plan and its statistics (None when no plan).

    Ends at the first of: proven optimal, proven gap ≤ ``options.gap_target``, no better plan
    for the stall window, the time limit, a cancel; ``stats.stop_reason`` says which.
    ``presolve``: CP-SAT's presolve (off for the exact decomposition's small dates, see
    :func:`solve_by_days`)."""
    time_limit, workers, seed = options.time_limit, options.workers, options.seed
    deterministic, progress, stop = options.deterministic, options.progress, options.stop
    stall = options.stall_for(len(ctx.problem.units))
    if len(ctx.problem.units) < SMALL_DAY_UNITS:
        # a small model is closed to the proven optimum: the last percent costs milliseconds,
        # and the optimum is repeatable where a plan within the gap is not
        options = replace(options, gap_target=0.0)
    if workers > 1 and deterministic:
        # several workers: a stop by the gap target or the stall window depends on how they
        # shared the clock (the plan found by then differs from run to run), so a repeatable
        # search ends only by the proven optimum (pinned by the one-worker re-solve) or the
        # time limit
        options = replace(options, gap_target=0.0)
        stall = None
    solver = cp_model.CpSolver()
    configure(solver, options)
    solver.parameters.cp_model_presolve = presolve
    t0 = time.perf_counter()
    cb = _Progress(t0, progress, stop)
    hint = ctx.cache.get("hint_plan")
    if hint is not None and progress is not None:
        # the complete hint is already a legal plan: report it before the search starts
        progress(SolveProgress(0.0, float(hint[1]), float("-inf"), 0))
    stalled = threading.Event()
    status = _solve_watched(solver, ctx.model, stop, cb, stall, stalled)
    wall = time.perf_counter() - t0
    proto = ctx.model.proto
    p = ctx.problem
    stats = SolveStats(
        status=STATUS_NAMES.get(status, str(status)),
        objective=None,
        bound=None,
        gap=None,
        first_solution_s=cb.first,
        wall_s=round(wall, 3),
        solutions=cb.count,
        units=len(p.units),
        online_units=0,
        self_study_units=len(p.units),
        online_minutes=0,
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        stopped=bool(stop is not None and stop.is_set()),
        gap_target=options.gap_target,
        stall_s=stall,
    )
    cancelled = stop is not None and stop.is_set()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is not None and status == cp_model.UNKNOWN:
            # stopped (or out of time) before the search's first plan: the hint is the best
            a, obj = hint
            stats.status = "FEASIBLE"
            stats.objective, stats.bound = float(obj), None
            stats.first_solution_s = 0.0
            _fill_counts(stats, a, ctx)
            stats.deterministic = False  # whether the search found a better plan in time
            stats.end(STOP_CANCELLED if cancelled else
                      STOP_STALL if stalled.is_set() else STOP_TIME_LIMIT)  # fmt: skip
            return a, stats
        return None, stats
    objective = solver.objective_value if ctx.penalties else 0.0
    bound = solver.best_objective_bound if ctx.penalties else 0.0
    gap = relative_gap(objective, bound)
    if status == cp_model.OPTIMAL:
        reason = STOP_OPTIMAL if gap <= 1e-9 else STOP_GAP
    elif cancelled:
        reason = STOP_CANCELLED
    elif stalled.is_set():
        reason = STOP_STALL
    elif gap <= options.gap_target:
        reason = STOP_GAP
    else:
        reason = STOP_TIME_LIMIT
    if deterministic and workers > 1 and reason == STOP_OPTIMAL and "objective" in ctx.cache:
        canon = _canonical(ctx, round(solver.objective_value), seed,
                           time_limit - (time.perf_counter() - t0))  # fmt: skip
        if canon is not None:
            solver = canon
        else:
            stats.deterministic = False
    elif workers > 1 or reason in (STOP_STALL, STOP_CANCELLED) or (
        reason == STOP_TIME_LIMIT
        # one worker stopped by its deterministic work limit is repeatable, by the clock not
        and not (options.work_limit is not None
                 and solver.deterministic_time >= 0.99 * options.work_limit)
    ):  # fmt: skip
        # (a plan within the gap target from several workers depends on their timing too: the
        # one-worker re-solve only pins down a proven optimum, see docs/solver.md)
        # several workers, or one worker cut off by the clock: the plan depends on timing
        stats.deterministic = False
    a = plan_of(ctx, solver)
    _fill_counts(stats, a, ctx)
    stats.objective, stats.bound = objective, bound
    stats.gap = round(gap, 6)
    stats.penalties = penalty_lines(ctx, lambda e: int(solver.value(e)))
    stats.end(reason)
    return a, stats


def _fill_counts(stats: SolveStats, a: Assignment, ctx: ModelContext | None = None) -> None:
    stats.online_units = sum(a.online.values())
    stats.self_study_units = len(a.online) - stats.online_units
    stats.online_minutes = sum(a.dur.values())
    if ctx is not None:
        stats.subjects_online = plan_figures(ctx.problem, a)[1]
        hand = ctx.cache.get("hand")
        if hand is not None:
            stats.hand_online_minutes, stats.hand_subjects = hand[1], hand[2]


def _canonical(
    ctx: ModelContext, optimum: int, seed: int, time_left: float
) -> cp_model.CpSolver | None:
    """Re-solve at the proven optimum with one worker: parallel workers may each return another
    of several optimal plans, a single worker with a fixed seed always returns the same one."""
    model = ctx.model.clone()
    model.clear_objective()
    model.clear_hints()
    model.add(ctx.cache["objective"] <= optimum)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(seed)
    solver.parameters.max_time_in_seconds = max(1.0, time_left)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def penalty_lines(
    ctx: ModelContext, value: Callable[[Any], int], top: int = 5
) -> list[PenaltyLine]:
    """The objective broken down by rule, each with its Russian explanation."""
    by_rule: dict[str, list[tuple[Penalty, int]]] = {}
    for pen in ctx.penalties:
        by_rule.setdefault(pen.rule, []).append((pen, value(pen.var)))
    out = []
    for rule, terms in by_rule.items():
        amount = sum(v for _p, v in terms)
        weight = terms[0][0].weight
        biggest = sorted(((p.name, v) for p, v in terms if v), key=lambda t: (-t[1], t[0]))[:top]
        out.append(PenaltyLine(rule, weight, amount, amount * weight, EXPLAIN_RU.get(rule, rule),
                               biggest))  # fmt: skip
    return out


def fixed_objective(ctx: ModelContext, a: Assignment) -> tuple[float, list[PenaltyLine]]:
    """The objective of a given plan (the naive baseline, a combined per-day plan) under the
    same weights; the model itself is left unchanged."""
    model = ctx.model.clone()
    for u in ctx.problem.units:
        v = ctx.vars[u.id]
        model.add(model.get_int_var_from_proto_index(v.online.index) == int(a.online[u.id]))
        model.add(model.get_int_var_from_proto_index(v.dur.index) == a.dur[u.id])
        if a.online[u.id]:
            model.add(model.get_int_var_from_proto_index(v.start.index) == a.start[u.id])
    model.clear_hints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(
            f"the fixed plan is not accepted by the model: {solver.status_name(status)}"
        )
    return float(solver.objective_value), penalty_lines(ctx, lambda e: int(solver.value(e)))


def day_problem(problem: Problem, d: date, scope: set[tuple[str, str, int]],
                no_pe_extra: set[tuple[str, int]], *,
                forced: set[tuple[str, str, int]] | None = None,
                contact_weights: dict[tuple[str, str, int], int] | None = None,
                ) -> tuple[Problem, list[int]]:  # fmt: skip
    """The part of the problem on one date (units renumbered) and the global id of each unit;
    ``forced``: weekly-contact pairs that get their online lesson on this date;
    ``contact_weights``: what a missing contact costs here (a Lagrangian price of the week)."""
    ids = [u.id for u in problem.units if u.date == d]
    new_id = {old: k for k, old in enumerate(ids)}
    units = [replace(problem.units[old], id=new_id[old]) for old in ids]
    sub = Problem(
        timetable=problem.timetable,
        order=problem.order,
        limits=problem.limits,
        dates=[d],
        units=units,
        class_days={k: [new_id[i] for i in v] for k, v in problem.class_days.items() if k[1] == d},
        teacher_fixed={k: v for k, v in problem.teacher_fixed.items() if k[1] == d},
        teacher_units={
            k: [new_id[i] for i in v] for k, v in problem.teacher_units.items() if k[1] == d
        },
        weekly_hours=problem.weekly_hours,
        contact_scope=scope,
        no_pe_extra=set(no_pe_extra),
        contact_forced=set(forced or ()),
        contact_weights=dict(contact_weights or {}),
    )
    return sub, ids


@dataclass
class _DateModel:
    """A date's model, built once for a small period (:func:`date_model`)."""

    problem: Problem
    ids: list[int]  # the global id of each unit
    ctx: ModelContext


def date_model(problem: Problem, d: date,
               pair_days: dict[tuple[str, str, int], list[date]], weights: Weights,
               previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None,
               ) -> _DateModel:  # fmt: skip
    """Date ``d``'s model relaxed from the week: a subject taught on this date alone pays its
    weekly weight here; one spread over several dates gets its literal «no online lesson» at
    no cost, for :func:`date_variant` to force or price. (Measured on three classes of the
    medium school: a date's model costs 0.035 s of Python to build and a copy 0.5 ms; the
    exact decomposition of the week builds 5 models instead of ~20.)"""
    single = {p for p, ds in pair_days.items() if ds == [d]}
    spread = {p: 0 for p, ds in pair_days.items() if len(ds) > 1 and d in ds}
    sub, ids = day_problem(problem, d, single | set(spread), set(), contact_weights=spread)
    ctx = build_model(sub, weights=weights, previous=previous, subject_floor=False)
    return _DateModel(sub, ids, ctx)


def date_variant(base: ModelContext, *, forced: frozenset = frozenset(),
                 prices: dict[tuple[str, str, int], int] | None = None,
                 ceiling: float | None = None,
                 start: Assignment | None = None) -> ModelContext:  # fmt: skip
    """A copy of a date's model (:func:`date_model`) where the subjects of ``forced`` get their
    online lesson on this date, those of ``prices`` pay that price without one (a Lagrangian
    price of the week), the search starts from the date's relaxed plan ``start``
    (:func:`restart_hint`) and only plans below ``ceiling`` are of interest; ``base`` itself
    when nothing changes."""
    if not forced and not prices and ceiling is None:
        return base
    ctx = replace(base, model=base.model.clone(), penalties=list(base.penalties),
                  cache=dict(base.cache))  # fmt: skip
    # the copy keeps the base's hint for the search; not as a plan of its own to fall back on
    # (it may leave a forced subject without its lesson or lie above the ceiling)
    ctx.cache.pop("hint_plan", None)
    ctx.cache.pop("hint_lines", None)
    for p in forced:
        ctx.model.add(base.cache["no_contact"][p][0] == 0)
    for p, price in (prices or {}).items():
        price_weekly_contact(ctx, p, price)
    objective = sum(pen.weight * pen.var for pen in ctx.penalties)
    ctx.cache["objective"] = objective
    ctx.model.minimize(objective)
    if start is not None:  # (before the ceiling: the hint is completed in a fixed-plan solve)
        restart_hint(ctx, start, forced)
    add_ceiling(ctx, ceiling)
    return ctx


def _siblings_meet(problem: Problem, d: date) -> bool:
    """Both classes of a ``sibling_classes`` pair of the order have lessons on date ``d``."""
    return any(problem.class_days.get((a, d)) and problem.class_days.get((b, d))
               for a, b in problem.order.sibling_classes)  # fmt: skip


def longest_hint(ctx: ModelContext, work: float = 0.05) -> None:
    """Hint a date's model (:func:`date_model`) with the best plan whose online lessons all
    take their longest length, found in a copy within ``work`` deterministic units (one worker:
    repeatable). The restriction's search is far smaller — the choice of lengths together with
    the shifts of a sibling pair is what costs a date most (medium, three classes, 09.12: 0.005
    units against 0.04–0.07, its optimum 2 374 against 2 345) — and its plan is a legal hint
    close to the optimum; the copies of the date (:func:`date_variant`) keep it unless
    :func:`restart_hint` gives them a better one."""
    model = ctx.model.clone()
    for u in ctx.problem.units:
        idx = ctx.vars[u.id]
        on = model.get_bool_var_from_proto_index(idx.online.index)
        dur = model.get_int_var_from_proto_index(idx.dur.index)
        model.add(dur == max(u.lengths)).only_enforce_if(on)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = work
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    hint_solution(ctx.model, solver.response_proto.solution)
    # the plan to fall back on when the search is stopped before its first plan
    ctx.cache["hint_plan"] = (plan_of(ctx, solver), solver.objective_value)
    ctx.cache.pop("hint_lines", None)


def restart_hint(ctx: ModelContext, start: Assignment,
                 forced: frozenset = frozenset()) -> float | None:  # fmt: skip
    """Hint a copy of a date's model (:func:`date_variant`) with the date's relaxed plan
    ``start``, each subject of ``forced`` given an online lesson by the cheap swap of
    :func:`repair_weekly_contact`; the hint's objective in the copy (an upper bound of its
    optimum), or None when the plan is not legal there (the copy keeps its base's hint).

    The relaxed plan is far closer to the copy's optimum than the greedy plan its base was
    hinted with (09.12, 7Б's PE forced: 2 701 against 3 112, optimum 2 466). The copy keeps it
    as its search's hint only, not as a plan to fall back on (it may lie above a ceiling)."""
    hint = Assignment(dict(start.online), dict(start.start), dict(start.dur))
    if forced:
        repair_weekly_contact(ctx.problem, hint, set(forced))
    if not _full_hint(ctx, hint):
        return None
    objective = float(ctx.cache.pop("hint_plan")[1])
    ctx.cache.pop("hint_lines", None)
    return objective


def _period_stats(
    full: ModelContext,
    problem: Problem,
    t0: float,
    first_at: float | None,
    options: SolveOptions,
    **fields: Any,
) -> SolveStats:
    """Statistics of a multi-day run: the whole-period model's size and the run's clock."""
    bound = fields.get("bound")
    objective = fields.get("objective")
    defaults: dict[str, Any] = {
        "bound": None,
        "objective": None,
        "gap": round(relative_gap(objective, bound), 6) if bound is not None else None,
        "solutions": 0,
        "deterministic": False,
        "penalties": [],
    }
    return SolveStats(
        first_solution_s=round(first_at, 3) if first_at is not None else None,
        wall_s=round(time.perf_counter() - t0, 3),
        units=len(problem.units),
        online_units=0,
        self_study_units=0,
        online_minutes=0,
        variables=len(full.model.proto.variables),
        constraints=len(full.model.proto.constraints),
        workers=options.workers,
        seed=options.seed,
        **{**defaults, **fields},
    )


@dataclass
class _Day:
    """One date's solve: its sub-problem, the global id of each unit, the plan and statistics."""

    problem: Problem
    ids: list[int]
    plan: Assignment | None
    stats: SolveStats

    @property
    def optimal(self) -> bool:
        return self.stats.status == "OPTIMAL" and (self.stats.gap or 0.0) <= 1e-9

    @property
    def bound(self) -> float:
        b = self.stats.bound
        return b if b is not None and b > float("-inf") else 0.0


def _covers(day: _Day, groups: dict[tuple[str, str, int], list[int]],
            pairs: set[tuple[str, str, int]]) -> bool:  # fmt: skip
    """Does the date's plan give every pair of ``pairs`` an online lesson?"""
    assert day.plan is not None
    local = {old: new for new, old in enumerate(day.ids)}
    return all(any(day.plan.online[local[i]] for i in groups[p] if i in local) for p in pairs)


def _units_by_date(problem: Problem) -> dict[date, list[int]]:
    out: dict[date, list[int]] = {}
    for u in problem.units:
        out.setdefault(u.date, []).append(u.id)
    return out


def _pe_days(problem: Problem, plans: dict[date, Assignment]) -> set[tuple[str, int]]:
    """(class, week) pairs whose extra PE lesson the dates' plans use (beyond the plain cap)."""
    used: set[tuple[str, int]] = set()
    for (c, d), ids in problem.class_days.items():
        a = plans.get(d)
        if a is None:
            continue
        plain, _pe = problem.limits.max_lessons(problem.timetable.grade_of(c), d)
        if sum(a.online[i] for i in ids) > plain.value:
            used.add((c, d.isocalendar()[1]))
    return used


#: the deterministic time (CP-SAT's own work units, independent of the machine's load) of each
#: date's bound-only solve in relaxed_dates_bound when not given; measured on the medium school,
#: five dates of 170-190 units: 0.1 → Σ 42 004, 0.25 → 42 250, 0.5 → 42 530 (the whole-week
#: model's LP bound after 9 s: 41 848)
DATE_BOUND_DETERMINISTIC = 0.25

#: the share of the time limit the large dates use (a plan lane and a bound lane side by side);
#: the whole-period model gets what is left
LARGE_DATES_SHARE = 0.85
#: … and they end by this share of the limit on the clock whatever their work (a busy machine)
LARGE_DEADLINE_SHARE = 0.9
#: CP-SAT deterministic work units one worker does in a second of the clock on the reference
#: machine (2 vCPU shared with another job, OR-Tools 9.15; a bound search of a medium-school
#: date beside an improve_by_classes of another: 0.37 units ≈ 4.6 s); only converts the time
#: limit into a fixed amount of work, so that a date's bound does not depend on the load
LARGE_WORK_PER_SECOND = 0.15
#: … and the bound lane's date searches a second (less than the plan lane's: with the segment
#: form of teacher gaps a date's bound levels off early; medium, Σ of the bounds less the
#: shared prices: 0.15 units a date 46 467, 0.3 46 512, 0.64 46 535; large: 0.3 78 477, 0.64
#: 78 521 at half the clock), so that a busy machine's cores go to the plan lane
BOUND_WORK_PER_SECOND = 0.07
#: deterministic work of one neighbourhood of improve_by_classes
LNS_DRAW_WORK = 0.2
#: a large date's improve_by_classes: at most this much deterministic work, and this many
#: draws a second of its share of the time limit (measured beside a bound search: ≈ 5 a second)
LNS_WORK = 2.0
LNS_DRAWS_PER_SECOND = 6


#: a date of at least this many units is bounded by a tree search on the LP bound
LB_TREE_UNITS = 120


def relaxed_dates_bound(
    problem: Problem,
    pair_days: dict[tuple[str, str, int], list[date]] | None = None,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None = None,
    time_share: float = 5.0,
    lanes: int = 1,
    stop: threading.Event | None = None,
    prices: dict[tuple[str, str, int], int] | None = None,
    work: float = DATE_BOUND_DETERMINISTIC,
    seed: int = 1,
    report: dict[str, Any] | None = None,
    deadline: float | None = None,
) -> float | None:
    """A valid lower bound of the whole period from each date's relaxed model: only the weekly
    terms of subjects taught on that date alone, the extra PE lesson free, and each subject of
    several dates in ``prices`` costing its price where it gets no online lesson on the date
    (a Lagrangian price of its weekly contact, 0 ≤ price ≤ the weekly weight). The bound is
    Σ over dates of each date's best bound − Σ over priced subjects of (dates − 1) × price:
    any price keeps it valid, a price near what the subject's cheapest date pays for it makes
    it tight (see :func:`cover_estimates`). Each date is searched with one worker for ``work``
    deterministic units (``lanes`` dates side by side, ``time_share`` seconds of the clock for
    all as a ceiling; ``deadline``, a ``time.perf_counter()`` instant, too, counted after each
    date's model is built): a date's best bound need not be its optimum.

    The whole-period model proves less in the same time: its root LP on a large school alone
    takes longer than the share of the time the model gets after the dates (measured on the
    large demo school: bound 71 000 only after 17 deterministic units, 51 800 in the run's
    rest). None when a date had no bound in time (or the search was cancelled); ``report``
    gets "clock_cut": whether the clock ended a date's search (the bound then depends on the
    load)."""
    days = problem.dates
    if pair_days is None:
        pair_days = {p: sorted({problem.units[i].date for i in ids})
                     for p, ids in problem.contact_groups().items()}  # fmt: skip
    prices = {p: x for p, x in (prices or {}).items() if x > 0 and len(pair_days.get(p, [])) > 1}
    # each date's own clock share (a busy machine): the best bound when the clock cuts a
    # search short is still a valid bound of that date
    share = max(0.2, time_share / math.ceil(len(days) / max(1, lanes)))
    cuts: list[bool] = []

    def one(d: date) -> float | None:
        if stop is not None and stop.is_set():
            return None
        if deadline is not None and time.perf_counter() >= deadline:
            cuts.append(True)  # past the ceiling: no time to build the date's model
            return None
        here = {p: x for p, x in prices.items() if d in pair_days[p]}
        scope = {p for p, ds in pair_days.items() if ds == [d]} | set(here)
        sub, _ids = day_problem(problem, d, scope, set(), contact_weights=here)
        ctx = build_model(sub, weights=weights, previous=previous, subject_floor=False,
                          hints=False, tight_gaps=True)  # fmt: skip
        if "objective" not in ctx.cache:
            return 0.0
        clock = share if deadline is None else min(share, deadline - time.perf_counter())
        solver = cp_model.CpSolver()
        configure(solver, SolveOptions(time_limit=max(0.01, clock), workers=1, seed=seed,
                                       gap_target=0.0, work_limit=work))  # fmt: skip
        # measured on the medium school's dates: a tree search on the LP bound proves about a
        # fifth more of the distance to the optimum in the same work than the default search;
        # a small date is proven sooner by the default search
        solver.parameters.optimize_with_lb_tree_search = len(sub.units) >= LB_TREE_UNITS
        # the teacher-gap rows over "some lesson before / after" booleans (constraints/teachers)
        # are clauses after presolve: only this level puts them in the LP (measured on the
        # medium school: Σ of the dates' bounds 47 275 → 49 315 in the same work, two dates
        # proven)
        solver.parameters.linearization_level = 2
        status = _solve_watched(solver, ctx.model, stop)
        if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
            return None
        cuts.append(status != cp_model.OPTIMAL and solver.deterministic_time < 0.99 * work)
        bound = solver.best_objective_bound
        return bound if math.isfinite(bound) else None

    if lanes > 1 and len(days) > 1:
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            bounds = list(pool.map(one, days))
    else:
        bounds = [one(d) for d in days]
    if report is not None:
        report["clock_cut"] = any(cuts)
    if any(b is None for b in bounds):
        return None
    shared = sum((len(pair_days[p]) - 1) * x for p, x in prices.items())
    return float(sum(b for b in bounds if b is not None) - shared)


def _class_day_cost(problem: Problem, c: str, d: date, weights: Weights,
                    forced: int | None = None) -> float:  # fmt: skip
    """The least online-coverage and difficulty cost of one class-day under its screen cap and
    lesson count alone (no teachers, no breaks), ``forced`` unit online: an estimate, computed
    exactly by a small dynamic programme, of what the class-day's choice of lessons costs."""
    grade = problem.timetable.grade_of(c)
    cap = problem.limits.daily_cap(grade).value
    plain, with_pe = problem.limits.max_lessons(grade, d)
    ids = problem.class_days.get((c, d), [])
    most = with_pe.value if any(problem.units[i].is_pe for i in ids) else plain.value
    good = set(problem.limits.hard_positions(grade))
    w_cov, w_diff = weights.online_coverage, weights.difficulty
    # state: (lessons online, minutes) -> least cost so far
    states: dict[tuple[int, int], float] = {(0, 0): 0.0}
    for position, i in enumerate(ids, start=1):
        u = problem.units[i]
        prio = u.priority if not u.blocked else 0
        off = float(w_cov * prio * u.max_len)
        diff = w_diff * u.difficulty if u.difficulty > 0 and position not in good else 0
        nxt: dict[tuple[int, int], float] = {}
        for (n, mins), cost in states.items():
            if i != forced:
                key = (n, mins)
                nxt[key] = min(nxt.get(key, math.inf), cost + off)
            if u.blocked or n + 1 > most:
                continue
            for length in u.lengths:
                if mins + length > cap:
                    continue
                key = (n + 1, mins + length)
                c_on = cost + w_cov * prio * (u.max_len - length) + diff
                nxt[key] = min(nxt.get(key, math.inf), c_on)
        states = nxt
    return min(states.values(), default=math.inf)


def cover_estimates(problem: Problem, pair_days: dict[tuple[str, str, int], list[date]],
                    groups: dict[tuple[str, str, int], list[int]],
                    weights: Weights) -> dict[tuple[str, str, int], dict[date, float]]:  # fmt: skip
    """For each subject of several dates (weekly contact), an estimate per date of what giving
    it an online lesson there costs its class-day (:func:`_class_day_cost`)."""
    base: dict[tuple[str, date], float] = {}
    out: dict[tuple[str, str, int], dict[date, float]] = {}
    for p, ds in pair_days.items():
        if len(ds) < 2:
            continue
        c = p[0]
        here: dict[date, float] = {}
        for d in ds:
            if (c, d) not in base:
                base[(c, d)] = _class_day_cost(problem, c, d, weights)
            units = [i for i in groups[p] if problem.units[i].date == d
                     and i in problem.class_days.get((c, d), [])]  # fmt: skip
            forced = [_class_day_cost(problem, c, d, weights, forced=i) for i in units]
            here[d] = max(0.0, min(forced, default=math.inf) - base[(c, d)])
        out[p] = here
    return out


def improve_by_classes(
    ctx: ModelContext,
    plan: Assignment,
    objective: float,
    *,
    seed: int,
    work: float,
    draws: int = 1000,
    block: int = 8,
    patience: int = 12,
    clock: float = 30.0,
    stop: threading.Event | None = None,
    target: float | None = None,
) -> tuple[Assignment, float, str]:
    """Improve a plan of a model by large neighbourhoods of whole classes: ``block`` classes
    (drawn with a seeded generator) are solved again, every unit of the others kept, for a
    little deterministic work each, until ``patience`` draws in a row gain nothing, the draws
    used ``work`` deterministic units or after ``draws`` draws. Classes couple only through
    their teachers, so such a neighbourhood is solved to its optimum in a few milliseconds,
    where the whole model's search stalls far from it (measured on a medium-school date: its
    proven optimum after 15 draws of 8 classes, 0.1 units, against 10 416 > 10 249 after 2
    units of the whole search with one worker).
    ``target``: stop as soon as the objective is at most this. The plan, its objective and
    what ended the search: "target", "patience", "work", "draws", "clock" (then the plan is
    not repeatable) or "stop"."""
    import random

    problem = ctx.problem
    classes = sorted({c for c, _d in problem.class_days})
    if len(classes) <= 1 or "objective" not in ctx.cache:
        return plan, objective, "draws"
    block = min(block, len(classes) - 1)
    base = ctx.model.clone()
    base.clear_hints()
    proto = base.proto
    unit_classes = [set(u.classes) for u in problem.units]
    rng = random.Random(seed)
    t0 = time.perf_counter()
    used = 0.0
    idle = 0
    end = "draws"
    drawn = 0
    while drawn < draws:
        if target is not None and objective <= target:
            end = "target"
        elif used >= work:
            end = "work"
        elif idle >= patience:
            end = "patience"
        elif stop is not None and stop.is_set():
            end = "stop"
        elif time.perf_counter() - t0 > clock:
            end = "clock"
        else:
            end = "draws"
        if end != "draws":
            break
        drawn += 1
        free = set(rng.sample(classes, block))
        m = cp_model.CpModel()
        m.proto.copy_from(proto)
        hint_vars: list[int] = []
        hint_vals: list[int] = []
        for u in problem.units:
            v = ctx.vars[u.id]
            on, dur = int(plan.online[u.id]), plan.dur[u.id]
            start = plan.start[u.id] if on else ctx.parked[u.id]
            pairs = ((v.online.index, on), (v.dur.index, dur), (v.start.index, start))
            if free.isdisjoint(unit_classes[u.id]):
                for idx, val in pairs:
                    domain = m.proto.variables[idx].domain
                    domain.clear()
                    domain.extend([val, val])
            else:
                for idx, val in pairs:
                    hint_vars.append(idx)
                    hint_vals.append(val)
        m.proto.solution_hint.vars.extend(hint_vars)
        m.proto.solution_hint.values.extend(hint_vals)
        solver = cp_model.CpSolver()
        configure(solver, SolveOptions(time_limit=max(0.05, clock - (time.perf_counter() - t0)),
                                       workers=1, seed=seed, gap_target=0.0,
                                       work_limit=LNS_DRAW_WORK))  # fmt: skip
        status = solver.solve(m)
        used += solver.deterministic_time
        if (
            status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            and solver.objective_value < objective - 0.5
        ):
            objective = solver.objective_value
            plan = plan_of(ctx, solver)
            idle = 0
        else:
            idle += 1
    return plan, objective, end


def _improved_day(
    problem: Problem,
    d: date,
    pair_days: dict[tuple[str, str, int], list[date]],
    prices: dict[tuple[str, str, int], int],
    no_pe: set[tuple[str, int]],
    *,
    weights: Weights,
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None,
    seed: int,
    share: float,
    stop: threading.Event | None,
    deadline: float,
    timing: dict[str, float] | None = None,
) -> _Day | None:
    """One large date's plan: its model (the subjects of ``prices`` cost that where they get
    no online lesson, the classes of ``no_pe`` without the extra PE lesson) from the start plan,
    improved by :func:`improve_by_classes` for a number of draws in proportion to ``share``
    seconds (the clock ``deadline`` of ``time.perf_counter()`` as a ceiling, counted after the
    date's model is built: on the city school that alone takes 2-4 s); None when there is no
    start plan to improve; ``timing`` gets "build": the seconds the date's model took."""
    t_build = time.perf_counter()
    scope = {p for p, ds in pair_days.items() if ds == [d]} | set(prices)
    sub, ids = day_problem(problem, d, scope, set(no_pe), contact_weights=prices)
    ctx = build_model(sub, weights=weights, previous=previous, subject_floor=False)
    if timing is not None:
        timing["build"] = time.perf_counter() - t_build
    start = ctx.cache.get("hint_plan")
    if start is None:
        return None
    a, objective, end = improve_by_classes(
        ctx, start[0], float(start[1]), seed=seed + d.toordinal(), work=LNS_WORK,
        draws=max(1, round(LNS_DRAWS_PER_SECOND * share)),
        clock=max(0.05, min(1.3 * share, deadline - time.perf_counter())), stop=stop,
    )  # fmt: skip
    return _Day(sub, ids, a, _date_stats(sub, objective, None, end != "clock"))


def _date_stats(
    sub: Problem, objective: float | None, bound: float | None, deterministic: bool
) -> SolveStats:
    """The statistics of a date solved by improve_by_classes and a bound-only search."""
    proven = objective is not None and bound is not None and bound >= objective - 1e-6
    return SolveStats(
        status="OPTIMAL" if proven else "FEASIBLE" if objective is not None else "UNKNOWN",
        objective=objective, bound=bound,
        gap=relative_gap(objective, bound) if objective is not None and bound is not None
        else None,
        first_solution_s=None, wall_s=0.0, solutions=0, units=len(sub.units), online_units=0,
        self_study_units=0, online_minutes=0, variables=0, constraints=0, workers=1, seed=0,
        deterministic=deterministic,
    )  # fmt: skip


def _start_plan(
    full: ModelContext, t0: float, progress: Callable[[SolveProgress], None] | None
) -> tuple[tuple[Assignment, float] | None, float | None]:
    """The whole model's start plan (its complete hint, with its objective) and when it was
    known, reported to ``progress``."""
    start_plan = full.cache.get("hint_plan")
    first_at = time.perf_counter() - t0 if start_plan is not None else None
    if start_plan is not None and progress is not None:
        progress(SolveProgress(first_at or 0.0, float(start_plan[1]), float("-inf"), 0))
    return start_plan, first_at


def solve_by_days(
    problem: Problem,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None = None,
    options: SolveOptions = SolveOptions(),
) -> tuple[Assignment | None, SolveStats]:
    """Solve a multi-day period exactly by dates where it can, then the whole period.

    Dates couple only through the weekly-contact rule (a subject spread over several dates) and
    the once-a-week extra PE lesson. 1) Each date is solved on its own without those couplings
    (its own weekly terms only, the extra PE lesson free): a relaxation, so the sum of the
    dates' bounds is a lower bound of the week. 2) Each subject spread over several dates that
    the dates' plans leave without an online lesson is priced exactly: the date is solved again
    with the subject forced online; the cheapest date gets it when that costs less than the
    weekly penalty. The Lagrangian bound with these prices (a date with two or more such
    subjects is solved once more with the prices as its weekly terms) is again a valid lower
    bound; the plan assembled from the dates' solves is an upper bound. Equal: proven optimal.
    3) Otherwise the whole-period model continues from the best plan with the lower bound as a
    row of the model, until the gap target, the stall window or the time limit.

    A period of ``SMALL_PERIOD_UNITS`` units or more, or with dates of ``SMALL_DAY_UNITS`` or
    more (a whole school), takes too long to price every subject: a plan lane (the dates in
    turn, each improved by neighbourhoods of whole classes, a subject still without contact
    priced at its cheapest later date's estimated cost) and a bound lane (each date relaxed,
    the estimated costs as Lagrangian prices) run side by side for fixed amounts of
    deterministic work; then the whole-period model as in 3).
    """
    time_limit, progress, stop = options.time_limit, options.progress, options.stop
    t0 = time.perf_counter()
    W = weights.weekly_contact
    small = len(problem.units) < SMALL_PERIOD_UNITS and all(
        len(ids) < SMALL_DAY_UNITS for ids in _units_by_date(problem).values()
    )
    # A small period's dates do not need the whole model before the end: it is built beside
    # their first solves (three classes of the medium school: 0.12 s of Python that came
    # before them), once they search (CP-SAT without the GIL; built beside the dates' own
    # models, it slowed them by half)
    searching = threading.Event()
    searches = itertools.count(1)  # (next() of a count is atomic: lanes call it side by side)

    def whole_beside() -> ModelContext:
        searching.wait(timeout=1.0)
        return build_model(problem, weights=weights, previous=previous, hint=options.hint)

    if small:
        beside = ThreadPoolExecutor(max_workers=1)
        later = beside.submit(whole_beside)
    else:
        full = build_model(problem, weights=weights, previous=previous, hint=options.hint)
        start_plan, first_at = _start_plan(full, t0, progress)
    groups = problem.contact_groups()
    pair_days = {pair: sorted({problem.units[i].date for i in ids}) for pair, ids in groups.items()}
    days = problem.dates
    day_opts = replace(options, progress=None, stall=0, gap_target=0.0, hint=None)

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    models: dict[date, _DateModel] = {}  # a small period: each date's model, built once

    def base_model(d: date) -> _DateModel:
        base = models.get(d)
        if base is None:
            base = models[d] = date_model(problem, d, pair_days, weights, previous)
        return base

    def solve_day(d: date, share: float, *, forced: frozenset = frozenset(),
                  prices: dict | None = None, no_pe: set | None = None,
                  ceiling: float | None = None, work: float | None = None,
                  start: Assignment | None = None,
                  variant: ModelContext | None = None) -> _Day:  # fmt: skip
        """One date's model; ``ceiling``: only plans below it are of interest (none found:
        INFEASIBLE). (A floor from the relaxed optimum was measured too: it doubled the
        search, as CP-SAT's own bound does better without the extra row.) ``start``: the
        date's relaxed plan, the hint of its copy (:func:`restart_hint`); ``variant``: a copy
        the caller made (its ceiling included)."""
        if small and not no_pe:  # a copy of the date's one model
            base = base_model(d)
            sub, ids = base.problem, base.ids
            if variant is not None:
                ctx_d = variant
            else:
                ctx_d = date_variant(base.ctx, forced=forced, prices=prices, ceiling=ceiling,
                                     start=start)  # fmt: skip
                if ctx_d is base.ctx and _siblings_meet(sub, d):
                    # the date's relaxed solve (medium, three classes: all CP-SAT work of the
                    # week 0.137 → 0.106 units, mean of four seeds; without a sibling pair the
                    # dates take 0.001 units each, the copy's solve would only add to them)
                    longest_hint(ctx_d)
        else:
            scope = {p for p, ds in pair_days.items() if ds == [d]} | set(prices or {})
            sub, ids = day_problem(problem, d, scope, no_pe or set(), forced=set(forced),
                                   contact_weights=prices)  # fmt: skip
            # (measured: without the start plan's hint a small date's search is a quarter longer)
            ctx_d = build_model(sub, weights=weights, previous=previous, subject_floor=False)
            add_ceiling(ctx_d, ceiling)
        # a small date: one worker proves it about as fast and is repeatable as it is (several
        # workers need the one-worker re-solve at the optimum, which costs more than the solve)
        workers = 1 if len(sub.units) < SMALL_DAY_UNITS else options.workers
        # a small date is proven (the week's bound rests on it); a large one is searched for a
        # good plan under the run's own gap target and stall window
        day_options = day_opts if small else replace(options, progress=None, hint=None)
        if work is not None:  # a repeatable search: one worker, its deterministic work only
            day_options, workers = replace(day_opts, work_limit=work), 1
        if next(searches) >= min(max(1, options.workers), len(days)):
            searching.set()  # every lane searches: the whole model may be built now
        # A small period's small date without CP-SAT's presolve: its rows reach the search as
        # written (the summed sibling rows stay in the LP) and the copies of a date skip a
        # presolve of their own (medium, three classes with a sibling pair, median of six:
        # the week 1.16 → 0.89 s, CPU 1.98 → 1.46 s; without the pair 0.55 → 0.51 s)
        presolve = not (small and len(sub.units) < SMALL_DAY_UNITS)
        a, st = solve_model(ctx_d, replace(day_options, time_limit=max(0.1, share),
                                           workers=workers), presolve=presolve)  # fmt: skip
        return _Day(sub, ids, a, st)

    lanes = max(1, options.workers) if small else 1

    def run_all(jobs: list[tuple[Any, date, dict[str, Any]]]) -> dict[Any, _Day]:
        """Solve the dates of ``jobs`` (key, date, keywords): small dates side by side, one
        worker each (each solve is repeatable on its own, so the result does not depend on
        which finishes first), large ones in turn with every worker."""
        out: dict[Any, _Day] = {}
        if lanes == 1 or len(jobs) == 1:
            for key, d, kw in jobs:
                if stopped():
                    break
                out[key] = solve_day(d, kw.pop("share", left() / 2), **kw)
            return out
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            futures = {key: pool.submit(solve_day, d, kw.pop("share", left() / 2), **kw)
                       for key, d, kw in jobs}  # fmt: skip
            return {key: f.result() for key, f in futures.items()}

    Priced = tuple[float, date | None, _Day | None] | None

    def price(p: tuple[str, str, int], relaxed: dict[date, _Day]) -> Priced:
        """The least cost of giving ``p`` its online lesson on one of its dates (``relaxed``:
        their relaxed solves), the date and its plan (cost ≥ W: (W, None, None)); None when a
        date could not be proven. Each later date only has to beat the best so far (a
        ceiling), so the dates go in the order of an upper bound of their price: the hint of
        each date's copy (its relaxed plan with ``p`` swapped online, :func:`restart_hint`) is
        a plan with ``p`` online. A date not cheaper than the best is then mostly proven so at
        once (medium, three classes: 7Б's PE on 09.12 after 11.12 — 0.0005 CP-SAT units instead
        of 0.035–0.054 first in date order). Of equal prices the earliest date wins, as in date
        order."""
        best_p: tuple[float, date | None, _Day | None] = (float(W), None, None)
        forced = frozenset({p})
        copies: dict[date, ModelContext] = {}
        upper: dict[date, float] = {}
        for d in pair_days[p]:
            copies[d] = date_variant(base_model(d).ctx, forced=forced)
            plan = relaxed[d].plan
            cost = restart_hint(copies[d], plan, forced) if plan is not None else None
            upper[d] = math.inf if cost is None else cost - relaxed[d].bound
        for d in sorted(pair_days[p], key=lambda d: (upper[d], d)):
            if stopped():
                return None
            # an earlier date than the best one may tie with it (and then wins)
            tie = 1 if best_p[1] is not None and d < best_p[1] else 0
            ctx_d = copies.pop(d)
            add_ceiling(ctx_d, relaxed[d].bound + best_p[0] + tie)
            day = solve_day(d, left() / 2, forced=forced, variant=ctx_d)
            if day.plan is None:
                if day.stats.status != "INFEASIBLE":
                    return None
                continue  # no plan below the ceiling: not cheaper here
            if not day.optimal:
                return None
            best_p = (day.bound - relaxed[d].bound, d, day)
        return best_p

    def dates_and_prices(share: float) -> tuple[dict[date, _Day], dict[Any, Priced]]:
        """1) every date relaxed, side by side, and 2)'s price of each subject of several
        dates that none of their relaxed plans gives an online lesson, started as soon as
        its dates are solved (three classes of the medium school: one date's search takes as
        long as the other four; the lane beside it prices subjects meanwhile). A price depends
        only on its dates' relaxed solves: the same whichever lane finishes first."""
        if lanes == 1:
            return {d: solve_day(d, share) for d in days if not stopped()}, {}
        waiting = [p for p, ds in pair_days.items() if len(ds) > 1]  # subjects of several dates
        solved: dict[date, _Day] = {}
        priced: dict[Any, Priced] = {}
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            # the largest dates first: the longest searches do not wait behind short ones
            sizes = {d: len(ids) for d, ids in _units_by_date(problem).items()}
            pending: dict[Future, tuple[str, Any]] = {
                pool.submit(solve_day, d, share): ("date", d)
                for d in sorted(days, key=lambda d: -sizes.get(d, 0))
            }
            while pending:
                finished, _running = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    kind, key = pending.pop(f)
                    (solved if kind == "date" else priced)[key] = f.result()
                for p in list(waiting):
                    ds = pair_days[p]
                    if stopped() or not all(d in solved for d in ds):
                        continue
                    waiting.remove(p)
                    if not all(solved[d].optimal and solved[d].plan is not None for d in ds):
                        continue  # not exact: the relaxed dates decide nothing here
                    if not any(_covers(solved[d], groups, {p}) for d in ds):
                        pending[pool.submit(price, p, dict(solved))] = ("price", p)
        return solved, priced

    # 1) every date on its own, relaxed
    relaxed: dict[date, _Day] = {}
    date_bound: float | None = None
    clock_cut = False  # a large date's search ended by the clock: not repeatable
    early: dict[Any, Priced] = {}  # 2)'s prices found beside the dates
    phase1 = 0.5 * time_limit - (time.perf_counter() - t0)
    if small:
        try:
            results, early = dates_and_prices(phase1)
        finally:
            searching.set()  # (no date searched: cancelled)
            full = later.result()
            beside.shutdown()
        start_plan, first_at = _start_plan(full, t0, progress)
        for k, d in enumerate(days):
            day = results.get(d)
            if day is None or day.plan is None:
                break
            relaxed[d] = day
            if progress is not None:
                progress(SolveProgress(time.perf_counter() - t0, float("nan"),
                                       sum(x.bound for x in relaxed.values()), k + 1))  # fmt: skip
    else:
        # Large dates (a whole school): no time to price every subject exactly. Two lanes side
        # by side. The plan lane solves the dates in turn, each improved by neighbourhoods of
        # whole classes (improve_by_classes: CP-SAT's own search stalls far from a date's
        # optimum in the time): a subject of several dates still without an online lesson costs
        # what its cheapest later date would pay for it (estimated, cover_estimates), the
        # weekly weight on its last date, and a class that used its extra PE lesson may not
        # use it again. The bound lane searches each date's relaxed model with the estimated
        # costs as Lagrangian prices (relaxed_dates_bound). Both lanes run for fixed amounts of
        # deterministic work (the clock only as a ceiling), so their result is repeatable.
        estimates = cover_estimates(problem, pair_days, groups, weights)
        mu = {p: min(W, round(min(v.values()))) for p, v in estimates.items()}
        share = LARGE_DATES_SHARE * time_limit / len(days)  # of the limit alone: repeatable
        # the clock is only a ceiling: the lanes end by this much of the limit on a busy machine,
        # less the evaluation after them (the whole model's objective of the assembled plan and
        # of its repair: two fixed-plan solves, 2-3 s each on the city school)
        reserve = 2 * float(full.cache.get("fixed_s", 0.0))
        deadline = t0 + max(0.5 * time_limit, LARGE_DEADLINE_SHARE * time_limit - reserve)
        bound_report: dict[str, Any] = {}
        timing: dict[str, float] = {}

        def bound_lane() -> float | None:
            return relaxed_dates_bound(
                problem, pair_days, weights=weights, previous=previous,
                time_share=min(1.3 * share * len(days), deadline - time.perf_counter()),
                stop=stop, prices=mu, deadline=deadline,
                work=BOUND_WORK_PER_SECOND * share, seed=options.seed, report=bound_report,
            )  # fmt: skip

        pool = ThreadPoolExecutor(max_workers=1) if options.workers > 1 else None
        bound_future = pool.submit(bound_lane) if pool is not None else None
        covered: set[tuple[str, str, int]] = set()
        no_pe: set[tuple[str, int]] = set()
        try:
            for k, d in enumerate(days):
                if stopped():
                    break
                here: dict[tuple[str, str, int], int] = {}
                for p, ds in pair_days.items():
                    if len(ds) < 2 or d not in ds or p in covered:
                        continue
                    later = [x for x in ds if x > d]
                    price = min(W, round(min(estimates[p][x] for x in later))) if later else W
                    if price > 0:
                        here[p] = price
                if (time.perf_counter() + timing.get("build", 0.0) >= t0 + time_limit - reserve
                        and start_plan is not None):  # fmt: skip
                    # the date's model would not even be built within the limit (seconds on
                    # the city school): the date keeps the start plan
                    sub, ids = day_problem(problem, d, {p for p, ds in pair_days.items()
                                                        if ds == [d]} | set(here),
                                           set(no_pe), contact_weights=here)  # fmt: skip
                    sp = start_plan[0]
                    kept = Assignment({n: sp.online[o] for n, o in enumerate(ids)},
                                      {n: sp.start[o] for n, o in enumerate(ids)},
                                      {n: sp.dur[o] for n, o in enumerate(ids)})  # fmt: skip
                    day = _Day(sub, ids, kept, _date_stats(sub, None, None, False))
                else:
                    day = _improved_day(problem, d, pair_days, here, no_pe, weights=weights,
                                        previous=previous, seed=options.seed, share=share,
                                        stop=stop, deadline=deadline,
                                        timing=timing)  # fmt: skip
                if day is None:  # no start plan to improve: the date's own search
                    day = solve_day(d, share, work=LARGE_WORK_PER_SECOND * share, prices=here,
                                    no_pe=set(no_pe))  # fmt: skip
                if day.plan is None:
                    break
                relaxed[d] = day
                clock_cut |= not day.stats.deterministic
                week = d.isocalendar()[1]
                for new, old in enumerate(day.ids):
                    if day.plan.online[new]:
                        u = problem.units[old]
                        covered.update((c, s, week) for c in u.classes for s in u.subjects)
                no_pe |= _pe_days(day.problem, {d: day.plan})
                if progress is not None:
                    progress(SolveProgress(time.perf_counter() - t0, float("nan"),
                                           float("-inf"), k + 1))  # fmt: skip
            date_bound = bound_future.result() if bound_future is not None else bound_lane()
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        clock_cut |= bool(bound_report.get("clock_cut"))

    complete = len(relaxed) == len(days)
    exact = small and complete and all(x.optimal for x in relaxed.values())
    lower = sum(x.bound for x in relaxed.values()) if exact else float("-inf")
    if not small and date_bound is not None:
        lower = date_bound

    def assemble(chosen: dict[date, _Day]) -> Assignment:
        out = Assignment({}, {}, {})
        for day in chosen.values():
            assert day.plan is not None
            for new, old in enumerate(day.ids):
                out.online[old] = day.plan.online[new]
                out.start[old] = day.plan.start[new]
                out.dur[old] = day.plan.dur[new]
        return out

    lines_of: dict[int, list[PenaltyLine]] = {}  # id of a plan → its penalty lines

    def legal(a: Assignment) -> float | None:
        """The whole model's objective of ``a`` (None: it breaks a row of the whole model)."""
        try:
            objective, lines_of[id(a)] = fixed_objective(full, a)
        except ValueError:
            return None
        return objective

    best: Assignment | None = None
    best_obj = float("inf")
    if start_plan is not None:
        best, best_obj = start_plan[0], float(start_plan[1])
    solves = len(relaxed)
    chosen = dict(relaxed)
    if complete and not stopped():
        # 2) the weekly terms across dates, priced exactly
        plan = assemble(chosen)
        multi = [p for p, ds in pair_days.items() if len(ds) > 1]
        missed = sorted(p for p in multi if not any(plan.online[i] for i in groups[p]))
        per_solve = (time.perf_counter() - t0) / max(1, solves)
        needed = sum(len(pair_days[p]) for p in missed)
        forced_days: dict[tuple[Any, date], _Day] = {}
        if exact and needed * per_solve > 0.6 * left():
            exact = False  # no time to price every subject: the whole model goes on instead
        prices: dict[tuple[str, str, int], int] = {}
        assigned: dict[date, set[tuple[str, str, int]]] = {}

        if exact and missed:
            # (most are priced already, beside the dates: dates_and_prices)
            rest = [p for p in missed if p not in early]
            priced = {p: early[p] for p in missed if p in early}
            if lanes > 1 and len(rest) > 1:
                with ThreadPoolExecutor(max_workers=lanes) as pool:
                    priced |= dict(zip(rest, pool.map(lambda p: price(p, relaxed), rest),
                                       strict=True))  # fmt: skip
            else:
                priced |= {p: price(p, relaxed) for p in rest}
            solves += needed
            exact = all(v is not None for v in priced.values()) and not stopped()
        for p in missed if exact else []:
            found = priced[p]
            assert found is not None
            cost, d_best, day_best = found
            prices[p] = int(min(W, max(0.0, cost)))
            if d_best is not None and day_best is not None and cost < W:
                forced_days[(p, d_best)] = day_best
                assigned.setdefault(d_best, set()).add(p)
        # The upper plan: each date with the subjects it gets; a subject only this date's
        # relaxed plan covered keeps its full weekly weight there. Solved side by side with the
        # dates the Lagrangian bound needs again.
        relaxed_plan = assemble(relaxed)
        cover_days = {p: {problem.units[i].date for i in groups[p] if relaxed_plan.online[i]}
                      for p in multi}  # fmt: skip
        keep = {d: {q for q, ds in cover_days.items() if ds == {d}} - assigned.get(d, set())
                for d in days}  # fmt: skip
        shared = {d: {p: c for p, c in prices.items() if d in pair_days[p] and c > 0}
                  for d in days}  # fmt: skip
        jobs: list[tuple[Any, date, dict[str, Any]]] = []
        if exact:  # Σ prices + Σ_d min(f_d − Σ price × covered on d)
            jobs += [(("lb", d), d, {"prices": here, "start": relaxed[d].plan})
                     for d, here in shared.items() if len(here) >= 2]  # fmt: skip
        for d, want in sorted(assigned.items()):
            reuse = forced_days.get((next(iter(want)), d)) if len(want) == 1 else None
            if reuse is not None and _covers(reuse, groups, keep[d]):
                chosen[d] = reuse
            else:
                jobs.append((("ub", d), d, {"forced": frozenset(want),
                                             "prices": dict.fromkeys(keep[d], W),
                                             "start": relaxed[d].plan}))  # fmt: skip
        results = run_all(jobs) if jobs and not stopped() else {}
        solves += len(results)
        if exact:
            bound = float(sum(prices.values()))
            for d in days:
                if len(shared[d]) >= 2:
                    day = results.get(("lb", d))
                    if day is None or not day.optimal:
                        exact = False
                        break
                    bound += day.bound - sum(shared[d].values())
                else:
                    bound += relaxed[d].bound
            if exact:
                lower = max(lower, bound)
        for key, day in results.items():
            if key[0] == "ub":
                if day.plan is None:
                    chosen = {}
                    break
                chosen[key[1]] = day
        if len(results) < len(jobs):
            chosen = {}
        # the extra PE lesson once a week: a later date that uses it again is solved again
        used_pe: set[tuple[str, int]] = set()
        for d in days if chosen else []:
            plan_d = chosen[d].plan
            assert plan_d is not None
            if _pe_days(chosen[d].problem, {d: plan_d}) & used_pe:
                if stopped() or left() < 0.1:
                    chosen = {}
                    break
                day = solve_day(d, left() / 2, forced=frozenset(assigned.get(d, set())),
                                no_pe=set(used_pe), prices=dict.fromkeys(keep[d], W))  # fmt: skip
                solves += 1
                if day.plan is None:
                    chosen = {}
                    break
                chosen[d] = day
                plan_d = day.plan
            used_pe |= _pe_days(chosen[d].problem, {d: plan_d})
        if chosen:
            combined = assemble(chosen)
            hand = full.cache.get("hand")
            if hand is not None and not catch_up_subjects(problem, combined, hand[0]):
                exact = False  # behind the hand plan on subjects: the whole model decides
            objective = legal(combined)
            if objective is None:  # e.g. behind the hand plan: the whole model decides
                exact = False
            else:
                if objective < best_obj:
                    best, best_obj = combined, objective
                if objective > lower + 1e-6:
                    exact = False
            if exact is False and objective is not None and not stopped():
                # a cheap repair of the subjects still without contact, before the whole model
                repaired = Assignment(dict(combined.online), dict(combined.start),
                                      dict(combined.dur))  # fmt: skip
                if repair_weekly_contact(problem, repaired, set(multi)):
                    r_obj = legal(repaired)
                    if r_obj is not None and r_obj < best_obj:
                        best, best_obj = repaired, r_obj
    repeatable = (bool(chosen) and complete and not clock_cut
                  and all(x.stats.deterministic for x in chosen.values()))  # fmt: skip
    status = "FEASIBLE"
    reason = STOP_TIME_LIMIT
    if best is not None and best_obj <= lower + 1e-6:
        status, reason = "OPTIMAL", STOP_OPTIMAL
    elif (
        best is not None
        and lower > float("-inf")
        and (relative_gap(best_obj, lower) <= options.gap_target)
        and (repeatable or not options.deterministic)
    ):
        # (a gap met by dates the clock cut short is not repeatable: the whole model goes on)
        reason = STOP_GAP
    stats_full: SolveStats | None = None
    # the whole model's hint from the best plan is a fixed-plan solve before its search
    fixed_s = float(full.cache.get("fixed_s", 0.0))
    if reason == STOP_TIME_LIMIT and left() > fixed_s + 0.2 and not stopped() and best is not None:
        # 3) the whole period from the best plan, the proven lower bound as a row
        t_full = time.perf_counter() - t0
        full.model.clear_hints()
        _full_hint(full, best)
        if lower > float("-inf") and "objective" in full.cache:
            full.model.add(full.cache["objective"] >= math.floor(lower))

        def shifted(p: SolveProgress) -> None:  # report on the run's own clock
            if progress is not None and p.solutions > 0:
                progress(SolveProgress(t_full + p.elapsed, p.objective, p.bound,
                                       len(days) + p.solutions))  # fmt: skip

        # what is left, less a margin for the evaluation after it: the limit is a ceiling
        margin = min(0.5, 0.02 * time_limit)
        a2, stats_full = solve_model(full, replace(options, time_limit=max(0.1, left() - margin),
                                                   progress=shifted))  # fmt: skip
        if a2 is not None and stats_full.objective is not None and stats_full.objective < best_obj:
            best, best_obj = a2, stats_full.objective
            if stats_full.penalties:
                lines_of[id(best)] = stats_full.penalties
        if stats_full.bound is not None and stats_full.bound > float("-inf"):
            lower = max(lower, stats_full.bound)
        reason = stats_full.stop_reason or STOP_TIME_LIMIT
        if best_obj <= lower + 1e-6:
            status, reason = "OPTIMAL", STOP_OPTIMAL
        elif (relative_gap(best_obj, lower) <= options.gap_target and reason != STOP_CANCELLED
              and (stats_full.deterministic or not options.deterministic)):  # fmt: skip
            reason = STOP_GAP
        repeatable = stats_full.deterministic and reason in (STOP_OPTIMAL, STOP_GAP)
    if stopped():
        reason = STOP_CANCELLED
    if best is None:
        return None, _period_stats(full, problem, t0, first_at, options, status="UNKNOWN",
                                   stopped=stopped())  # fmt: skip
    # (known for a plan of the dates or of the whole model's search: a fixed-plan solve less)
    hinted = full.cache.get("hint_plan")
    if hinted is not None and hinted[0] is best and "hint_lines" in full.cache:
        lines_of[id(best)] = full.cache["hint_lines"]
    lines = lines_of[id(best)] if id(best) in lines_of else fixed_objective(full, best)[1]
    bound = lower if lower > float("-inf") else None
    stats = _period_stats(
        full, problem, t0, first_at, options,
        status=status,
        objective=best_obj,
        bound=bound,
        solutions=len(days) + (stats_full.solutions if stats_full else 0),
        deterministic=repeatable and reason in (STOP_OPTIMAL, STOP_GAP),
        penalties=lines,
        stopped=stopped(),
        phases=f"по дням ({len(days)})" + (" + весь период" if stats_full else ""),
        gap_target=options.gap_target,
        stall_s=stats_full.stall_s if stats_full else None,
    )  # fmt: skip
    _fill_counts(stats, best, full)
    stats.end(reason)
    if progress is not None:
        progress(SolveProgress(time.perf_counter() - t0, best_obj,
                               bound if bound is not None else float("-inf"),
                               stats.solutions))  # fmt: skip
    return best, stats


def explain_infeasible(
    problem: Problem, *, time_limit: float = 20.0, stop: threading.Event | None = None
) -> InfeasibleOrder:
    """Find a small set of guarded requirements that cannot hold together and say it in Russian.

    Solves a copy of the model with an assumption literal per requirement group (one worker, as
    CP-SAT requires for assumptions), takes ``sufficient_assumptions_for_infeasibility`` and
    shrinks it by deletion.
    """
    ctx = build_model(problem, explain=True)
    guards = list(ctx.guards.values())
    core = _core(ctx, [g.lit for g in guards], time_limit, stop)
    if core is None:
        return InfeasibleOrder(
            "Приказ нельзя выполнить, но найти конкретную причину за отведённое время не удалось. "
            "Уменьшите обязательные требования приказа: обязательные онлайн-уроки и «Минимум "
            "онлайн-уроков в день».",
            [],
        )
    # shrink: drop each literal whose removal keeps the rest infeasible
    kept = list(core)
    deadline = time.perf_counter() + 2 * time_limit
    for lit in list(core):
        if time.perf_counter() > deadline or (stop is not None and stop.is_set()):
            break  # a larger set than the smallest, but still a true conflict
        trial = [x for x in kept if x is not lit]
        if trial and _core(ctx, trial, time_limit / 4, stop) is not None:
            kept = trial
    by_index = {g.lit.index: g for g in guards}
    chosen = [by_index[x.index] for x in kept if x.index in by_index]
    chosen.sort(key=lambda g: (not g.key.startswith(("must_online", "min_online")), g.key))
    lines = [
        "Приказ нельзя выполнить: эти требования противоречат друг другу —",
        *(f"  • {g.text}" for g in chosen),
        "Что сделать (достаточно одного):",
        *(f"  • {g.fix}" for g in chosen),
    ]
    return InfeasibleOrder("\n".join(lines), [g.key for g in chosen])


def _core(
    ctx: ModelContext, lits: list[Any], time_limit: float, stop: threading.Event | None = None
) -> list[Any] | None:
    """The assumptions CP-SAT blames when ``lits`` are infeasible; None if they are feasible
    (or not found in time, or stopped)."""
    ctx.model.clear_assumptions()
    ctx.model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    configure(solver, SolveOptions(time_limit=time_limit, workers=1, seed=1))
    status = _solve_watched(solver, ctx.model, stop)
    if status != cp_model.INFEASIBLE:
        return None
    idx = set(solver.sufficient_assumptions_for_infeasibility())
    return [x for x in lits if x.index in idx] or list(lits)
