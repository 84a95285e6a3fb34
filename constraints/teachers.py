"""Teacher gaps (soft): few idle minutes between a teacher's lessons on one day."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from constraints.base import ModelContext, fmt_date
from constraints.cpsat import cp_model


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
        if ctx.tight_gaps and _disjoint_gaps(ctx, t, d, units, fixed, w):
            continue
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


def _disjoint_gaps(ctx: ModelContext, t: str, d: object, units: list, fixed: list, w: int) -> bool:
    """The same idle minutes, where the teacher's base lessons do not overlap, as a sum over the
    day's segments (each lesson and each break between two lessons): a segment is idle when no
    lesson covers it and a lesson before it and one after it are given. "Some lesson up to here"
    and "some lesson from here on" are booleans of their own, so the linear relaxation is far
    tighter than the rows on the first and last minute (measured on the medium school's dates).
    False (nothing added) where two lessons overlap: the rows below count that day."""
    m = ctx.model
    spans: list[tuple[int, int, object]] = [(s, e, None) for s, e, _x in fixed]
    spans += [(u.base_start, u.base_end, ctx.vars[u.id].online) for u in units]
    spans.sort(key=lambda x: (x[0], x[1]))
    if any(a[1] > b[0] for a, b in pairwise(spans)):
        return False
    n = len(spans)
    # before[k]: some lesson among spans[0..k] is given; after[k]: some among spans[k..]
    before = _running_or(m, [on for _s, _e, on in spans[: n - 1]], f"t_before[{t},{d}]")
    rev = _running_or(m, [spans[k][2] for k in range(n - 1, 0, -1)], f"t_after[{t},{d}]")
    after: list[object] = [0] + [rev[n - 1 - k] for k in range(1, n)]
    terms = []
    for k in range(n - 1):
        # the break after spans[k], then the lesson spans[k + 1] (when it is not given)
        gap = spans[k + 1][0] - spans[k][1]
        if gap > 0:
            terms.append((gap, before[k], after[k + 1], 0))
        if k + 2 < n and spans[k + 1][2] is not None:
            length = spans[k + 1][1] - spans[k + 1][0]
            terms.append((length, before[k], after[k + 2], spans[k + 1][2]))
    parts = []
    for length, b, a, on in terms:
        if isinstance(b, int) and isinstance(a, int) and isinstance(on, int):
            parts.append(length * max(0, b + a - 1 - on))
            continue
        y = m.new_bool_var(f"t_hole[{t},{d},{len(parts)}]")
        m.add(y >= b + a - 1 - on)
        parts.append(length * y)
    if not parts:
        return True
    idle = sum(parts)
    ctx.penalise("teacher_gaps", f"teacher_gaps(teacher={t}, date={fmt_date(d)})", idle, w,
                 (None, d, t))  # fmt: skip
    return True


def _running_or(m: cp_model.CpModel, lits: list[Any], name: str) -> list[Any]:
    """``out[k]`` = some of ``lits[0..k]`` is true (a given lesson: None, counts as true): a
    boolean per prefix, tied to the previous one and to its own literal by three rows, or 1 once
    it is certainly true."""
    out: list[Any] = []
    for k, on in enumerate(lits):
        prev = out[-1] if out else 0
        if on is None or (isinstance(prev, int) and prev == 1):
            out.append(1)
            continue
        b = m.new_bool_var(f"{name}[{k}]")
        m.add(b >= on)
        if not isinstance(prev, int):
            m.add(b >= prev)
        m.add(b <= prev + on)
        out.append(b)
    return out
