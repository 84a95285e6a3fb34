"""The CP-SAT rebuild on small hand-built schools: outputs pass the checker, soft rules move the
solution in the expected direction, minimums can make an order infeasible."""

from __future__ import annotations

import threading
from datetime import date

import pytest

import planner.engine.solver as solver
from constraints.catalogue import NormCatalogue
from constraints.checker import check_schedule
from constraints.weights import Weights
from planner.domain.errors import InfeasibleOrder
from planner.domain.model import BaseLesson
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import ScheduleItem
from planner.domain.solving import SolveOptions, SolveProgress
from planner.engine.rebuild import RebuildResult, solve_remote
from tests.constraints.school import MONDAY, L, order, school, small_school

TUESDAY = date(2026, 12, 1)


OPTIONS = ("time_limit", "workers", "seed", "deterministic", "progress", "stop", "gap_target",
           "stall")  # fmt: skip


def solve(tt, o: QuarantineOrder, **kw) -> RebuildResult:
    """Solve to the proven optimum (no gap target, no stall window): the soft rules' effects."""
    options = {"time_limit": 10.0, "workers": 1, "gap_target": 0.0, "stall": 0}
    options |= {k: kw.pop(k) for k in OPTIONS if k in kw}
    result = solve_remote(tt, o, SolveOptions(**options), **kw)
    assert [v.message for v in result.report.violations] == []
    return result


def online_of(result: RebuildResult, cls: str, d: date = MONDAY) -> list[ScheduleItem]:
    return sorted(
        (
            i
            for i in result.schedule.of_class(cls, d)
            if i.kind == "lesson" and i.format == "online"
        ),
        key=lambda i: i.start_min or 0,
    )


def subjects(items: list[ScheduleItem]) -> list[str]:
    return [i.subject or "" for i in items]


def hm(i: ScheduleItem) -> str:
    return f"{i.start.hour:02d}:{i.start.minute:02d}" if i.start else "-"


# -- the whole pipeline on a small school -------------------------------------------------------


def test_small_school_fills_caps_and_passes_checker() -> None:
    r = solve(small_school(), order(("1А", "5А", "7Б")))
    assert r.stats.status == "OPTIMAL"
    figures = {(d.class_name, d.online_minutes, d.cap) for d in r.report.days}
    # 7Б's Алгебра teacher is in 9В in person from 08:30. Moving it to 08:00 and shortening it
    # to 25 minutes (the switch buffer) would leave 7Б 115 minutes, behind the hand plan's 320
    # minutes of the date (it fills 7Б's cap), so Алгебра moves after her lesson instead
    assert figures == {("1А", 80, 80), ("5А", 120, 120), ("7Б", 120, 120)}
    assert r.stats.online_minutes >= r.stats.hand_online_minutes == 320
    algebra = online_of(r, "7Б")[0]
    assert (algebra.subject, hm(algebra), algebra.screen_minutes) == ("Алгебра", "09:20", 30)
    # every class of the school is in the schedule; 9В keeps its in-person day
    assert r.schedule.class_names() == ["1А", "5А", "7Б", "9В"]
    assert {i.format for i in r.schedule.of_class("9В") if i.kind == "lesson"} == {"in_person"}
    # nothing lost: one lesson item per base lesson of each quarantined class
    assert len([i for i in r.schedule.of_class("7Б") if i.kind == "lesson"]) == 7


def test_online_lessons_keep_base_order_and_length_limits() -> None:
    r = solve(small_school(), order(("1А", "5А", "7Б")))
    for cls, lengths in (("1А", {20}), ("5А", {30}), ("7Б", {30})):
        items = online_of(r, cls)
        assert [i.base.lesson for i in items] == sorted(i.base.lesson for i in items)
        assert {i.screen_minutes for i in items} == lengths


def test_health_timeline_splits_screen_stretches() -> None:
    r = solve(small_school(), order(("5А",)))
    lesson = online_of(r, "5А")[0]
    inside = [
        i
        for i in r.schedule.of_class("5А")
        if i.kind in ("eye_gymnastics", "physical_break")
        and lesson.start_min <= i.start_min < lesson.end_min
    ]
    assert [i.kind for i in inside] == ["eye_gymnastics", "physical_break"]
    # 30 minutes with two 2-minute breaks: stretches of 9, 9 and 8 minutes (≤ 15 for grade 5)
    edges = [lesson.start_min] + [m for i in inside for m in (i.start_min, i.end_min)]
    edges.append(lesson.end_min)
    stretches = [b - a for a, b in zip(edges[::2], edges[1::2], strict=True)]
    assert stretches == [9, 9, 8]
    assert inside[0].rule == (
        "health.eye_gymnastics: гимнастика для глаз 2 мин (МР 2.4.0330-23, текст не проверен); "
        "непрерывно у экрана не больше 15 мин (СП 2.4.3648-20, п. 2.10.2)"
    )


def test_same_seed_same_schedule_at_optimum_with_two_workers() -> None:
    tt, o = small_school(), order(("1А", "5А", "7Б"))
    a = solve(tt, o, workers=2, seed=3)
    b = solve(tt, o, workers=2, seed=3)
    assert a.stats.status == b.stats.status == "OPTIMAL"
    assert a.stats.deterministic is True
    assert a.schedule.items == b.schedule.items


def test_stop_event_returns_best_plan_so_far() -> None:
    stop = threading.Event()
    seen: list[SolveProgress] = []

    def progress(p: SolveProgress) -> None:
        seen.append(p)
        stop.set()

    r = solve(small_school(), order(("1А", "5А", "7Б")), progress=progress, stop=stop)
    assert r.stats.stopped is True
    assert r.stats.status in ("FEASIBLE", "OPTIMAL")
    # the first report is the starting plan (complete hint), before the search's own plans
    assert (seen[0].solutions, seen[0].elapsed) == (0, 0.0)


def test_stop_before_a_multi_day_solve_returns_the_start_plan() -> None:
    stop = threading.Event()
    stop.set()
    tt, o = music_week()
    r = solve(tt, o, stop=stop)
    assert (r.stats.stopped, r.stats.status) == (True, "FEASIBLE")
    assert r.stats.online_minutes == 240  # four 30-minute lessons on each of the two days


def test_a_date_without_a_plan_in_its_time_goes_on_from_the_start_plan(monkeypatch) -> None:
    real = solver.solve_model
    calls: list[int] = []

    def first_date_times_out(ctx, options, **kw):
        calls.append(1)
        if len(calls) == 1:  # the first date's model: no plan within its share of the time
            _a, st = real(ctx, options, **kw)
            return None, st
        return real(ctx, options, **kw)

    monkeypatch.setattr(solver, "solve_model", first_date_times_out)
    tt, o = music_week()
    r = solve(tt, o)  # legal (the checker runs in solve()): the period search from the start
    assert r.stats.status == "OPTIMAL"
    assert r.stats.online_minutes == 240
    assert r.stats.phases == "по дням (2) + весь период"


def test_previous_plan_is_reproduced() -> None:
    tt, o = small_school(), order(("1А", "5А", "7Б"))
    first = solve(tt, o)
    again = solve(tt, o, previous=first.schedule)
    assert [i for i in again.schedule.items] == [i for i in first.schedule.items]
    stab = {p.rule: p.amount for p in again.stats.penalties}
    assert stab["stability"] == 0


# -- combined lessons, subgroups, blocked lessons ------------------------------------------------


def test_combined_lesson_is_one_call_for_both_classes() -> None:
    tt = school(
        L(1, 1, "10А,10Б", "Алгебра", "Иванова"),
        L(1, 2, "10А", "Физика", "Ершов"),
        L(1, 2, "10Б", "Химия", "Гусева"),
    )
    r = solve(tt, order(("10А", "10Б")))
    a, b = online_of(r, "10А")[0], online_of(r, "10Б")[0]
    assert (a.subject, a.start, a.end, a.classes) == ("Алгебра", b.start, b.end, ("10А", "10Б"))
    assert r.schedule.of_teacher("Иванова") == [a]


def test_parallel_subgroups_share_one_slot_and_count_once() -> None:
    tt = school(
        L(1, 1, "6А", "Английский язык", "Зайцева", group="англ-1"),
        L(1, 1, "6А", "Английский язык", "Кларк", group="англ-2"),
        L(1, 2, "6А", "Математика", "Смирнова"),
    )
    r = solve(tt, order(("6А",)))
    eng = [i for i in online_of(r, "6А") if i.subject == "Английский язык"]
    assert [(i.group, hm(i), i.screen_minutes) for i in eng] == [
        ("англ-1", "08:30", 30),
        ("англ-2", "08:30", 30),
    ]
    assert r.report.days[0].online_minutes == 60


def test_lesson_shared_with_in_person_class_becomes_self_study() -> None:
    tt = school(L(1, 1, "5А,5Б", "Музыка", "Белова"), L(1, 2, "5А", "Математика", "Смирнова"))
    r = solve(tt, order(("5А",)))
    music = next(i for i in r.schedule.of_class("5А") if i.subject == "Музыка")
    assert (music.format, music.teacher) == ("self_study", "Белова")
    assert music.note == (
        "Самостоятельная работа: урок общий с классами 5Б, которые учатся очно; учитель ведёт "
        "его в классе."
    )


def test_teacher_online_lesson_moves_around_in_person_duty() -> None:
    # Петрова teaches 9В in person at 09:25–10:10; 7Б's Русский язык online was at 09:25 too.
    tt = school(
        L(1, 1, "7Б", "Алгебра", "Иванова"),
        L(1, 3, "7Б", "Русский язык", "Петрова"),
        L(1, 2, "9В", "Литература", "Петрова"),
    )
    r = solve(tt, order(("7Б",)))
    rus = next(i for i in online_of(r, "7Б") if i.subject == "Русский язык")
    assert hm(rus) == "10:30"  # its own base start; the in-person lesson ends 10:10 + 5 buffer


def test_second_shift_lesson_moves_before_online_end() -> None:
    late = (("17:00", "17:45"), ("17:55", "18:40"))
    tt = school(
        L(1, 1, "8А", "Физика", "Ершов", bells=late),
        L(1, 2, "8А", "Алгебра", "Иванова", bells=late),
    )
    r = solve(tt, order(("8А",)))
    assert [(i.subject, hm(i), i.screen_minutes) for i in online_of(r, "8А")] == [
        ("Физика", "16:50", 30),
        ("Алгебра", "17:30", 30),
    ]


# -- soft rules move the solution ----------------------------------------------------------------


def test_online_coverage_weight_zero_still_keeps_the_hand_plans_minutes() -> None:
    tt, o = small_school(), order(("5А",))
    assert solve(tt, o).stats.online_minutes == 120
    # no reward for online minutes at all: the floor of the hand plan still holds
    r = solve(tt, o, weights=Weights(online_coverage=0))
    assert r.stats.online_minutes == r.stats.hand_online_minutes == 120


WEEK = ["Математика", "Русский язык", "Литература", "История", "Музыка"]


def music_week() -> tuple:
    lessons: list[BaseLesson] = []
    teachers = ["Смирнова", "Петрова", "Петрова", "Сидоров", "Белова"]
    for day in (1, 2):
        for n, (s, tch) in enumerate(zip(WEEK, teachers, strict=True), start=1):
            lessons.append(L(day, n, "5А", s, tch))
    return school(*lessons), order(("5А",), MONDAY, TUESDAY)


def count_music(r: RebuildResult) -> int:
    return sum(1 for d in (MONDAY, TUESDAY) for i in online_of(r, "5А", d) if i.subject == "Музыка")


def test_weekly_contact_gives_music_one_online_lesson() -> None:
    tt, o = music_week()
    assert count_music(solve(tt, o)) == 1
    assert count_music(solve(tt, o, weights=Weights(weekly_contact=0))) == 0


def test_minimal_change_weight_beats_sibling_overlap() -> None:
    tt = school(
        *(L(1, n, "5А", s, "Т" + s) for n, s in enumerate(WEEK[:2], start=1)),
        *(L(1, n, "5Б", s, "У" + s) for n, s in enumerate(WEEK[:2], start=1)),
    )
    o = order(("5А", "5Б"), sibling_classes=(("5А", "5Б"),))

    def starts(r: RebuildResult) -> list[str]:
        return [hm(i) for c in ("5А", "5Б") for i in online_of(r, c)]

    # default: siblings do not share the computer, so one class moves
    default = solve(tt, o)
    assert {p.rule: p.amount for p in default.stats.penalties}["sibling_overlap"] == 0
    assert starts(default) != ["08:30", "09:25", "08:30", "09:25"]
    # a heavy minimal-change weight keeps both classes at their base starts
    heavy = solve(tt, o, weights=Weights(minimal_change=1000))
    assert starts(heavy) == ["08:30", "09:25", "08:30", "09:25"]
    # and with no sibling weight the base starts are kept as well
    assert starts(solve(tt, o, weights=Weights(sibling_overlap=0))) == starts(heavy)


def test_sibling_overlap_pays_each_overlapping_pair_once() -> None:
    tt = school(
        *(L(1, n, "5А", s, "Т" + s) for n, s in enumerate(WEEK[:4], start=1)),
        *(L(1, n, "5Б", s, "У" + s) for n, s in enumerate(WEEK[:4], start=1)),
    )
    o = order(("5А", "5Б"), sibling_classes=(("5А", "5Б"),))

    def overlapping(r: RebuildResult) -> list[int]:
        a, b = online_of(r, "5А"), online_of(r, "5Б")
        return [
            min(x.end_min - x.start_min, y.end_min - y.start_min)
            for x in a
            for y in b
            if x.start_min < y.end_min and y.start_min < x.end_min
        ]

    def paid(r: RebuildResult) -> int:
        return {p.rule: p.amount for p in r.stats.penalties}["sibling_overlap"]

    # default: the classes move apart (the summed shift rows do not cut off the plan)
    default = solve(tt, o)
    assert overlapping(default) == [] and paid(default) == 0
    # kept at the base starts: every overlapping pair pays its minutes, nothing else pays
    heavy = solve(tt, o, weights=Weights(minimal_change=1000))
    assert len(overlapping(heavy)) == 4
    assert paid(heavy) == sum(overlapping(heavy))


def test_stagger_starts_separates_parallel_classes() -> None:
    tt = school(
        L(1, 1, "6А", "Математика", "Смирнова"),
        L(1, 1, "6Б", "Математика", "Иванова"),
    )
    o = order(("6А", "6Б"), stagger_starts=True)
    r = solve(tt, o)
    assert hm(online_of(r, "6А")[0]) != hm(online_of(r, "6Б")[0])
    flat = solve(tt, o, weights=Weights(stagger_starts=0))
    assert hm(online_of(flat, "6А")[0]) == hm(online_of(flat, "6Б")[0]) == "08:30"


def test_difficulty_prefers_hard_subject_on_good_position() -> None:
    # cap 120 = four 30-minute lessons of five; Физика (hard, lesson 1) and История (lesson 5)
    # have the same priority, so difficulty decides which one goes to self-study
    tt = school(
        L(1, 1, "7А", "Физика", "Ершов"),
        L(1, 2, "7А", "Алгебра", "Иванова"),
        L(1, 3, "7А", "Русский язык", "Петрова"),
        L(1, 4, "7А", "Геометрия", "Иванова"),
        L(1, 5, "7А", "История", "Сидоров"),
    )
    o = order(("7А",))
    assert "Физика" not in subjects(online_of(solve(tt, o), "7А"))
    assert "История" not in subjects(online_of(solve(tt, o, weights=Weights(difficulty=0)), "7А"))


def test_teacher_gaps_keep_teacher_day_compact() -> None:
    # cap 120 = four of five 30-minute lessons; География (Орлова) has the lowest priority, but
    # dropping it leaves Орлова idle from 10:10 to 11:35 between her in-person lessons in 9В
    tt = school(
        L(1, 1, "5А", "История", "Сидоров"),
        L(1, 2, "5А", "Биология", "Волков"),
        L(1, 3, "5А", "География", "Орлова"),
        L(1, 4, "5А", "Обществознание", "Сидорова"),
        L(1, 5, "5А", "Информатика", "Ершов"),
        L(1, 2, "9В", "География", "Орлова"),
        L(1, 4, "9В", "География", "Орлова"),
    )
    o = order(("5А",))
    assert "География" in subjects(online_of(solve(tt, o), "5А"))
    no_gaps = solve(tt, o, weights=Weights(teacher_gaps=0))
    assert "География" not in subjects(online_of(no_gaps, "5А"))


def test_stability_keeps_previous_format() -> None:
    tt, o = music_week()
    first = solve(tt, o)
    # publish a version where Monday's Музыка was online and Tuesday's self-study … then re-plan
    flip = solve(tt, o, previous=first.schedule, weights=Weights(weekly_contact=0))
    assert count_music(flip) == 1  # stays as published although contact no longer asks for it
    free = solve(tt, o, weights=Weights(weekly_contact=0))
    assert count_music(free) == 0


# -- the order cannot be met ----------------------------------------------------------------------


def squeezed_teacher() -> tuple:
    """Иванова teaches 9В/10В/11В in person all day except one 35-minute window (09:40–10:15
    with the switch buffer); her two quarantined lessons (5А at 09:40, 6А at 17:50, after the
    online end of 18:00) cannot both be online: the window holds one lesson of ≥ 20 minutes."""

    def at(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    slots = [("08:00", "08:45"), ("08:50", "09:35")]
    m = 10 * 60 + 20
    while m + 45 <= 17 * 60 + 45:
        slots.append((at(m), at(m + 45)))
        m += 50
    lessons = [
        L(1, n, ("9В", "10В", "11В")[n % 3], "Алгебра", "Иванова", bells=(slot,) * n)
        for n, slot in enumerate(slots, start=1)
    ]
    lessons.append(L(1, 1, "5А", "Математика", "Иванова", bells=(("09:40", "10:15"),)))
    lessons.append(L(1, 1, "6А", "Математика", "Иванова", bells=(("17:50", "18:35"),)))
    return school(*lessons)


def test_infeasible_order_names_the_conflict() -> None:
    tt = squeezed_teacher()
    o = order(("5А", "6А"), must_online=[("5А", "Математика"), ("6А", "Математика")])
    with pytest.raises(InfeasibleOrder) as exc:
        solve_remote(tt, o, SolveOptions(time_limit=10, workers=1))
    err = exc.value
    assert err.conflicts == [
        "must_online:0",
        "must_online:1",
        "norms:5А:2026-11-30",
        "norms:6А:2026-11-30",
        "teacher:Иванова:2026-11-30",
    ]
    assert err.explanation == (
        "Приказ нельзя выполнить: эти требования противоречат друг другу —\n"
        "  • обязательный онлайн-урок по приказу: 5А «Математика»\n"
        "  • обязательный онлайн-урок по приказу: 6А «Математика»\n"
        "  • нормы СанПиН для 5А на 30.11 (окно дня, длина урока, экранное время, перемены)\n"
        "  • нормы СанПиН для 6А на 30.11 (окно дня, длина урока, экранное время, перемены)\n"
        "  • очные уроки учителя Иванова 30.11 (08:00–08:45, 08:50–09:35, 10:20–11:05, "
        "11:10–11:55, 12:00–12:45, 12:50–13:35, 13:40–14:25, 14:30–15:15, 15:20–16:05, "
        "16:10–16:55, 17:00–17:45)\n"
        "Что сделать (достаточно одного):\n"
        "  • уберите «5А «Математика»» из обязательных онлайн-уроков приказа или разрешите по "
        "нему самостоятельную работу\n"
        "  • уберите «6А «Математика»» из обязательных онлайн-уроков приказа или разрешите по "
        "нему самостоятельную работу\n"
        "  • разрешите самостоятельную работу по части уроков 5А 30.11 или измените норму "
        "локальным актом («Значения локального акта» в приказе)\n"
        "  • разрешите самостоятельную работу по части уроков 6А 30.11 или измените норму "
        "локальным актом («Значения локального акта» в приказе)\n"
        "  • найдите замену учителю Иванова на часть очных уроков 30.11"
    )


def test_feasible_when_one_must_online_is_dropped() -> None:
    tt = squeezed_teacher()
    o = order(("5А", "6А"), must_online=[("6А", "Математика")])
    r = solve(tt, o)
    assert [i.subject for i in online_of(r, "6А")] == ["Математика"]


def test_min_online_per_day_is_met() -> None:
    r = solve(small_school(), order(("7Б",), min_online_per_day=2, screen_policy="school"))
    assert [(d.lessons_online, d.online_minutes) for d in r.report.days] == [(2, 60)]


def test_a_cancelled_explanation_still_names_a_true_conflict() -> None:
    from constraints.limits import Limits
    from constraints.problem import build_problem
    from planner.engine.rebuild import load_catalogue
    from planner.engine.solver import explain_infeasible

    tt = squeezed_teacher()
    o = order(("5А", "6А"), must_online=[("5А", "Математика"), ("6А", "Математика")])
    problem = build_problem(tt, o, Limits(load_catalogue(o), o))
    stop = threading.Event()
    stop.set()
    explanation = explain_infeasible(problem, stop=stop)
    # presolve proves this one before the stop is seen; shrinking stops at once, and what is
    # returned is still a conflict (here already the smallest)
    assert explanation.conflicts == [
        "must_online:0",
        "must_online:1",
        "norms:5А:2026-11-30",
        "norms:6А:2026-11-30",
        "teacher:Иванова:2026-11-30",
    ]


def test_min_online_per_day_above_school_cap_is_infeasible() -> None:
    o = order(("7Б",), min_online_per_day=4, screen_policy="school")
    with pytest.raises(InfeasibleOrder) as exc:
        solve_remote(small_school(), o, SolveOptions(time_limit=10, workers=1))
    assert exc.value.explanation == (
        "Приказ нельзя выполнить: эти требования противоречат друг другу —\n"
        "  • минимум 4 онлайн-урока в день по приказу для 7Б на 30.11\n"
        "  • нормы СанПиН для 7Б на 30.11 (окно дня, длина урока, экранное время, перемены)\n"
        "Что сделать (достаточно одного):\n"
        "  • уменьшите «Минимум онлайн-уроков в день» в приказе (сейчас 4)\n"
        "  • разрешите самостоятельную работу по части уроков 7Б 30.11 или измените норму "
        "локальным актом («Значения локального акта» в приказе)"
    )
    assert exc.value.conflicts == ["min_online:7Б:2026-11-30", "norms:7Б:2026-11-30"]


def test_catalogue_override_changes_online_end() -> None:
    late = (("15:00", "15:45"), ("15:55", "16:40"), ("16:50", "17:35"))
    tt = school(*(L(1, n, "8А", s, "Т" + s, bells=late)
                  for n, s in enumerate(["Физика", "Алгебра", "Химия"], start=1)))  # fmt: skip
    o = order(("8А",), overrides={"day.online_end_not_after": "16:00"})
    r = solve(tt, o, catalogue=NormCatalogue.load(on=MONDAY, overrides=o.overrides))
    assert max(i.end_min for i in online_of(r, "8А")) <= 16 * 60
    cat = NormCatalogue.load(on=MONDAY, overrides=o.overrides)
    assert check_schedule(r.schedule, tt, o, cat).ok
    assert any("Приказ № 1 от 27.11.2026" in w for w in r.report.warnings)


def test_must_online_for_lesson_shared_with_in_person_class_is_explained() -> None:
    tt = school(L(1, 1, "5А,5Б", "Музыка", "Белова"), L(1, 2, "5А", "Математика", "Смирнова"))
    o = order(("5А",), must_online=[("5А", "Музыка")])
    with pytest.raises(InfeasibleOrder) as exc:
        solve_remote(tt, o, SolveOptions(time_limit=5, workers=1))
    assert exc.value.conflicts == ["must_online:0", "blocked:0"]
    assert exc.value.explanation.splitlines()[1:3] == [
        "  • обязательный онлайн-урок по приказу: 5А «Музыка»",
        "  • урок 5А «Музыка» 30.11: урок общий с классами 5Б, которые учатся очно; учитель "
        "ведёт его в классе",
    ]
