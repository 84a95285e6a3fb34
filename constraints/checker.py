"""The independent checker: re-checks a finished schedule rule by rule.

It reads schedule items, the base timetable, the order and the norm catalogue — never the CP-SAT
model — so a bug in the model encoding cannot hide a broken norm. Its per-class, per-day figures
(:class:`DayFigures`) feed ``report.html``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from constraints.base import CheckView, Violation, fmt_min
from constraints.limits import Limits
from constraints.rules import HARD_RULES
from constraints.screen_time import day_screen_minutes
from planner.domain.model import Timetable, sort_class_names
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import Schedule

__all__ = ["CheckReport", "DayFigures", "Violation", "check_schedule"]


@dataclass(frozen=True)
class DayFigures:
    """One quarantined class on one date, as the report shows it."""

    class_name: str
    date: date
    grade: int | None
    online_minutes: int
    cap_home: int  # daily cap under the «дома» column (minus the homework reserve)
    cap_school: int  # daily cap under the «в школе» column (minus the homework reserve)
    cap: int  # the cap of the order's policy
    cap_citation: str
    lessons_online: int
    lessons_self_study: int
    lesson_lengths: tuple[int, ...]  # online lesson lengths in day order
    breaks: tuple[int, ...]  # minutes between consecutive online lessons
    health_slots: int  # eye gymnastics, физкультминутки, pauses
    first_start: str | None
    last_end: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "class": self.class_name,
            "date": self.date.isoformat(),
            "grade": self.grade,
            "online_minutes": self.online_minutes,
            "cap_home": self.cap_home,
            "cap_school": self.cap_school,
            "cap": self.cap,
            "cap_citation": self.cap_citation,
            "lessons_online": self.lessons_online,
            "lessons_self_study": self.lessons_self_study,
            "lesson_lengths": list(self.lesson_lengths),
            "breaks": list(self.breaks),
            "health_slots": self.health_slots,
            "first_start": self.first_start,
            "last_end": self.last_end,
        }


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, list[Violation]]:
        out: dict[str, list[Violation]] = {}
        for v in self.violations:
            out.setdefault(v.rule, []).append(v)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "violations": [v.to_json() for v in self.violations],
            "warnings": list(self.warnings),
            "days": [d.to_json() for d in self.days],
        }


def check_schedule(
    schedule: Schedule,
    timetable: Timetable,
    order: QuarantineOrder,
    catalogue: Any,
) -> CheckReport:
    """Check every hard rule on a finished schedule; return violations, warnings and figures."""
    limits = Limits(catalogue, order)
    view = CheckView.build(schedule, timetable, order, limits)
    violations: list[Violation] = []
    for rule in HARD_RULES:
        if rule.check is not None:
            violations.extend(rule.check(view))
    violations, inherited = _split_inherited(violations, order)
    warnings = _warnings(catalogue, order, timetable) + inherited
    return CheckReport(violations, warnings, _figures(view))


# Rules whose breach by a class outside the order is still the planner's doing.
_PLANNER_RULES = {"keep_in_person", "teacher_no_overlap"}


#: how a clash the imported file already had is reported (a warning, never the planner's doing)
SOURCE_CLASH_WARNING = (
    "Накладка исходного расписания (она была в загруженном файле; перестроение её не исправляет "
    "и новых не добавляет): {message}"
)


def _split_inherited(
    violations: list[Violation], order: QuarantineOrder
) -> tuple[list[Violation], list[str]]:
    """Separate what the regular timetable already did: in classes the order leaves in school,
    and the clashes of the source the rebuild kept.

    Those lessons are kept exactly as they were (a 07:30 meeting, a club until 20:00, a teacher
    booked twice in the file): the planner may not move them, so they are reported as warnings
    about the regular timetable.
    """
    ordered = set(order.classes)
    kept: list[Violation] = []
    inherited: list[str] = []
    for v in violations:
        if v.in_source:
            inherited.append(SOURCE_CLASH_WARNING.format(message=v.message))
        elif v.class_name and v.class_name not in ordered and v.rule not in _PLANNER_RULES:
            inherited.append(f"Обычное расписание (приказ его не меняет): {v.message}")
        else:
            kept.append(v)
    return kept, inherited


def _warnings(catalogue: Any, order: QuarantineOrder, timetable: Timetable) -> list[str]:
    """The catalogue's own warnings for the period and the order's grades, device and screen
    policy: low-confidence norms in use, a norm set expiring inside the period, the overrides."""
    grades = {g for c in order.classes if (g := timetable.grade_of(c)) is not None}
    found = catalogue.warnings(
        order.date_from,
        order.date_to,
        grades=sorted(grades) or None,
        device=order.device,
        policy=order.screen_policy,
    )
    return list(dict.fromkeys(str(w) for w in found))


def _figures(view: CheckView) -> list[DayFigures]:
    lim = view.limits
    out: list[DayFigures] = []
    reserve = lim.homework_reserve
    for d in view.dates:
        for c in sort_class_names(view.quarantined):
            items = view.by_class_day.get((c, d), [])
            g = view.grade(c)
            slots = view.online_slots(c, d)
            lessons = [i for i in items if i.kind == "lesson"]
            self_study = {
                (i.base.day, i.base.lesson) if i.base else (0, id(i))
                for i in lessons
                if i.format == "self_study"
            }
            health = [
                i for i in items if i.kind in ("eye_gymnastics", "physical_break", "dynamic_pause")
            ]
            cap = lim.daily_cap(g)
            out.append(
                DayFigures(
                    class_name=c,
                    date=d,
                    grade=g,
                    online_minutes=day_screen_minutes(view, c, d),
                    cap_home=max(0, lim.eso_daily(g, "home").value - reserve),
                    cap_school=max(0, lim.eso_daily(g, "school").value - reserve),
                    cap=cap.value,
                    cap_citation=lim.cap_describe(g),
                    lessons_online=len(slots),
                    lessons_self_study=len(self_study),
                    lesson_lengths=tuple(e - s for s, e, _m in slots),
                    breaks=tuple(b[0] - a[1] for a, b in itertools.pairwise(slots)),
                    health_slots=len(health),
                    first_start=fmt_min(slots[0][0]) if slots else None,
                    last_end=fmt_min(slots[-1][1]) if slots else None,
                )
            )
    return out
