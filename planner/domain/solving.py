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


@dataclass(frozen=True)
class SolveOptions:
    """How a solve runs: time limit (seconds), CP-SAT workers and seed, whether an optimal plan
    must be the same on every run, where progress goes and the event that stops the search."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 1
    deterministic: bool = True
    progress: Callable[[SolveProgress], None] | None = None
    stop: threading.Event | None = None

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
