"""Difficulty (soft): the hardest online subjects go on the best lessons of the day — 2 for grade
1, 2–3 for grades 2–4, 2–4 for grades 5–11 (СанПиН 1.2.3685-21 табл. 6.9–6.11).

The position is the lesson's number in the class's base day: the rebuild keeps the base order
and start times close to the base, so a lesson online at its base place sits where the school's
own timetable put it. A hard subject online outside the best positions pays its score, so among
lessons of equal priority the solver puts online those in the good positions.
"""

from __future__ import annotations

from constraints.base import ModelContext, fmt_date


def build_difficulty(ctx: ModelContext) -> None:
    """An online lesson of a scored subject outside the best positions pays its score."""
    w = ctx.weights.difficulty
    if not w:
        return
    tt = ctx.problem.timetable
    for (c, d), ids in ctx.problem.class_days.items():
        good = set(ctx.limits.hard_positions(tt.grade_of(c)))
        for position, i in enumerate(ids, start=1):
            u = ctx.problem.units[i]
            if u.blocked or u.difficulty <= 0 or position in good:
                continue
            ctx.penalise(
                "difficulty",
                f"difficulty(class={c}, date={fmt_date(d)}, subject={'/'.join(u.subjects)}, "
                f"lesson={position})",
                ctx.vars[i].online * u.difficulty,
                w,
                (c, d, None),
            )
