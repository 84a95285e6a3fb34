"""Benchmark of the solve step of the remote rebuild on the demo schools, default settings
(time limit 25 s as a ceiling, 1 % gap target, stall window by size). Prints figures; exits 1
below target. The whole ``planner rebuild`` path (import, exports) is bench/bench_e2e.py.

Targets (2 workers): three classes of the medium school for a week — proven optimal, ≤ 2 s;
the medium school fully remote for a week — first plan ≤ 3 s, final ≤ 30 s, proven gap ≤ 5 %;
the city school (``--city``, 165 classes) — first plan ≤ 3 s, final ≤ 60 s, peak memory
≤ 2 GiB. On every case: online minutes and subjects with an online lesson ≥ the hand plan
(side by side), no checker violation.

    .venv/bin/python bench/bench_rebuild.py            # small, medium, large, three classes
    .venv/bin/python bench/bench_rebuild.py --quick    # medium only
    .venv/bin/python bench/bench_rebuild.py --city     # also the city school
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

from constraints.checker import check_schedule
from planner.app.demo import build_demo_school, demo_orders
from planner.domain.errors import InputError
from planner.domain.order import QuarantineOrder, parse_order
from planner.domain.solving import DEFAULT_TIME_LIMIT, SolveOptions, SolveProgress
from planner.engine.naive import naive_plan
from planner.engine.rebuild import RebuildResult, assemble_schedule, load_catalogue, solve_remote
from planner.engine.solver import build_model, fixed_objective

FIRST_TARGET_S = 3.0
FINAL_TARGET_S = 30.0
GAP_TARGET = 0.05
THREE_CLASSES_TARGET_S = 2.0
CITY_TARGET_S = 60.0
MEMORY_TARGET_MIB = 2048.0


@dataclass
class Run:
    label: str
    classes: int
    lessons: int
    units: int
    first_s: float | None  # from the call of solve_remote to the start plan (before the model)
    wall_s: float
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    online_minutes: int
    violations: int
    result: RebuildResult
    stop: str | None = None
    hand_minutes: int | None = None
    subjects: int | None = None
    hand_subjects: int | None = None


def orders(size: str) -> tuple[Any, QuarantineOrder, QuarantineOrder | None]:
    tt = build_demo_school(size, 1)
    docs = demo_orders(tt)
    whole = parse_order(docs["order-whole-school.yaml"], tt, "order-whole-school.yaml")
    try:
        three = parse_order(docs["order-three-classes.yaml"], tt, "order-three-classes.yaml")
    except InputError:  # the city school has no 5А/7Б/9А
        three = None
    return tt, whole, three


def run(label: str, tt: Any, order: QuarantineOrder, time_limit: float = DEFAULT_TIME_LIMIT,
        workers: int = 2) -> Run:  # fmt: skip
    first: list[float] = []
    t0 = time.perf_counter()

    def progress(_p: SolveProgress) -> None:
        if not first:
            first.append(time.perf_counter() - t0)

    r = solve_remote(
        tt, order, SolveOptions(time_limit=time_limit, workers=workers, seed=1, progress=progress)
    )
    wall = time.perf_counter() - t0
    s = r.stats
    return Run(label, len(order.classes), len(tt.lessons), s.units, first[0] if first else None,
               wall, s.status, s.objective, s.bound, s.gap, s.online_minutes,
               len(r.report.violations), r, s.stop_reason, s.hand_online_minutes,
               s.subjects_online, s.hand_subjects)  # fmt: skip


def naive_figures(r: RebuildResult, tt: Any, order: QuarantineOrder) -> tuple[float, int, int]:
    cat = load_catalogue(order)
    a = naive_plan(r.problem)
    schedule = assemble_schedule(r.problem, a, cat)
    report = check_schedule(schedule, tt, order, cat)
    objective, _lines = fixed_objective(build_model(r.problem), a)
    return objective, sum(a.dur.values()), len(report.violations)


def fmt(v: float | None, spec: str = ".2f") -> str:
    return "—" if v is None else format(v, spec)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="medium school only")
    ap.add_argument("--city", action="store_true", help="also the 165-class city school")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    failures: list[str] = []

    print(f"Бенчмарк перестроения (шаг решения, настройки по умолчанию): потоков {args.workers}\n")
    tt, whole, three = orders("medium")
    assert three is not None
    tri = run("medium, 3 класса, неделя", tt, three, workers=args.workers)
    med = run("medium, вся школа, неделя", tt, whole, workers=args.workers)
    runs = [tri, med]
    if not args.quick:
        for size in ("small", "large"):
            t2, w2, _t3 = orders(size)
            runs.append(run(f"{size}, вся школа, неделя", t2, w2, workers=args.workers))
    city = None
    if args.city:
        t4, w4, _t5 = orders("city")
        city = run("city, вся школа, неделя", t4, w4, time_limit=CITY_TARGET_S - 5,
                   workers=args.workers)  # fmt: skip
        runs.append(city)

    head = (f"{'прогон':<28} {'классов':>7} {'единиц':>6} {'1-й план, с':>11} {'всего, с':>8} "
            f"{'конец':>10} {'штраф':>9} {'граница':>9} {'разрыв':>7} {'онлайн-мин':>10} "
            f"{'ручной':>7} {'предметов':>9} {'ручной':>7} {'нарушений':>9}")  # fmt: skip
    print(head)
    for r in runs:
        print(f"{r.label:<28} {r.classes:>7} {r.units:>6} {fmt(r.first_s):>11} "
              f"{r.wall_s:>8.2f} {r.stop or '—':>10} {fmt(r.objective, '.0f'):>9} "
              f"{fmt(r.bound, '.0f'):>9} {fmt(r.gap, '.1%'):>7} {r.online_minutes:>10} "
              f"{r.hand_minutes if r.hand_minutes is not None else '—':>7} "
              f"{r.subjects if r.subjects is not None else '—':>9} "
              f"{r.hand_subjects if r.hand_subjects is not None else '—':>7} "
              f"{r.violations:>9}")  # fmt: skip

    n_obj, n_min, n_viol = naive_figures(med.result, tt, whole)
    print("\nРучной план (старт как в расписании, первые уроки онлайн до предела), medium:")
    print(f"  штраф {n_obj:.0f} против {fmt(med.objective, '.0f')} у решателя; онлайн-минут "
          f"{n_min} против {med.online_minutes}; нарушений у ручного плана {n_viol}")  # fmt: skip
    print("\nРазбор штрафа решателя (medium, вся школа):")
    for line in med.result.stats.penalties:
        print(f"  {line.rule:<16} вес {line.weight:>4} × {line.amount:>6} = {line.cost:>7}")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nПик памяти: {peak:.0f} МиБ")

    if tri.wall_s > THREE_CLASSES_TARGET_S:
        failures.append(f"три класса {tri.wall_s:.2f} с > {THREE_CLASSES_TARGET_S} с")
    if tri.stop != "optimal":
        failures.append(f"три класса: конец «{tri.stop}», а не доказанный оптимум")
    if med.first_s is None or med.first_s > FIRST_TARGET_S:
        failures.append(f"первый план {fmt(med.first_s)} с > {FIRST_TARGET_S} с")
    if med.wall_s > FINAL_TARGET_S:
        failures.append(f"итог {med.wall_s:.1f} с > {FINAL_TARGET_S} с")
    if med.gap is None or med.gap > GAP_TARGET:
        failures.append(f"разрыв medium {fmt(med.gap, '.1%')} > {GAP_TARGET:.0%}")
    if city is not None:
        if city.first_s is None or city.first_s > FIRST_TARGET_S:
            failures.append(f"city: первый план {fmt(city.first_s)} с > {FIRST_TARGET_S} с")
        if city.wall_s > CITY_TARGET_S:
            failures.append(f"city: итог {city.wall_s:.1f} с > {CITY_TARGET_S} с")
    if peak > MEMORY_TARGET_MIB:
        failures.append(f"память {peak:.0f} МиБ > {MEMORY_TARGET_MIB:.0f} МиБ")
    for r in runs:
        if r.violations:
            failures.append(f"{r.label}: проверка нашла {r.violations} нарушений")
        if r.hand_minutes is not None and r.online_minutes < r.hand_minutes:
            failures.append(f"{r.label}: онлайн-минут меньше, чем в ручном плане")
        if r.hand_subjects is not None and (r.subjects or 0) < r.hand_subjects:
            failures.append(f"{r.label}: предметов с онлайн-уроком меньше, чем в ручном плане")
    if failures:
        print("\nНИЖЕ ЦЕЛИ: " + "; ".join(failures))
        return 1
    print("\nВсе цели выполнены.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
