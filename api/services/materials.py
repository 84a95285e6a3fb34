"""The self-study route (regulation item 3.7): a teacher attaches to each of her remote lessons a
recording link and an assignment (text and/or a link: ЭПОС, «Моя школа»).

They live beside the published versions, as call links do (a published version is never edited):
the parent page, the chat messages and the current ЭПОС files put them on the lessons. For a
self-study lesson they are the lesson; for an online lesson the alternative for families who
cannot join.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import LessonMaterial, Link
from api.problems import Invalid
from api.services.common import is_https_link
from api.services.links import teacher_lesson
from api.services.schools import touch_served
from planner.domain.schedule import Schedule, ScheduleItem

MAX_ASSIGNMENT = 2000
REMOTE_FORMATS = ("online", "self_study")


def _check_url(url: str, what: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if not is_https_link(url):
        raise Invalid(
            f"«{url}» — не ссылка ({what}); вставьте ссылку целиком, начиная с https:// "
            "(запись в ЭПОС или Сферуме, ресурс «Моя школа»)."
        )
    return url


def set_materials(
    session: Session,
    link: Link,
    slot: str,
    *,
    recording_url: str = "",
    assignment: str = "",
    assignment_url: str = "",
) -> LessonMaterial | None:
    """A teacher sets (all fields empty: removes) the materials of one of her remote lessons."""
    item = teacher_lesson(session, link, slot, REMOTE_FORMATS)
    recording = _check_url(recording_url, "запись урока")
    task_url = _check_url(assignment_url, "задание")
    task = assignment.strip()
    if len(task) > MAX_ASSIGNMENT:
        raise Invalid(f"задание длиннее {MAX_ASSIGNMENT} символов; дайте ссылку на материал.")
    row = session.scalar(
        select(LessonMaterial).where(
            LessonMaterial.school_id == link.school_id,
            LessonMaterial.teacher == link.target,
            LessonMaterial.slot == slot,
        )
    )
    if not (recording or task or task_url):
        if row is not None:
            session.delete(row)
            touch_served(session, link.school_id, data="materials")
            session.commit()
        return None
    if row is None:
        row = LessonMaterial(
            school_id=link.school_id, teacher=link.target, class_name=item.class_name, slot=slot
        )
        session.add(row)
    row.recording_url, row.assignment, row.assignment_url = recording, task or None, task_url
    row.updated_at = utcnow()
    touch_served(session, link.school_id, data="materials")
    session.commit()
    return row


def materials_of(session: Session, school_id: int) -> list[LessonMaterial]:
    return list(
        session.scalars(select(LessonMaterial).where(LessonMaterial.school_id == school_id))
    )


def apply_materials(
    items: Iterable[ScheduleItem], rows: list[LessonMaterial]
) -> list[ScheduleItem]:
    """Put the attached recordings and assignments on the remote lessons they belong to (every
    class of a combined lesson gets them)."""
    by_slot = {r.slot: r for r in rows}
    out = []
    for item in items:
        if item.kind == "lesson" and item.format in REMOTE_FORMATS and by_slot:
            found = next(
                (
                    by_slot[key]
                    for key in _keys(item)
                    if key in by_slot and _teaches(by_slot[key].teacher, item)
                ),
                None,
            )
            if found is not None:
                item = replace(
                    item,
                    recording_url=found.recording_url,
                    assignment=found.assignment,
                    assignment_url=found.assignment_url,
                )
        out.append(item)
    return out


def with_materials(session: Session, schedule: Schedule, school_id: int) -> Schedule:
    """The schedule with its lessons' materials (a published version's, as shown today)."""
    rows = materials_of(session, school_id)
    return schedule.with_items(apply_materials(schedule.items, rows)) if rows else schedule


def _keys(item: ScheduleItem) -> list[str]:
    return [replace(item, class_name=c).slot_key for c in item.classes or (item.class_name,)]


def _teaches(teacher: str, item: ScheduleItem) -> bool:
    return teacher in [t.strip() for t in (item.teacher or "").split(",")]
