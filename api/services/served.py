"""Stored feeds and pages of token links: render once per version, answer from the stored bytes.

A row of ``served`` (:class:`api.models.Served`) holds a link's rendered feed or page with its
ETag, labelled with what it was rendered from: the school's latest version, the generations of
the teachers' data the body shows (call links, lesson materials, attendance and readiness) and,
for pages that show «today», the end of that day. :func:`stored_body` returns the row while the
labels still hold and renders (once, under a lock) when they do not. The labels are read
*before* the data the body is rendered from, so a change that lands during a render leaves a row
that no longer matches, never a stale row that does. See ``docs/serving.md``.

Each function takes an open SQLAlchemy session and plain values, and commits what it changed.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import aware, utcnow
from api.models import Link, School, Served, Version
from api.serving import Body, etag_of


@dataclass(frozen=True)
class Rendered:
    """What a render produced: the bytes and how to answer them."""

    body: bytes
    media_type: str
    last_modified: datetime
    headers: dict[str, str] = field(default_factory=dict)
    valid_until: datetime | None = None


#: a render: the school's latest version (or None) → the body
Render = Callable[[Version | None], Rendered]

_LOCKS = [threading.Lock() for _ in range(64)]


def _lock(link_id: int, variant: str) -> threading.Lock:
    """One render at a time per link and variant in this process (the rest wait for it)."""
    return _LOCKS[zlib.crc32(f"{link_id}:{variant}".encode()) % len(_LOCKS)]


def latest_version_id(session: Session, school_id: int) -> int | None:
    return session.scalar(select(func.max(Version.id)).where(Version.school_id == school_id))


def _valid(row: Served, version_id: int | None, label: str) -> bool:
    until = aware(row.valid_until)
    return (
        row.version_id == version_id
        and row.data_label == label
        and (until is None or utcnow() < until)
    )


def _body(row: Served, gen: int) -> Body:
    until = aware(row.valid_until)
    return Body(
        school_id=row.school_id,
        gen=gen,
        etag=row.etag,
        body=row.body,
        media_type=row.media_type,
        headers=tuple(sorted(row.headers.items())),
        last_modified=aware(row.last_modified),
        expires=until.timestamp() if until is not None else None,
    )


def _find(session: Session, link: Link, variant: str) -> Served | None:
    return session.scalar(
        select(Served).where(Served.link_id == link.id, Served.variant == variant)
    )


def stored_body(
    session: Session, link: Link, variant: str, *, shows: tuple[str, ...], render: Render
) -> Body:
    """The link's body for ``variant``: the stored one while it is current, else rendered now
    (once per process at a time) and stored. ``shows``: the teachers' data the body shows
    (:data:`api.services.schools.TEACHER_DATA`)."""
    columns = [School.serve_gen, *(getattr(School, f"{d}_gen") for d in shows)]
    gen, *gens = session.execute(  # the labels first, then the data
        select(*columns).where(School.id == link.school_id)
    ).one()
    label = ";".join(f"{d}={g}" for d, g in zip(shows, gens, strict=True))
    version_id = latest_version_id(session, link.school_id)
    row = _find(session, link, variant)
    if row is not None and _valid(row, version_id, label):
        return _body(row, gen)
    with _lock(link.id, variant):
        session.expire_all()
        row = _find(session, link, variant)
        if row is not None and _valid(row, version_id, label):
            return _body(row, gen)
        version = session.get(Version, version_id) if version_id is not None else None
        out = render(version)
        row = Served(
            link_id=link.id,
            school_id=link.school_id,
            variant=variant,
            version_id=version_id,
            data_label=label,
            valid_until=out.valid_until,
            etag=etag_of(out.body),
            last_modified=out.last_modified,
            media_type=out.media_type,
            headers=out.headers,
            body=out.body,
        )
        session.execute(delete(Served).where(Served.link_id == link.id, Served.variant == variant))
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another process stored it meanwhile: theirs is as good
            session.rollback()
        return _body(row, gen)
