"""Day window: nothing before 08:00, online lessons end by 18:00, in-person lessons by 19:00.

Norms: СП 2.4.3648-20 п. 3.4.16 and СанПиН 1.2.3685-21 табл. 6.6 (08:00, 19:00); the 18:00 end of
distance lessons (СП 2.4.3648-20 п. 3.5.2) is of low confidence and configurable by a local act.
"""

from __future__ import annotations

from datetime import date

from constraints.base import CheckView, ModelContext, Violation, fmt_date, fmt_min, item_where
from constraints.class_day import ClassDay
from constraints.limits import Limits


def day_window_holds(day: ClassDay, limits: Limits) -> bool:
    """Every online lesson of the class-day starts at the day's start or later and ends by the
    online end of the day."""
    if not day.spans:
        return True
    first = day.spans[0][0]
    last = max(e for _s, e in day.spans)
    return first >= limits.day_start.value and last <= limits.online_end.value


def build_day_window(ctx: ModelContext) -> None:
    """An online lesson starts at 08:00 or later and ends by the online end of the day."""
    lo = ctx.limits.day_start.value
    hi = ctx.limits.online_end.value
    for u in ctx.problem.units:
        v = ctx.vars[u.id]
        g = ctx.guard(*norms_guard(u.classes[0], u.date))
        ctx.model.add(v.start >= lo).only_enforce_if([v.online, *g])
        ctx.model.add(v.end <= hi).only_enforce_if([v.online, *g])


def norms_guard(c: str, d: date) -> tuple[str, str, str]:
    """The guard of a class-day's hygiene norms (one assumption per class and date)."""
    return (
        f"norms:{c}:{d.isoformat()}",
        f"нормы СанПиН для {c} на {fmt_date(d)} (окно дня, длина урока, экранное время, перемены)",
        f"разрешите самостоятельную работу по части уроков {c} {fmt_date(d)} или измените "
        "норму локальным актом («Значения локального акта» в приказе)",
    )


def check_day_window(view: CheckView) -> list[Violation]:
    lim = view.limits
    start, online_end, person_end = lim.day_start, lim.online_end, lim.in_person_end
    out: list[Violation] = []
    for (c, d), items in sorted(view.by_class_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for it in items:
            if it.start is None or it.end is None:
                continue
            s, e = it.start_min or 0, it.end_min or 0
            what = "урок" if it.kind == "lesson" else "элемент расписания"
            if s < start.value:
                out.append(
                    Violation(
                        "day_window",
                        f"{c}, {fmt_date(d)}: {what} {item_where(it)} начинается раньше "
                        f"{fmt_min(start.value)} ({start.citation})",
                        start.citation,
                        c,
                        d,
                    )
                )
            if it.kind == "lesson" and it.format == "online" and e > online_end.value:
                out.append(
                    Violation(
                        "day_window",
                        f"{c}, {fmt_date(d)}: онлайн-урок {item_where(it)} заканчивается после "
                        f"{fmt_min(online_end.value)} ({online_end.citation})",
                        online_end.citation,
                        c,
                        d,
                    )
                )
            if it.kind == "lesson" and it.format == "in_person" and e > person_end.value:
                out.append(
                    Violation(
                        "day_window",
                        f"{c}, {fmt_date(d)}: очный урок {item_where(it)} заканчивается после "
                        f"{fmt_min(person_end.value)} ({person_end.citation})",
                        person_end.citation,
                        c,
                        d,
                    )
                )
    return out
