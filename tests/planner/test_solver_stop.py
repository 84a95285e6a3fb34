"""The search stops when done and says why; its plans are never behind the hand plan; a plan that
stopped by a criterion other than the time limit is the same on every run."""

from __future__ import annotations

import math
import threading
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner.engine.solver as solver
from constraints.limits import Limits
from constraints.problem import Problem, build_problem
from planner.app.demo import build_demo_school, demo_orders
from planner.domain.order import parse_order
from planner.domain.solving import (
    STOP_CANCELLED,
    STOP_GAP,
    STOP_OPTIMAL,
    STOP_STALL,
    STOP_TIME_LIMIT,
    SolveOptions,
    SolveProgress,
    stall_window,
    stop_reason_ru,
)
from planner.engine.naive import hand_plan_floors, plan_figures
from planner.engine.rebuild import RebuildResult, load_catalogue, solve_remote
from tests.constraints.school import MONDAY, order, random_school, small_school
from tests.planner.test_solver import count_music, music_week


def small_demo(which: str = "order-whole-school.yaml"):
    tt = build_demo_school("small", 1)
    return tt, parse_order(demo_orders(tt)[which], tt, which)


def check(r: RebuildResult) -> RebuildResult:
    assert [v.message for v in r.report.violations] == []
    s = r.stats
    assert s.online_minutes >= (s.hand_online_minutes or 0)
    assert (s.subjects_online or 0) >= (s.hand_subjects or 0)
    return r


def test_tiny_case_ends_proven_optimal_and_says_so() -> None:
    r = check(solve_remote(small_school(), order(("1А", "5А", "7Б")), SolveOptions(workers=1)))
    assert (r.stats.status, r.stats.stop_reason) == ("OPTIMAL", STOP_OPTIMAL)
    assert r.stats.stop_ru == "план доказанно лучший"
    assert r.schedule.meta["solver"]["stop_reason"] == "optimal"
    assert r.stats.wall_s < 30  # the time limit is a ceiling, not the duration


def test_week_decomposition_prices_a_subject_spread_over_dates_exactly() -> None:
    # Музыка has the lowest priority: neither date alone puts it online, the week must (once)
    tt, o = music_week()
    r = check(solve_remote(tt, o, SolveOptions(workers=2)))
    assert (r.stats.status, r.stats.stop_reason) == ("OPTIMAL", STOP_OPTIMAL)
    assert r.stats.phases == "по дням (2)"  # proven without the whole-period model
    assert count_music(r) == 1
    assert r.stats.objective == r.stats.bound


def test_gap_target_ends_the_search(monkeypatch) -> None:
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)  # no model is "small": the gap counts
    tt, o = small_demo()
    # (not repeatable: two workers may stop by the gap only when determinism is not asked for)
    options = SolveOptions(time_limit=20, workers=2, gap_target=0.5, deterministic=False)
    r = check(solve_remote(tt, o, options))
    assert r.stats.stop_reason == STOP_GAP
    assert r.stats.gap is not None and r.stats.gap <= 0.5
    assert r.stats.stop_ru == "до лучшего возможного не больше 50 %"


def test_stall_window_ends_the_search() -> None:
    # the whole small school's week as one model: two workers do not prove it for long; without
    # a better plan for 0.5 s the search ends long before its limit (the clock-based stop, not
    # repeatable, is only taken when determinism is not asked for)
    tt, o = small_demo()
    problem = build_problem(tt, o, Limits(load_catalogue(o), o))
    ctx = solver.build_model(problem)
    options = SolveOptions(time_limit=60, workers=2, gap_target=0.0, stall=0.5,
                           deterministic=False)  # fmt: skip
    a, stats = solver.solve_model(ctx, options)
    assert a is not None
    assert stats.stop_reason == STOP_STALL
    assert stats.wall_s < 50
    assert stats.stop_ru == "дальше улучшений не было 0,5 с"


def test_time_limit_ends_the_search(monkeypatch) -> None:
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)
    tt, o = small_demo()
    r = check(solve_remote(tt, o, SolveOptions(time_limit=2, workers=2, gap_target=0.0, stall=0)))
    assert r.stats.stop_reason == STOP_TIME_LIMIT
    assert r.stats.stop_ru == "закончилось отведённое время"


def test_cancel_ends_the_search_with_the_best_plan() -> None:
    tt, o = small_demo()
    stop = threading.Event()

    def progress(p: SolveProgress) -> None:
        if p.objective == p.objective:  # a complete plan: stop here
            stop.set()

    r = check(solve_remote(tt, o, SolveOptions(time_limit=20, progress=progress, stop=stop)))
    assert r.stats.stop_reason == STOP_CANCELLED


def test_stop_reasons_read_in_russian() -> None:
    assert stop_reason_ru("gap", gap_target=0.01) == "до лучшего возможного не больше 1 %"
    assert stop_reason_ru("stall", stall=2.6) == "дальше улучшений не было 2,6 с"
    assert stop_reason_ru("time_limit") == "закончилось отведённое время"
    assert [stall_window(n) for n in (89, 895, 10_000)] == [2.6, 8.0, 15.0]


def test_a_plan_stopped_before_the_time_limit_is_the_same_on_every_run() -> None:
    # three classes of the small demo school for a week: the dates' plans meet within 1 % of
    # the week's bound (every date solved with one worker: no timing in the result)
    tt, o = small_demo("order-three-classes.yaml")
    runs = [check(solve_remote(tt, o, SolveOptions(workers=2))) for _ in range(2)]
    reasons = {r.stats.stop_reason for r in runs}
    assert len(reasons) == 1 and reasons <= {STOP_OPTIMAL, STOP_GAP}
    assert all(r.stats.deterministic for r in runs)
    a, b = (r.schedule.to_json()["items"] for r in runs)
    assert a == b


def test_continuing_from_a_plan_never_returns_a_worse_one(monkeypatch) -> None:
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)
    tt, o = small_demo()
    first = check(solve_remote(tt, o, SolveOptions(time_limit=1.5, gap_target=0.0, stall=0)))
    again = check(solve_remote(tt, o, SolveOptions(time_limit=3, gap_target=0.0, stall=1),
                               start_from=first.schedule))  # fmt: skip
    assert again.stats.objective is not None and first.stats.objective is not None
    assert again.stats.objective <= first.stats.objective


@st.composite
def cases(draw: st.DrawFn):
    grades = tuple(sorted(draw(st.sets(st.integers(1, 11), min_size=2, max_size=3))))
    tt = random_school(parallels=2, seed=draw(st.integers(1, 10_000)), grades=grades,
                       teachers_per_subject_classes=3)  # fmt: skip
    names = sorted(tt.classes)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    start = MONDAY + timedelta(days=draw(st.integers(0, 2)))
    o = order(tuple(sorted(chosen)), start, start + timedelta(days=draw(st.integers(0, 2))),
              device=draw(st.sampled_from(["pc", "laptop", "tablet"])),
              screen_policy=draw(st.sampled_from(["home", "school"])))  # fmt: skip
    return tt, o


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_never_behind_the_hand_plan(case) -> None:
    tt, o = case
    r = check(solve_remote(tt, o, SolveOptions(time_limit=4.0, workers=1, seed=1)))
    hand = hand_plan_floors(build_problem(tt, o, Limits(load_catalogue(o), o)))
    assert hand is not None  # no order minimums here: the hand plan is a legal plan
    _a, minutes, subjects = hand
    got = plan_figures(r.problem, r.assignment)
    assert got[0] >= minutes and got[1] >= subjects
    assert (r.stats.hand_online_minutes, r.stats.hand_subjects) == (minutes, subjects)


def test_a_whole_school_bound_comes_from_each_dates_relaxation(monkeypatch) -> None:
    # every date "large": the dates are planned in turn and the week's bound comes from the
    # bounds of each date's relaxed model (a short search each), never above a plan's objective
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)
    seen: list[float | None] = []
    relaxed_dates_bound = solver.relaxed_dates_bound

    def recording(*args, **kwargs):
        seen.append(relaxed_dates_bound(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(solver, "relaxed_dates_bound", recording)
    tt, o = small_demo()
    r = check(solve_remote(tt, o, SolveOptions(time_limit=8, workers=2, gap_target=0.0)))
    assert len(seen) == 1 and seen[0] is not None and seen[0] > 0
    assert r.stats.bound is not None and r.stats.objective is not None
    assert seen[0] <= r.stats.bound <= r.stats.objective


def test_the_relaxed_dates_bound_never_exceeds_a_plan() -> None:
    # three classes of the small school for a week: the dates' bounds without the weekly terms
    # across dates stay under the week's plan, and close to it
    tt, o = small_demo("order-three-classes.yaml")
    r = check(solve_remote(tt, o, SolveOptions(workers=2)))
    assert r.stats.objective is not None and r.stats.bound is not None
    problem = build_problem(tt, o, Limits(load_catalogue(o), o))
    relaxed = solver.relaxed_dates_bound(problem, time_share=10.0)
    assert relaxed is not None and 0.9 * r.stats.objective <= relaxed <= r.stats.objective


def _proven(tt, o) -> tuple[float, object]:
    r = check(solve_remote(tt, o, SolveOptions(workers=2, gap_target=0.0, stall=0)))
    assert r.stats.stop_reason == STOP_OPTIMAL and r.stats.objective is not None
    return r.stats.objective, build_problem(tt, o, Limits(load_catalogue(o), o))


def test_prices_found_beside_the_dates_give_the_plan_found_after_them() -> None:
    # two lanes price a subject as soon as its dates are solved, while other dates are still
    # searched; one lane prices every subject after all dates: the same proven plan
    medium = build_demo_school("medium", 1)
    three = parse_order(demo_orders(medium)["order-three-classes.yaml"], medium, "three")
    runs = [check(solve_remote(medium, three, SolveOptions(workers=w))) for w in (1, 2)]
    assert [r.stats.stop_reason for r in runs] == [STOP_OPTIMAL, STOP_OPTIMAL]
    assert runs[0].stats.objective == runs[1].stats.objective == 10947
    a, b = (r.schedule.to_json()["items"] for r in runs)
    assert a == b


def test_the_priced_dates_bound_never_exceeds_a_proven_optimum() -> None:
    # Lagrangian prices of the weekly contact of subjects of several dates: the estimated ones
    # the large path uses and the weekly weight itself both keep the bound valid
    medium = build_demo_school("medium", 1)
    three = parse_order(demo_orders(medium)["order-three-classes.yaml"], medium, "three")
    for tt, o in ((medium, three), music_week()):
        optimum, problem = _proven(tt, o)
        groups = problem.contact_groups()
        pair_days = {p: sorted({problem.units[i].date for i in ids}) for p, ids in groups.items()}
        estimates = solver.cover_estimates(problem, pair_days, groups, solver.DEFAULT_WEIGHTS)
        w = solver.DEFAULT_WEIGHTS.weekly_contact
        multi = [p for p, ds in pair_days.items() if len(ds) > 1]
        assert multi
        for k, prices in enumerate(
            (
                {p: min(w, round(min(v.values()))) for p, v in estimates.items()},
                dict.fromkeys(multi, w),
            )
        ):
            bound = solver.relaxed_dates_bound(problem, pair_days, prices=prices, work=0.3,
                                               time_share=60.0)  # fmt: skip
            assert bound is not None and bound <= optimum + 1e-6
            if k == 0:  # the estimated prices: close to the optimum (10 886 of 10 947)
                assert bound >= 0.95 * optimum


def test_the_bound_form_of_teacher_gaps_keeps_each_dates_optimum() -> None:
    # the teacher gaps as segments between lessons (the bound lane's form) cost the same as the
    # plain rows: each date of three classes of the medium school has the same proven optimum
    from ortools.sat.python import cp_model

    medium = build_demo_school("medium", 1)
    o = parse_order(demo_orders(medium)["order-three-classes.yaml"], medium, "three")
    problem = build_problem(medium, o, Limits(load_catalogue(o), o))
    pair_days = {p: {problem.units[i].date for i in ids}
                 for p, ids in problem.contact_groups().items()}  # fmt: skip
    segments = 0
    for d in problem.dates:
        scope = {p for p, ds in pair_days.items() if ds == {d}}
        sub, _ids = solver.day_problem(problem, d, scope, set())
        optima = []
        for tight in (False, True):
            ctx = solver.build_model(sub, subject_floor=False, hints=False, tight_gaps=tight)
            if tight:
                segments += sum(v.name.startswith("t_hole") for v in ctx.model.proto.variables)
            cp = cp_model.CpSolver()
            cp.parameters.num_workers = 1
            cp.parameters.max_time_in_seconds = 60.0
            assert cp.solve(ctx.model) == cp_model.OPTIMAL
            optima.append(cp.objective_value)
        assert optima[0] == optima[1]
    assert segments > 0  # the segment form was used


def _three_classes_week() -> tuple[Problem, dict[tuple[str, str, int], list[date]]]:
    """Three classes of the medium school for a week, and the dates of each weekly contact."""
    medium = build_demo_school("medium", 1)
    o = parse_order(demo_orders(medium)["order-three-classes.yaml"], medium, "three")
    problem = build_problem(medium, o, Limits(load_catalogue(o), o))
    groups = problem.contact_groups()
    pair_days = {p: sorted({problem.units[i].date for i in ids}) for p, ids in groups.items()}
    return problem, pair_days


def test_a_copy_of_a_dates_model_is_the_model_built_for_it() -> None:
    # the exact decomposition builds each date's model once and solves copies of it (a subject
    # forced online, Lagrangian prices, a ceiling): each copy has the proven optimum of the
    # model built for that case, and the date's own model is left as it was
    from ortools.sat.python import cp_model

    problem, pair_days = _three_classes_week()

    def optimum(ctx) -> float | None:
        cp = cp_model.CpSolver()
        cp.parameters.num_workers = 1
        cp.parameters.max_time_in_seconds = 60.0
        status = cp.solve(ctx.model)
        assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        return cp.objective_value if status == cp_model.OPTIMAL else None

    d = problem.dates[1]
    single = {p for p, ds in pair_days.items() if ds == [d]}
    spread = sorted(p for p, ds in pair_days.items() if len(ds) > 1 and d in ds)
    assert len(spread) >= 2
    one = solver.date_model(problem, d, pair_days, solver.DEFAULT_WEIGHTS, None)
    relaxed = optimum(one.ctx)
    prices = {spread[0]: 150, spread[1]: 400}
    cases = [({spread[0]}, {}, None), (set(), prices, None), ({spread[1]}, {spread[0]: 90}, None),
             (set(), {}, relaxed), (set(), {}, (relaxed or 0) + 1)]  # fmt: skip
    for forced, priced, ceiling in cases:
        copy = solver.date_variant(one.ctx, forced=frozenset(forced), prices=priced,
                                   ceiling=ceiling)  # fmt: skip
        sub, _ids = solver.day_problem(problem, d, single | set(priced), set(), forced=forced,
                                       contact_weights=priced)  # fmt: skip
        built = solver.build_model(sub, subject_floor=False)
        if ceiling is not None:
            built.model.add(built.cache["objective"] < math.ceil(ceiling - 1e-6))
        assert optimum(copy) == optimum(built), (forced, priced, ceiling)
    assert optimum(one.ctx) == relaxed


def test_a_date_copy_starts_from_its_relaxed_plan() -> None:
    # pricing 7Б's PE on 09.12 (medium, three classes): the date's relaxed optimum with the PE
    # lesson swapped online is a legal hint of the copy, far cheaper than the greedy plan of its
    # base, and bounds the copy's optimum from above
    problem, pair_days = _three_classes_week()
    d = date(2026, 12, 9)
    pe = next(p for p, ds in pair_days.items()
              if p[:2] == ("7Б", "Физическая культура") and d in ds)  # fmt: skip
    one = solver.date_model(problem, d, pair_days, solver.DEFAULT_WEIGHTS, None)
    units = one.problem.contact_groups()[pe]
    relaxed, st = solver.solve_model(one.ctx, SolveOptions(workers=1, gap_target=0.0))
    assert relaxed is not None and st.status == "OPTIMAL"
    assert not any(relaxed.online[i] for i in units)
    copy = solver.date_variant(one.ctx, forced=frozenset({pe}))
    upper = solver.restart_hint(copy, relaxed, frozenset({pe}))
    assert upper is not None and upper < one.ctx.cache["hint_plan"][1]  # 2 701 < 3 112
    assert "hint_plan" not in copy.cache  # the search's hint only, no plan to fall back on
    a, st = solver.solve_model(copy, SolveOptions(workers=1, gap_target=0.0))
    assert a is not None and st.status == "OPTIMAL" and st.objective is not None
    assert st.objective <= upper and any(a.online[i] for i in units)


def test_a_date_with_siblings_starts_from_its_best_plan_of_longest_lessons() -> None:
    # 09.12 of three classes of the medium school (a sibling pair): the hint is the best plan
    # whose online lessons take their longest length, far closer to the optimum than the
    # greedy plan; the date's optimum is the same
    problem, pair_days = _three_classes_week()
    d = date(2026, 12, 9)
    assert solver._siblings_meet(problem, d)
    one = solver.date_model(problem, d, pair_days, solver.DEFAULT_WEIGHTS, None)
    greedy = one.ctx.cache["hint_plan"][1]
    solver.longest_hint(one.ctx)
    plan, objective = one.ctx.cache["hint_plan"]
    assert objective < greedy  # 2 374 < 3 112
    units = one.problem.units
    assert all(plan.dur[u.id] == (max(u.lengths) if plan.online[u.id] else 0) for u in units)
    assert solver.fixed_objective(one.ctx, plan)[0] == objective  # a legal plan of the date
    a, st = solver.solve_model(one.ctx, SolveOptions(workers=1, gap_target=0.0))
    assert a is not None and st.status == "OPTIMAL" and st.objective == 2345


def test_improving_by_classes_keeps_a_legal_plan_and_repeats_itself() -> None:
    tt, o = small_demo()
    problem = build_problem(tt, o, Limits(load_catalogue(o), o))
    d = problem.dates[0]
    sub, _ids = solver.day_problem(problem, d, set(), set())
    ctx = solver.build_model(sub, subject_floor=False)
    start, start_obj = ctx.cache["hint_plan"]
    runs = [solver.improve_by_classes(ctx, start, float(start_obj), seed=3, work=1.0, draws=12,
                                      block=3) for _ in range(2)]  # fmt: skip
    (a, obj, end), (b, obj_b, _end) = runs
    assert end in {"patience", "work", "draws"} and obj <= start_obj
    assert (a, obj) == (b, obj_b)
    assert solver.fixed_objective(ctx, a)[0] == obj  # the model accepts it as it is


def test_a_large_period_stopped_by_the_gap_is_the_same_on_every_run(monkeypatch) -> None:
    # every date "large": a plan lane and a bound lane of fixed deterministic work each; a run
    # that ends by the gap target right after them does not depend on the clock
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)
    tt, o = small_demo("order-three-classes.yaml")
    options = SolveOptions(workers=2, time_limit=20, gap_target=0.5)
    runs = [check(solve_remote(tt, o, options)) for _ in range(2)]
    assert [r.stats.stop_reason for r in runs] == [STOP_GAP, STOP_GAP]
    assert all(r.stats.deterministic for r in runs)
    a, b = (r.schedule.to_json()["items"] for r in runs)
    assert a == b


@pytest.mark.parametrize("days", [0, 4], ids=["one date", "week"])
def test_a_whole_school_stopped_before_the_time_limit_is_the_same_on_every_run(
    monkeypatch, days
) -> None:
    # the whole small school for one date (a single model searched by two workers) and for a
    # week (dates, then the whole period with two workers), every model "large" (not closed to
    # its optimum), a short stall window: a stop by the optimum, the gap or the stall window
    # gives the same plan on every run; otherwise the run ended by the time limit
    monkeypatch.setattr(solver, "SMALL_DAY_UNITS", 0)
    tt = build_demo_school("small", 1)
    doc = dict(demo_orders(tt)["order-whole-school.yaml"])
    doc["to"] = (date.fromisoformat(doc["from"]) + timedelta(days=days)).isoformat()
    o = parse_order(doc, tt, "order.yaml")
    options = SolveOptions(workers=2, time_limit=8, stall=0.5, gap_target=0.15 if days else 0.01)
    runs = [check(solve_remote(tt, o, options)) for _ in range(2)]
    for r in runs:
        if r.stats.stop_reason in (STOP_OPTIMAL, STOP_GAP, STOP_STALL):
            assert r.stats.deterministic
        else:
            assert r.stats.stop_reason == STOP_TIME_LIMIT and not r.stats.deterministic
    if days == 0:  # one date of 48 units: two workers prove it long before the limit
        assert [r.stats.stop_reason for r in runs] == [STOP_OPTIMAL, STOP_OPTIMAL]
    if all(r.stats.deterministic for r in runs):
        a, b = (r.schedule.to_json()["items"] for r in runs)
        assert a == b
