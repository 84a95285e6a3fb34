"""Difficulty (soft): the hardest online subjects go on the best lessons of the day — 2 for grade
1, 2–3 for grades 2–4, 2–4 for grades 5–11 (СанПиН 1.2.3685-21 табл. 6.9–6.11)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.base import ModelContext, fmt_date


def build_difficulty(ctx: ModelContext) -> None:
    """An online lesson of a scored subject outside the best positions pays its score."""
    w = ctx.weights.difficulty
    if not w:
        return
    m = ctx.model
    tt = ctx.problem.timetable
    for (c, d), ids in ctx.problem.class_days.items():
        good = ctx.limits.hard_positions(tt.grade_of(c))
        for i in ids:
            u = ctx.problem.units[i]
            if u.blocked or u.difficulty <= 0:
                continue
            on = ctx.vars[i].online
            well = m.new_bool_var(f"well_placed[{c},{i}]")
            m.add_implication(well, on)
            m.add_linear_expression_in_domain(
                ctx.pos[(c, i)], cp_model.Domain.from_values(list(good))
            ).only_enforce_if(well)
            ctx.penalise(
                "difficulty",
                f"difficulty(class={c}, date={fmt_date(d)}, subject={'/'.join(u.subjects)})",
                (on - well) * u.difficulty,
                w,
                (c, d, None),
            )
