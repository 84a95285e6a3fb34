"""The class-day rules: one predicate each; the hand plan and the checker agree through them."""

from __future__ import annotations

import random
from collections.abc import Iterator

from constraints.base import CheckView
from constraints.catalogue import NormCatalogue
from constraints.class_day import ClassDay
from constraints.limits import Limits
from constraints.problem import build_problem
from constraints.rules import DAY_RULES, RULES_BY_ID, day_problems
from planner.domain.model import clock
from planner.domain.schedule import Schedule, ScheduleItem
from planner.engine.naive import day_feasible
from tests.constraints.school import MONDAY, L, order, school

CLASSES = {"1А": 1, "3А": 3, "5А": 5, "10А": 10}
TT = school(*(L(1, 1, c, "Математика", f"Учитель {c}") for c in CLASSES))
ORDER = order(tuple(CLASSES))
LIMITS = Limits(NormCatalogue.load(on=MONDAY, overrides=ORDER.overrides), ORDER)
PROBLEM = build_problem(TT, ORDER, LIMITS)


def generated_days(n: int = 400, seed: int = 13) -> Iterator[ClassDay]:
    """Seeded class-days around the norms: 0–8 online lessons from 07:30, lengths 15–45 min,
    breaks 0–120 min (no overlaps: those are the class-overlap rule's business)."""
    rng = random.Random(seed)
    for _ in range(n):
        c = rng.choice(list(CLASSES))
        t = rng.choice([450, 480, 500, 540])
        spans = []
        for _k in range(rng.randint(0, 8)):
            length = rng.choice([15, 20, 25, 30, 35, 40, 45])
            spans.append((t, t + length))
            t += length + rng.choice([0, 5, 10, 15, 20, 25, 40, 45, 120])
        yield ClassDay.of(c, CLASSES[c], MONDAY, spans)


def checker_finds(day: ClassDay) -> set[str]:
    """The class-day rules the independent checker reports for this day as a schedule."""
    items = tuple(
        ScheduleItem(
            date=MONDAY, class_name=day.class_name, kind="lesson", format="online",
            subject=f"Предмет {k}", teacher=f"Учитель {day.class_name}", start=clock(s),
            end=clock(e), screen_minutes=e - s, classes=(day.class_name,),
        )
        for k, (s, e) in enumerate(day.spans)
    )  # fmt: skip
    schedule = Schedule(TT.school.name, TT.school.timezone, "", ORDER.summary(), items, {})
    view = CheckView.build(schedule, TT, ORDER, LIMITS)
    return {v.rule for rule in DAY_RULES if rule.check for v in rule.check(view)}


def test_hand_plan_and_checker_agree_on_generated_class_days() -> None:
    seen: set[str] = set()
    legal = 0
    for day in generated_days():
        broken = set(day_problems(day, LIMITS))
        assert checker_finds(day) == broken, day
        assert day_feasible(PROBLEM, day.class_name, day.date, list(day.spans)) == (not broken)
        seen |= broken
        legal += not broken
    # the generated set exercises every class-day rule, and legal days too
    assert seen == {r.id for r in DAY_RULES}
    assert legal >= 20


def test_every_class_day_rule_has_builder_checker_and_predicate() -> None:
    assert [r.id for r in DAY_RULES] == [
        "day_window",
        "online_lesson_length",
        "daily_screen_time",
        "lessons_per_day",
        "breaks_min",
        "big_break",
        "dynamic_pause",
    ]
    assert all(r.build and r.check and r.holds for r in DAY_RULES)


def test_dynamic_pause_grades_come_from_the_norm_file() -> None:
    # three lessons with 10-minute breaks: a pause is owed to grade 1 only, per the norm file
    spans = [(540, 560), (570, 590), (600, 620)]
    assert day_problems(ClassDay.of("1А", 1, MONDAY, spans), LIMITS) == ["dynamic_pause"]
    assert day_problems(ClassDay.of("3А", 3, MONDAY, spans), LIMITS) == []
    local = order(("1А", "3А"), overrides={"break.dynamic_pause_grades": [1, 3]})
    wider = Limits(NormCatalogue.load(on=MONDAY, overrides=local.overrides), local)
    assert day_problems(ClassDay.of("3А", 3, MONDAY, spans), wider) == ["dynamic_pause"]


def test_rule_titles_show_the_values_in_force() -> None:
    breaks = RULES_BY_ID["breaks_min"]
    assert breaks.title_ru(LIMITS) == "Перемена между онлайн-уроками не меньше 10 мин"
    local = order(("5А",), overrides={"break.min_minutes": 15})
    overridden = Limits(NormCatalogue.load(on=MONDAY, overrides=local.overrides), local)
    assert breaks.title_ru(overridden) == "Перемена между онлайн-уроками не меньше 15 мин"
    assert RULES_BY_ID["dynamic_pause"].title_ru(LIMITS) == (
        "Динамическая пауза не меньше 40 мин в середине дня; кому положена: 1 кл."
    )
    for rule in RULES_BY_ID.values():  # titles name keys, never numbers of a norm
        assert set(rule.title_keys()) <= set(rule.keys), rule.id
        assert not any(ch.isdigit() for ch in _without_keys(rule.title)) or rule.id == (
            "weekly_contact"  # «от 2 ч в неделю»: the planner's threshold, not a norm value
        ), rule.id
        assert set(rule.keys) <= set(LIMITS.cat.keys()), rule.id


def _without_keys(title: str) -> str:
    import re

    return re.sub(r"\{[^}]*\}", "", title)
