"""Helpers the service modules share: found-or-404, ISO date-times, https links."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from api.db import aware
from api.problems import NotFound

T = TypeVar("T")


def found(row: T | None, message: str) -> T:
    """The row, or 404 with a message that says what is missing."""
    if row is None:
        raise NotFound(message)
    return row


def iso(value: datetime | None) -> str | None:
    value = aware(value)
    return value.isoformat() if value else None


def is_https_link(url: str) -> bool:
    """A whole https link of at most 1000 characters (call links, recordings, assignments)."""
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc) and len(url) <= 1000
