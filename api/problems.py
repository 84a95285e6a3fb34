"""Errors of the web app's services; the app turns them into JSON a person can act on.

Every error becomes ``{"detail": {"message": "…", "problems": [...]}}`` with the status below.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from planner.domain.errors import Problem


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, problems: list[Problem] | list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = [asdict(p) if isinstance(p, Problem) else p for p in problems or []]

    def detail(self) -> dict[str, Any]:
        return {"message": self.message, "problems": self.problems}


class Invalid(ApiError):
    """The request's data is wrong: a field, a file's row or column, an order's rule."""

    status = 422


class Unauthorized(ApiError):
    """No login session and no API token (or an unknown one)."""

    status = 401


class Forbidden(ApiError):
    """Logged in, but the request is refused (a missing or stale CSRF token)."""

    status = 403


class NotFound(ApiError):
    """An unknown id, version, file or token (revoked tokens look the same)."""

    status = 404


class Conflict(ApiError):
    """The request does not fit the current state (a taken login, a school without a timetable,
    a finished job, a revoked link)."""

    status = 409


class TooManyRequests(ApiError):
    """Too many failed logins for this login and address: wait, then try again."""

    status = 429
