"""The rule list is complete: every rule builds, every hard rule checks, every soft rule has a
weight and a Russian explanation, and docs/rules.md is the registry's current text."""

from __future__ import annotations

from pathlib import Path

from constraints import rules_doc
from constraints.rules import ALL_RULES, HARD_RULES, SOFT_RULES
from constraints.weights import DEFAULT_WEIGHTS, EXPLAIN_RU, Weights

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids)) == 21


def test_hard_rules_build_and_check() -> None:
    assert all(r.hard and r.build is not None and r.check is not None for r in HARD_RULES)


def test_soft_rules_have_weight_and_explanation() -> None:
    weights = DEFAULT_WEIGHTS.as_dict()
    for r in SOFT_RULES:
        assert not r.hard
        assert r.weight == r.id
        assert weights[r.id] > 0
        assert EXPLAIN_RU[r.id].endswith(".")
    assert set(weights) == {r.id for r in SOFT_RULES}


def test_weights_round_trip() -> None:
    w = Weights.from_dict({"teacher_gaps": 0, "unknown": 5})
    assert w == DEFAULT_WEIGHTS.with_(teacher_gaps=0)


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    """Stale? Run ``python -m constraints.rules_doc``."""
    text = DOC.read_text(encoding="utf-8")
    assert text == rules_doc.render()
    assert [r.id for r in ALL_RULES if f"## `{r.id}`" not in text] == []
    assert rules_doc.main(["--check"]) == 0
