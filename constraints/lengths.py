"""Online lesson length: its screen minutes stay within the ЭСО per-lesson limit (табл. 6.8),
the distance-lesson limit of 40 minutes (СП 2.4.3648-20 п. 3.5.2) and the grade's lesson length
(табл. 6.6: 35 minutes for grade 1 in September–December)."""

from __future__ import annotations

from constraints.base import CheckView, ModelContext, Violation, fmt_date, item_where
from constraints.class_day import ClassDay
from constraints.day_window import norms_guard
from constraints.limits import Limits


def online_lesson_length_holds(day: ClassDay, limits: Limits) -> bool:
    """No online lesson of the class-day has more screen minutes than its per-lesson limit."""
    cap = limits.per_lesson(day.grade, day.date).value
    return all(m <= cap for m in day.screen)


def build_online_lesson_length(ctx: ModelContext) -> None:
    """An online lesson is no longer than the tightest per-lesson norm of its classes."""
    for u in ctx.problem.units:
        v = ctx.vars[u.id]
        cap = min(ctx.limits.per_lesson(ctx.problem.timetable.grade_of(c), u.date).value
                  for c in u.classes)  # fmt: skip
        g = ctx.guard(*norms_guard(u.classes[0], u.date))
        ctx.model.add(v.dur <= cap).only_enforce_if(g)


def check_online_lesson_length(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        cap = view.limits.per_lesson(view.grade(c), d)
        for it in view.online(c, d):
            minutes = (it.end_min or 0) - (it.start_min or 0)
            screen = it.screen_minutes if it.screen_minutes is not None else minutes
            if screen != minutes:
                out.append(
                    Violation(
                        "online_lesson_length",
                        f"{c}, {fmt_date(d)}: онлайн-урок {item_where(it)} длится {minutes} мин, "
                        f"а экранного времени указано {screen} мин; они должны совпадать",
                        cap.citation,
                        c,
                        d,
                    )
                )
            if max(screen, minutes) > cap.value:
                out.append(
                    Violation(
                        "online_lesson_length",
                        f"{c}, {fmt_date(d)}: онлайн-урок {item_where(it)} — "
                        f"{max(screen, minutes)} мин при норме {cap.value} ({cap.citation})",
                        cap.citation,
                        c,
                        d,
                    )
                )
    return out
