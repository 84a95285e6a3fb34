"""Family-friendly options of the order (soft): sibling classes sharing one computer at home are
not online at the same time (``sibling_classes``); classes of one grade start their online day
at different times (``stagger_starts``)."""

from __future__ import annotations

from typing import Any

from constraints.base import ModelContext, fmt_date
from constraints.breaks import _at

Row = tuple[Any, Any]  # (left, right) of a row ``left ≥ right``


def build_sibling_overlap(ctx: ModelContext) -> None:
    """Two online lessons of sibling classes at the same time pay the minutes they could share."""
    w = ctx.weights.sibling_overlap
    p = ctx.problem
    m = ctx.model
    for a_cls, b_cls in p.order.sibling_classes:
        for d in p.dates:
            ua = p.class_days.get((a_cls, d), [])
            ub = p.class_days.get((b_cls, d), [])
            # the shift rows of this class pair and date, by kind (see _shift_rows)
            rows: tuple[list[Row], list[Row]] = ([], [])
            for i in ua:
                for j in ub:
                    if i == j:
                        continue
                    vi, vj = ctx.vars[i], ctx.vars[j]
                    ov = m.new_bool_var(f"sib_ov[{i},{j}]")
                    # one enforcement literal per order: both online and not sharing the
                    # computer means i goes first or j does (a precedence of one literal
                    # propagates and relaxes better than one enforced by four)
                    first = m.new_bool_var(f"sib_b[{i},{j}]")
                    after = m.new_bool_var(f"sib_a[{i},{j}]")
                    m.add(vi.end <= vj.start).only_enforce_if(first)
                    m.add(vj.end <= vi.start).only_enforce_if(after)
                    m.add_bool_or([first, after, ov, vi.online.Not(), vj.online.Not()])
                    minutes = min(p.units[i].max_len, p.units[j].max_len)
                    ctx.penalise(
                        "sibling_overlap",
                        f"sibling_overlap(classes={a_cls}+{b_cls}, date={fmt_date(d)})",
                        ov * minutes,
                        w,
                        (a_cls, d, None),
                    )
                    # ov only pays when both are online
                    m.add_implication(ov, vi.online)
                    m.add_implication(ov, vj.online)
                    for kind, row in zip(rows, _shift_rows(ctx, i, j, ov), strict=True):
                        if row is not None:
                            kind.append(row)
            for kind in rows:
                if kind:
                    m.add(sum(lhs for lhs, _ in kind) >= sum(rhs for _, rhs in kind))


def _shift_rows(ctx: ModelContext, i: int, j: int, ov: Any) -> tuple[Row | None, Row | None]:
    """Redundant rows that give the relaxation what the disjunction hides: two sibling lessons
    that would overlap at their reference starts, both online and not sharing the computer, move
    apart (one goes first, the other after it), so their shifts from the reference starts add up
    to at least the length of the one that goes first less the difference of the references.

    * ``shift_i + shift_j ≥ need × (online_i + online_j − 1 − overlap)``, ``need`` from the
      shortest lengths;
    * ``shift_i + shift_j ≥ dur_i + dur_j − k − big × overlap``: the same with the chosen
      lengths (``min(a, b) ≥ a + b − max b``), ``k`` large enough that the row also holds when one
      lesson is self-study (length 0).

    The caller adds the sum of a class pair's rows of one kind for the date, not each row:
    CP-SAT's presolve turns a single row into a constraint enforced by a Boolean
    (``online_i = 0`` makes it always true), and an enforced constraint stays out of the LP
    relaxation at the default linearization level; the sum has no such Boolean (measured,
    docs/solver.md)."""
    si, sj = ctx.cache.get(f"shift:{i}"), ctx.cache.get(f"shift:{j}")
    if si is None or sj is None:
        return None, None
    (dev_i, ref_i), (dev_j, ref_j) = si, sj
    ui, uj = ctx.problem.units[i], ctx.problem.units[j]
    vi, vj = ctx.vars[i], ctx.vars[j]
    d = ref_j - ref_i
    need = min(min(ui.lengths) - d, min(uj.lengths) + d)
    by_min = (dev_i + dev_j, need * (vi.online + vj.online - 1 - ov)) if need > 0 else None
    hi_i, hi_j = max(ui.lengths), max(uj.lengths)
    k = max(hi_i - d, hi_j + d, hi_i, hi_j)
    big = hi_i + hi_j - k
    by_dur = (dev_i + dev_j, vi.dur + vj.dur - k - big * ov) if big > 0 else None
    return by_min, by_dur


def build_stagger_starts(ctx: ModelContext) -> None:
    """Two classes of one grade whose first online lesson starts at the same minute pay once."""
    p = ctx.problem
    if not p.order.stagger_starts:
        return
    w = ctx.weights.stagger_starts
    m = ctx.model
    tt = p.timetable
    for d in p.dates:
        firsts: dict[int, list[tuple[str, object]]] = {}
        for c in p.order.classes:
            ids = p.class_days.get((c, d), [])
            if not ids:
                continue
            first = m.new_int_var(0, 24 * 60, f"first[{c},{d}]")
            for i in ids:
                m.add(first == ctx.vars[i].start).only_enforce_if(_at(ctx, c, i, 1))
            firsts.setdefault(tt.grade_of(c) or 0, []).append((c, first))
        for _grade, group in sorted(firsts.items()):
            for k, (ca, fa) in enumerate(group):
                for cb, fb in group[k + 1 :]:
                    same = m.new_bool_var(f"same_start[{ca},{cb},{d}]")
                    m.add(fa != fb).only_enforce_if(same.Not())
                    ctx.penalise(
                        "stagger_starts",
                        f"stagger_starts(classes={ca}+{cb}, date={fmt_date(d)})",
                        same,
                        w,
                        (ca, d, None),
                    )
