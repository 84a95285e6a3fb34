"""Rebuilds of large, irregular schools are exact (issue 8, item 5).

On ``tests/data/flat/irregular.csv`` (two buildings, one starting at 07:40; an elective block of
three lessons in one class-slot; a split English lesson; «Классный час» without a teacher; source
double bookings: a teacher in two classes, a teacher on two elective groups of one slot, a class
with two whole-class lessons at once, a teacher across the two buildings' bells) and on the city
demo school: every lesson of a quarantined class exactly once, with its teacher, online or
self-study; electives stay separate items; lessons without a teacher are never in a teacher
clash; the 07:40 day moves to the 08:00 window for remote classes only; a clash of the source
may stay (a warning that says so), the rebuild never adds one; zero checker violations.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from constraints.checker import check_schedule, group_warnings
from planner.app.demo import build_city_school
from planner.app.pipeline import read_timetable
from planner.domain.model import BaseLesson, Timetable
from planner.domain.order import QuarantineOrder, parse_order
from planner.domain.schedule import Schedule, ScheduleItem
from planner.domain.solving import SolveOptions
from planner.engine.rebuild import RebuildResult, load_catalogue, solve_remote
from planner.exports.flat import write_flat

DATA = Path(__file__).resolve().parents[1] / "data" / "flat" / "irregular.csv"
MONDAY, TUESDAY = date(2026, 12, 7), date(2026, 12, 8)
OPTIONS = SolveOptions(time_limit=5, workers=2, seed=1)


def irregular() -> Timetable:
    return read_timetable(DATA)


def order(tt: Timetable, classes: list[str] | str) -> QuarantineOrder:
    doc = {"classes": classes, "from": MONDAY.isoformat(), "to": TUESDAY.isoformat(),
           "device": "pc", "screen_policy": "home"}  # fmt: skip
    return parse_order(doc, tt, "приказ")


def base_of(tt: Timetable, it: ScheduleItem) -> BaseLesson:
    assert it.base is not None
    (found,) = [
        x
        for x in tt.lessons_of_class(it.class_name, it.base.day)
        if x.lesson == it.base.lesson and x.subject == it.subject and x.group == it.group
    ]
    return found


def assert_exact(tt: Timetable, o: QuarantineOrder, result: RebuildResult) -> None:
    """Every rule of the issue on one rebuilt schedule."""
    schedule = result.schedule
    assert result.report.violations == []
    lessons = list(schedule.lessons())
    for d in o.dates(tt.school.school_days):
        for c in tt.classes:
            got = [i for i in lessons if i.class_name == c and i.date == d]
            want = Counter(
                (x.day, x.lesson, x.group, x.subject, x.teacher, x.start, x.end)
                for x in tt.lessons_of_class(c, d.isoweekday())
            )
            if c in o.classes:  # each base lesson once, its teacher kept, online or self-study
                assert {i.format for i in got} <= {"online", "self_study"}
                have = Counter(
                    (i.base.day, i.base.lesson, i.group, i.subject, i.teacher)
                    for i in got
                    if i.base
                )
                assert have == Counter(k[:5] for k in want.elements()), (c, d)
                assert all(i.start is None or i.start >= time(8, 0) for i in got)  # 08:00 window
            else:  # in person, exactly as in the base timetable (a 07:40 start stays 07:40)
                have = Counter(
                    (i.base.day, i.base.lesson, i.group, i.subject, i.teacher, i.start, i.end)
                    for i in got
                    if i.base
                )
                assert {i.format for i in got} == {"in_person"} and have == want, (c, d)
    # a teacher is never in two places at once, unless the file already had that pair
    days: dict[tuple[date, str], list[ScheduleItem]] = {}
    for i in lessons:
        if i.start is not None and i.teacher:
            for t in i.teacher.split(", "):
                days.setdefault((i.date, t), []).append(i)
    for items in days.values():
        for a, b in itertools.combinations(items, 2):
            if (a.start_min or 0) < (b.end_min or 0) and (b.start_min or 0) < (a.end_min or 0):
                xa, xb = base_of(tt, a), base_of(tt, b)
                assert xa is xb or tt.clash_in_source(xa, xb), (a, b)  # one lesson, two classes
    # lessons without a teacher stay without one and are in no teacher's day
    assert all(i.teacher is None for i in lessons if i.subject == "Классный час")


def test_the_irregular_file_reads_with_its_quirks() -> None:
    tt = irregular()
    assert min(x.start for x in tt.lessons) == time(7, 40)
    assert sum(1 for x in tt.lessons if not x.teachers) == 4
    clashes = {(c.kind, c.who) for c in tt.source_clashes}
    assert clashes == {
        ("teacher", "Петрова А.А."), ("teacher", "Волков Д.Д."), ("teacher", "Сидоров В.В."),
        ("class", "6Л"),
    }  # fmt: skip
    assert Counter(f.kind for f in tt.findings) == {"source_clash": 4}


@pytest.mark.parametrize("classes", ["all", ["5А", "6К"], ["5Б", "6Л"]])
def test_the_irregular_school_rebuilds_exactly(classes: list[str] | str) -> None:
    tt = irregular()
    o = order(tt, classes)
    result = solve_remote(tt, o, OPTIONS)
    assert_exact(tt, o, result)
    # the elective block of 5А: three lessons in one class-slot, three separate items
    if "5А" in o.classes:
        electives = sorted(
            (i.group, i.subject, i.teacher)
            for i in result.schedule.lessons()
            if i.class_name == "5А" and i.date == MONDAY and i.base and i.base.lesson == 4
        )
        assert electives == [
            ("электив-1", "Электив: шахматы", "Волков Д.Д."),
            ("электив-2", "Электив: робототехника", "Зайцев Е.Е."),
            ("электив-3", "Электив: финансовая грамотность", "Морозова Ж.Ж."),
        ]
    # the class clash of 6Л (two whole-class lessons at once): if both went online together, the
    # report says the clash was in the file; it is never a violation
    both = [
        i
        for i in result.schedule.lessons()
        if i.class_name == "6Л" and i.date == MONDAY and i.base and i.base.lesson == 4
    ]
    said = [
        w
        for w in result.report.warnings
        if w.startswith("Накладка исходного расписания") and "6Л, 07.12" in w
    ]
    if "6Л" in o.classes and all(i.format == "online" for i in both):
        assert len(said) == 1 and "Физкультура" in said[0]


def _with(schedule: Schedule, change: dict[tuple[str, str], dict[str, object]]) -> Schedule:
    items = [
        replace(i, **change[(i.class_name, i.subject or "")])
        if i.date == MONDAY and (i.class_name, i.subject or "") in change
        else i
        for i in schedule.items
    ]
    return schedule.with_items(items)


def test_a_clash_of_the_source_is_a_warning_and_a_new_clash_a_violation() -> None:
    tt = irregular()
    o = order(tt, ["6Л"])
    result = solve_remote(tt, o, OPTIONS)
    cat = load_catalogue(o)
    at = {"format": "online", "start": time(11, 0), "end": time(11, 30), "screen_minutes": 30}
    kept = _with(result.schedule, {("6Л", "Физкультура"): at, ("6Л", "Электив: шахматы"): at})
    report = check_schedule(kept, tt, o, cat)
    assert not [v for v in report.violations if v.rule == "class_no_overlap"]
    assert any("Накладка исходного расписания" in w and "6Л" in w for w in report.warnings)
    (group,) = [g for g in group_warnings(report.warnings) if g.kind == "source_clash"]
    assert group.items[0].startswith("6Л, 07.12: уроки «Физкультура» 6Л 11:00–11:30")
    # the same pair moved apart so that they overlap anew is the planner's doing, not the file's
    later = {**at, "start": time(11, 15), "end": time(11, 45)}
    moved = _with(kept, {("6Л", "Электив: шахматы"): later})
    report = check_schedule(moved, tt, o, cat)
    assert [v.rule for v in report.violations].count("class_no_overlap") == 1
    # Русский язык and Физкультура never overlapped in the file: that would be the planner's
    added = _with(kept, {("6Л", "Русский язык"): at})
    report = check_schedule(added, tt, o, cat)
    assert [v.rule for v in report.violations].count("class_no_overlap") == 2


def test_two_lessons_with_one_key_each_need_their_own_item() -> None:
    """A class-slot with two lessons of one subject and no group names (two teachers' halves):
    both items are needed, with their teachers; one lost or one doubled is a violation."""
    tt = irregular()
    half = next(x for x in tt.lessons if x.classes == ("5Б",) and x.subject == "История")
    other = replace(half, teachers=("Носов П.П.",))
    tt2 = replace(tt, lessons=(*tt.lessons, other), source_clashes=())
    o = order(tt2, ["5Б"])
    result = solve_remote(tt2, o, OPTIONS)
    assert [v for v in result.report.violations if v.rule == "nothing_lost"] == []
    cat = load_catalogue(o)
    items = list(result.schedule.items)
    (k,) = [n for n, i in enumerate(items) if i.date == MONDAY and i.teacher == "Носов П.П."
            and i.class_name == "5Б"]  # fmt: skip
    lost = check_schedule(result.schedule.with_items(items[:k] + items[k + 1 :]), tt2, o, cat)
    assert any("История" in v.message and "вместо 2" in v.message for v in lost.violations)
    doubled = check_schedule(result.schedule.with_items([*items, items[k]]), tt2, o, cat)
    assert any("стоит 3 раза вместо 2" in v.message for v in doubled.violations)


def test_the_city_school_rebuilds_exactly_where_it_is_irregular(tmp_path: Path) -> None:
    """Three classes of the city school, read as a user's file: both classes of a double booking
    in the file (third building), a 07:40 class with elective blocks (second building)."""
    write_flat(build_city_school(1), tmp_path / "city.csv")
    tt = read_timetable(tmp_path / "city.csv")
    teacher_clash = next(c for c in tt.source_clashes if c.kind == "teacher")
    pair = [teacher_clash.a.classes[0], teacher_clash.b.classes[0]]
    early = next(c for c in sorted(tt.classes) if c.startswith("9") and c[-1] in "ЕЖИКЛ")
    electives = {c for x in tt.lessons if x.subject.startswith("Электив") for c in x.classes}
    assert early in electives
    monday = {"classes": [*pair, early], "from": "2026-12-07", "to": "2026-12-11",
              "device": "pc", "screen_policy": "home"}  # fmt: skip
    o = parse_order(monday, tt, "приказ")
    result = solve_remote(tt, o, OPTIONS)
    assert_exact(tt, o, result)
    slots = Counter(
        (i.date, i.base.day, i.base.lesson)
        for i in result.schedule.lessons()
        if i.class_name == early and i.subject and i.subject.startswith("Электив") and i.base
    )
    assert slots and all(n >= 2 for n in slots.values())  # elective blocks stay separate items
