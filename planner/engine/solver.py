"""The CP-SAT model of the remote rebuild and its solve loop.

One unit per base time slot of a quarantined class (see :mod:`constraints.problem`). Per unit: a
Boolean *online*, an integer start (minutes since midnight), a duration from a small set of
allowed lengths (0 when self-study) and an optional interval. Every rule in
:mod:`constraints.rules` adds its part; the objective is one weighted sum of named penalties.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from constraints.base import ModelContext, Penalty, UnitVars
from constraints.problem import Problem
from constraints.rules import ALL_RULES
from constraints.weights import DEFAULT_WEIGHTS, EXPLAIN_RU, Weights
from planner.domain.errors import InfeasibleOrder
from planner.domain.solving import Assignment, SolveOptions, SolveProgress, relative_gap
from planner.engine.naive import greedy_plan, repair_weekly_contact

# Online lessons start on a 5-minute grid (or exactly at their base start).
GRID = 5

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
) -> ModelContext:
    """Create variables and let every rule add its part."""
    model = cp_model.CpModel()
    ctx = ModelContext(model, problem, weights, explain=explain, previous=previous or {})
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
        model.add(start == min(max(u.base_start, earliest), latest)).only_enforce_if(on.Not())
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
    if not explain and ctx.penalties:
        objective = sum(p.weight * p.var for p in ctx.penalties)
        ctx.cache["objective"] = objective
        model.minimize(objective)
    if hint is not None:
        _full_hint(ctx, hint)
    else:
        _add_hints(ctx)
    return ctx


def _add_hints(ctx: ModelContext) -> None:
    """Hint every unit from the previous version (a re-plan starts where the last one ended),
    or, for a first plan, from the naive baseline (a legal plan in most cases)."""
    if ctx.explain:
        return
    if not ctx.previous:
        _full_hint(ctx, greedy_plan(ctx.problem))
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
    if _full_hint(ctx, fallback):
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
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False  # the plan breaks a hard rule or minimum of the order: no hint from it
    ctx.cache["hint_plan"] = (a, solver.objective_value)
    values = solver.response_proto.solution
    for i in range(len(ctx.model.proto.variables)):
        ctx.model.add_hint(ctx.model.get_int_var_from_proto_index(i), values[i])
    return True


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

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.t0
        self.count += 1
        if self.first is None:
            self.first = now
        if self.progress is not None:
            self.progress(
                SolveProgress(now, self.objective_value, self.best_objective_bound, self.count)
            )
        if self.stop is not None and self.stop.is_set():
            self.stop_search()


def configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    """Time limit, workers and seed; determinism comes from solve_model's one-worker re-solve."""
    p = solver.parameters
    p.max_time_in_seconds = float(options.time_limit)
    p.num_workers = max(1, int(options.workers))
    p.random_seed = int(options.seed)
    # Measured on the medium demo school: probing and symmetry detection cost about half of the
    # time to the first solution and did not improve the 30-second result.
    p.cp_model_probing_level = 0
    p.symmetry_level = 0


def _solve_watched(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    stop: threading.Event | None,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> Any:
    """``solver.solve`` that a set ``stop`` event interrupts even between solutions."""
    done = threading.Event()
    watcher = None
    if stop is not None:

        def watch() -> None:
            while not done.wait(0.05):
                if stop.is_set():
                    solver.stop_search()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()


def solve_model(
    ctx: ModelContext, options: SolveOptions = SolveOptions()
) -> tuple[Assignment | None, SolveStats]:
    """Solve one model within ``options``; the plan and its statistics (None when no plan)."""
    time_limit, workers, seed = options.time_limit, options.workers, options.seed
    deterministic, progress, stop = options.deterministic, options.progress, options.stop
    solver = cp_model.CpSolver()
    configure(solver, options)
    t0 = time.perf_counter()
    cb = _Progress(t0, progress, stop)
    hint = ctx.cache.get("hint_plan")
    if hint is not None and progress is not None:
        # the complete hint is already a legal plan: report it before the search starts
        progress(SolveProgress(0.0, float(hint[1]), float("-inf"), 0))
    status = _solve_watched(solver, ctx.model, stop, cb)
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
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is not None and status == cp_model.UNKNOWN:
            # stopped (or out of time) before the search's first plan: the hint is the best
            a, obj = hint
            stats.status = "FEASIBLE"
            stats.objective, stats.bound = float(obj), None
            stats.first_solution_s = 0.0
            _fill_counts(stats, a)
            return a, stats
        return None, stats
    objective = solver.objective_value if ctx.penalties else 0.0
    bound = solver.best_objective_bound if ctx.penalties else 0.0
    if deterministic and workers > 1 and status == cp_model.OPTIMAL and "objective" in ctx.cache:
        canon = _canonical(ctx, round(solver.objective_value), seed,
                           time_limit - (time.perf_counter() - t0))  # fmt: skip
        if canon is not None:
            solver = canon
        else:
            stats.deterministic = False
    elif workers > 1 or (status != cp_model.OPTIMAL and wall >= 0.95 * time_limit):
        # several workers, or one worker cut off by the wall clock: the plan depends on timing
        stats.deterministic = False
    a = Assignment(
        online={u.id: bool(solver.value(ctx.vars[u.id].online)) for u in p.units},
        start={u.id: int(solver.value(ctx.vars[u.id].start)) for u in p.units},
        dur={u.id: int(solver.value(ctx.vars[u.id].dur)) for u in p.units},
    )
    _fill_counts(stats, a)
    stats.objective, stats.bound = objective, bound
    stats.gap = round(relative_gap(objective, bound), 6)
    stats.penalties = penalty_lines(ctx, lambda e: int(solver.value(e)))
    return a, stats


def _fill_counts(stats: SolveStats, a: Assignment) -> None:
    stats.online_units = sum(a.online.values())
    stats.self_study_units = len(a.online) - stats.online_units
    stats.online_minutes = sum(a.dur.values())


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
                no_pe_extra: set[tuple[str, int]]) -> tuple[Problem, list[int]]:  # fmt: skip
    """The part of the problem on one date (units renumbered) and the global id of each unit."""
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
    )
    return sub, ids


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


def solve_by_days(
    problem: Problem,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    previous: dict[tuple[str, date, int, int], tuple[str, int | None, int]] | None = None,
    options: SolveOptions = SolveOptions(),
) -> tuple[Assignment | None, SolveStats]:
    """Solve a multi-day period date by date, then the whole period from that plan.

    Dates couple only through the weekly-contact rule (and the once-a-week extra PE lesson).
    Each date is solved on its own, in order, with the weekly-contact terms that live on that
    date alone plus, on its last date, each subject spread over several dates that has no online
    lesson yet (so the dates' objectives add up to the whole objective). When no such carried
    term was needed, the sum of the dates' bounds is a valid lower bound of the whole objective.
    A repair pass gives remaining subjects a lesson where a legal swap gains, then the
    whole-period model continues from the combined plan (a complete hint) for the time left and
    supplies the proven bound. A single-day period goes straight to the whole model.
    """
    time_limit, progress, stop = options.time_limit, options.progress, options.stop
    t0 = time.perf_counter()
    # the whole-period model first: its complete hint (the greedy plan) is the first legal plan
    full = build_model(problem, weights=weights, previous=previous)
    start_plan = full.cache.get("hint_plan")
    first_at = time.perf_counter() - t0 if start_plan is not None else None
    if start_plan is not None and progress is not None:
        progress(SolveProgress(first_at or 0.0, float(start_plan[1]), float("-inf"), 0))
    pair_days = {
        pair: {problem.units[i].date for i in ids} for pair, ids in problem.contact_groups().items()
    }
    combined = Assignment({}, {}, {})
    lower = 0.0
    proven = True
    no_pe: set[tuple[str, int]] = set()
    bound_valid = True
    phase = 0.55 * time_limit  # the rest: repair, evaluation and the whole-period model
    days = problem.dates
    covered: set[tuple[str, str, int]] = set()
    repeatable = True  # every date's plan is the same on a re-run
    stopped_early = False  # cancelled before every date had its own plan
    for k, d in enumerate(days):
        scope = {p for p, ds in pair_days.items() if ds == {d}}
        # a subject spread over several dates pays on its last date if still without contact:
        # exactly its share of the whole objective, given the earlier dates
        carry = {p for p, ds in pair_days.items()
                 if len(ds) > 1 and max(ds) == d and p not in covered}  # fmt: skip
        if carry:
            bound_valid = False  # the dates' bounds then no longer add up to a valid bound
        scope |= carry
        sub, ids = day_problem(problem, d, scope, no_pe)
        left = max(0.1, (phase - (time.perf_counter() - t0)) / (len(days) - k))
        if stop is not None and stop.is_set():
            stopped_early = True
            break
        ctx_d = build_model(sub, weights=weights, previous=previous)
        a, st = solve_model(ctx_d, replace(options, time_limit=left, progress=None))
        if a is None:
            if stop is not None and stop.is_set():
                stopped_early = True
                break
            if start_plan is None:
                return None, st
            # no plan for this date within its share of the time: the whole-period search
            # goes on from the start plan instead of the dates' plans
            plan = start_plan[0]
            combined = Assignment(dict(plan.online), dict(plan.start), dict(plan.dur))
            proven = bound_valid = repeatable = False
            break
        lower += st.bound if st.bound is not None and st.bound > float("-inf") else 0.0
        proven = proven and st.status == "OPTIMAL"
        repeatable = repeatable and st.deterministic
        if st.bound is None:
            bound_valid = False
        for new, old in enumerate(ids):
            combined.online[old] = a.online[new]
            combined.start[old] = a.start[new]
            combined.dur[old] = a.dur[new]
            if a.online[new]:
                u = problem.units[old]
                week = d.isocalendar()[1]
                covered.update((c, s, week) for c in u.classes for s in u.subjects)
        # a class that used its extra PE lesson this week may not use it again
        for (c, dd), cids in problem.class_days.items():
            if dd != d:
                continue
            plain, _pe = problem.limits.max_lessons(problem.timetable.grade_of(c), d)
            if sum(combined.online[i] for i in cids) > plain.value:
                no_pe.add((c, d.isocalendar()[1]))
                bound_valid = False  # later dates were solved with less freedom than allowed
        if progress is not None:
            progress(SolveProgress(time.perf_counter() - t0, float("nan"), lower, k + 1))
    if stopped_early:
        # Cancelled mid-way: the start plan is the one complete legal plan there is (the dates
        # solved so far alone are not a plan of the period).
        if start_plan is None:
            return None, _period_stats(full, problem, t0, first_at, options,
                                       status="UNKNOWN", stopped=True)  # fmt: skip
        plan, objective = start_plan[0], float(start_plan[1])
        stats = _period_stats(full, problem, t0, first_at, options, status="FEASIBLE",
                              objective=objective, stopped=True,
                              penalties=fixed_objective(full, plan)[1])  # fmt: skip
        _fill_counts(stats, plan)
        return plan, stats
    before = Assignment(dict(combined.online), dict(combined.start), dict(combined.dur))
    repair_weekly_contact(problem, combined, {p for p, ds in pair_days.items() if len(ds) > 1})
    full.model.clear_hints()
    _full_hint(full, combined)
    objective, lines = fixed_objective(full, before)
    try:
        repaired_objective, repaired_lines = fixed_objective(full, combined)
    except ValueError:  # the repair broke a model rule the checks above do not see: drop it
        repaired_objective = float("inf")
    if repaired_objective < objective:
        objective, lines = repaired_objective, repaired_lines
    else:
        combined = before
    if start_plan is not None and start_plan[1] < objective:  # never worse than the start
        combined, objective = start_plan[0], float(start_plan[1])
        lines = fixed_objective(full, combined)[1]
    best, best_obj = combined, objective
    status = "OPTIMAL" if proven and bound_valid and objective <= lower else "FEASIBLE"
    stats_full: SolveStats | None = None
    rest = time_limit - (time.perf_counter() - t0)
    if status != "OPTIMAL" and rest > 0.1 and not (stop is not None and stop.is_set()):
        t_full = time.perf_counter() - t0

        def shifted(p: SolveProgress) -> None:  # report on the run's own clock
            if progress is not None and p.solutions > 0:
                progress(SolveProgress(t_full + p.elapsed, p.objective, p.bound,
                                       len(days) + p.solutions))  # fmt: skip

        a2, stats_full = solve_model(full, replace(options, time_limit=rest, progress=shifted))
        if a2 is not None and stats_full.objective is not None and stats_full.objective < best_obj:
            best, best_obj, lines = a2, stats_full.objective, stats_full.penalties
        if stats_full.bound is not None and stats_full.bound > float("-inf"):
            lower = max(lower if bound_valid else float("-inf"), stats_full.bound)
            bound_valid = True
        if stats_full.status == "OPTIMAL":
            status = "OPTIMAL"
    wall = time.perf_counter() - t0
    bound = lower if bound_valid else None
    stats = _period_stats(
        full, problem, t0, first_at, options,
        status=status,
        objective=best_obj,
        bound=bound,
        solutions=len(days) + (stats_full.solutions if stats_full else 0),
        deterministic=repeatable and (stats_full is None or stats_full.deterministic),
        penalties=lines,
        stopped=bool(stop is not None and stop.is_set()),
        phases=f"по дням ({len(days)})" + (" + весь период" if stats_full else ""),
    )  # fmt: skip
    _fill_counts(stats, best)
    if progress is not None:
        progress(SolveProgress(wall, best_obj, bound if bound is not None else float("-inf"),
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
