"""API tests run rebuilds with the stand-in solver unless a test asks for the real one."""

from __future__ import annotations

import pytest


@pytest.fixture
def api_settings(api_settings):  # type: ignore[no-untyped-def]
    api_settings.solver_function = "tests.api.standin_solver:solve_remote"
    return api_settings
