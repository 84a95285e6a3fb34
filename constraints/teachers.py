"""Teacher gaps (soft): few idle minutes between a teacher's lessons on one day."""

from __future__ import annotations

from constraints.base import ModelContext, fmt_date


def build_teacher_gaps(ctx: ModelContext) -> None:
    """A teacher's idle minutes between the first and the last lesson of the day are a cost."""
    w = ctx.weights.teacher_gaps
    if not w:
        return
    m = ctx.model
    for (t, d), ids in ctx.problem.teacher_units.items():
        fixed = ctx.problem.teacher_fixed.get((t, d), [])
        if len(ids) + len(fixed) < 2:
            continue
        units = [ctx.problem.units[i] for i in ids]
        starts = [s for s, _e, _x in fixed] + [u.base_start for u in units]
        ends = [e for _s, e, _x in fixed] + [u.base_end for u in units]
        # Tight domains: within the teacher's base day, ``first`` at most the first in-person
        # start, ``last`` at least the last in-person end; the conditional rows below then
        # relax to rows with a small big-M instead of a 24-hour one.
        first_hi = min(s for s, _e, _x in fixed) if fixed else max(ends)
        last_lo = max(e for _s, e, _x in fixed) if fixed else min(starts)
        first = m.new_int_var(min(starts), first_hi, f"t_first[{t},{d}]")
        last = m.new_int_var(last_lo, max(ends), f"t_last[{t},{d}]")
        m.add(last >= first)
        busy_fixed = 0
        cover_end = -1
        for s, e, _x in fixed:
            busy_fixed += max(0, e - max(s, cover_end))
            cover_end = max(cover_end, e)
        # Measured on base times: the online lessons stay near their base start (minimal change),
        # so this counts the holes the choice of online lessons leaves, with a tight relaxation.
        for u in units:
            v = ctx.vars[u.id]
            if u.base_start < first_hi:
                m.add(first <= u.base_start).only_enforce_if(v.online)
            if u.base_end > last_lo:
                m.add(last >= u.base_end).only_enforce_if(v.online)
        idle = m.new_int_var(0, max(ends) - min(starts), f"t_idle[{t},{d}]")
        busy = sum((u.base_end - u.base_start) * ctx.vars[u.id].online for u in units)
        m.add(idle >= last - first - busy_fixed - busy)
        ctx.penalise("teacher_gaps", f"teacher_gaps(teacher={t}, date={fmt_date(d)})", idle, w,
                     (None, d, t))  # fmt: skip
