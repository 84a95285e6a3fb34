"""Daily screen time: a class's online minutes per day stay within the ЭСО daily total of
СанПиН 1.2.3685-21 табл. 6.8 (device, grade band, home or school column) minus the homework
reserve. Parallel subgroups count once per slot, with the longer subgroup lesson."""

from __future__ import annotations

from datetime import date

from constraints.base import CheckView, ModelContext, Violation, fmt_date
from constraints.class_day import ClassDay
from constraints.day_window import norms_guard
from constraints.limits import Limits


def daily_screen_time_holds(day: ClassDay, limits: Limits) -> bool:
    """The class-day's screen minutes add up to at most the daily cap."""
    return sum(day.screen) <= limits.daily_cap(day.grade).value


def build_daily_screen_time(ctx: ModelContext) -> None:
    """The online minutes of a class-day sum to at most the daily cap."""
    tt = ctx.problem.timetable
    for (c, d), ids in ctx.problem.class_days.items():
        if not ids:
            continue
        cap = ctx.limits.daily_cap(tt.grade_of(c)).value
        g = ctx.guard(*norms_guard(c, d))
        ctx.model.add(sum(ctx.vars[i].dur for i in ids) <= cap).only_enforce_if(g)


def day_screen_minutes(view: CheckView, c: str, d: date) -> int:
    """The screen minutes of a class-day in a finished schedule."""
    return sum(view.class_day(c, d).screen)


def check_daily_screen_time(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        g = view.grade(c)
        cap = view.limits.daily_cap(g)
        day = view.class_day(c, d)
        if not daily_screen_time_holds(day, view.limits):
            total = sum(day.screen)
            reserve = view.limits.homework_reserve
            extra = f", с учётом резерва на домашнее задание {reserve} мин" if reserve else ""
            out.append(
                Violation(
                    "daily_screen_time",
                    f"{c}, {fmt_date(d)}: экранное время {total} мин при норме {cap.value} "
                    f"({view.limits.cap_describe(g)}{extra})",
                    cap.citation,
                    c,
                    d,
                )
            )
    return out
