"""Bells a deputy director enters once, for a timetable file that has none.

A Russian grid («шахматка») rarely carries its bells, and a FET file often names its hours
``1``, ``2``… without clock times. The upload screen (and ``planner … --bells``) then asks for the
bell schedule once — first lesson start, lesson length, the usual break, the big break and after
which lessons it comes — prefilled with the common 45/10/20 (08:00; 20 minutes after the 3rd and
4th lesson). :class:`BellPlan` is that form; :meth:`BellPlan.times` gives lesson number → start,
end. The web app stores the plan with the school so the next upload of the same school uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

#: lessons a day the plan describes (more than any school day has)
PLAN_LESSONS = 10


def _clock(m: int) -> time:
    return time(m // 60, m % 60)


@dataclass(frozen=True)
class BellPlan:
    """First lesson start, lesson length, break, big break and the lessons it follows."""

    start: time = time(8, 0)
    lesson: int = 45
    brk: int = 10
    big_break: int = 20
    big_after: tuple[int, ...] = (3, 4)
    count: int = PLAN_LESSONS

    def times(self) -> dict[int, tuple[time, time]]:
        """Lesson number → (start, end); lessons that would end after midnight are left out."""
        bells: dict[int, tuple[time, time]] = {}
        t = self.start.hour * 60 + self.start.minute
        for n in range(1, self.count + 1):
            if t + self.lesson >= 24 * 60:
                break
            bells[n] = (_clock(t), _clock(t + self.lesson))
            t += self.lesson + (self.big_break if n in self.big_after else self.brk)
        return bells

    def describe(self) -> str:
        """``начало 08:00, уроки по 45 мин, перемены 10 мин, после 3-го и 4-го урока — 20 мин``."""
        after = " и ".join(f"{n}-го" for n in self.big_after)
        text = f"начало {self.start:%H:%M}, уроки по {self.lesson} мин, перемены {self.brk} мин"
        return text + (f", после {after} урока — {self.big_break} мин" if after else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "start": f"{self.start:%H:%M}",
            "lesson": self.lesson,
            "break": self.brk,
            "big_break": self.big_break,
            "big_after": list(self.big_after),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> BellPlan | None:
        """The plan of :meth:`to_json` (``None`` for ``None``); raises ``ValueError`` when bad."""
        if not doc:
            return None
        return bell_plan(
            str(doc.get("start", "08:00")),
            doc.get("lesson", 45),
            doc.get("break", 10),
            doc.get("big_break", 20),
            ", ".join(str(n) for n in doc.get("big_after", (3, 4))),
        )


def bell_plan(start: str, lesson: Any, brk: Any, big_break: Any, big_after: str) -> BellPlan:
    """A plan from the form's text fields; ``ValueError`` with a Russian message naming the field.

    ``start`` is ``H:MM``/``HH:MM``; lengths are whole minutes (lesson 20–90, breaks 0–60);
    ``big_after`` lists lesson numbers (``3, 4``; empty for none).
    """
    parts = start.strip().replace(".", ":").split(":")
    try:
        hour, minute = int(parts[0]), int(parts[1])
        begin = time(hour, minute)
    except (ValueError, IndexError):
        raise ValueError(
            f"начало первого урока «{start}» не похоже на время; напишите, например, 08:00."
        ) from None
    if not 6 <= hour <= 15:
        raise ValueError(f"начало первого урока {begin:%H:%M} — слишком рано или поздно.")

    def minutes(value: Any, label: str, low: int, high: int) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"{label}: «{value}» — нужно целое число минут.") from None
        if not low <= number <= high:
            raise ValueError(f"{label}: {number} мин — нужно от {low} до {high}.")
        return number

    length = minutes(lesson, "длительность урока", 20, 90)
    small = minutes(brk, "перемена", 0, 60)
    big = minutes(big_break, "большая перемена", 0, 60)
    after: list[int] = []
    for word in big_after.replace(";", ",").replace(" ", ",").split(","):
        if word.strip():
            after.append(minutes(word, "большая перемена после урока", 1, PLAN_LESSONS))
    return BellPlan(begin, length, small, big, tuple(sorted(set(after))))
