"""Lessons per day: at most the grade's daily maximum of СП 2.4.3648-20 п. 3.4.16 (grade 1: 4,
or the stepped 3 in September–October; 2–4: 5; 5–6: 6; 7–11: 7), one more on one day a week when
that day has a PE lesson."""

from __future__ import annotations

from collections import defaultdict

from constraints.base import CheckView, ModelContext, Violation, fmt_date, lessons_ru
from constraints.class_day import ClassDay
from constraints.day_window import norms_guard
from constraints.limits import Limits
from constraints.problem import is_pe


def lessons_per_day_holds(day: ClassDay, limits: Limits, *, pe_day: bool = False) -> bool:
    """The class-day has at most the daily maximum of online lessons (``pe_day``: the one day
    of its week that may have one more because it has a PE lesson)."""
    plain, with_pe = limits.max_lessons(day.grade, day.date)
    return day.count <= (with_pe if pe_day else plain).value


def build_lessons_per_day(ctx: ModelContext) -> None:
    """A class has at most the daily maximum of online lessons; one PE day a week may have one
    more."""
    tt = ctx.problem.timetable
    week_extra: dict[tuple[str, int], list] = defaultdict(list)
    for (c, d), ids in ctx.problem.class_days.items():
        if not ids:
            continue
        plain, with_pe = ctx.limits.max_lessons(tt.grade_of(c), d)
        g = ctx.guard(*norms_guard(c, d))
        count = ctx.count[(c, d)]
        pe_units = [i for i in ids if ctx.problem.units[i].is_pe]
        no_extra = (c, d.isocalendar()[1]) in ctx.problem.no_pe_extra
        if with_pe.value > plain.value and pe_units and not no_extra:
            extra = ctx.model.new_bool_var(f"pe_extra[{c},{d}]")
            ctx.model.add_bool_or([ctx.vars[i].online for i in pe_units]).only_enforce_if(extra)
            ctx.model.add(count <= plain.value + extra * (with_pe.value - plain.value))
            ctx.model.add(count <= plain.value).only_enforce_if([extra.Not(), *g])
            week_extra[(c, d.isocalendar()[1])].append(extra)
        elif len(ids) > plain.value:
            ctx.model.add(count <= plain.value).only_enforce_if(g)
    for extras in week_extra.values():
        if len(extras) > 1:
            ctx.model.add_at_most_one(extras)


def check_lessons_per_day(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    used_pe_day: set[tuple[str, int]] = set()
    for c, d in view.quarantined_days():
        plain, with_pe = view.limits.max_lessons(view.grade(c), d)
        slots = view.online_slots(c, d)
        n = len(slots)
        day = view.class_day(c, d)
        if lessons_per_day_holds(day, view.limits):
            continue
        week = (c, d.isocalendar()[1])
        has_pe = any(is_pe(m.subject or "") for _s, _e, ms in slots for m in ms)
        pe_day = has_pe and week not in used_pe_day
        if pe_day and lessons_per_day_holds(day, view.limits, pe_day=True):
            used_pe_day.add(week)
            continue
        limit = with_pe.value if has_pe and week not in used_pe_day else plain.value
        out.append(
            Violation(
                "lessons_per_day",
                f"{c}, {fmt_date(d)}: {lessons_ru(n)} при норме {limit} ({plain.citation})",
                plain.citation,
                c,
                d,
            )
        )
    return out
