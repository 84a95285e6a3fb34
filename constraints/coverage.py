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
    """A subject with at least two weekly hours gets at least one online lesson in each week.

    A pair whose weight in ``contact_weights`` is 0 gets its literal «no online lesson» but no
    term: :func:`price_weekly_contact` prices it later in a copy of the model (a date's model of
    the exact decomposition, see planner/engine/solver.py)."""
    p = ctx.problem
    for (c, s, week), ids in sorted(p.contact_groups().items()):
        if (c, s, week) in p.contact_forced:  # a date's share of a week plan: it gets one here
            ctx.model.add_bool_or([ctx.vars[i].online for i in ids])
            continue
        if p.contact_scope is not None and (c, s, week) not in p.contact_scope:
            continue
        missed = ctx.model.new_bool_var(f"no_contact[{c},{s},{week}]")
        ctx.model.add_bool_or([missed, *(ctx.vars[i].online for i in ids)])
        days = {p.units[i].date for i in ids}
        on_date = next(iter(days)) if len(days) == 1 else None  # a term of one date alone
        ctx.cache.setdefault("no_contact", {})[(c, s, week)] = (missed, on_date)
        weight = p.contact_weights.get((c, s, week), ctx.weights.weekly_contact)
        price_weekly_contact(ctx, (c, s, week), weight)


def price_weekly_contact(ctx: ModelContext, pair: tuple[str, str, int], weight: int) -> None:
    """The term of ``pair`` (class, subject, week) without an online lesson: ``weight`` × its
    literal (made by :func:`build_weekly_contact`)."""
    c, s, week = pair
    missed, on_date = ctx.cache["no_contact"][pair]
    ctx.penalise(
        "weekly_contact", f"weekly_contact(class={c}, subject={s}, week={week})", missed, weight,
        (c, on_date, None),
    )  # fmt: skip
