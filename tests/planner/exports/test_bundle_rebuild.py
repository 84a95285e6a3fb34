"""End to end: a real solver rebuild of the small hand-made school, exported and re-planned."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from planner.domain.solving import SolveOptions
from planner.engine.changes import diff_schedules
from planner.engine.rebuild import load_catalogue, solve_remote
from planner.engine.versions import VersionHistory
from planner.exports.bundle import first_week, write_bundle
from planner.exports.ical import event_uid
from planner.imports import load_timetable

from .school import order, school_timetable

T1 = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=4)


def rebuild(o, previous=None):
    options = SolveOptions(time_limit=5, workers=1, seed=1)
    return solve_remote(school_timetable(), o, options, previous=previous)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tt = school_timetable()
    o1 = order()
    r1 = rebuild(o1)
    out1 = tmp_path_factory.mktemp("v1")
    write_bundle(out1, r1.schedule, tt, o1, load_catalogue(o1), r1.report, None, now=T1)
    # The school switches to the stricter «в школе» column: fewer online minutes a day.
    o2 = replace(o1, screen_policy="school")
    r2 = rebuild(o2, previous=r1.schedule)
    out2 = tmp_path_factory.mktemp("v2")
    history = VersionHistory.read(out1 / "versions.json")
    write_bundle(out2, r2.schedule, tt, o2, load_catalogue(o2), r2.report, history, now=T2)
    return (out1, r1), (out2, r2)


def feed(path):
    text = path.read_text(encoding="utf-8")
    vobject.readOne(text).validate(raiseException=True)
    return {e.uid: e for e in IcsCalendarStream.calendar_from_ics(text).events}


def test_real_rebuild_exports_are_valid_and_round_trip(two_runs):
    (out1, r1), _ = two_runs
    assert r1.report.violations == []
    for path in sorted((out1 / "feeds").glob("*.ics")):
        events = feed(path)
        assert events and {e.sequence for e in events.values()} == {0}
        assert all(e.dtstart.tzinfo is not None for e in events.values())
    week = first_week(r1.schedule, school_timetable())

    def key(x):
        return (x.day, x.lesson, x.start, x.end, x.classes, x.group, x.subject, x.teachers)

    assert sorted(map(key, load_timetable(out1 / "epos.csv").lessons)) == sorted(
        map(key, week.lessons)
    )
    assert sorted(map(key, load_timetable(out1 / "asc.xml").lessons)) == sorted(
        map(key, week.lessons)
    )
    html = (out1 / "report.html").read_text(encoding="utf-8")
    for d in r1.report.days:
        assert (
            f'data-class="{d.class_name}" data-date="{d.date.isoformat()}" '
            f'data-online="{d.online_minutes}" data-cap-home="{d.cap_home}" '
            f'data-cap-school="{d.cap_school}"'
        ) in html


def test_replan_bumps_exactly_the_changed_class_events(two_runs):
    (out1, r1), (out2, r2) = two_runs
    changes = diff_schedules(r1.schedule, r2.schedule)
    assert changes  # the stricter cap changed something
    history = VersionHistory.read(out2 / "versions.json")
    assert [v.number for v in history.versions] == [1, 2]
    changed_uids = {event_uid("class", c.key) for c in changes}
    total_bumped = 0
    for name in ("class-5a.ics", "class-5b.ics"):
        old, new = feed(out1 / "feeds" / name), feed(out2 / "feeds" / name)
        assert set(old) <= set(new)
        bumped = {u for u, e in new.items() if e.sequence == 1}
        # class feeds show time, format and teacher: every changed lesson, and only those
        assert bumped == {u for u in changed_uids if u in new}
        total_bumped += len(bumped)
        for u in bumped:
            assert new[u].dtstamp == T2
        for u in set(new) - bumped:
            assert new[u].sequence == 0 and new[u].dtstamp == T1
    assert total_bumped == len(changes)


def test_lesson_turned_self_study_is_cancelled_in_the_teacher_feed(two_runs):
    _, (out2, _r2) = two_runs
    events = feed(out2 / "feeds" / "teacher-sidorova-s-s.ics").values()
    choir = sorted((e.dtstart.date().isoformat(), e.status.value, e.sequence) for e in events
                   if "Хор" in e.summary)  # fmt: skip
    assert choir == [("2026-12-01", "CANCELLED", 1), ("2026-12-08", "CANCELLED", 1)]
