"""Minimal change (soft): online lessons start close to the base timetable — or, in a re-plan, to
the previous published version; a re-plan also pays for each lesson that changes format."""

from __future__ import annotations

from constraints.base import ModelContext, fmt_date


def reference(ctx: ModelContext, uid: int) -> tuple[int, str | None]:
    """(start to stay close to, previous format or None)."""
    u = ctx.problem.units[uid]
    x = u.lessons[0]
    prev = ctx.previous.get((u.classes[0], u.date, x.day, x.lesson))
    if prev is not None:
        fmt, start, _dur = prev
        if fmt == "online" and start is not None:
            return start, fmt
        return u.base_start, fmt
    return u.base_start, None


def build_minimal_change(ctx: ModelContext) -> None:
    """An online lesson pays for each minute it starts away from its reference start."""
    w = ctx.weights.minimal_change
    m = ctx.model
    for u in ctx.problem.units:
        if u.blocked:
            continue
        v = ctx.vars[u.id]
        ref, _fmt = reference(ctx, u.id)
        dev = m.new_int_var(0, 24 * 60, f"shift[{u.id}]")
        if ref == ctx.parked.get(u.id):
            # a self-study unit parks at its reference start, so |start − ref| holds for both
            # formats: plain linear rows, no big-M in the relaxation
            m.add(dev >= v.start - ref)
            m.add(dev >= ref - v.start)
        else:
            m.add(dev >= v.start - ref).only_enforce_if(v.online)
            m.add(dev >= ref - v.start).only_enforce_if(v.online)
        ctx.cache[f"shift:{u.id}"] = (dev, ref)
        ctx.penalise(
            "minimal_change",
            f"minimal_change(unit={u.label}, date={fmt_date(u.date)})",
            dev,
            w,
            (u.classes[0], u.date, None),
        )


def build_stability(ctx: ModelContext) -> None:
    """In a re-plan, a lesson whose format differs from the previous version pays once."""
    if not ctx.previous:
        return
    w = ctx.weights.stability
    for u in ctx.problem.units:
        _ref, fmt = reference(ctx, u.id)
        if fmt is None:
            continue
        on = ctx.vars[u.id].online
        term = (1 - on) if fmt == "online" else on
        ctx.penalise(
            "stability",
            f"stability(unit={u.label}, date={fmt_date(u.date)}, was={fmt})",
            term,
            w,
            (u.classes[0], u.date, None),
        )
