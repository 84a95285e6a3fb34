"""Schools and their timetables: create, list, the parse of an upload, the current timetable.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.lru import Lru
from api.models import School, Served, TimetableUpload, Version
from api.problems import Conflict, Invalid
from api.services.common import iso
from api.services.tenancy import Scope, missing
from api.serving import BUMPS
from api.settings import Settings
from planner.app import pipeline
from planner.domain.bells import BellPlan
from planner.domain.model import Timetable
from planner.domain.schedule import Schedule


def create_school(
    session: Session,
    name: str,
    timezone: str | None,
    settings: Settings,
    *,
    municipality_id: int,
) -> School:
    """A new school of a municipality (the caller checked the scope: a municipal admin)."""
    name = name.strip()
    if not name:
        raise Invalid("укажите название школы (поле name).")
    tz = (timezone or settings.timezone).strip()
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise Invalid(
            f"неизвестный часовой пояс «{tz}»; укажите, например, Asia/Yekaterinburg."
        ) from None
    school = School(name=name, timezone=tz, municipality_id=municipality_id)
    session.add(school)
    session.commit()
    return school


def list_schools(session: Session, scope: Scope) -> list[School]:
    """The schools an administrator sees (her municipality's, or her own school)."""
    return list(session.scalars(scope.schools(select(School)).order_by(School.id)))


def get_school(session: Session, school_id: int) -> School:
    """A school by id (its tenancy was checked by the route's guard, api.deps.tenant_guard)."""
    school = session.get(School, school_id)
    if school is None:
        raise missing("school_id", school_id)
    return school


_TIMETABLES: Lru[tuple[str, str], Timetable] = Lru(8)


def _key(upload: TimetableUpload, school_name: str) -> tuple[str, str]:
    """What the parse of an upload depends on: the school name, the file, the load table and
    the bells it was read with."""
    digest = hashlib.sha256(upload.content)
    digest.update(b"\0" + (upload.load_content or b""))
    digest.update(b"\0" + json.dumps(upload.bells, sort_keys=True).encode())
    return school_name, digest.hexdigest()


def timetable_of(upload: TimetableUpload, school_name: str) -> Timetable:
    """The parsed timetable of an upload (read as it was on upload: load table, bells).

    Kept in a small in-process cache keyed by :func:`_key` (the parse depends on nothing else;
    Timetable is immutable).
    """

    def parse() -> Timetable:
        load = (
            (upload.load_filename or "load.csv", upload.load_content)
            if upload.load_content is not None
            else None
        )
        return pipeline.import_upload(
            upload.filename, upload.content, school_name, load_table=load,
            bells=BellPlan.from_json(upload.bells),
        )  # fmt: skip

    return _TIMETABLES.get(_key(upload, school_name), parse)


def current_upload(session: Session, school: School) -> TimetableUpload:
    """The school's timetable: its latest confirmed upload."""
    upload = _latest_confirmed(session, school)
    if upload is None:
        raise Conflict(
            f"у школы «{school.name}» ещё нет расписания: сначала загрузите файл "
            "(POST /api/v1/schools/{id}/timetable)."
        )
    return upload


def _latest_confirmed(session: Session, school: School) -> TimetableUpload | None:
    return session.scalar(
        select(TimetableUpload)
        .where(TimetableUpload.school_id == school.id)
        .where(TimetableUpload.confirmed_at.is_not(None))
        .order_by(TimetableUpload.id.desc())
        .limit(1)
    )


def current_timetable(session: Session, school: School) -> Timetable:
    return timetable_of(current_upload(session, school), school.name)


def latest_version(session: Session, school: School) -> Version | None:
    return session.scalar(
        select(Version)
        .where(Version.school_id == school.id)
        .order_by(Version.number.desc())
        .limit(1)
    )


_SCHEDULES: Lru[tuple[int, str], Schedule] = Lru(16)


def version_schedule(version: Version) -> Schedule:
    """The schedule of a published version (rows are immutable: cached by id and content hash)."""
    return _SCHEDULES.get(
        (version.id, version.content_hash),
        lambda: Schedule.from_json(json.loads(version.schedule_json)),
    )


def school_public(session: Session, school: School) -> dict[str, Any]:
    upload = _latest_confirmed(session, school)
    version = latest_version(session, school)
    return {
        "id": school.id,
        "name": school.name,
        "timezone": school.timezone,
        "timetable": upload_public(upload) if upload else None,
        "published_version": version.number if version else None,
    }


def upload_public(upload: TimetableUpload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "filename": upload.filename,
        "classes": upload.classes,
        "lessons": upload.lessons,
        "teachers": upload.teachers,
        "uploaded_at": iso(upload.uploaded_at),
    }


#: what teachers enter, by the generation a change of it moves: ``calls`` (call links),
#: ``materials`` (recordings, assignments), ``regulation`` (attendance, readiness, her classes)
TEACHER_DATA = ("calls", "materials", "regulation")


def touch_served(
    session: Session, school_id: int, *, data: str | None = None, link_id: int | None = None
) -> None:
    """What the school's links show changed: a publish; what teachers enter (``data``, one of
    :data:`TEACHER_DATA`); a revoked or rotated link (``link_id``). Moves the school's serve
    generation (bodies in any process's memory stop being answered: at commit in this process,
    at the next poll in others) and drops the stored bodies that no longer match. Part of the
    caller's transaction."""
    values: dict[str, Any] = {"serve_gen": School.serve_gen + 1}
    if data is not None:
        column = getattr(School, f"{data}_gen")
        values[f"{data}_gen"] = column + 1
    gen = session.execute(
        update(School).where(School.id == school_id).values(values).returning(School.serve_gen)
    ).scalar_one()
    session.info.setdefault(BUMPS, []).append((school_id, int(gen)))
    stale = delete(Served).where(Served.school_id == school_id)
    if link_id is not None:
        stale = stale.where(Served.link_id == link_id)
    elif data is not None:
        stale = stale.where(Served.data_label.contains(f"{data}="))
    session.execute(stale)
