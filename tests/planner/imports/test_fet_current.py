"""A timetable as current FET (7.x) writes it: codes for days and hours with the labels and clock
times in ``Long_Name``, locked and unlocked placements, sub-activities, many teachers and many
student sets (tests/data/fet/current.fet, see tests/data/README.md)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import time

from planner.imports import load_timetable
from tests.paths import DATA

CURRENT = DATA / "fet" / "current.fet"


def test_current_fet_reads_codes_long_names_locks_and_subactivities() -> None:
    text = CURRENT.read_text(encoding="utf-8-sig")
    assert "<Long_Name>Mo*Montag</Long_Name>" in text  # the file is what the test says it is
    assert "<Long_Name>HU I*@08:10-09:00</Long_Name>" in text
    times = re.findall(r"<ConstraintActivityPreferredStartingTime>.*?</Constraint", text, re.S)
    locked = Counter(re.search(r"Locked>(true|false)<", t).group(1) for t in times)  # type: ignore[union-attr]
    assert locked == {"true": 20, "false": 54}

    timetable = load_timetable(CURRENT, strict=True)  # nothing to guess: strict accepts it

    assert timetable.findings == ()
    assert list(timetable.classes) == ["5K", "6K", "7K", "8K"]
    assert len(timetable.lessons) == 74  # every placement, locked or not
    assert timetable.school.days_per_week == 5
    assert sorted({x.day for x in timetable.lessons}) == [1, 2, 3, 4, 5]  # «0»…«4» → Mo…Fr
    [bells] = timetable.bell_schedules.values()
    assert [(b.start, b.end) for b in bells.bells][:3] == [
        (time(8, 10), time(9, 0)), (time(9, 0), time(9, 50)), (time(10, 15), time(11, 0)),
    ]  # fmt: skip
    # the main lesson: five sub-activities of two hours each (HU I + HU II), one per day
    main = [x for x in timetable.lessons if x.subject == "HU" and x.classes == ("5K",)]
    assert sorted(x.day for x in main) == [1, 2, 3, 4, 5]
    assert {(x.lesson, x.start, x.end) for x in main} == {(1, time(8, 10), time(9, 50))}
    # two and three teachers; several student sets are one lesson of those classes
    eurythmy = [x for x in timetable.lessons if x.subject == "Eurythmie"]
    assert {x.teachers for x in eurythmy} == {("Nowak", "Otto")}
    [support] = [x for x in timetable.lessons if x.subject == "Förderunterricht"]
    assert (support.classes, support.teachers) == (("5K", "6K"), ("Albrecht", "Brandt", "Ebert"))
    [garden] = [x for x in timetable.lessons if x.subject == "Gartenbau"]
    assert (garden.classes, garden.group) == (("7K", "8K"), "7K A + 8K B")
    assert (garden.start, garden.end) == (time(12, 50), time(14, 30))  # two hours
    halves = {x.group for x in timetable.lessons if x.subject == "Englisch"}
    assert halves == {"A", "B"}
