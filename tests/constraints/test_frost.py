"""The frost rule: thresholds tables as norm files, a municipality's act, a school's tightening."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from constraints.norms.frost import (
    decide_frost,
    frost_territories,
    load_frost_table,
    parse_frost_act,
)
from constraints.norms.schema import CatalogueError

TEST_DIR = Path(__file__).resolve().parents[1] / "data" / "frost"
WINTER = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("temperature", "grades"),
    [(-24.9, ()), (-25, (1, 2, 3, 4)), (-29, tuple(range(1, 10))), (-30, tuple(range(1, 12)))],
)
def test_perm_krai_recommendations_give_the_grades(temperature: float, grades: tuple) -> None:
    table = load_frost_table("perm-krai", WINTER)
    decision = decide_frost(temperature, None, table)
    assert decision.grades == grades
    assert table.confidence == "low" and table.source.startswith("https://")


def test_the_explanation_cites_the_row_and_the_document_with_its_confidence() -> None:
    decision = decide_frost(-31, 2, load_frost_table("perm-krai", WINTER))
    assert decision.explain() == (
        "Прогноз −31 °C, ветер 2 м/с: дистанционно учатся 1–11 классы (−30 °C и ниже: 1–11 кл. — "
        "Рекомендации Пермского края при низкой температуре воздуха (с 01.12.2023; "
        "достоверность: низкая))."
    )
    assert decision.low_confidence


def test_wind_rows_apply_only_with_wind() -> None:
    table = load_frost_table("windy-town", WINTER, TEST_DIR)
    assert decide_frost(-26, None, table).grades == ()
    assert decide_frost(-26, 3.9, table).grades == ()
    assert decide_frost(-26, 4, table).grades == (1, 2, 3, 4)
    assert decide_frost(-29, 5, table).grades == tuple(range(1, 10))
    assert "при ветре от 4 м/с" in decide_frost(-26, 4, table).explain()


def test_the_table_in_force_on_the_date_is_taken() -> None:
    assert decide_frost(-26, None, load_frost_table("windy-town", WINTER, TEST_DIR)).grades == ()
    table_2027 = load_frost_table("windy-town", date(2027, 1, 15), TEST_DIR)
    assert decide_frost(-26, None, table_2027).grades == (1, 2, 3, 4)
    assert frost_territories(TEST_DIR) == {"windy-town": "Город с ветром"}


def test_municipality_replaces_and_school_only_adds() -> None:
    region = load_frost_table("perm-krai", WINTER)
    city = parse_frost_act(
        {"reason": "Приказ управления образования № 12", "thresholds": [
            {"at_or_below": -27, "grades": "1-4"}, {"at_or_below": -32, "grades": "1-11"}]},
        "municipality",
    )  # fmt: skip
    assert decide_frost(-26, None, region, municipality=city).grades == ()
    assert decide_frost(-31, None, region, municipality=city).grades == (1, 2, 3, 4)
    # a school that tries to «loosen» (no grades 1–4 at −27) cannot: its rows only add
    school = parse_frost_act(
        {"reason": "Приказ школы № 3", "thresholds": [{"at_or_below": -27, "grades": [5, 6]}]},
        "school",
    )
    decision = decide_frost(-27, None, region, municipality=city, school=school)
    assert decision.grades == (1, 2, 3, 4, 5, 6)
    assert "локальный акт школы: Приказ школы № 3" in decision.explain()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"thresholds": [{"at_or_below": -25, "grades": "1-4"}]}, "reason"),
        ({"reason": "П", "thresholds": []}, "непустой список"),
        ({"reason": "П", "thresholds": [{"at_or_below": "холодно", "grades": 1}]}, "нужно число"),
        ({"reason": "П", "thresholds": [{"at_or_below": -25, "grades": "0-4"}]}, "grades"),
        ({"reason": "П", "thresholds": [{"at_or_below": -99, "grades": 1}]}, "вне пределов"),
        ({"reason": "П", "thresholds": [{"at_or_below": -25, "grades": 1, "gust": 3}]}, "gust"),
    ],
)
def test_a_bad_act_says_what_is_wrong(doc: dict, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_frost_act(doc, "municipality")


def test_an_unknown_territory_names_the_known_ones() -> None:
    with pytest.raises(CatalogueError, match="есть: perm-krai"):
        load_frost_table("nowhere", WINTER)
    with pytest.raises(CatalogueError, match="не действуют"):
        load_frost_table("perm-krai", date(2020, 1, 1))
