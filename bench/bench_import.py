"""Benchmark of the importers on a ~170-class school. Prints figures; exits 1 below target.

The school is three copies of the large demo school (classes renamed «5А-2»…, teachers renamed per
copy), with an elective block (two lessons of one class in one slot on named groups) and a lesson
without a teacher in every class: ~170 classes, ~6,000 lessons. It is written as flat CSV and XLSX
and imported in a fresh process (``python -c``), as ``planner convert`` does: the time includes
starting Python and importing pandas/openpyxl.

Targets: each format imports in < 5 s; peak memory < 600 MiB; time grows linearly (the school
doubled takes < 2.6× as long).

    .venv/bin/python bench/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from planner.app.demo import build_demo_school
from planner.domain.model import BaseLesson, School, SchoolClass, Timetable
from planner.exports.flat import write_flat

TARGET_S = 5.0
MEMORY_MIB = 600.0
LINEAR_RATIO = 2.6
RUNS = 3


def big_school(copies: int) -> Timetable:
    base = build_demo_school("large", 1)
    classes: dict[str, SchoolClass] = {}
    lessons: list[BaseLesson] = []
    for k in range(1, copies + 1):
        rename = {c: (c if k == 1 else f"{c}-{k}") for c in base.classes}
        for c, sc in base.classes.items():
            classes[rename[c]] = replace(
                sc, name=rename[c], subgroups=(*sc.subgroups, "эл-1", "эл-2")
            )
        for x in base.lessons:
            lessons.append(
                replace(
                    x,
                    classes=tuple(rename[c] for c in x.classes),
                    teachers=tuple(t if k == 1 else f"{t} ({k})" for t in x.teachers),
                    source=None,
                )
            )
        for c in base.classes:
            first = min((x for x in base.lessons if c in x.classes), key=lambda x: (x.day, x.start))
            for g in ("эл-1", "эл-2"):
                lessons.append(
                    replace(
                        first,
                        day=6,
                        classes=(rename[c],),
                        group=g,
                        subject=f"Электив {g}",
                        teachers=(),
                        room=None,
                        source=None,
                    )
                )
    return Timetable(
        School(name="Большая школа", days_per_week=6),
        classes,
        tuple(lessons),
        base.bell_schedules,
    )


def measure(path: Path) -> tuple[float, float, int]:
    """Median wall seconds and peak MiB of a fresh-process import; the number of lessons."""
    code = (
        "import resource,sys\n"
        "from planner.imports import load_timetable\n"
        f"t=load_timetable({str(path)!r})\n"
        "print(len(t.lessons), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    times, peaks, count = [], [], 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(time.perf_counter() - t0)
        count, peak = int(out[0]), int(out[1]) / 1024
        peaks.append(peak)
    return statistics.median(times), max(peaks), count


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[str, float] = {}
        for copies in (3, 6):
            school = big_school(copies)
            for suffix in (".csv", ".xlsx"):
                path = Path(tmp) / f"school{copies}{suffix}"
                write_flat(school, path)
                wall, peak, count = measure(path)
                figures[f"{copies}{suffix}"] = wall
                print(
                    f"{suffix[1:]:>4}: {len(school.classes)} классов, {count} уроков — "
                    f"{wall:.2f} с (медиана {RUNS}), пик {peak:.0f} МиБ"
                )
                if copies == 3 and (wall > TARGET_S or peak > MEMORY_MIB):
                    ok = False
                if peak > MEMORY_MIB:
                    ok = False
        for suffix in (".csv", ".xlsx"):
            ratio = figures[f"6{suffix}"] / figures[f"3{suffix}"]
            print(f"{suffix[1:]:>4}: школа ×2 → время ×{ratio:.2f} (цель < {LINEAR_RATIO})")
            ok = ok and ratio < LINEAR_RATIO
    print("OK" if ok else "НИЖЕ ЦЕЛИ / BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
