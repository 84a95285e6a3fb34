"""``planner demo-school --size city``: the irregular large school other tests and benches use."""

from __future__ import annotations

from collections import Counter
from datetime import time
from pathlib import Path

from typer.testing import CliRunner

from planner.app.demo import build_city_school
from planner.cli import app
from planner.exports.flat import write_flat
from planner.imports import load_timetable


def test_city_school_is_large_irregular_and_deterministic(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo-school", str(tmp_path / "a"), "--size", "city"])
    assert result.exit_code == 0, result.output
    a = tmp_path / "a" / "timetable.csv"
    write_flat(build_city_school(1), tmp_path / "again.csv")
    assert a.read_bytes() == (tmp_path / "again.csv").read_bytes()  # one seed, one file
    assert (tmp_path / "a" / "timetable.xlsx").is_file()
    assert (tmp_path / "a" / "order-whole-school.yaml").is_file()

    timetable = load_timetable(a, strict=False)  # as a user's file: tolerant, with findings
    assert len(timetable.classes) == 165
    assert 5_500 <= len(timetable.lessons) <= 6_500
    # several lessons in one class-slot on elective groups, each with its own teacher
    slots = Counter(
        (x.classes, x.day, x.start) for x in timetable.lessons if x.subject.startswith("Электив")
    )
    assert sum(1 for n in slots.values() if n >= 2) >= 200
    assert sum(1 for n in slots.values() if n == 3) >= 20
    # lessons without a teacher, a day starting at 07:40
    assert sum(1 for x in timetable.lessons if not x.teachers) >= 150
    assert min(x.start for x in timetable.lessons) == time(7, 40)
    # a few double bookings already in the source, kept and reported
    assert len(timetable.source_clashes) == 3
    assert all(c.kind == "teacher" and not c.tolerated for c in timetable.source_clashes)
    assert Counter(f.kind for f in timetable.findings) == {"source_clash": 3}
