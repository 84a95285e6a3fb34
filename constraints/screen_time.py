"""Daily screen time: a class's online minutes per day stay within the ЭСО daily total of
СанПиН 1.2.3685-21 табл. 6.8 (device, grade band, home or school column) minus the homework
reserve. Parallel subgroups count once per slot, with the longer subgroup lesson."""

from __future__ import annotations

from constraints.base import CheckView, ModelContext, Violation, fmt_date
from constraints.day_window import norms_guard


def build_daily_screen_time(ctx: ModelContext) -> None:
    """The online minutes of a class-day sum to at most the daily cap."""
    tt = ctx.problem.timetable
    for (c, d), ids in ctx.problem.class_days.items():
        if not ids:
            continue
        cap = ctx.limits.daily_cap(tt.grade_of(c)).value
        g = ctx.guard(*norms_guard(c, d))
        ctx.model.add(sum(ctx.vars[i].dur for i in ids) <= cap).only_enforce_if(g)


def day_screen_minutes(view: CheckView, c: str, d: object) -> int:
    total = 0
    for _s, _e, members in view.online_slots(c, d):  # type: ignore[arg-type]
        total += max(
            (
                m.screen_minutes
                if m.screen_minutes is not None
                else (m.end_min or 0) - (m.start_min or 0)
            )
            for m in members
        )
    return total


def check_daily_screen_time(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        g = view.grade(c)
        cap = view.limits.daily_cap(g)
        total = day_screen_minutes(view, c, d)
        if total > cap.value:
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
