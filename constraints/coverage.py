"""Online coverage (soft): as many online minutes as the caps allow, weighted by subject priority;
each subject with two or more weekly hours gets at least one online lesson in the week."""

from __future__ import annotations

from constraints.base import ModelContext, fmt_date


def build_online_coverage(ctx: ModelContext) -> None:
    """Every online minute the norms allow but the plan does not use costs its subject's
    priority."""
    w = ctx.weights.online_coverage
    for u in ctx.problem.units:
        if u.blocked or not u.priority:
            continue
        ctx.penalise(
            "online_coverage",
            f"online_coverage(unit={u.label}, date={fmt_date(u.date)})",
            (u.max_len - ctx.vars[u.id].dur) * u.priority,
            w,
            (u.classes[0], u.date, None),
        )


def build_weekly_contact(ctx: ModelContext) -> None:
    """A subject with at least two weekly hours gets at least one online lesson in each week."""
    w = ctx.weights.weekly_contact
    p = ctx.problem
    for (c, s, week), ids in sorted(p.contact_groups().items()):
        if p.contact_scope is not None and (c, s, week) not in p.contact_scope:
            continue
        missed = ctx.model.new_bool_var(f"no_contact[{c},{s},{week}]")
        ctx.model.add_bool_or([missed, *(ctx.vars[i].online for i in ids)])
        ctx.penalise(
            "weekly_contact", f"weekly_contact(class={c}, subject={s}, week={week})", missed, w,
            (c, None, None),
        )  # fmt: skip
