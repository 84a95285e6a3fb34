"""Readiness of each class for distance lessons (regulation items 3.2–3.3): the checklist.

Kept per class, filled by the class's teacher through her link or by an administrator: class chat
created and linked with ЭПОС, families joined out of how many, the last successful test call, how
many families have no computer, laptop or tablet with camera and microphone. Counts of families
only, never a name. An order sending a class that is not ready gets a warning (it may still be
published); a version records the readiness of its classes when it is published.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import aware, utcnow
from api.models import ClassReadiness, Job, Link, School, TimetableUpload
from api.problems import Invalid
from api.services.common import iso
from api.services.links import teacher_class
from api.services.rebuilds import job_public, validate_order
from api.services.schools import current_timetable, get_school, timetable_of, touch_served
from planner.domain.model import sort_class_names
from planner.domain.regulation import Readiness, not_filled, readiness_warnings

#: most families one class may have (a typo guard: a class is at most ~30 pupils)
MAX_FAMILIES = 60


@dataclass(frozen=True)
class ReadinessInput:
    """What a checklist form or JSON body gives."""

    chat_linked: bool = False
    families_total: int | None = None
    families_joined: int | None = None
    last_test_call: date | None = None
    families_without_device: int | None = None


def _validate(school: School, data: ReadinessInput) -> None:
    problems = []
    for key, label in (
        ("families_total", "семей в классе"),
        ("families_joined", "присоединились к чату"),
        ("families_without_device", "без подходящего устройства"),
    ):
        value = getattr(data, key)
        if value is not None and not 0 <= value <= MAX_FAMILIES:
            problems.append((key, f"«{label}» — целое число от 0 до {MAX_FAMILIES}."))
    total = data.families_total
    for key, label in (
        ("families_joined", "присоединившихся"),
        ("families_without_device", "семей без устройства"),
    ):
        value = getattr(data, key)
        if total is not None and value is not None and value > total:
            problems.append((key, f"{label} ({value}) больше, чем семей в классе ({total})."))
    today = datetime.now(ZoneInfo(school.timezone)).date()
    if data.last_test_call is not None and data.last_test_call > today:
        problems.append(
            (
                "last_test_call",
                f"дата пробного подключения {data.last_test_call:%d.%m.%Y} — "
                "в будущем; укажите день, когда подключение уже прошло.",
            )
        )
    if problems:
        raise Invalid(
            "чек-лист готовности не сохранён: исправьте поля ниже.",
            [
                {"file": "чек-лист", "row": None, "column": k, "element": None, "message": m}
                for k, m in problems
            ],
        )


def set_readiness(
    session: Session, school: School, class_name: str, data: ReadinessInput, *, by: str, via: str
) -> ClassReadiness:
    """Save a class's checklist (``via`` = ``teacher_link`` or ``admin``; ``by`` = who)."""
    if class_name not in current_timetable(session, school).classes:
        raise Invalid(f"класса «{class_name}» нет в расписании школы.")
    _validate(school, data)
    row = session.scalar(
        select(ClassReadiness).where(
            ClassReadiness.school_id == school.id, ClassReadiness.class_name == class_name
        )
    )
    if row is None:
        row = ClassReadiness(school_id=school.id, class_name=class_name)
        session.add(row)
    row.chat_linked = data.chat_linked
    row.families_total = data.families_total
    row.families_joined = data.families_joined
    row.last_test_call = data.last_test_call
    row.families_without_device = data.families_without_device
    row.updated_by, row.updated_via, row.updated_at = by, via, utcnow()
    touch_served(session, school.id, data="regulation")
    session.commit()
    return row


def teacher_set_readiness(
    session: Session, link: Link, class_name: str, data: ReadinessInput
) -> ClassReadiness:
    """A teacher fills the checklist of one of her classes (another class: 404)."""
    name = teacher_class(session, link, class_name)
    school = get_school(session, link.school_id)
    return set_readiness(session, school, name, data, by=link.target, via="teacher_link")


def _value(row: ClassReadiness) -> Readiness:
    return Readiness(
        class_name=row.class_name,
        chat_linked=row.chat_linked,
        families_total=row.families_total,
        families_joined=row.families_joined,
        last_test_call=row.last_test_call,
        families_without_device=row.families_without_device,
    )


def rows_of(session: Session, school_id: int) -> dict[str, ClassReadiness]:
    rows = session.scalars(select(ClassReadiness).where(ClassReadiness.school_id == school_id))
    return {r.class_name: r for r in rows}


def readiness_of(session: Session, school_id: int, classes: Iterable[str]) -> list[Readiness]:
    """The checklist of each class in school order (not filled in: :func:`not_filled`)."""
    rows = rows_of(session, school_id)
    return [_value(rows[c]) if c in rows else not_filled(c) for c in sort_class_names(set(classes))]


def school_readiness(session: Session, school: School) -> list[Readiness]:
    """Every class of the school's current timetable."""
    return readiness_of(session, school.id, current_timetable(session, school).classes)


def warnings_for(session: Session, school_id: int, classes: Iterable[str]) -> list[str]:
    """What an order sending ``classes`` is told: one warning per class that is not ready."""
    return readiness_warnings(readiness_of(session, school_id, classes))


def snapshot(session: Session, school_id: int, classes: Iterable[str]) -> list[dict[str, Any]]:
    """The readiness a version records when it is published (with who filled it and when)."""
    rows = rows_of(session, school_id)
    out = []
    for r in readiness_of(session, school_id, classes):
        doc = r.to_json()
        row = rows.get(r.class_name)
        doc["updated_by"] = row.updated_by if row else None
        doc["updated_at"] = iso(row.updated_at) if row else None
        out.append(doc)
    return out


def readiness_public(
    session: Session, school: School, readiness: Readiness, row: ClassReadiness | None = None
) -> dict[str, Any]:
    """JSON of one class's checklist, with who saved it and when (school time)."""
    row = row or rows_of(session, school.id).get(readiness.class_name)
    doc = readiness.to_json()
    doc["cannot_join"] = readiness.cannot_join
    doc["updated_by"] = row.updated_by if row else None
    doc["updated_via"] = row.updated_via if row else None
    when = aware(row.updated_at) if row else None
    doc["updated_at"] = when.astimezone(ZoneInfo(school.timezone)).isoformat() if when else None
    return doc


def job_warnings(session: Session, job: Job) -> list[str]:
    """The readiness warnings of a rebuild's order (its classes as the order selects them)."""
    upload = session.get(TimetableUpload, job.timetable_id)
    if upload is None:
        return []
    school = get_school(session, job.school_id)
    order = validate_order(job.order_doc, timetable_of(upload, school.name))
    return warnings_for(session, school.id, order.classes)


def job_with_warnings(session: Session, job: Job) -> dict[str, Any]:
    """A rebuild's JSON with the readiness warnings of its order's classes."""
    return {**job_public(job), "readiness_warnings": job_warnings(session, job)}
