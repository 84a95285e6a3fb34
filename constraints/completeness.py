"""Completeness of the rebuilt period. Classes not in the order keep every in-person lesson exactly
as in the base timetable; every base lesson of a quarantined class on a date of the period appears
exactly once, on that date, online or as self-study, with its teacher (nothing is lost)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from constraints.base import CheckView, ModelContext, Violation, fmt_date, fmt_min, plural
from planner.domain.model import DAY_NAMES_RU, BaseLesson
from planner.domain.schedule import FORMAT_RU, ScheduleItem

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
    """Every base lesson of a quarantined class-day exactly once, remote, with its teacher.

    Lessons are matched as multisets: a file may have two lessons with one day, number, group and
    subject (two teachers' halves of a class without group names, a double booking): each needs
    its own item."""
    out: list[Violation] = []
    tt = view.timetable

    def lost(c: str, d: date, text: str, teacher: str | None = None) -> Violation:
        return Violation("nothing_lost", f"{c}, {fmt_date(d)}: {text}", NOTHING_LOST_NORM, c, d,
                         teacher)  # fmt: skip

    for d in view.dates:
        for c in sorted(view.quarantined):
            base: dict[tuple[int, int, str, str], list[str | None]] = {}
            for x in tt.lessons_of_class(c, d.isoweekday()):
                base.setdefault(_base_key(x), []).append(x.teacher)
            items: dict[tuple[int, int, str, str], list[ScheduleItem]] = {}
            for it in view.by_class_day.get((c, d), []):
                if it.kind != "lesson":
                    continue
                key = (
                    it.base.day if it.base else 0,
                    it.base.lesson if it.base else 0,
                    it.group or "",
                    it.subject or "",
                )
                items.setdefault(key, []).append(it)
            for key, found in items.items():
                teachers = base.get(key)
                if teachers is None:
                    text = "не соответствует ни одному уроку обычного расписания в этот день"
                    out += [lost(c, d, f"урок «{it.subject}» {text}") for it in found]
                    continue
                in_person = (
                    f"урок {_label(key)} стоит очно, а класс на дистанционном обучении "
                    "(нужен онлайн или самостоятельная работа)"
                )
                out += [
                    lost(c, d, in_person)
                    for it in found
                    if it.format not in ("online", "self_study")
                ]
                extra = Counter(it.teacher or None for it in found) - Counter(teachers)
                missing = Counter(teachers) - Counter(it.teacher or None for it in found)
                if len(found) <= len(teachers):  # a wrong teacher, not a doubled lesson
                    want = sorted(missing.elements(), key=str)
                    for k, teacher in enumerate(sorted(extra.elements(), key=str)):
                        was = want[k] if k < len(want) else None
                        text = f"у урока {_label(key)} учитель «{teacher}», а в обычном расписании"
                        out.append(lost(c, d, f"{text} «{was}»", was))
            for key in sorted(base):
                n, m = len(items.get(key, [])), len(base[key])
                if n == 0:
                    text = "пропал — его нет ни онлайн, ни в самостоятельной работе"
                    out.append(lost(c, d, f"урок {_label(key)} {text}"))
                elif n > m:
                    times = plural(n, "раз", "раза", "раз") + ("" if m == 1 else f" вместо {m}")
                    out.append(lost(c, d, f"урок {_label(key)} стоит {times}"))
                elif n < m:
                    times = plural(n, "раз", "раза", "раз") + f" вместо {m}"
                    out.append(
                        lost(c, d, f"урок {_label(key)} стоит {times}: часть уроков пропала")
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
