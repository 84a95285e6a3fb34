"""The naive baseline plan the solver is measured against.

Keep each base start; shorten online lessons to the ЭСО limit; make the first lessons of the day
online until the daily cap (or the lesson count, the online end of the day, or a teacher who is
busy at the time) stops it; the rest is self-study.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

from constraints.problem import Problem, merged_blocks
from planner.solver import Assignment


def naive_plan(problem: Problem) -> Assignment:
    """Decide every unit greedily, class by class in base order (deterministic)."""
    lim = problem.limits
    tt = problem.timetable
    buf = lim.switch_buffer.value
    gap = lim.break_min.value
    end_limit = lim.online_end.value
    start_limit = lim.day_start.value
    online: dict[int, bool] = {u.id: False for u in problem.units}
    start: dict[int, int] = {u.id: u.base_start for u in problem.units}
    dur: dict[int, int] = {u.id: 0 for u in problem.units}
    busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    for (t, d), fixed in problem.teacher_fixed.items():
        busy[(t, d)].extend(merged_blocks(fixed, buf))
    used: dict[tuple[str, date], int] = defaultdict(int)
    count: dict[tuple[str, date], int] = defaultdict(int)
    last_end: dict[tuple[str, date], int] = {}
    for u in problem.units:  # units are in date, then base-start order
        if u.blocked:
            continue
        length = min(u.max_len, u.base_end - u.base_start)
        length = max((x for x in u.lengths if x <= length), default=0)
        if not length:
            continue
        s, e = u.base_start, u.base_start + length
        if s < start_limit or e > end_limit:
            continue
        ok = True
        for c in u.classes:
            grade = tt.grade_of(c)
            cap = lim.daily_cap(grade).value
            plain, _pe = lim.max_lessons(grade, u.date)
            prev = last_end.get((c, u.date))
            if used[(c, u.date)] + length > cap or count[(c, u.date)] + 1 > plain.value:
                ok = False
            if prev is not None and s < prev + gap:
                ok = False
        for t in u.teachers:
            if any(s < be and bs < e for bs, be in busy[(t, u.date)]):
                ok = False
        if not ok:
            continue
        online[u.id], dur[u.id] = True, length
        for c in u.classes:
            used[(c, u.date)] += length
            count[(c, u.date)] += 1
            last_end[(c, u.date)] = e
        for t in u.teachers:
            busy[(t, u.date)].append((s, e))
    _drop_short_big_breaks(problem, online, start, dur)
    return Assignment(online, start, dur)


def _drop_short_big_breaks(
    problem: Problem, online: dict[int, bool], start: dict[int, int], dur: dict[int, int]
) -> None:
    """Where the base day has no big break, keep at most big_from − 1 online lessons."""
    lim = problem.limits
    for (c, _d), ids in problem.class_days.items():
        on = [i for i in ids if online[i]]
        gaps = [start[b] - (start[a] + dur[a]) for a, b in itertools.pairwise(on)]
        drop: list[int] = []
        if problem.timetable.grade_of(c) == 1 and len(on) >= 3:
            if gaps[1] < lim.dynamic_pause.value:
                drop = on[2:]
        elif len(on) >= lim.big_from and not any(
            gaps[p - 1] >= lim.big_break.value for p in lim.big_after if p - 1 < len(gaps)
        ):
            drop = on[lim.big_from - 1 :]
        for i in drop:
            online[i], dur[i] = False, 0
            start[i] = problem.units[i].base_start
