"""Norm values for one class on one date, read from the norm catalogue once and cached.

Both the CP-SAT rules and the independent checker read limits through :class:`Limits`; it only
looks values up (and takes the minimum of the norms that bound one quantity), it encodes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from planner.domain.order import DEVICE_RU, POLICY_RU, QuarantineOrder

# A class whose name carries no grade (a club, a mixed group) is held to the 5–9 norms.
DEFAULT_GRADE = 5


def grade_band_ru(grade: int) -> str:
    """The band of table 6.8 a grade falls in, as the table writes it (``5–9 кл.``)."""
    if grade <= 2:
        return "1–2 кл."
    if grade <= 4:
        return "3–4 кл."
    if grade <= 9:
        return "5–9 кл."
    return "10–11 кл."


def hm(value: Any) -> int:
    """Minutes since midnight of a catalogue time value ``"HH:MM"``."""
    h, m = str(value).split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True, slots=True)
class Bound:
    """A limit and the norm it comes from (its citation, as a report shows it)."""

    value: int
    citation: str
    key: str
    low_confidence: bool = False
    override_reason: str | None = None


class Limits:
    """Per-class, per-date limits of a quarantine order under a norm catalogue."""

    def __init__(self, catalogue: Any, order: QuarantineOrder):
        self.cat = catalogue
        self.order = order
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._bounds: dict[tuple[Any, ...], Bound] = {}  # the hot loops ask the same bounds
        # per_lesson, daily_cap, max_lessons: asked for every lesson the plans try
        self._derived: dict[tuple[Any, ...], Any] = {}

    # -- raw access -------------------------------------------------------------------------
    def norm(self, key: str, **kw: Any) -> Any:
        ck = (key, tuple(sorted(kw.items())))
        hit = self._cache.get(ck)
        if hit is None:
            hit = self.cat.value(key, **kw)
            self._cache[ck] = hit
        return hit

    def bound(self, key: str, **kw: Any) -> Bound:
        # (keywords in another order are another entry with the same value: no sort per call)
        ck = (key, *kw.items())
        hit = self._bounds.get(ck)
        if hit is None:
            n = self.norm(key, **kw)
            value = n.value
            if isinstance(value, str) and ":" in value:
                value = hm(value)
            conf = str(getattr(n, "confidence", "") or "")
            hit = Bound(
                int(value),
                n.citation,
                key,
                low_confidence=conf.startswith("low") or conf == "medium-low",
                override_reason=getattr(n, "override_reason", None),
            )
            self._bounds[ck] = hit
        return hit

    # -- day window -------------------------------------------------------------------------
    @cached_property  # the class-day checks ask it for every lesson they try
    def day_start(self) -> Bound:
        return self.bound("day.start_not_before")

    @cached_property
    def online_end(self) -> Bound:
        return self.bound("day.online_end_not_after")

    @cached_property
    def in_person_end(self) -> Bound:
        return self.bound("day.in_person_end_not_after")

    # -- lesson length ------------------------------------------------------------------------
    def per_lesson(self, grade: int | None, on: date) -> Bound:
        """Longest online lesson (its screen minutes): the tightest of three norms."""
        ck = ("per_lesson", grade, on)
        hit = self._derived.get(ck)
        if hit is None:
            g = grade or DEFAULT_GRADE
            hit = self._derived[ck] = _tightest(
                self.bound("eso.per_lesson", grade=g, device=self.order.device),
                self.bound("lesson.online_max_minutes"),
                self.bound("lesson.max_minutes", grade=g, on=on),
            )
        return hit

    # -- daily screen time --------------------------------------------------------------------
    def eso_daily(self, grade: int | None, policy: str) -> Bound:
        g = grade or DEFAULT_GRADE
        return self.bound("eso.daily", grade=g, device=self.order.device, policy=policy)

    @cached_property
    def homework_reserve(self) -> int:
        if self.order.homework_reserve_minutes:
            return int(self.order.homework_reserve_minutes)
        try:
            return int(self.norm("screen.homework_reserve_minutes").value or 0)
        except (KeyError, LookupError, TypeError, ValueError):
            return 0

    def daily_cap(self, grade: int | None) -> Bound:
        """Online screen minutes per class per day: the ЭСО daily total minus the reserve."""
        ck = ("daily_cap", grade)
        hit = self._derived.get(ck)
        if hit is None:
            b = self.eso_daily(grade, self.order.screen_policy)
            hit = self._derived[ck] = Bound(
                max(0, b.value - self.homework_reserve),
                b.citation,
                b.key,
                b.low_confidence,
                b.override_reason,
            )
        return hit

    def cap_describe(self, grade: int | None) -> str:
        g = grade or DEFAULT_GRADE
        b = self.eso_daily(grade, self.order.screen_policy)
        return (
            f"{b.citation}, {DEVICE_RU.get(self.order.device, self.order.device)}, "
            f"{grade_band_ru(g)}, {POLICY_RU.get(self.order.screen_policy, '')}"
        )

    # -- lessons per day ----------------------------------------------------------------------
    def max_lessons(self, grade: int | None, on: date) -> tuple[Bound, Bound]:
        """(ordinary maximum, maximum on the one day a week that has PE)."""
        ck = ("max_lessons", grade, on)
        hit = self._derived.get(ck)
        if hit is None:
            hit = self._derived[ck] = self._max_lessons(grade, on)
        return hit

    def _max_lessons(self, grade: int | None, on: date) -> tuple[Bound, Bound]:
        g = grade or DEFAULT_GRADE
        plain = self.bound("lessons.max_per_day", grade=g)
        with_pe = self.bound("lessons.max_per_day_with_pe", grade=g)
        if g == 1:
            step = self.bound("lessons.grade1_per_day", on=on)
            plain = _tightest(plain, step)
            with_pe = _tightest(with_pe, Bound(max(step.value, plain.value), step.citation, ""))
        return plain, max(with_pe, plain, key=lambda b: b.value)

    # -- breaks -------------------------------------------------------------------------------
    @cached_property
    def break_min(self) -> Bound:
        return self.bound("break.min_minutes")

    @cached_property
    def big_break(self) -> Bound:
        return self.bound("break.big_min_minutes")

    @cached_property
    def big_after(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.norm("break.big_after_lessons").value)

    @cached_property
    def big_from(self) -> int:
        return int(self.norm("break.big_applies_from_lessons").value)

    @cached_property
    def dynamic_pause(self) -> Bound:
        return self.bound("break.dynamic_pause_minutes")

    @cached_property
    def dynamic_pause_grades(self) -> frozenset[int]:
        """The grades a dynamic pause is owed to (``break.dynamic_pause_grades``)."""
        return frozenset(int(g) for g in self.norm("break.dynamic_pause_grades").value)

    @cached_property
    def switch_buffer(self) -> Bound:
        return self.bound("teacher.switch_buffer_minutes")

    # -- health / soft ------------------------------------------------------------------------
    def continuous_max(self, grade: int | None) -> Bound:
        return self.bound("screen.continuous_max_minutes", grade=grade or DEFAULT_GRADE)

    def difficulty(self, grade: int | None, subject: str) -> int:
        return _difficulty(self, grade or DEFAULT_GRADE, subject)

    def hard_positions(self, grade: int | None) -> tuple[int, ...]:
        n = self.norm("difficulty.hard_positions", grade=grade or DEFAULT_GRADE)
        return tuple(int(x) for x in n.value)

    def priority(self, grade: int | None, subject: str) -> int:
        try:
            v = self.norm("subject.priority", subject=subject, grade=grade or DEFAULT_GRADE).value
        except (KeyError, LookupError):
            return 1
        return max(0, round(float(v))) if v is not None else 1


def _difficulty(limits: Limits, grade: int, subject: str) -> int:
    try:
        v = limits.norm("difficulty.score", grade=grade, subject=subject).value
    except (KeyError, LookupError):
        return 0
    return int(v) if v is not None else 0


def _tightest(*bounds: Bound) -> Bound:
    return min(bounds, key=lambda b: b.value)
