"""Completeness of the rebuilt period. Classes not in the order keep every in-person lesson exactly
as in the base timetable; every base lesson of a quarantined class on a date of the period appears
exactly once, on that date, online or as self-study, with its teacher (nothing is lost)."""

from __future__ import annotations

from collections import Counter

from constraints.base import CheckView, ModelContext, Violation, fmt_date, fmt_min, plural
from planner.domain.model import DAY_NAMES_RU, BaseLesson
from planner.domain.schedule import FORMAT_RU

NOTHING_LOST_NORM = (
    "приказ о переводе на дистанционное обучение: учебный план выполняется полностью"
)
KEEP_NORM = "приказ: классы вне приказа учатся очно по обычному расписанию"


def build_structural(ctx: ModelContext) -> None:
    """Both rules hold by construction: every base lesson is one unit member, on its date."""
    return None


def _base_key(x: BaseLesson) -> tuple[int, int, str, str]:
    return (x.day, x.lesson, x.group or "", x.subject)


def _label(key: tuple[int, int, str, str]) -> str:
    day, lesson, group, subject = key
    grp = f", группа {group}" if group else ""
    return f"«{subject}» ({DAY_NAMES_RU[day - 1]}, урок {lesson}{grp})"


def check_nothing_lost(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    tt = view.timetable
    for d in view.dates:
        for c in sorted(view.quarantined):
            base = {_base_key(x): x for x in tt.lessons_of_class(c, d.isoweekday())}
            items = [i for i in view.by_class_day.get((c, d), []) if i.kind == "lesson"]
            seen: Counter[tuple[int, int, str, str]] = Counter()
            for it in items:
                key = (
                    it.base.day if it.base else 0,
                    it.base.lesson if it.base else 0,
                    it.group or "",
                    it.subject or "",
                )
                seen[key] += 1
                x = base.get(key)
                if x is None:
                    out.append(
                        Violation(
                            "nothing_lost",
                            f"{c}, {fmt_date(d)}: урок «{it.subject}» не соответствует ни одному "
                            "уроку обычного расписания в этот день",
                            NOTHING_LOST_NORM,
                            c,
                            d,
                        )
                    )
                    continue
                if it.format not in ("online", "self_study"):
                    out.append(
                        Violation(
                            "nothing_lost",
                            f"{c}, {fmt_date(d)}: урок {_label(key)} стоит очно, а класс "
                            "на дистанционном обучении (нужен онлайн или самостоятельная работа)",
                            NOTHING_LOST_NORM,
                            c,
                            d,
                        )
                    )
                if (it.teacher or None) != x.teacher:
                    out.append(
                        Violation(
                            "nothing_lost",
                            f"{c}, {fmt_date(d)}: у урока {_label(key)} учитель «{it.teacher}», "
                            f"а в обычном расписании «{x.teacher}»",
                            NOTHING_LOST_NORM,
                            c,
                            d,
                            x.teacher,
                        )
                    )
            for key in sorted(base):
                n = seen.get(key, 0)
                if n == 0:
                    out.append(
                        Violation(
                            "nothing_lost",
                            f"{c}, {fmt_date(d)}: урок {_label(key)} пропал — его нет ни онлайн, "
                            "ни в самостоятельной работе",
                            NOTHING_LOST_NORM,
                            c,
                            d,
                        )
                    )
                elif n > 1:
                    out.append(
                        Violation(
                            "nothing_lost",
                            f"{c}, {fmt_date(d)}: урок {_label(key)} стоит "
                            f"{plural(n, 'раз', 'раза', 'раз')}",
                            NOTHING_LOST_NORM,
                            c,
                            d,
                        )
                    )
    return out


def check_keep_in_person(view: CheckView) -> list[Violation]:
    out: list[Violation] = []
    tt = view.timetable
    for d in view.dates:
        for c in sorted(set(tt.classes) - view.quarantined):
            want = Counter(
                (x.subject, x.group or "", x.start_min, x.end_min, x.teacher or "")
                for x in tt.lessons_of_class(c, d.isoweekday())
            )
            got = Counter(
                (i.subject, i.group or "", i.start_min, i.end_min, i.teacher or "")
                for i in view.by_class_day.get((c, d), [])
                if i.kind == "lesson" and i.format == "in_person"
            )
            others = [
                i
                for i in view.by_class_day.get((c, d), [])
                if i.kind == "lesson" and i.format != "in_person"
            ]
            lines = [
                f"класс не в приказе, а урок «{it.subject}» стоит в формате "
                f"«{FORMAT_RU.get(it.format or '', it.format)}»"
                for it in others
            ]
            lines += [
                f"очный урок «{subject}» {fmt_min(s)}–{fmt_min(e)} из обычного расписания пропал "
                "или сдвинут"
                for subject, _g, s, e, _t in sorted(want - got)
            ]
            lines += [
                f"очного урока «{subject}» {fmt_min(s)}–{fmt_min(e)} нет в обычном расписании"
                for subject, _g, s, e, _t in sorted(got - want)
            ]
            out += [
                Violation("keep_in_person", f"{c}, {fmt_date(d)}: {line}", KEEP_NORM, c, d)
                for line in lines
            ]
    return out
