"""What a token shows: the published schedule of one class or teacher, with call links if granted
and the recordings and assignments teachers attached (the self-study route).

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.db import aware, utcnow
from api.models import CallLink, Link, School, Version
from api.services.call_links import call_links_of
from api.services.common import iso
from api.services.materials import apply_materials, materials_of
from api.services.schools import get_school, latest_version
from planner.domain.schedule import Schedule, ScheduleItem


@dataclass(frozen=True)
class LinkView:
    link: Link
    school: School
    version: Version | None
    items: list[ScheduleItem]
    with_calls: bool
    last_modified: datetime
    calls: list[CallLink]


def _teachers(item: ScheduleItem) -> list[str]:
    return [t.strip() for t in (item.teacher or "").split(",") if t.strip()]


def apply_call_links(
    items: Iterable[ScheduleItem], calls: list[CallLink], *, keep: bool
) -> list[ScheduleItem]:
    """Put the teachers' call links on online lessons (``keep``) or strip every call link."""
    from dataclasses import replace

    if not keep:
        return [replace(i, call_url=None) if i.call_url else i for i in items]
    by_slot = {(c.teacher, c.class_name, c.slot): c.url for c in calls}
    out = []
    for item in items:
        if item.kind == "lesson" and item.format == "online":
            url = item.call_url
            for teacher in _teachers(item):
                found = by_slot.get((teacher, item.class_name, item.slot_key)) or by_slot.get(
                    (teacher, item.class_name, "")
                )
                if found:
                    url = found
                    break
            if url != item.call_url:
                item = replace(item, call_url=url)
        elif item.call_url:
            item = replace(item, call_url=None)
        out.append(item)
    return out


class _Latest:
    """The default of :func:`link_view`: the school's latest version, read now."""


LATEST = _Latest()


def link_view(session: Session, link: Link, version: Version | _Latest | None = LATEST) -> LinkView:
    """The published schedule (the latest, or ``version``) as the link's holder may see it."""
    school = get_school(session, link.school_id)
    if isinstance(version, _Latest):
        version = latest_version(session, school)
    items: list[ScheduleItem] = []
    stamps = [aware(link.created_at) or utcnow()]
    with_calls = link.kind == "teacher" or link.with_calls
    calls: list[CallLink] = []
    if version is not None:
        schedule = Schedule.from_json(json.loads(version.schedule_json))
        if link.kind == "class":
            items = schedule.of_class(link.target)
        else:
            items = schedule.of_teacher(link.target)
        calls = call_links_of(session, school.id) if with_calls else []
        if link.kind == "teacher":
            calls = [c for c in calls if c.teacher == link.target]
        items = apply_call_links(items, calls, keep=with_calls)
        materials = materials_of(session, school.id)  # the self-study route, for every holder
        items = apply_materials(items, materials)
        stamps.append(aware(version.published_at) or utcnow())
        stamps.extend(aware(c.updated_at) or utcnow() for c in calls)
        stamps.extend(aware(m.updated_at) or utcnow() for m in materials)
    return LinkView(
        link=link,
        school=school,
        version=version,
        items=items,
        with_calls=with_calls,
        last_modified=max(stamps).astimezone(UTC).replace(microsecond=0),
        calls=calls,
    )


def view_public(view: LinkView) -> dict[str, Any]:
    """JSON of a token view: no pupil data, call links only when the token grants them."""
    return {
        "school": view.school.name,
        "timezone": view.school.timezone,
        "kind": view.link.kind,
        "target": view.link.target,
        "with_calls": view.with_calls,
        "version": view.version.number if view.version else None,
        "published_at": iso(view.version.published_at) if view.version else None,
        "items": [i.to_json() for i in view.items],
    }
