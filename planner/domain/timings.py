"""Wall-clock phases of one rebuild, as the user waits for them.

The pipeline and the solve step record where the time goes (``import``, ``problem``, ``solve``,
``assemble``, ``check``, ``export``) and when the first complete plan was there;
``planner rebuild`` writes them to ``timings.json`` beside ``schedule.json`` and a web job keeps
them in its summary, so ``bench/bench_e2e.py`` can split what it measures from outside.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Timings"]


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended and were waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Timings:
    """Seconds per phase (a phase entered twice adds up) and marks on one clock from ``t0``;
    ``cpu``: the CPU seconds per phase of the process and of the child processes it waited for
    (the work itself, also on a busy machine; the solver's threads and the export's forked
    writer add up)."""

    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)
    t0: float = field(default_factory=time.perf_counter)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + _cpu() - cpu

    def mark(self, name: str) -> None:
        """Seconds since ``t0`` the first time ``name`` happens (later calls keep the first)."""
        self.marks.setdefault(name, time.perf_counter() - self.t0)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def to_json(self) -> dict[str, Any]:
        return {
            "phases": {k: round(v, 4) for k, v in self.phases.items()},
            "cpu": {k: round(v, 4) for k, v in self.cpu.items()},
            "marks": {k: round(v, 4) for k, v in self.marks.items()},
            "total_s": round(self.elapsed(), 4),
        }
