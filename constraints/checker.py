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
from constraints.norms.warnings import LOW_CONFIDENCE_PREFIX, LOW_CONFIDENCE_TAIL, OVERRIDE_PREFIX
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


#: the first words of a warning about the regular timetable of a class the order leaves in school
INHERITED_PREFIX = "Обычное расписание (приказ его не меняет): "
#: the first words of a clash the imported file already had (a warning, never the planner's doing)
SOURCE_CLASH_PREFIX = (
    "Накладка исходного расписания (она была в загруженном файле; перестроение её не исправляет "
    "и новых не добавляет): "
)


@dataclass(frozen=True)
class WarningGroup:
    """Warnings of one kind, with what they mean in plain words (the review page's «подробнее»)."""

    kind: str
    title: str
    explanation: str
    messages: list[str]

    @property
    def items(self) -> list[str]:
        """The messages without what the group's title and explanation already say."""
        prefix = dict((k, p) for k, p, *_ in WARNING_KINDS)[self.kind]
        out = []
        for m in self.messages:
            if prefix and prefix != OVERRIDE_PREFIX:
                m = m.removeprefix(prefix)
            out.append(m.removesuffix(LOW_CONFIDENCE_TAIL))
        return out


#: kind → (first words of its messages, title, what it means); the last kind takes the rest
WARNING_KINDS: tuple[tuple[str, str | None, str, str], ...] = (
    (
        "low_confidence",
        LOW_CONFIDENCE_PREFIX,
        "Значения норм, не сверенные с официальным текстом",
        "Часть значений в справочнике норм планировщика взята не из официального текста "
        "документа (например, из методических писем) и ещё не сверена с ним. Расписание "
        "построено по этим значениям и ничего не нарушает; если в школе действует свой "
        "локальный акт с другим значением, укажите его в приказе, в разделе «Значения "
        "локального акта», и перестройте расписание.",
    ),
    (
        "local_act",
        OVERRIDE_PREFIX,
        "Значения локального акта",
        "Приказ задаёт свои значения вместо значений нормативных документов. Проверьте, что "
        "они совпадают с локальным актом школы.",
    ),
    (
        "regular",
        INHERITED_PREFIX,
        "Обычное расписание классов, оставшихся в школе",
        "Эти классы учатся очно по обычному расписанию: приказ его не меняет, и планировщик не "
        "сдвигает их уроки, но отмечает, где обычное расписание расходится с нормами.",
    ),
    (
        "source_clash",
        SOURCE_CLASH_PREFIX,
        "Накладки, которые были в загруженном расписании",
        "В файле расписания школы один учитель или один класс уже стоял на двух уроках сразу. "
        "Планировщик сохранил эти уроки как были и не добавил новых накладок; исправить их "
        "можно только в обычном расписании школы.",
    ),
    (
        "documents",
        None,
        "Сроки действия документов и прочее",
        "Документ с нормами перестаёт действовать внутри периода приказа или уже утратил силу; "
        "планировщик говорит, по какому документу считал каждую дату.",
    ),
)


def group_warnings(messages: list[str]) -> list[WarningGroup]:
    """The warnings of a check grouped by kind (in the order of :data:`WARNING_KINDS`), each
    group with its plain-words explanation; empty groups are left out."""
    found: dict[str, list[str]] = {kind: [] for kind, *_ in WARNING_KINDS}
    for message in messages:
        kind = next(
            (k for k, prefix, *_ in WARNING_KINDS if prefix and message.startswith(prefix)),
            WARNING_KINDS[-1][0],
        )
        found[kind].append(message)
    return [
        WarningGroup(kind, title, explanation, found[kind])
        for kind, _prefix, title, explanation in WARNING_KINDS
        if found[kind]
    ]


# Rules whose breach by a class outside the order is still the planner's doing.
_PLANNER_RULES = {"keep_in_person", "teacher_no_overlap"}


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
            inherited.append(f"{SOURCE_CLASH_PREFIX}{v.message}")
        elif v.class_name and v.class_name not in ordered and v.rule not in _PLANNER_RULES:
            inherited.append(f"{INHERITED_PREFIX}{v.message}")
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
