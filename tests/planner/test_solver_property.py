"""Property test: on small random schools and orders every solver output — and the naive
baseline — passes the independent checker."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constraints.checker import check_schedule
from constraints.limits import Limits
from constraints.problem import build_problem
from planner.domain.solving import SolveOptions
from planner.engine.naive import greedy_plan, naive_plan
from planner.engine.rebuild import assemble_schedule, load_catalogue, solve_remote
from tests.constraints.school import MONDAY, order, random_school


@st.composite
def cases(draw: st.DrawFn):
    grades = tuple(sorted(draw(st.sets(st.integers(1, 11), min_size=2, max_size=3))))
    tt = random_school(parallels=1, seed=draw(st.integers(1, 10_000)), grades=grades,
                       teachers_per_subject_classes=3)  # fmt: skip
    names = sorted(tt.classes)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    start = MONDAY + timedelta(days=draw(st.integers(0, 3)))
    o = order(
        tuple(sorted(chosen)),
        start,
        start + timedelta(days=draw(st.integers(0, 1))),
        device=draw(st.sampled_from(["pc", "laptop", "tablet"])),
        screen_policy=draw(st.sampled_from(["home", "school"])),
        stagger_starts=draw(st.booleans()),
    )
    return tt, o


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_solver_output_passes_checker(case) -> None:
    tt, o = case
    r = solve_remote(tt, o, SolveOptions(time_limit=3.0, workers=1, seed=1))
    assert [v.message for v in r.report.violations] == []
    quarantined = set(o.classes)
    days = o.dates(tt.school.school_days)
    expected = sum(
        1
        for d in days
        for x in tt.lessons
        if x.day == d.isoweekday()
        for c in x.classes
        if c in quarantined
    )
    got = sum(1 for i in r.schedule.lessons() if i.class_name in quarantined)
    assert got == expected
    assert long_screen_stretches(r) == []


def long_screen_stretches(r) -> list[str]:
    """Online lessons with a continuous screen stretch over the grade's limit."""
    limits = r.problem.limits
    out = []
    for it in r.schedule.lessons():
        if it.format != "online":
            continue
        cmax = limits.continuous_max(r.problem.timetable.grade_of(it.class_name)).value
        pauses = sorted(
            (i.start_min, i.end_min)
            for i in r.schedule.of_class(it.class_name, it.date)
            if i.kind in ("eye_gymnastics", "physical_break")
            and it.start_min <= i.start_min < it.end_min
        )
        edges = [it.start_min, *(m for p in pauses for m in p), it.end_min]
        stretches = [b - a for a, b in zip(edges[::2], edges[1::2], strict=True)]
        if max(stretches) > cmax or len(pauses) < 2:
            out.append(f"{it.class_name} {it.date} {it.subject}: {stretches}")
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_naive_and_greedy_plans_pass_checker(case) -> None:
    tt, o = case
    cat = load_catalogue(o)
    problem = build_problem(tt, o, Limits(cat, o))
    for plan in (naive_plan(problem), greedy_plan(problem)):
        schedule = assemble_schedule(problem, plan, cat)
        assert [v.message for v in check_schedule(schedule, tt, o, cat).violations] == []


def test_random_school_is_clash_free() -> None:
    from planner.engine.clashes import find_clashes

    tt = random_school(parallels=2, seed=7)
    assert find_clashes(tt.lessons, "random") == []
    assert date(2026, 11, 30).isoweekday() == 1
