"""The class-day: one class's online lessons on one date, as the class-day rules judge them.

Each class-day rule (``day_window``, ``online_lesson_length``, ``daily_screen_time``,
``lessons_per_day``, ``breaks_min``, ``big_break``, ``dynamic_pause``) has one plain predicate
over a :class:`ClassDay` in its module; the checker, the hand plan (``planner.engine.naive``) and
any quick feasibility test call those predicates (through :func:`constraints.rules.day_problems`)
instead of their own copies.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ClassDay:
    """Online lessons of a class on a date: ``spans`` (start, end) in minutes since midnight,
    sorted; ``screen`` the screen minutes of each span (its length unless given)."""

    class_name: str
    grade: int | None
    date: date
    spans: tuple[tuple[int, int], ...]
    screen: tuple[int, ...]

    @classmethod
    def of(
        cls,
        class_name: str,
        grade: int | None,
        on: date,
        spans: Iterable[tuple[int, int]],
        screen: Iterable[int] | None = None,
    ) -> ClassDay:
        """A class-day from its online spans (any order); screen minutes default to lengths."""
        pairs = sorted(
            zip(spans, screen, strict=True)
            if screen is not None
            else ((s, s[1] - s[0]) for s in spans)
        )
        return cls(class_name, grade, on, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))

    @property
    def count(self) -> int:
        """How many online lessons (time slots) the day has."""
        return len(self.spans)

    def gaps(self) -> list[int]:
        """The breaks between consecutive online lessons, in minutes (negative: overlap)."""
        return [b[0] - a[1] for a, b in itertools.pairwise(self.spans)]
