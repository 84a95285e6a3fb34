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
