"""Value types of a solve: its options, its progress reports and the plan it decides.

Shared by the solver and the hand plan (``planner.engine.solver`` / ``planner.engine.naive``),
the CLI and the web app's jobs, so none of them imports another for a type.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


def relative_gap(objective: float, bound: float) -> float:
    """How far a plan's objective may still be from the optimum, relative to the objective."""
    if objective == bound:
        return 0.0
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass(frozen=True)
class SolveProgress:
    """One improving solution, as the progress callback reports it."""

    elapsed: float  # seconds since the solve started
    objective: float
    bound: float
    solutions: int

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


#: Why a search ended (internal values; users see :func:`stop_reason_ru`).
STOP_OPTIMAL = "optimal"  # the plan is proven the best
STOP_GAP = "gap"  # proven within the gap target of the best possible
STOP_STALL = "stall"  # no better plan for the stall window
STOP_TIME_LIMIT = "time_limit"  # the time limit (a ceiling) ran out
STOP_CANCELLED = "cancelled"  # the user stopped it
STOP_REASONS = (STOP_OPTIMAL, STOP_GAP, STOP_STALL, STOP_TIME_LIMIT, STOP_CANCELLED)

DEFAULT_GAP_TARGET = 0.01

#: the default search ceiling, seconds: 25 s of search leaves the rest of the 30 s a deputy
#: waits for a whole medium school (import, model, check, every export) to the other phases
DEFAULT_TIME_LIMIT = 25.0


def stall_window(units: int) -> float:
    """The default stall window (seconds) for a problem of ``units`` units: a few seconds,
    growing with the size of the problem (2.6 s for three classes, 8 s for a 33-class school,
    at most 15 s)."""
    return round(min(15.0, 2.0 + units / 150), 1)


def stop_reason_ru(reason: str | None, *, gap: float | None = None,
                   gap_target: float | None = None, stall: float | None = None) -> str:  # fmt: skip
    """How the search ended, in the words a deputy director reads."""
    if reason == STOP_OPTIMAL:
        return "план доказанно лучший"
    if reason == STOP_GAP:
        shown = gap_target if gap_target is not None else gap
        return f"до лучшего возможного не больше {_percent(shown)}"
    if reason == STOP_STALL:
        return f"дальше улучшений не было {_seconds(stall)}"
    if reason == STOP_TIME_LIMIT:
        return "закончилось отведённое время"
    if reason == STOP_CANCELLED:
        return "остановлено по вашей просьбе"
    return "поиск завершён"


def _percent(x: float | None) -> str:
    if x is None:
        return "—"
    v = round(100 * x, 1)
    return f"{v:g} %".replace(".", ",")


def _seconds(x: float | None) -> str:
    return "нескольких секунд" if x is None else f"{x:g} с".replace(".", ",")


@dataclass(frozen=True)
class SolveOptions:
    """How a solve runs: time limit (seconds, a ceiling), CP-SAT workers and seed, whether an
    optimal plan must be the same on every run, where progress goes and the event that stops
    the search.

    The search ends at the first of: proven optimal; proven gap ≤ ``gap_target``; no better
    plan for ``stall`` seconds (None: :func:`stall_window` of the problem's size; 0: never);
    ``time_limit``. ``hint``: a plan to start from (the web's «Улучшать дальше»): the search
    returns it or a better one.
    """

    time_limit: float = DEFAULT_TIME_LIMIT
    workers: int = 2
    seed: int = 1
    deterministic: bool = True
    progress: Callable[[SolveProgress], None] | None = None
    stop: threading.Event | None = None
    gap_target: float = DEFAULT_GAP_TARGET
    stall: float | None = None
    hint: Assignment | None = None
    # a ceiling in CP-SAT's deterministic work units (None: none): a search it ends is repeatable
    work_limit: float | None = None

    def stall_for(self, units: int) -> float | None:
        """The stall window in force for ``units`` units (None: no stall criterion)."""
        if self.stall is None:
            return stall_window(units)
        return self.stall if self.stall > 0 else None

    @property
    def stopped(self) -> bool:
        """The stop event is set (the user cancelled)."""
        return self.stop is not None and self.stop.is_set()


@dataclass
class Assignment:
    """The decision per unit of a rebuild: online or not, its start and its length (minutes)."""

    online: dict[int, bool]
    start: dict[int, int]
    dur: dict[int, int]
