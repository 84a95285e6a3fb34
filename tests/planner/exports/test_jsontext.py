"""The fast indented JSON is ``json.dumps(…, ensure_ascii=False, indent=1)`` to the byte."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from planner.domain.jsontext import dumps

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text()
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=25,
)


@given(_JSON)
def test_same_text_as_json_dumps(doc):
    assert dumps(doc) == json.dumps(doc, ensure_ascii=False, indent=1)


def test_other_keys_and_values_are_left_to_json_dumps():
    doc = {"a": {1: [True, None]}, "b": 'ё\n"\\'}
    assert dumps(doc) == json.dumps(doc, ensure_ascii=False, indent=1)
    assert dumps({"when": "x", 2.5: 1}) == json.dumps(
        {"when": "x", 2.5: 1}, ensure_ascii=False, indent=1
    )


def test_schedule_json_is_the_standard_indented_text() -> None:
    from tests.planner.exports.school import remote_schedule

    schedule = remote_schedule()
    text = json.dumps(schedule.to_json(), ensure_ascii=False, indent=1) + "\n"
    assert schedule.dumps() == text and len(schedule.items) > 20


@given(_JSON, st.integers(min_value=0, max_value=3))
def test_a_known_subtree_is_copied_reindented(inner, depth):
    doc: object = inner
    for k in range(depth):
        doc = {"a": [doc, k], "b": "x\ny"} if k % 2 else [{"c": doc}]
    known = {} if type(inner) not in (dict, list, tuple) else {id(inner): dumps(inner)}
    assert dumps(doc, known) == json.dumps(doc, ensure_ascii=False, indent=1)


def test_version_history_text_is_the_standard_indented_text() -> None:
    from datetime import UTC, datetime, timedelta

    from planner.engine.versions import VersionHistory, publish
    from tests.planner.exports.school import remote_schedule

    first = remote_schedule()
    second = first.with_items(first.items[1:])
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    history = publish(first, VersionHistory(), author="завуч", comment="1", now=now)
    history = publish(second, history, author="завуч", comment="2", now=now + timedelta(hours=1))
    text = json.dumps(history.to_json(), ensure_ascii=False, indent=1) + "\n"
    assert history.dumps() == text and len(history) == 2
