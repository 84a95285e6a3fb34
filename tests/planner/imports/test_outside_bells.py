"""Bells given from outside (a bells file, or a plan entered once on upload) are used only where
the file has none of its own: a grid without a «Звонки» sheet, flat rows without times, FET hours
without clock times."""

from __future__ import annotations

import re
import shutil
from datetime import time
from pathlib import Path

import pytest

from planner.domain.bells import BellPlan, bell_plan
from planner.imports import load_timetable
from tests.paths import DATA

PLAN = BellPlan(time(8, 30), 40, 5, 15, (2,))


def test_plan_times_and_form_validation() -> None:
    assert list(PLAN.times().items())[:3] == [
        (1, (time(8, 30), time(9, 10))), (2, (time(9, 15), time(9, 55))),
        (3, (time(10, 10), time(10, 50))),
    ]  # fmt: skip
    assert bell_plan("8.30", "40", "5", "15", "2") == PLAN
    assert BellPlan.from_json(PLAN.to_json()) == PLAN
    with pytest.raises(ValueError, match="длительность урока: 120 мин — нужно от 20 до 90"):
        bell_plan("08:00", "120", "10", "20", "3, 4")
    late = BellPlan(time(15, 0), 90, 60, 60, ())
    assert max(late.times()) == 3  # lessons that would end after midnight are left out


def test_flat_rows_without_times_take_the_outside_bells(tmp_path: Path) -> None:
    source = tmp_path / "timetable.csv"  # without its companion bells.csv
    shutil.copy(DATA / "flat" / "with-bells" / "timetable.csv", source)

    timetable = load_timetable(source, strict=False, bells=PLAN)

    first = min(timetable.lessons, key=lambda x: (x.day, x.lesson))
    assert (first.lesson, first.start, first.end) == (1, time(8, 30), time(9, 10))


def test_a_file_with_its_own_bells_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "school"
    shutil.copytree(DATA / "flat" / "with-bells", folder)  # with its companion bells.csv

    timetable = load_timetable(folder / "timetable.csv", strict=False, bells=PLAN)

    first = min(timetable.lessons, key=lambda x: (x.day, x.lesson))
    assert (first.start, first.end) == (time(8, 0), time(8, 40))


def test_fet_hours_without_times_take_the_outside_bells(tmp_path: Path) -> None:
    text = (DATA / "fet" / "tiny.fet").read_text(encoding="utf-8")
    names = re.findall(r"<Hour>\s*<Name>([^<]*)</Name>", text)
    for n, name in enumerate(names, start=1):
        text = text.replace(f"<Name>{name}</Name>", f"<Name>{n}</Name>")
        hour = "Preferred_Hour"
        text = text.replace(f"<{hour}>{name}</{hour}>", f"<{hour}>{n}</{hour}>")
    source = tmp_path / "codes.fet"
    source.write_text(text, encoding="utf-8")

    standard = load_timetable(source, strict=False)
    entered = load_timetable(source, strict=False, bells=PLAN)

    assert min(x.start for x in standard.lessons) == time(8, 0)  # FET's standard bells
    assert min(x.start for x in entered.lessons) == time(8, 30)
    notes = [f.read_as for f in entered.findings if f.kind == "format_note"]
    assert any("взяты указанные звонки" in n for n in notes)
