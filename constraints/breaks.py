"""Breaks between online lessons (СП 2.4.3648-20 п. 3.4.16): at least 10 minutes; when the day has
4 or more lessons, a big break of at least 20 minutes after the 2nd or the 3rd lesson; grade 1
gets a dynamic pause of at least 40 minutes in the middle of the day (after its 2nd lesson, when
a 3rd follows)."""

from __future__ import annotations

import itertools

from constraints.base import CheckView, ModelContext, Violation, fmt_date, item_where, plural
from constraints.class_day import ClassDay
from constraints.day_window import norms_guard
from constraints.limits import Limits

#: the dynamic pause comes after this online lesson of the day (when another one follows)
PAUSE_AFTER = 2


def breaks_min_holds(day: ClassDay, limits: Limits) -> bool:
    """Every break between the class-day's online lessons is at least the minimum break."""
    return all(gap >= limits.break_min.value for gap in day.gaps())


def big_break_holds(day: ClassDay, limits: Limits) -> bool:
    """With enough online lessons, the break after one of the named lessons is a big one."""
    if day.count < limits.big_from:
        return True
    gaps = day.gaps()
    return any(gaps[p - 1] >= limits.big_break.value for p in limits.big_after if p - 1 < len(gaps))


def dynamic_pause_applies(day: ClassDay, limits: Limits) -> bool:
    """The class's grade is owed a dynamic pause and a lesson follows the pause's place."""
    return day.grade in limits.dynamic_pause_grades and day.count > PAUSE_AFTER


def dynamic_pause_holds(day: ClassDay, limits: Limits) -> bool:
    """Where a dynamic pause is owed, the break after lesson ``PAUSE_AFTER`` is that long."""
    if not dynamic_pause_applies(day, limits):
        return True
    return day.gaps()[PAUSE_AFTER - 1] >= limits.dynamic_pause.value


def _at(ctx: ModelContext, c: str, u: int, p: int):
    """A literal that is true whenever unit u is the p-th online lesson of class c's day.

    Half-reified: it may also be true otherwise, which only adds constraints, never removes
    them; the rules below only use it as an enforcement literal.
    """
    key = f"at:{c}:{u}:{p}"
    lit = ctx.cache.get(key)
    if lit is None:
        m = ctx.model
        eq = m.new_bool_var(f"pos_eq[{c},{u},{p}]")
        m.add(ctx.pos[(c, u)] != p).only_enforce_if(eq.Not())
        lit = m.new_bool_var(key)
        m.add_bool_or([ctx.vars[u].online.Not(), eq.Not(), lit])
        ctx.cache[key] = lit
    return lit


def build_breaks_min(ctx: ModelContext) -> None:
    """Online lessons of a class keep the base order, at least the minimum break apart."""
    gap = ctx.limits.break_min.value
    for (c, d), ids in ctx.problem.class_days.items():
        g = ctx.guard(*norms_guard(c, d))
        for a_pos, a in enumerate(ids):
            va = ctx.vars[a]
            for b in ids[a_pos + 1 :]:
                vb = ctx.vars[b]
                both = [va.online, vb.online]
                ctx.model.add(vb.start >= va.end + gap).only_enforce_if([*both, *g])
                if g:  # explaining: the break is a norm (guarded), the base order is not
                    ctx.model.add(vb.start >= va.end).only_enforce_if(both)


def build_big_break(ctx: ModelContext) -> None:
    """With 4+ online lessons a day, the break after the 2nd or the 3rd is a big one."""
    lim = ctx.limits
    big, after, from_n = lim.big_break.value, lim.big_after, lim.big_from
    for (c, d), ids in ctx.problem.class_days.items():
        if len(ids) < from_n:
            continue
        g = ctx.guard(*norms_guard(c, d))
        count = ctx.count[(c, d)]
        day_big = ctx.model.new_bool_var(f"day_big[{c},{d}]")
        ctx.model.add(count <= from_n - 1).only_enforce_if(day_big.Not())
        choice = []
        for p in after:
            bb = ctx.model.new_bool_var(f"big_after[{c},{d},{p}]")
            choice.append(bb)
            for a_pos, a in enumerate(ids):
                for b in ids[a_pos + 1 :]:
                    if a_pos + 1 < p:  # fewer units before it than p
                        continue
                    lits = [_at(ctx, c, a, p), _at(ctx, c, b, p + 1), bb]
                    ctx.model.add(ctx.vars[b].start >= ctx.vars[a].end + big).only_enforce_if(lits)
        ctx.model.add_bool_or(choice).only_enforce_if([day_big, *g])


def build_dynamic_pause(ctx: ModelContext) -> None:
    """The grades owed one: a dynamic pause after online lesson ``PAUSE_AFTER`` when another
    follows."""
    pause = ctx.limits.dynamic_pause.value
    grades = ctx.limits.dynamic_pause_grades
    tt = ctx.problem.timetable
    for (c, d), ids in ctx.problem.class_days.items():
        if tt.grade_of(c) not in grades or len(ids) <= PAUSE_AFTER:
            continue
        g = ctx.guard(*norms_guard(c, d))
        for a_pos, a in enumerate(ids):
            for b in ids[a_pos + 1 :]:
                if a_pos + 1 < PAUSE_AFTER:
                    continue
                lits = [_at(ctx, c, a, PAUSE_AFTER), _at(ctx, c, b, PAUSE_AFTER + 1), *g]
                ctx.model.add(ctx.vars[b].start >= ctx.vars[a].end + pause).only_enforce_if(lits)


# -- checks ---------------------------------------------------------------------------------------


def _gaps(slots: list[tuple[int, int, list]]) -> list[tuple[int, tuple, tuple]]:
    return [(b[0] - a[1], a, b) for a, b in itertools.pairwise(slots)]


def check_breaks_min(view: CheckView) -> list[Violation]:
    lim = view.limits.break_min
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        if breaks_min_holds(view.class_day(c, d), view.limits):
            continue
        for gap, a, b in _gaps(view.online_slots(c, d)):
            if gap < lim.value:
                out.append(
                    Violation(
                        "breaks_min",
                        f"{c}, {fmt_date(d)}: перемена {gap} мин между {item_where(a[2][0])} и "
                        f"{item_where(b[2][0])} при норме {lim.value} ({lim.citation})",
                        lim.citation,
                        c,
                        d,
                    )
                )
    return out


def check_big_break(view: CheckView) -> list[Violation]:
    lim = view.limits
    big = lim.big_break
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        if big_break_holds(view.class_day(c, d), lim):
            continue
        slots = view.online_slots(c, d)
        gaps = _gaps(slots)
        n = len(slots)
        after = [p for p in lim.big_after if p - 1 < len(gaps)]
        which = " или ".join(f"{p}-го" for p in after)
        figures = " и ".join(f"{gaps[p - 1][0]}" for p in after)
        out.append(
            Violation(
                "big_break",
                f"{c}, {fmt_date(d)}: при "
                f"{plural(n, 'онлайн-уроке', 'онлайн-уроках', 'онлайн-уроках')} "
                f"нет большой перемены не меньше "
                f"{big.value} мин после {which} урока (перемены {figures} мин) ({big.citation})",
                big.citation,
                c,
                d,
            )
        )
    return out


def check_dynamic_pause(view: CheckView) -> list[Violation]:
    pause = view.limits.dynamic_pause
    out: list[Violation] = []
    for c, d in view.quarantined_days():
        day = view.class_day(c, d)
        if dynamic_pause_holds(day, view.limits):
            continue
        gap = day.gaps()[PAUSE_AFTER - 1]
        out.append(
            Violation(
                "dynamic_pause",
                f"{c}, {fmt_date(d)}: после {PAUSE_AFTER}-го онлайн-урока перерыв {gap} мин, "
                f"а динамическая пауза для {day.grade} класса — не меньше {pause.value} мин "
                f"({pause.citation})",
                pause.citation,
                c,
                d,
            )
        )
    return out
