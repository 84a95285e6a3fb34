"""Schemathesis against ``/openapi.json``: no generated request gets a 5xx, anonymous or with an
API token, on SQLite and PostgreSQL. Bounded: a few examples per operation, no deadline."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.util import make_school, published

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def test_no_server_error(app: Any, client: Any, auth_headers: dict[str, str]) -> None:
    """Every operation, a school with a published version and its links (ids 1…) behind it."""
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @SETTINGS
        def no_5xx(case: Any) -> None:
            for headers in ({}, auth_headers):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_5xx()
