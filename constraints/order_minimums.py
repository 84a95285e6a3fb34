"""The order's hard minimums: lessons that must be online (``must_online``) and a minimum number
of online lessons per class per day (``min_online_per_day``). These are the only requirements
that can make an order impossible."""

from __future__ import annotations

from datetime import date

from constraints.base import CheckView, ModelContext, Violation, fmt_date, lessons_ru
from constraints.problem import Unit
from planner.domain.order import MustOnline

ORDER_NORM = "приказ о переводе на дистанционное обучение"


def must_online_matches(m: MustOnline, class_name: str, d: date, subject: str, lesson: int) -> bool:
    return (
        m.class_name == class_name
        and (m.subject is None or m.subject == subject)
        and (m.date is None or m.date == d)
        and (m.lesson is None or m.lesson == lesson)
    )


def _describe(m: MustOnline) -> str:
    parts = [m.class_name]
    if m.subject:
        parts.append(f"«{m.subject}»")
    if m.date:
        parts.append(fmt_date(m.date))
    if m.lesson:
        parts.append(f"урок {m.lesson}")
    return " ".join(parts)


def _unit_matches(m: MustOnline, u: Unit) -> bool:
    return m.class_name in u.classes and any(
        must_online_matches(m, m.class_name, u.date, x.subject, x.lesson) for x in u.lessons
    )


def build_must_online(ctx: ModelContext) -> None:
    """Each lesson the order names as must-online is online."""
    for k, m in enumerate(ctx.problem.order.must_online):
        g = ctx.guard(
            f"must_online:{k}",
            f"обязательный онлайн-урок по приказу: {_describe(m)}",
            f"уберите «{_describe(m)}» из обязательных онлайн-уроков приказа или разрешите по "
            "нему самостоятельную работу",
        )
        for u in ctx.problem.units:
            if _unit_matches(m, u):
                ctx.model.add(ctx.vars[u.id].online == 1).only_enforce_if(g)


def build_min_online_per_day(ctx: ModelContext) -> None:
    """A class has at least the order's minimum of online lessons each day (or all it has)."""
    k = ctx.problem.order.min_online_per_day
    if not k:
        return
    for (c, d), ids in ctx.problem.class_days.items():
        if not ids:
            continue
        need = min(k, len(ids))
        g = ctx.guard(
            f"min_online:{c}:{d.isoformat()}",
            f"минимум {lessons_ru(need)} в день по приказу для {c} на {fmt_date(d)}",
            f"уменьшите «Минимум онлайн-уроков в день» в приказе (сейчас {k})",
        )
        ctx.model.add(ctx.count[(c, d)] >= need).only_enforce_if(g)


def check_must_online(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    for m in view.order.must_online:
        for d in view.dates:
            if m.date is not None and m.date != d:
                continue
            for it in view.by_class_day.get((m.class_name, d), []):
                if it.kind != "lesson" or it.base is None:
                    continue
                if not must_online_matches(m, m.class_name, d, it.subject or "", it.base.lesson):
                    continue
                if it.format != "online":
                    out.append(
                        Violation(
                            "must_online",
                            f"{m.class_name}, {fmt_date(d)}: урок «{it.subject}» (урок "
                            f"{it.base.lesson}) по приказу должен быть онлайн, а стоит "
                            "самостоятельной работой",
                            ORDER_NORM,
                            m.class_name,
                            d,
                        )
                    )
    return out


def check_min_online_per_day(view: CheckView) -> list[Violation]:
    k = view.order.min_online_per_day
    out: list[Violation] = []
    if not k:
        return out
    for d in view.dates:
        for c in sorted(view.quarantined):
            lessons = [i for i in view.by_class_day.get((c, d), []) if i.kind == "lesson"]
            if not lessons:
                continue
            slots = {(i.base.day, i.base.lesson) if i.base else id(i) for i in lessons}
            n = len(view.online_slots(c, d))
            need = min(k, len(slots))
            if n < need:
                out.append(
                    Violation(
                        "min_online_per_day",
                        f"{c}, {fmt_date(d)}: {lessons_ru(n)}, а по приказу нужно не меньше {need}",
                        ORDER_NORM,
                        c,
                        d,
                    )
                )
    return out
