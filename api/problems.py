"""Errors of the web app's services; the app turns them into JSON a person can act on.

Every error becomes ``{"detail": {"message": "…", "problems": [...]}}`` with the status below.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from planner.errors import Problem


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, problems: list[Problem] | list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = [asdict(p) if isinstance(p, Problem) else p for p in problems or []]

    def detail(self) -> dict[str, Any]:
        return {"message": self.message, "problems": self.problems}


class Invalid(ApiError):
    status = 422


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class TooManyRequests(ApiError):
    status = 429
