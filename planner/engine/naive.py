"""The hand plan: the naive baseline the solver is measured against, the greedy start plan the
solver searches from, and the weekly-contact repair of a multi-day plan.

Naive baseline: keep each base start; shorten online lessons to the ЭСО limit; make the first
lessons of the day online until a class-day rule (the daily cap, the lesson count, the day window,
the minimum break) or a teacher who is busy at the time stops it; the rest is self-study.

Whether a class-day is legal is never decided here: every check calls the class-day rules'
predicates (:func:`constraints.rules.day_ok`, one per rule in its own module).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date
from typing import Any

from constraints.breaks import PAUSE_AFTER, dynamic_pause_applies, dynamic_pause_holds
from constraints.class_day import ClassDay
from constraints.order_minimums import unit_must_online
from constraints.problem import Problem, merged_blocks
from constraints.rules import RULES_BY_ID, day_ok
from planner.domain.solving import Assignment

#: the class-day rules the baseline checks lesson by lesson, in base order (the big break and
#: the dynamic pause are settled per day afterwards, by dropping the lessons that break them)
BASELINE_RULES = tuple(
    RULES_BY_ID[r]
    for r in ("day_window", "online_lesson_length", "daily_screen_time", "lessons_per_day",
              "breaks_min")
)  # fmt: skip


def _all_self_study(
    problem: Problem,
) -> tuple[
    dict[int, bool], dict[int, int], dict[int, int], dict[tuple[str, date], list[tuple[int, int]]]
]:
    """Online flags, starts and lengths of a plan with every unit in self-study, and each
    teacher-day's busy blocks (in-person lessons with the switch buffer)."""
    online = {u.id: False for u in problem.units}
    start = {u.id: u.base_start for u in problem.units}
    dur = {u.id: 0 for u in problem.units}
    busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    for (t, d), fixed in problem.teacher_fixed.items():
        busy[(t, d)].extend(merged_blocks(fixed, problem.limits.switch_buffer.value))
    return online, start, dur, busy


def _class_day(problem: Problem, c: str, d: date, spans: list[tuple[int, int]]) -> ClassDay:
    return ClassDay.of(c, problem.timetable.grade_of(c), d, spans)


def naive_plan(problem: Problem) -> Assignment:
    """Decide every unit greedily, class by class in base order (deterministic)."""
    lim = problem.limits
    online, start, dur, busy = _all_self_study(problem)
    spans: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    for u in problem.units:  # units are in date, then base-start order
        if u.blocked:
            continue
        length = min(u.max_len, u.base_end - u.base_start)
        length = max((x for x in u.lengths if x <= length), default=0)
        if not length:
            continue
        s, e = u.base_start, u.base_start + length
        ok = all(
            day_ok(_class_day(problem, c, u.date, [*spans[(c, u.date)], (s, e)]), lim,
                   BASELINE_RULES)
            for c in u.classes
        ) and not any(
            s < be and bs < e for t in u.teachers for bs, be in busy[(t, u.date)]
        )  # fmt: skip
        if not ok:
            continue
        online[u.id], dur[u.id] = True, length
        for c in u.classes:
            spans[(c, u.date)].append((s, e))
        for t in u.teachers:
            busy[(t, u.date)].append((s, e))
    _drop_short_big_breaks(problem, online, start, dur)
    return Assignment(online, start, dur)


def _drop_short_big_breaks(
    problem: Problem, online: dict[int, bool], start: dict[int, int], dur: dict[int, int]
) -> None:
    """Where the day keeps no dynamic pause owed, keep the lessons before it; else, where it
    has no big break, keep at most big_from − 1 online lessons."""
    lim = problem.limits
    big_break = RULES_BY_ID["big_break"]
    for (c, d), ids in problem.class_days.items():
        on = [i for i in ids if online[i]]
        day = _class_day(problem, c, d, [(start[i], start[i] + dur[i]) for i in on])
        drop: list[int] = []
        if dynamic_pause_applies(day, lim):
            if not dynamic_pause_holds(day, lim):
                drop = on[PAUSE_AFTER:]
        elif not day_ok(day, lim, (big_break,)):
            drop = on[lim.big_from - 1 :]
        for i in drop:
            online[i], dur[i] = False, 0
            start[i] = problem.units[i].base_start


def greedy_plan(problem: Problem) -> Assignment:
    """A better starting plan for the solver (not the baseline): per class-day, the lessons of
    the highest priority go online first — subjects not yet online this week get a bonus — at
    their base start, as long as every hard rule still holds; a leftover of the daily cap goes
    to one shorter lesson. Deterministic."""
    w = DEFAULT_WEEKLY_BONUS
    online, start, dur, busy = _all_self_study(problem)
    covered: set[tuple[str, str, int]] = set()

    def class_ok(c: str, d: date, extra: int, length: int) -> bool:
        spans = [
            (start[i], start[i] + (length if i == extra else dur[i]))
            for i in problem.class_days[(c, d)]
            if online[i] or i == extra
        ]
        return day_feasible(problem, c, d, spans)

    def try_add(u_id: int, length: int) -> bool:
        u = problem.units[u_id]
        s, e = u.base_start, u.base_start + length
        for t in u.teachers:
            if any(s < be and bs < e for bs, be in busy[(t, u.date)]):
                return False
        if not all(class_ok(c, u.date, u_id, length) for c in u.classes):
            return False
        online[u_id], dur[u_id] = True, length
        for t in u.teachers:
            busy[(t, u.date)].append((s, e))
        week = u.date.isocalendar()[1]
        for c in u.classes:
            for subj in u.subjects:
                covered.add((c, subj, week))
        return True

    for (c, d), ids in problem.class_days.items():
        week = d.isocalendar()[1]

        def value(i: int, c: str = c, week: int = week) -> tuple[int, int]:
            u = problem.units[i]
            bonus = any(
                problem.weekly_hours.get((c, s), 0) >= 2 and (c, s, week) not in covered
                for s in u.subjects
            )
            return (-(u.priority * u.max_len + (w if bonus else 0)), u.base_start)

        for i in sorted((i for i in ids if not problem.units[i].blocked), key=value):
            if online[i]:
                continue
            u = problem.units[i]
            base_len = u.base_end - u.base_start
            for length in u.lengths:
                if length <= base_len and try_add(i, length):
                    break
    return Assignment(online, start, dur)


# A subject not yet online this week is worth this much more (objective units) when choosing.
DEFAULT_WEEKLY_BONUS = 400


def day_feasible(problem: Problem, c: str, d: date, spans: list[tuple[int, int]]) -> bool:
    """Do these online lessons (start, end) of class c on date d keep every class-day rule?"""
    return day_ok(_class_day(problem, c, d, spans), problem.limits)


def repair_weekly_contact(problem: Problem, a: Assignment, pairs: set[tuple[str, str, int]],
                          *, subjects: bool = False) -> int:  # fmt: skip
    """Give each (class, subject, week) in ``pairs`` that has no online lesson one, if a legal
    swap exists: its lesson goes online at its base start (longest length that fits), at most
    one other online lesson of the day goes to self-study, and the swap must gain (the weekly
    contact is worth more than the priority minutes it costs). Returns the number of repairs.

    ``subjects``: ``pairs`` are any subjects (:func:`subject_pairs`), every swap must add one
    subject with an online lesson (the victim's subjects keep one elsewhere in the week) and
    must not lose online minutes on its date."""
    buf = problem.limits.switch_buffer.value
    weight = DEFAULT_WEEKLY_BONUS
    units_of = subject_pairs(problem) if subjects else problem.contact_groups()
    repaired = 0
    for pair in sorted(pairs):
        ids = units_of.get(pair, [])
        if not ids or any(a.online[i] for i in ids):
            continue
        done = False
        for i in ids:
            u = problem.units[i]
            day_ids = {c: problem.class_days[(c, u.date)] for c in u.classes}
            victims = sorted(
                {v for vs in day_ids.values() for v in vs if a.online[v]},
                key=lambda v: (problem.units[v].priority * a.dur[v], v),
            )
            for victim in [None, *victims]:
                lost = 0 if victim is None else problem.units[victim].priority * a.dur[victim]
                for length in u.lengths:
                    if length > u.base_end - u.base_start:
                        continue
                    if weight + u.priority * length <= lost:
                        break
                    s, e = u.base_start, u.base_start + length
                    if not _teachers_free(problem, a, u, s, e, buf, victim):
                        continue
                    if all(
                        _in_base_order(a, vs, victim, i, s)
                        and day_feasible(problem, c, u.date, [
                            (a.start[v], a.start[v] + a.dur[v])
                            for v in vs if a.online[v] and v != victim
                        ] + [(s, e)])
                        for c, vs in day_ids.items()
                    ) and (victim is None or _victim_ok(problem, a, victim, i)) and (
                        not subjects or _keeps_subjects(problem, a, units_of, victim, i, length)
                    ):  # fmt: skip
                        if victim is not None:
                            a.online[victim], a.dur[victim] = False, 0
                            a.start[victim] = problem.units[victim].base_start
                        a.online[i], a.start[i], a.dur[i] = True, s, length
                        done = True
                        break
                if done:
                    break
            if done:
                repaired += 1
                break
    return repaired


def _in_base_order(a: Assignment, ids: list[int], victim: int | None, added: int,
                   start: int) -> bool:  # fmt: skip
    """The class's online lessons, with ``added`` at ``start``, still start in base order."""
    starts = [start if v == added else a.start[v]
              for v in ids if v == added or (a.online[v] and v != victim)]  # fmt: skip
    return all(x < y for x, y in itertools.pairwise(starts))


def _keeps_subjects(problem: Problem, a: Assignment,
                    units_of: dict[tuple[str, str, int], list[int]], victim: int | None,
                    added: int, length: int) -> bool:  # fmt: skip
    """The swap loses no online minutes and every subject of the victim keeps an online lesson
    in its week."""
    if victim is None:
        return True
    if length < a.dur[victim]:
        return False
    v = problem.units[victim]
    week = v.date.isocalendar()[1]
    return all(
        any(a.online[j] and j != victim for j in units_of.get((c, s, week), []))
        for c in v.classes
        for s in v.subjects
    )


def _victim_ok(problem: Problem, a: Assignment, victim: int, added: int) -> bool:
    """Removing the victim keeps the days of its other classes legal."""
    v = problem.units[victim]
    for c in v.classes:
        if c in problem.units[added].classes:
            continue
        spans = [
            (a.start[w], a.start[w] + a.dur[w])
            for w in problem.class_days[(c, v.date)]
            if a.online[w] and w != victim
        ]
        if not day_feasible(problem, c, v.date, spans):
            return False
    return True


def _teachers_free(
    problem: Problem, a: Assignment, u: Any, s: int, e: int, buf: int, victim: int | None
) -> bool:
    for t in u.teachers:
        for bs, be in merged_blocks(problem.teacher_fixed.get((t, u.date), []), buf):
            if s < be and bs < e:
                return False
        for w in problem.teacher_units.get((t, u.date), []):
            if w in (u.id, victim) or not a.online[w]:
                continue
            if s < a.start[w] + a.dur[w] and a.start[w] < e:
                return False
    return True


def subject_pairs(problem: Problem) -> dict[tuple[str, str, int], list[int]]:
    """Every (class, subject, ISO week) of the period with the units (not blocked) that could
    give it an online lesson — whatever its weekly hours."""
    return dict(problem.subject_units())


def plan_figures(problem: Problem, a: Assignment) -> tuple[int, int]:
    """The two figures a plan is never behind the hand plan on: online minutes, and subjects
    (class, subject, week) with at least one online lesson."""
    minutes = sum(a.dur[u.id] for u in problem.units if a.online[u.id])
    subjects = sum(any(a.online[i] for i in ids) for ids in subject_pairs(problem).values())
    return minutes, subjects


def hand_plan_floors(problem: Problem) -> tuple[Assignment, int, int] | None:
    """The hand plan and its figures (online minutes, subjects with an online lesson), or None
    when the hand plan breaks one of the order's own minimums (``must_online``,
    ``min_online_per_day``) — then it is no plan to measure against."""
    a = naive_plan(problem)
    if not keeps_order_minimums(problem, a):
        return None
    minutes, subjects = plan_figures(problem, a)
    return a, minutes, subjects


def keeps_order_minimums(problem: Problem, a: Assignment) -> bool:
    """``a`` keeps the order's own minimums (``must_online``, ``min_online_per_day``)."""
    order = problem.order
    for u in problem.units:
        if not a.online[u.id] and unit_must_online(order, u):
            return False
    if order.min_online_per_day:
        for ids in problem.class_days.values():
            if ids and sum(a.online[i] for i in ids) < min(order.min_online_per_day, len(ids)):
                return False
    return True


def start_plan(problem: Problem) -> Assignment | None:
    """The plan a first rebuild (no earlier version) starts from, decided here before any model
    exists, so that it can be reported at once: the greedy plan when it keeps the order's
    minimums and is not behind the hand plan (online minutes on every date, subjects with an
    online lesson in the period — the model's hand floors), else the hand plan when it keeps
    them, else None (no legal plan is known yet). Both obey every hard rule by construction,
    and the solver's model takes the same plan as its complete hint."""
    hand = hand_plan_floors(problem)
    greedy = greedy_plan(problem)
    behind = hand is not None and not not_behind(problem, greedy, hand[0])
    if keeps_order_minimums(problem, greedy) and not behind:
        return greedy
    return hand[0] if hand is not None else None


def not_behind(problem: Problem, a: Assignment, hand: Assignment) -> bool:
    """``a`` has at least the online minutes of ``hand`` on every date and at least as many
    subjects with an online lesson in the period (the rows of the model's hand floors)."""
    mine: dict[date, int] = defaultdict(int)
    theirs: dict[date, int] = defaultdict(int)
    for u in problem.units:
        mine[u.date] += a.dur[u.id] if a.online[u.id] else 0
        theirs[u.date] += hand.dur[u.id] if hand.online[u.id] else 0
    if any(mine[d] < theirs[d] for d in theirs):
        return False
    return plan_figures(problem, a)[1] >= plan_figures(problem, hand)[1]


def catch_up_subjects(problem: Problem, a: Assignment, hand: Assignment) -> bool:
    """Swap lessons online (in place) until ``a`` gives as many subjects an online lesson as the
    hand plan ``hand``, taking the hand plan's subjects that ``a`` lacks; True when it does."""
    groups = subject_pairs(problem)
    target = plan_figures(problem, hand)[1]
    if plan_figures(problem, a)[1] >= target:
        return True
    lacking = {
        p for p, ids in groups.items()
        if any(hand.online[i] for i in ids) and not any(a.online[i] for i in ids)
    }  # fmt: skip
    repair_weekly_contact(problem, a, lacking, subjects=True)
    return plan_figures(problem, a)[1] >= target
