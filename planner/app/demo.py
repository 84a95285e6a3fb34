"""A realistic demo school: classes, curriculum, teachers, rooms, bells and a clash-free timetable.

``planner demo-school OUTDIR`` writes the regular timetable (``timetable.csv``, ``timetable.xlsx``)
and two quarantine orders for one fixed school week, so every output is reproducible: the same size
and seed always give byte-identical files.

How the school is built:

* classes 1–11 (small: 1А–9А), ``parallels`` letters per grade; the 3rd grade studies in the
  second shift and shares its homerooms with the 1st grade, which leaves by 12:05;
* weekly hours from ``data/demo/curriculum.yaml`` (ФОП, 5-day week);
* foreign language, informatics and technology in grades 5–11 run as two subgroups at once;
  the mathematics elective of grades 10–11 is a combined lesson of two classes;
* teachers: one primary teacher per class in grades 1–4, subject specialists (profiles) for the
  rest, loads balanced by longest-first assignment;
* lessons placed by a small CP-SAT model (one worker, a deterministic time budget): no clash of
  class, subgroup, teacher or room (by clock time, across the three bell schedules), no gaps in
  a class's day, per-day limits of СП 2.4.3648-20 п. 3.4.16, at most two lessons of one subject
  a day, at most six lessons a day for a teacher;
* then pairwise swaps inside each class move hard subjects to lessons 2–4 (not last) and
  shorten the teachers' free lessons (окна), never breaking a rule above.
"""

from __future__ import annotations

import io
import itertools
import random
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from constraints.cpsat import cp_model
from planner.domain.model import (
    BaseLesson,
    Bell,
    BellSchedule,
    School,
    SchoolClass,
    Timetable,
    minutes,
    plural,
)

__all__ = [
    "DEMO_WEEK_START",
    "SIZES",
    "bell_schedules",
    "build_city_school",
    "build_demo_school",
    "curriculum",
    "daily_max",
    "day_lengths",
    "demo_orders",
    "demo_week",
    "order_yaml",
    "teacher_profiles",
    "weekly_max",
    "write_demo_school",
]

#: parallels (class letters per grade) and the highest grade of each size
SIZES: dict[str, tuple[int, int]] = {"small": (1, 9), "medium": (3, 11), "large": (5, 11)}
LETTERS = "АБВГДЕ"
#: the demo orders cover the first Monday–Friday on or after this date
DEMO_WEEK_START = date(2026, 12, 7)
SECOND_SHIFT_GRADES = (3,)
DAYS = (1, 2, 3, 4, 5)
TARGET_LOAD = 22.5  # hours a week a subject teacher aims at (ставка 18 ч, до 27 ч)
MIN_LOAD = 18
SOLVER_DETERMINISTIC_SECONDS = 4.0
TEACHER_DAY_MAX = 6  # lessons a day a teacher may have
WINDOW_WEIGHT = 8  # one free lesson in a teacher's day weighs like a hard subject moved by one
IMPROVE_SWEEPS = 4
HARD = 9  # difficulty from which a subject counts as hard
LAST_HARD_PENALTY = 20  # a hard subject as the day's last lesson
#: lighter Monday and Friday, the peak on Tuesday–Thursday (СанПиН табл. 6.9–6.11 practice)
DAY_WEIGHT = {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}

BELLS_SHIFT_1 = "1 смена"
BELLS_SHIFT_2 = "2 смена"
BELLS_GRADE_1 = "1 классы (ноябрь–декабрь)"

HALL_NAMES = (
    "Большой спортзал",
    "Малый спортзал",
    "Спортзал начальной школы",
    "Зал ритмики",
    "Тренажёрный зал",
    "Спортзал корпуса 2",
)
TECH_ROOMS = ("Мастерская", "Кабинет технологии")
#: rooms of a subject whoever teaches it (grades 5–11; grades 1–4 stay in their homeroom)
SUBJECT_ROOMS = {"Музыка": "Кабинет музыки", "ИЗО": "Кабинет ИЗО"}


# --- static data -----------------------------------------------------------------------------


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("data").joinpath("demo", name).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict)
    return doc


def curriculum() -> dict[int, dict[str, int]]:
    """Weekly hours per subject for each grade, in the order of the curriculum table."""
    return {int(g): dict(subjects) for g, subjects in _data("curriculum.yaml")["grades"].items()}


def weekly_max() -> dict[int, int]:
    """СанПиН 1.2.3685-21 table 6.6, 5-day week: the most lessons a week per grade."""
    return {int(g): int(v) for g, v in _data("curriculum.yaml")["weekly_max"].items()}


def daily_max() -> dict[int, int]:
    """СП 2.4.3648-20 п. 3.4.16: the most lessons a day the generator uses per grade."""
    return {int(g): int(v) for g, v in _data("curriculum.yaml")["daily_max"].items()}


# --- bells -----------------------------------------------------------------------------------


def _bells(name: str, start: str, lengths: int, breaks: list[int], count: int) -> BellSchedule:
    """Bells from a start time, one lesson length and the breaks after lessons 1, 2, …"""
    h, m = (int(x) for x in start.split(":"))
    t = h * 60 + m
    bells = []
    for n in range(1, count + 1):
        bells.append(Bell(n, time(t // 60, t % 60), time((t + lengths) // 60, (t + lengths) % 60)))
        t += lengths + (breaks[n - 1] if n <= len(breaks) else 10)
    return BellSchedule(name, tuple(bells))


def bell_schedules() -> dict[str, BellSchedule]:
    """The three bell schedules (СП 2.4.3648-20 п. 3.4.16).

    * 1st shift: 08:00, 45-minute lessons, 10-minute breaks, two big 20-minute breaks after
      lessons 2 and 3; the 7th lesson ends at 14:35.
    * 1st grade, stepped regime in November–December: 35-minute lessons and a 40-minute dynamic
      pause after lesson 2; the 5th lesson (one day a week, with PE) ends at 12:05.
    * 2nd shift: from 13:00, same breaks; the 6th lesson ends at 18:40, before 19:00.
    """
    return {
        BELLS_SHIFT_1: _bells(BELLS_SHIFT_1, "08:00", 45, [10, 20, 20, 10, 10, 10], 7),
        BELLS_GRADE_1: _bells(BELLS_GRADE_1, "08:00", 35, [10, 40, 10, 10], 5),
        BELLS_SHIFT_2: _bells(BELLS_SHIFT_2, "13:00", 45, [10, 20, 20, 10, 10], 6),
    }


# --- school structure ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """Hours of one teacher's work with one class or subgroup, before placement."""

    classes: tuple[str, ...]
    group: str | None
    hours: dict[str, int]  # subject → hours a week
    profile: str  # profile title, or "" for a primary class teacher
    sibling_key: tuple[str, ...] = ()  # units with the same key need different teachers
    teacher: str | None = None

    @property
    def total(self) -> int:
        return sum(self.hours.values())


@dataclass
class _Event:
    """Lessons that always run together: a whole-class lesson, or both subgroups at once."""

    classes: tuple[str, ...]
    subject: str
    hours: int
    parts: list[tuple[str | None, str, str]] = field(default_factory=list)  # group, teacher, room


def _feminine(surname: str) -> str:
    for male, female in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if re.search(r"(ов|ев|ёв|ин|ын)$", surname):
        return surname + "а"
    return surname


class _Names:
    """Unique fictional «Фамилия И.О.» names, drawn from ``data/demo/names.yaml``."""

    def __init__(self, rng: random.Random):
        doc = _data("names.yaml")
        self.rng = rng
        self.surnames: list[str] = list(doc["surnames"])
        self.female: list[str] = list(doc["female_names"])
        self.male: list[str] = list(doc["male_names"])
        self.fathers: list[str] = list(doc["father_names"])
        self.share: dict[str, float] = dict(doc["female_share"])
        self.used: set[str] = set()
        self.used_surnames: set[str] = set()

    def new(self, primary: bool) -> str:
        rng = self.rng
        female = rng.random() < self.share["primary" if primary else "other"]
        for attempt in range(1000):
            surname = rng.choice(self.surnames)
            if surname in self.used_surnames and attempt < 200:
                continue  # prefer a surname nobody has yet
            first = rng.choice(self.female if female else self.male)
            father = rng.choice(self.fathers)
            name = f"{_feminine(surname) if female else surname} {first[0]}.{father[0]}."
            if name not in self.used:
                self.used.add(name)
                self.used_surnames.add(surname)
                return name
        raise RuntimeError("ran out of teacher names")  # pragma: no cover


class _Rooms:
    """Room numbers by floor: 1xx primary, 2xx/4xx humanities, 3xx/5xx sciences."""

    def __init__(self) -> None:
        self.next: dict[int, int] = {}

    def take(self, floors: tuple[int, ...]) -> str:
        for floor in floors:
            n = self.next.get(floor, 1)
            if n <= 20:
                self.next[floor] = n + 1
                return f"{floor}{n:02d}"
        raise RuntimeError("no rooms left")  # pragma: no cover


_HUMANITIES = (2, 4)
_SCIENCES = (3, 5)
_PROFILE_FLOORS = {
    "Русский язык и литература": _HUMANITIES,
    "Английский язык": _HUMANITIES,
    "История и обществознание": _HUMANITIES,
    "Математика": _SCIENCES,
    "Физика и информатика": _SCIENCES,
    "Биология, химия и география": _SCIENCES,
}


def _class_names(parallels: int, top_grade: int) -> list[tuple[str, int]]:
    return [(f"{g}{LETTERS[i]}", g) for g in range(1, top_grade + 1) for i in range(parallels)]


def _teachers_needed(total: int, split: bool) -> int:
    """Teachers for a profile's hours; two at least when classes split into subgroups."""
    return max(2 if split else 1, round(total / TARGET_LOAD))


def _assign(
    units: list[_Unit], teachers: list[str], load: dict[str, int], rng: random.Random
) -> dict[int, str]:
    """Unit index → teacher: longest units first to the lightest teacher, then evened out."""
    owner: dict[int, str] = {}

    def allowed(u: _Unit, t: str, ignore: int | None = None, side: bool = True) -> bool:
        """``t`` may teach ``u``: not the other subgroup too, and on the right side."""
        for j, other in owner.items():
            if other == t and j != ignore and units[j].sibling_key == u.sibling_key:
                return False
        # Technology: the first teacher of each pair takes subgroup 1 (workshop), the other 2.
        if side and "Труд (технология)" in u.hours and u.group and len(teachers) > 1:
            return teachers.index(t) % 2 == int(u.group[-1]) - 1
        return True

    order = sorted(range(len(units)), key=lambda i: (-units[i].total, rng.random()))
    for i in order:
        u = units[i]
        free = [t for t in teachers if allowed(u, t)]
        free = free or [t for t in teachers if allowed(u, t, side=False)]
        best = min(free, key=lambda t: (load[t], teachers.index(t)))
        load[best] += u.total
        owner[i] = best
    _balance(units, owner, load, teachers, allowed)
    return owner


def _balance(
    units: list[_Unit],
    owner: dict[int, str],
    load: dict[str, int],
    teachers: list[str],
    allowed: Callable[..., bool],
) -> None:
    """Even out the heaviest and the lightest teacher by moving or swapping one unit at a time."""
    for _step in range(100):
        hi = max(teachers, key=lambda t: (load[t], -teachers.index(t)))
        lo = min(teachers, key=lambda t: (load[t], teachers.index(t)))
        gap = load[hi] - load[lo]
        best: tuple[int, int, int | None] | None = None  # (new gap, unit of hi, unit of lo)
        for i in sorted(j for j, t in owner.items() if t == hi):
            u = units[i]
            options: list[int | None] = [None]
            options += sorted(j for j, t in owner.items() if t == lo)
            for j in options:
                delta = u.total - (units[j].total if j is not None else 0)
                if not 0 < delta < gap:
                    continue
                if not allowed(u, lo, j) or (j is not None and not allowed(units[j], hi, i)):
                    continue
                if best is None or abs(gap - 2 * delta) < best[0]:
                    best = (abs(gap - 2 * delta), i, j)
        if best is None or best[0] >= gap:
            return
        _new_gap, i, j = best
        owner[i] = lo
        load[hi] -= units[i].total
        load[lo] += units[i].total
        if j is not None:
            owner[j] = hi
            load[lo] -= units[j].total
            load[hi] += units[j].total


def _pairs(names: list[str]) -> list[tuple[str, ...]]:
    return [tuple(names[i : i + 2]) for i in range(0, len(names), 2)]


@dataclass
class _School:
    classes: dict[str, SchoolClass]
    events: list[_Event]
    teacher_profile: dict[str, str]


def _build_structure(parallels: int, top_grade: int, rng: random.Random) -> _School:
    doc = _data("curriculum.yaml")
    plan = curriculum()
    subgroup_abbr: dict[str, str] = dict(doc["subgroups"])
    combined = set(doc["combined"])
    specialists = set(doc["primary_specialists"])
    profiles: list[dict[str, Any]] = list(doc["profiles"])
    profile_of = {s: p["title"] for p in profiles for s in p["subjects"]}
    bundled = {p["title"]: bool(p["bundle"]) for p in profiles}

    names = _Names(rng)
    rooms = _Rooms()
    classes: dict[str, SchoolClass] = {}
    homeroom: dict[str, str] = {}
    class_teacher: dict[str, str] = {}
    teacher_profile: dict[str, str] = {}

    all_classes = _class_names(parallels, top_grade)
    by_grade: dict[int, list[str]] = defaultdict(list)
    for name, grade in all_classes:
        by_grade[grade].append(name)

    # Primary homerooms: the 3rd grade (2nd shift) sits in the 1st grade's rooms in the afternoon.
    primary_order = [g for g in (1, 2, 4) if g <= top_grade]
    for g in primary_order:
        for name in by_grade[g]:
            homeroom[name] = rooms.take((1,))
    for i, name in enumerate(by_grade.get(3, [])):
        homeroom[name] = homeroom[by_grade[1][i]] if i < len(by_grade[1]) else rooms.take((1,))

    for name, grade in all_classes:
        shift = 2 if grade in SECOND_SHIFT_GRADES else 1
        bells = BELLS_GRADE_1 if grade == 1 else (BELLS_SHIFT_2 if shift == 2 else BELLS_SHIFT_1)
        groups: list[str] = []
        if grade >= 5:
            for subject, abbr in subgroup_abbr.items():
                if subject in plan[grade]:
                    groups += [f"{abbr}-1", f"{abbr}-2"]
        classes[name] = SchoolClass(
            name=name, grade=grade, shift=shift, bell_schedule=bells, subgroups=tuple(groups)
        )
        if grade <= 4:
            teacher = names.new(primary=True)
            class_teacher[name] = teacher
            teacher_profile[teacher] = "Начальные классы"

    # Demand: class-teacher units are fixed; the rest wait for a specialist of their profile.
    units: list[_Unit] = []
    for g in sorted(by_grade):
        class_sets: list[tuple[str, ...]] = [(c,) for c in by_grade[g]]
        for subject, hours in plan[g].items():
            sets = _pairs(by_grade[g]) if subject in combined else class_sets
            for cs in sets:
                if g <= 4 and subject not in specialists:
                    units.append(
                        _Unit(cs, None, {subject: hours}, "", teacher=class_teacher[cs[0]])
                    )
                    continue
                profile = profile_of[subject]
                key = profile if bundled[profile] else subject
                groups_of: list[str | None] = [None]
                if g >= 5 and subject in subgroup_abbr:
                    groups_of = [f"{subgroup_abbr[subject]}-{k}" for k in (1, 2)]
                for group in groups_of:
                    units.append(_Unit(cs, group, {subject: hours}, profile, (*cs, key)))

    # Bundle: one teacher takes every subject of the profile for a class (or subgroup).
    merged: dict[tuple[Any, ...], _Unit] = {}
    for u in units:
        if u.profile and bundled[u.profile] and len(u.classes) == 1:
            k = (u.profile, u.classes, u.group)
            if k in merged:
                merged[k].hours.update(u.hours)
                continue
        else:
            k = (u.profile, u.classes, u.group, next(iter(u.hours)), u.teacher)
        merged[k] = _Unit(u.classes, u.group, dict(u.hours), u.profile, u.sibling_key, u.teacher)
    units = list(merged.values())

    # Specialists: enough teachers for ~22.5 hours each; longest units first to the lightest.
    # A profile too small for its teachers (a small school) shares them with a related one.
    totals: dict[str, tuple[int, bool]] = {}
    for p in profiles:
        mine = [u for u in units if u.profile == p["title"]]
        if mine:
            totals[p["title"]] = (sum(u.total for u in mine), any(u.group for u in mine))
    pool = {title: title for title in totals}
    for merge in doc.get("merges", []):
        members = [t for t in merge["profiles"] if t in totals]
        if len(members) > 1 and any(
            totals[t][0] / _teachers_needed(*totals[t]) < MIN_LOAD for t in members
        ):
            for t in members:
                pool[t] = merge["title"]
    room_kind = {pool[t]: t for t in reversed(list(totals))}
    assigned: list[_Unit] = [u for u in units if not u.profile]
    for title in dict.fromkeys(pool[t] for t in totals):
        mine = [u for u in units if u.profile and pool[u.profile] == title]
        count = _teachers_needed(sum(u.total for u in mine), any(u.group for u in mine))
        teachers = [names.new(primary=False) for _ in range(count)]
        for t in teachers:
            teacher_profile[t] = title
        load = dict.fromkeys(teachers, 0)
        owner = _assign(mine, teachers, load, rng)
        for i, u in enumerate(mine):
            assigned.append(
                _Unit(u.classes, u.group, u.hours, u.profile, u.sibling_key, teacher=owner[i])
            )

    # Rooms: each specialist has a cabinet; PE teachers a hall; labs by subgroup.
    own_room: dict[str, str] = {}
    specialists_by_profile: dict[str, list[str]] = defaultdict(list)
    for t, title in teacher_profile.items():
        specialists_by_profile[title].append(t)
    for title, ts in specialists_by_profile.items():
        kind = room_kind.get(title, title)
        for i, t in enumerate(ts):
            if kind in ("Начальные классы", "ИЗО и музыка"):
                continue  # homerooms; the music and art rooms of SUBJECT_ROOMS
            if kind == "Физическая культура и ОБЗР":
                own_room[t] = HALL_NAMES[i] if i < len(HALL_NAMES) else f"Спортзал {i + 1}"
            elif kind == "Труд (технология)":
                own_room[t] = TECH_ROOMS[i % 2] + (f" № {i // 2 + 1}" if len(ts) > 2 else "")
            else:
                own_room[t] = rooms.take(_PROFILE_FLOORS[kind])
    labs = [rooms.take(_SCIENCES), rooms.take(_SCIENCES)]
    obzr_room = rooms.take((1,))

    def room_of(u: _Unit, subject: str) -> str:
        assert u.teacher is not None
        if not u.profile:
            return homeroom[u.classes[0]]
        if subject == "Информатика":
            return labs[int(u.group[-1]) - 1] if u.group else labs[0]
        if subject == "ОБЗР":
            return obzr_room
        if subject in SUBJECT_ROOMS:
            return SUBJECT_ROOMS[subject]
        return own_room[u.teacher]

    # Events: one per class (set) and subject; the two subgroups of a subject run together.
    events: dict[tuple[tuple[str, ...], str], _Event] = {}
    for u in assigned:
        assert u.teacher is not None
        for subject, hours in u.hours.items():
            ev = events.setdefault((u.classes, subject), _Event(u.classes, subject, hours))
            ev.parts.append((u.group, u.teacher, room_of(u, subject)))
    ordered = sorted(
        events.values(),
        key=lambda e: (
            [(classes[c].grade, c) for c in e.classes],
            list(plan[classes[e.classes[0]].grade]).index(e.subject),
        ),
    )
    for ev in ordered:
        ev.parts.sort(key=lambda p: p[0] or "")
    return _School(classes=classes, events=ordered, teacher_profile=teacher_profile)


# --- placement -------------------------------------------------------------------------------


def _position_weight(grade: int, lesson: int) -> int:
    """How bad it is to put a hard subject on this lesson (СанПиН табл. 6.9–6.11 practice)."""
    if grade == 1:
        best = (2,)
    elif grade <= 4:
        best = (2, 3)
    else:
        best = (2, 3, 4)
    if lesson in best:
        return 0
    if lesson < best[0]:
        return 1
    return lesson - best[-1]


LONG_DAYS_FIRST = (2, 3, 1, 4, 5)


def day_lengths(total: int) -> dict[int, int]:
    """Lessons a day for a weekly total: as even as possible, Tuesday and Wednesday longest."""
    base, extra = divmod(total, len(DAYS))
    return {d: base + (1 if d in LONG_DAYS_FIRST[:extra] else 0) for d in DAYS}


def _cliques(slots: list[tuple[int, int, Any]]) -> list[list[Any]]:
    """Groups of items whose time intervals share a point (the maximal cliques of intervals)."""
    out = []
    for start in sorted({s for s, _, _ in slots}):
        group = [item for s, e, item in slots if s <= start < e]
        if len(group) > 1:
            out.append(group)
    return out


def _windows(intervals: Iterable[tuple[int, int]]) -> int:
    """Free lessons between a teacher's lessons of a day (a 20-minute break is not one)."""
    spans = sorted(intervals)
    return sum(max(0, round((b[0] - a[1] - 10) / 55)) for a, b in itertools.pairwise(spans))


def _improve(
    school: _School,
    placed: dict[int, list[tuple[int, int]]],
    interval: Callable[[int, int], tuple[int, int]],
) -> None:
    """Swap pairs of a class's lessons while that helps: hard subjects towards lessons 2–4 and
    fewer free lessons (окна) in the teachers' days.

    A swap keeps every hard rule: the class's days keep their length, a subject never gets a
    third lesson on a day, a teacher never more than ``TEACHER_DAY_MAX`` lessons, and each moved
    lesson's teachers and rooms must be free at the new time. Combined lessons stay where the
    solver put them. Deterministic: fixed sweep order, strict improvement only.
    """
    classes = school.classes
    difficulty: dict[str, int] = dict(_data("curriculum.yaml")["difficulty"])
    events = school.events
    resources = [
        sorted({r for _g, t, room in ev.parts for r in (("t", t), ("r", room))}) for ev in events
    ]
    teachers_of = [[r for r in res if r[0] == "t"] for res in resources]
    # (resource, day) → {(event, lesson): (start, end)}
    busy: dict[tuple[tuple[str, str], int], dict[tuple[int, int], tuple[int, int]]]
    busy = defaultdict(dict)
    for e, slots in placed.items():
        for d, p in slots:
            for res in resources[e]:
                busy[res, d][e, p] = interval(e, p)

    totals: dict[str, int] = defaultdict(int)
    for ev in events:
        for c in ev.classes:
            totals[c] += ev.hours
    last = {c: day_lengths(total) for c, total in totals.items()}

    def cost(e: int, d: int, p: int) -> int:
        ev = events[e]
        grade = classes[ev.classes[0]].grade or 1
        score = difficulty.get(ev.subject, 5)
        extra = LAST_HARD_PENALTY if score >= HARD and p == last[ev.classes[0]][d] else 0
        return _position_weight(grade, p) * score + extra + DAY_WEIGHT[d] * score

    def free(e: int, d: int, p: int, moving: tuple[tuple[int, int], ...]) -> bool:
        start, end = interval(e, p)
        for res in resources[e]:
            for key, (s2, e2) in busy[res, d].items():
                if key[0] == e or key in moving:
                    continue
                if s2 < end and start < e2:
                    return False
        return True

    def day_caps_ok(e: int, other: int, d_from: int, d_to: int) -> bool:
        if d_from == d_to:
            return True
        cap = 1 if events[e].hours <= len(DAYS) else 2
        if sum(1 for d, _p in placed[e] if d == d_to) + 1 > cap:
            return False
        return all(
            len(busy[t, d_to]) + 1 - (t in teachers_of[other]) <= TEACHER_DAY_MAX
            for t in teachers_of[e]
        )

    def move(e: int, old: tuple[int, int], new: tuple[int, int]) -> None:
        placed[e].remove(old)
        placed[e].append(new)
        for res in resources[e]:
            del busy[res, old[0]][e, old[1]]
            busy[res, new[0]][e, new[1]] = interval(e, new[1])

    def windows(keys: list[tuple[tuple[str, str], int]]) -> int:
        return sum(_windows(busy[k].values()) for k in keys)

    by_class: dict[str, list[int]] = defaultdict(list)
    for e, ev in enumerate(events):
        if len(ev.classes) == 1:
            by_class[ev.classes[0]].append(e)
    for _sweep in range(IMPROVE_SWEEPS):
        changed = False
        for c in sorted(by_class, key=lambda n: (classes[n].grade or 0, n)):
            cells = sorted((d, p, e) for e in by_class[c] for d, p in placed[e])
            for i in range(len(cells)):
                for j in range(i + 1, len(cells)):
                    d1, p1, a = cells[i]
                    d2, p2, b = cells[j]
                    if a == b:
                        continue
                    if not (day_caps_ok(a, b, d1, d2) and day_caps_ok(b, a, d2, d1)):
                        continue
                    moving = ((a, p1), (b, p2))
                    if not (free(a, d2, p2, moving) and free(b, d1, p1, moving)):
                        continue
                    gain = cost(a, d1, p1) + cost(b, d2, p2) - cost(a, d2, p2) - cost(b, d1, p1)
                    keys = sorted({(t, d) for t in teachers_of[a] + teachers_of[b]
                                   for d in (d1, d2)})  # fmt: skip
                    before = windows(keys)
                    move(a, (d1, p1), (d2, p2))
                    move(b, (d2, p2), (d1, p1))
                    gain += WINDOW_WEIGHT * (before - windows(keys))
                    if gain > 0:
                        cells[i], cells[j] = (d1, p1, b), (d2, p2, a)
                        changed = True
                    else:
                        move(a, (d2, p2), (d1, p1))
                        move(b, (d1, p1), (d2, p2))
        if not changed:
            break


def _place(school: _School, seed: int) -> list[BaseLesson]:
    bells = bell_schedules()
    dmax = daily_max()
    classes = school.classes
    model = cp_model.CpModel()

    periods: dict[int, range] = {}
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for e, ev in enumerate(school.events):
        grade = classes[ev.classes[0]].grade or 1
        periods[e] = range(1, dmax[grade] + 1)
        for d in DAYS:
            for p in periods[e]:
                x[e, d, p] = model.new_bool_var(f"x[{e},{d},{p}]")
        model.add(sum(x[e, d, p] for d in DAYS for p in periods[e]) == ev.hours)
        cap = 1 if ev.hours <= len(DAYS) else 2
        for d in DAYS:
            model.add(sum(x[e, d, p] for p in periods[e]) <= cap)

    # Classes: lessons 1…n every day with no gap; n fixed per day from the weekly total, the
    # longer days first on Tuesday and Wednesday (the peak of the working week).
    of_class: dict[str, list[int]] = defaultdict(list)
    for e, ev in enumerate(school.events):
        for c in ev.classes:
            of_class[c].append(e)
    for evs in of_class.values():
        lengths = day_lengths(sum(school.events[e].hours for e in evs))
        for d in DAYS:
            for p in range(1, max(periods[e].stop for e in evs)):
                here = [x[e, d, p] for e in evs if p in periods[e]]
                if p <= lengths[d]:
                    model.add_exactly_one(here)
                else:
                    for var in here:
                        model.add(var == 0)

    # Teachers and rooms: one lesson at a time, by clock time across the bell schedules.
    def interval(e: int, p: int) -> tuple[int, int]:
        schedule = bells[classes[school.events[e].classes[0]].bell_schedule or BELLS_SHIFT_1]
        bell = schedule.bell(p)
        assert bell is not None
        return minutes(bell.start), minutes(bell.end)

    users: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e, ev in enumerate(school.events):
        for _group, teacher, room in ev.parts:
            if e not in users["t", teacher]:
                users["t", teacher].append(e)
            if e not in users["r", room]:
                users["r", room].append(e)
    for key, evs in users.items():
        if key[0] == "t":
            for d in DAYS:
                model.add(sum(x[e, d, p] for e in evs for p in periods[e]) <= TEACHER_DAY_MAX)
        if len(evs) < 2:
            continue
        slots = [(*interval(e, p), (e, p)) for e in evs for p in periods[e]]
        for clique in _cliques(slots):
            for d in DAYS:
                model.add(sum(x[e, d, p] for e, p in clique) <= 1)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: the same model always gives the same answer
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 0  # pure SAT search finds these fastest
    solver.parameters.max_deterministic_time = SOLVER_DETERMINISTIC_SECONDS
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(
            f"демо-расписание не построено ({solver.status_name(status)}) / "
            "demo timetable not found"
        )
    placed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (e, d, p), var in x.items():
        if solver.boolean_value(var):
            placed[e].append((d, p))
    _improve(school, placed, interval)

    lessons: list[BaseLesson] = []
    for e, slots in sorted(placed.items()):
        for d, p in sorted(slots):
            ev = school.events[e]
            bell = bells[classes[ev.classes[0]].bell_schedule or BELLS_SHIFT_1].bell(p)
            assert bell is not None
            for group, teacher, room in ev.parts:
                lessons.append(
                    BaseLesson(
                        day=d,
                        lesson=p,
                        start=bell.start,
                        end=bell.end,
                        classes=ev.classes,
                        subject=ev.subject,
                        teachers=(teacher,),
                        group=group,
                        room=room,
                    )
                )
    return lessons


# --- public API ------------------------------------------------------------------------------


def _plural_classes(n: int) -> str:
    """``21 класс``, ``33 класса``, ``55 классов``."""
    return plural(n, "класс", "класса", "классов")


def _school_name(size: str, count: int) -> str:
    kind = "основная" if size == "small" else "средняя"
    return f"Демонстрационная {kind} школа ({_plural_classes(count)})"


def _check_size(size: str) -> tuple[int, int]:
    if size not in SIZES:
        known = ", ".join([*SIZES, "city"])
        raise ValueError(
            f"размер демо-школы — {known}, а не «{size}» / "
            f"size must be one of {known}, not {size!r}"
        )
    return SIZES[size]


@lru_cache(maxsize=8)
def build_demo_school(size: str = "medium", seed: int = 1) -> Timetable:
    """The demo school's regular timetable; the same ``size`` and ``seed`` give the same result.

    ``size``: ``small`` (1А–9А), ``medium`` (1–11, three classes a grade, 33 classes),
    ``large`` (five a grade, 55 classes) or ``city`` (:func:`build_city_school`: 165 classes,
    ~6,000 lessons, irregular).
    """
    if size == "city":
        return build_city_school(seed)
    parallels, top = _check_size(size)
    rng = random.Random(f"demo-school:{size}:{seed}")
    school = _build_structure(parallels, top, rng)
    lessons = _place(school, seed)
    timetable = Timetable(
        school=School(name=_school_name(size, len(school.classes))),
        classes=school.classes,
        lessons=tuple(sorted(lessons, key=_lesson_order)),
        bell_schedules=bell_schedules(),
        source=f"demo-school --size {size} --seed {seed}",
    )
    return timetable


def _lesson_order(x: BaseLesson) -> tuple[Any, ...]:
    return (x.day, x.start_min, x.lesson, x.classes, x.group or "", x.subject)


def teacher_profiles(size: str = "medium", seed: int = 1) -> dict[str, str]:
    """Teacher → speciality (``Начальные классы``, ``Математика``, …) of a demo school."""
    parallels, top = _check_size(size)
    rng = random.Random(f"demo-school:{size}:{seed}")
    return dict(_build_structure(parallels, top, rng).teacher_profile)


def demo_week() -> tuple[date, date]:
    """The Monday and Friday of the demo orders' week."""
    monday = DEMO_WEEK_START + timedelta(days=(7 - DEMO_WEEK_START.weekday()) % 7)
    return monday, monday + timedelta(days=4)


def demo_orders(timetable: Timetable) -> dict[str, dict[str, Any]]:
    """The two example orders, keyed by file name: three classes, and the whole school.

    Dates are ISO strings, so the documents are JSON-ready; ``planner.domain.order.parse_order``
    reads them as they are.
    """
    monday, friday = demo_week()
    names = set(timetable.classes)
    second = "7Б" if "7Б" in names else "7А"
    three = [c for c in ("5А", second, "9А") if c in names]
    return {
        "order-three-classes.yaml": {
            "classes": three,
            "from": monday.isoformat(),
            "to": friday.isoformat(),
            "device": "pc",
            "screen_policy": "home",
            "sibling_classes": [[three[0], three[1]]],
        },
        "order-whole-school.yaml": {
            "classes": "all",
            "from": monday.isoformat(),
            "to": friday.isoformat(),
            "device": "pc",
            "screen_policy": "home",
        },
    }


_ORDER_COMMENTS = {
    "order-three-classes.yaml": (
        "# Приказ (пример): три класса переходят на дистанционное обучение на одну неделю.\n"
        "# sibling_classes — дети одной семьи с одним компьютером: онлайн-уроки не накладывать.\n"
    ),
    "order-whole-school.yaml": (
        "# Приказ (пример): вся школа переходит на дистанционное обучение на одну неделю.\n"
    ),
}


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    return str(value)


def order_yaml(name: str, doc: dict[str, Any]) -> str:
    """An order document as the YAML a deputy director would type (flow lists, bare dates)."""
    lines = [_ORDER_COMMENTS.get(name, "")]
    for key, value in doc.items():
        lines.append(f"{key}: {_yaml_scalar(value)}\n")
    return "".join(lines)


_FIXED_ZIP_TIME = (2026, 12, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _normalise_xlsx(path: Path) -> None:
    """Make an openpyxl workbook byte-reproducible: fixed zip times and document dates."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>2026-12-01T00:00:00Z\g<3>", data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def write_demo_school(outdir: Path, size: str = "medium", seed: int = 1) -> list[Path]:
    """Write ``timetable.csv``, ``timetable.xlsx`` and the two orders into ``outdir``."""
    from planner.exports.flat import write_flat

    timetable = build_demo_school(size, seed)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = [outdir / "timetable.csv", outdir / "timetable.xlsx"]
    write_flat(timetable, paths[0])
    write_flat(timetable, paths[1])
    _normalise_xlsx(paths[1])
    for name, doc in demo_orders(timetable).items():
        path = outdir / name
        path.write_text(order_yaml(name, doc), encoding="utf-8")
        paths.append(path)
    return paths


# --- the irregular city school (``--size city``) ----------------------------------------------

#: class letters of the three buildings of the city school (five parallels each)
CITY_LETTERS = "АБВГДЕЖИКЛМНОПР"
CITY_BUILDINGS = 3
#: the second building's day starts this many minutes earlier (07:40 instead of 08:00)
EARLY_MINUTES = 20
CITY_ELECTIVES = (
    "Электив: финансовая грамотность",
    "Электив: робототехника",
    "Электив: подготовка к ОГЭ",
    "Электив: подготовка к ЕГЭ",
    "Электив: проектная деятельность",
    "Электив: шахматы",
)
#: elective blocks a week by grade (two or three lessons in one class-slot, on elective groups)
CITY_ELECTIVE_BLOCKS = {5: 2, 6: 2, 7: 2, 8: 3, 9: 3, 10: 3, 11: 3}
CITY_ELECTIVE_GROUPS = ("электив-1", "электив-2", "электив-3")
CITY_SOURCE_CLASHES = 3
NO_TEACHER_SUBJECT = "Классный час"


def _shifted(t: time, by: int) -> time:
    m = minutes(t) + by
    return time(m // 60, m % 60)


def _city_name(name: str, building: int) -> str:
    grade = re.match(r"\d+", name)
    assert grade is not None
    letter = LETTERS.index(name[grade.end() :])
    return f"{grade.group()}{CITY_LETTERS[(building - 1) * 5 + letter]}"


def _free_slot(
    lessons: list[BaseLesson], bells: BellSchedule, taken_days: set[int]
) -> tuple[int, int, time, time] | None:
    """The first lesson after a class's last one, on its shortest day not yet used."""
    per_day: dict[int, int] = defaultdict(int)
    for x in lessons:
        per_day[x.day] = max(per_day[x.day], x.lesson)
    for day in sorted(DAYS, key=lambda d: (per_day.get(d, 0), d)):
        if day in taken_days:
            continue
        bell = bells.bell(per_day.get(day, 0) + 1)
        if bell is not None:
            return day, bell.lesson, bell.start, bell.end
    return None


def build_city_school(seed: int = 1) -> Timetable:
    """A large, irregular school for tests and benchmarks (``planner demo-school --size city``).

    Three buildings, each the large demo school (55 classes) with its own letters (5А–5Д,
    5Е–5Л, 5М–5Р), teachers and rooms: 165 classes, about 6,000 lessons. On top of it, what real
    big schools have: the second building's day starts at 07:40; grades 5–11 have two or three
    elective blocks a week where two or three lessons share one class-slot on elective groups,
    with teachers of
    their own; every class has a weekly «Классный час» without a teacher; and a few
    double bookings are in the source (one teacher in two classes at one time, different
    subjects). The same seed always gives the same school.
    """
    rng = random.Random(f"city-school:{seed}")
    base = build_demo_school("large", seed)
    names = _Names(rng)
    names.used.update(base.teachers)
    schedules: dict[str, BellSchedule] = {}
    classes: dict[str, SchoolClass] = {}
    lessons: list[BaseLesson] = []
    for building in range(1, CITY_BUILDINGS + 1):
        teacher = {t: t if building == 1 else names.new(primary=False) for t in base.teachers}
        early = EARLY_MINUTES if building == 2 else 0
        suffix = "" if building == 1 else f" (корпус {building})"
        for s in base.bell_schedules.values():
            schedules[s.name + suffix] = BellSchedule(
                s.name + suffix,
                tuple(
                    Bell(b.lesson, _shifted(b.start, -early), _shifted(b.end, -early))
                    for b in s.bells
                ),
            )
        for c in base.classes.values():
            name = _city_name(c.name, building)
            bells = (c.bell_schedule or BELLS_SHIFT_1) + suffix
            classes[name] = replace(c, name=name, bell_schedule=bells)
        for x in base.lessons:
            lessons.append(
                replace(
                    x,
                    classes=tuple(_city_name(c, building) for c in x.classes),
                    teachers=tuple(teacher[t] for t in x.teachers),
                    room=x.room if building == 1 or not x.room else f"{x.room} (к.{building})",
                    start=_shifted(x.start, -early),
                    end=_shifted(x.end, -early),
                )
            )
    by_class: dict[str, list[BaseLesson]] = defaultdict(list)
    for x in lessons:
        for c in x.classes:
            by_class[c].append(x)
    busy: dict[str, set[tuple[int, int, int]]] = defaultdict(set)  # teacher → (day, start, end)
    pool: list[str] = []
    for name in sorted(classes, key=_class_order):
        sc = classes[name]
        bells = schedules[sc.bell_schedule or BELLS_SHIFT_1]
        used_days: set[int] = set()
        extra: list[BaseLesson] = []
        for _block in range(CITY_ELECTIVE_BLOCKS.get(sc.grade or 0, 0)):
            slot = _free_slot(by_class[name] + extra, bells, used_days)
            if slot is not None:
                day, number, start, end = slot
                used_days.add(day)
                groups = CITY_ELECTIVE_GROUPS[: 2 + rng.randrange(2)]
                subjects = rng.sample(CITY_ELECTIVES, len(groups))
                for group, subject in zip(groups, subjects, strict=True):
                    span = (minutes(start), minutes(end))
                    who = next((t for t in pool if _free(busy[t], day, span)), None)
                    if who is None:
                        who = names.new(primary=False)
                        pool.append(who)
                    busy[who].add((day, *span))
                    extra.append(
                        BaseLesson(day, number, start, end, (name,), subject, (who,), group)
                    )
                known = classes[name].subgroups
                classes[name] = replace(
                    classes[name], subgroups=(*known, *(g for g in groups if g not in known))
                )
        slot = _free_slot(by_class[name] + extra, bells, used_days)
        if slot is not None:
            day, number, start, end = slot
            extra.append(BaseLesson(day, number, start, end, (name,), NO_TEACHER_SUBJECT, ()))
        lessons += extra
        by_class[name] += extra
    lessons = _double_bookings(lessons, rng)
    return Timetable(
        school=School(name=f"Демонстрационная городская школа ({_plural_classes(len(classes))})"),
        classes=classes,
        lessons=tuple(sorted(lessons, key=_lesson_order)),
        bell_schedules=schedules,
        source=f"demo-school --size city --seed {seed}",
    )


def _free(busy: set[tuple[int, int, int]], day: int, span: tuple[int, int]) -> bool:
    return not any(d == day and a < span[1] and span[0] < b for d, a, b in busy)


def _class_order(name: str) -> tuple[int, str]:
    grade = re.match(r"\d+", name)
    return (int(grade.group()) if grade else 0, name)


def _double_bookings(lessons: list[BaseLesson], rng: random.Random) -> list[BaseLesson]:
    """Give a few whole-class lessons of the third building to a teacher who teaches another
    class at the same time, another subject: a double booking already in the source."""
    at: dict[tuple[int, time], list[int]] = defaultdict(list)
    for i, x in enumerate(lessons):
        if x.group is None and len(x.teachers) == 1 and len(x.classes) == 1:
            at[(x.day, x.start)].append(i)
    building3 = set(CITY_LETTERS[10:])
    candidates = sorted(
        (a, b)
        for same in at.values()
        for a in same
        for b in same
        if a != b
        and lessons[a].subject != lessons[b].subject
        and lessons[a].classes[0][-1] in building3
        and lessons[b].classes[0][-1] in building3
    )
    out = list(lessons)
    changed: set[int] = set()
    for a, b in rng.sample(candidates, len(candidates)):
        if len(changed) >= 2 * CITY_SOURCE_CLASHES:
            break
        if a in changed or b in changed:
            continue
        out[b] = replace(lessons[b], teachers=lessons[a].teachers)
        changed.update((a, b))
    return out
