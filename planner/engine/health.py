"""The health timeline of an online day, placed after solving inside the solver's lessons and
breaks: eye gymnastics and физкультминутки inside each online lesson so that no continuous
screen stretch exceeds the grade's limit (СП 2.4.3648-20 п. 2.10.2), eye gymnastics in the break
after each lesson (п. 2.10.2–2.10.3), the breaks themselves and the dynamic pause of the grades
owed one (``break.dynamic_pause_grades``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from constraints.breaks import PAUSE_AFTER
from constraints.limits import Limits
from planner.domain.model import Timetable, clock
from planner.domain.schedule import ScheduleItem


def _rule(key: str, citation: str, text: str) -> str:
    return f"{key}: {text} ({citation})"


def lesson_health_items(
    it: ScheduleItem, continuous_max: int, eye: int, physical: int, eye_rule: str, pe_rule: str
) -> list[ScheduleItem]:
    """Eye gymnastics and физкультминутки spread evenly inside one online lesson.

    At least one of each; more when needed so that every screen stretch ≤ ``continuous_max``.
    """
    s, e = it.start_min or 0, it.end_min or 0
    length = e - s
    kinds = ["eye_gymnastics", "physical_break"]
    n = 2
    while True:
        durs = [eye if kinds[k % 2] == "eye_gymnastics" else physical for k in range(n)]
        free = length - sum(durs)
        if free <= 0:
            n -= 1
            durs = durs[:n]
            free = length - sum(durs)
            break
        stretch = -(-free // (n + 1))
        if stretch <= continuous_max or n > 20:
            break
        n += 1
    if n <= 0:
        return []
    out: list[ScheduleItem] = []
    t = s
    base_stretch, extra = divmod(free, n + 1)
    for k in range(n):
        t += base_stretch + (1 if k < extra else 0)
        kind = kinds[k % 2]
        d = durs[k]
        out.append(
            ScheduleItem(
                date=it.date,
                class_name=it.class_name,
                kind=kind,
                start=clock(t),
                end=clock(t + d),
                rule=eye_rule if kind == "eye_gymnastics" else pe_rule,
            )
        )
        t += d
    return out


def health_timeline(
    lessons: Iterable[ScheduleItem], timetable: Timetable, limits: Limits
) -> list[ScheduleItem]:
    """Health, break and pause items for the online lessons given (of quarantined classes)."""
    by_cd: dict[tuple[str, date], list[ScheduleItem]] = defaultdict(list)
    for it in lessons:
        if it.kind == "lesson" and it.format == "online" and it.start is not None:
            by_cd[(it.class_name, it.date)].append(it)
    eye_norm = limits.norm("health.eye_gymnastics_minutes")
    pe_norm = limits.norm("health.physical_break_minutes")
    eye, physical = int(eye_norm.value), int(pe_norm.value)
    after = bool(limits.norm("health.eye_gymnastics_after_lesson").value)
    out: list[ScheduleItem] = []
    for (c, d), items in sorted(by_cd.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        grade = timetable.grade_of(c)
        cmax = limits.continuous_max(grade)
        stretch = f"непрерывно у экрана не больше {cmax.value} мин ({cmax.citation})"
        eye_rule = (f"health.eye_gymnastics: гимнастика для глаз {eye} мин "
                    f"({eye_norm.citation}); {stretch}")  # fmt: skip
        pe_rule = (f"health.physical_break: физкультминутка {physical} мин "
                   f"({pe_norm.citation}); {stretch}")  # fmt: skip
        # one slot per time (parallel subgroups share the call time)
        slots: list[ScheduleItem] = []
        for it in sorted(items, key=lambda i: (i.start_min, i.end_min)):
            if slots and (it.start_min or 0) < (slots[-1].end_min or 0):
                if (it.end_min or 0) > (slots[-1].end_min or 0):
                    slots[-1] = it
                continue
            slots.append(it)
        for it in slots:
            out.extend(lesson_health_items(it, cmax.value, eye, physical, eye_rule, pe_rule))
        big, pause, pause_grades = (
            limits.big_break,
            limits.dynamic_pause,
            limits.dynamic_pause_grades,
        )
        for k, it in enumerate(slots):
            nxt = slots[k + 1] if k + 1 < len(slots) else None
            end = it.end_min or 0
            gap = (nxt.start_min or 0) - end if nxt else None
            if after and (gap is None or gap >= eye):
                out.append(
                    ScheduleItem(
                        date=d, class_name=c, kind="eye_gymnastics", start=clock(end),
                        end=clock(end + eye),
                        rule=_rule("health.eye_gymnastics_after_lesson", eye_norm.citation,
                                   "гимнастика для глаз на перемене после онлайн-урока"),
                    )
                )  # fmt: skip
            if nxt is None or gap is None or gap <= 0:
                continue
            if grade in pause_grades and k == PAUSE_AFTER - 1 and gap >= pause.value:
                kind, rule = "dynamic_pause", _rule(
                    "break.dynamic_pause_minutes", pause.citation,
                    f"динамическая пауза не меньше {pause.value} мин",
                )  # fmt: skip
            elif k + 1 in limits.big_after and gap >= big.value:
                kind, rule = (
                    "break",
                    _rule("break.big_min_minutes", big.citation, f"большая перемена {gap} мин"),
                )
            else:
                lim = limits.break_min
                kind, rule = (
                    "break",
                    _rule("break.min_minutes", lim.citation, f"перемена {gap} мин"),
                )
            out.append(
                ScheduleItem(date=d, class_name=c, kind=kind, start=clock(end),
                             end=clock(end + gap), rule=rule)
            )  # fmt: skip
    return out
