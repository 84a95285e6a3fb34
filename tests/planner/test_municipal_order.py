"""The municipal order document and each school's part of it."""

from __future__ import annotations

from datetime import date

import pytest

from planner.app.demo import build_demo_school
from planner.app.municipal import school_part, summary_frame, totals
from planner.domain.errors import InputError
from planner.domain.municipal import parse_municipal_order, read_any_order

FROST = {"reason": "frost", "from": "2026-12-08", "to": "2026-12-09", "frost": {"temperature": -31,
         "wind": "4,5"}, "schools": ["Школа № 1", 7], "order": {"device": "tablet"}}  # fmt: skip


def test_a_frost_order_reads_back_from_its_json() -> None:
    order = parse_municipal_order(FROST)
    assert (order.temperature, order.wind, order.schools, order.by_frost) == (
        -31.0, 4.5, ("Школа № 1", 7), True
    )  # fmt: skip
    assert order.date_from == date(2026, 12, 8)
    assert read_any_order(order.to_json()) == order


def test_every_problem_of_a_municipal_order_at_once() -> None:
    with pytest.raises(InputError) as info:
        bad = {"reason": "снег", "grades": [0], "frost": {"temperature": -40}, "publish": "soon",
               "order": {"classes": "all"}, "schools": []}  # fmt: skip
        parse_municipal_order(bad)
    assert [p.column for p in info.value.problems] == [
        "reason", "from", "to", "schools", "grades", "grades", "publish", "order.classes"
    ]  # fmt: skip


def test_a_school_order_applies_to_every_school_and_keeps_its_keys() -> None:
    doc = {"classes": {"grades": [5]}, "from": "2026-12-08", "to": "2026-12-08",
           "device": "laptop"}  # fmt: skip
    order = read_any_order(doc)
    assert order.to_json() == doc
    with pytest.raises(InputError, match="неизвестный ключ «colour»"):
        read_any_order({**doc, "colour": "red"})


def test_school_part_narrows_grades_to_the_school_and_adds_its_own() -> None:
    timetable = build_demo_school("small", 1)  # 1А–9А
    flu = {"reason": "quarantine", "from": "2026-12-08", "to": "2026-12-08", "grades": [3, 10, 11]}
    order = parse_municipal_order(flu)
    part = school_part(order, timetable, extra=[4])
    assert (part.grades, part.classes) == ((3, 4), ("3А", "4А"))
    assert part.doc == {"classes": {"grades": [3, 4]}, "from": "2026-12-08", "to": "2026-12-08"}
    none = school_part(order, timetable, grades=[10, 11])
    assert (none.doc, none.note) == (None, "в школе нет классов этих параллелей")


def test_summary_sorts_problems_first_and_totals_only_known_pupils() -> None:
    rows = [
        {"school": "Б", "status": "ready", "classes_remote": 3, "online_minutes": 100,
         "violations": 0, "pupils": None},
        {"school": "А", "status": "problem", "classes_remote": 0, "online_minutes": 0,
         "violations": 2, "pupils": 40},
    ]  # fmt: skip
    frame = summary_frame(rows)
    assert list(frame["school"]) == ["А", "Б"]
    total = totals(frame)
    assert (total["classes_remote"], total["violations"], total["pupils"]) == (3, 2, 40)
    assert totals(summary_frame([{**rows[0]}]))["pupils"] is None
