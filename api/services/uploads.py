"""Timetable uploads: import a file (all or nothing) as the school's timetable, with its links.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from api.models import School, TimetableUpload
from api.problems import Invalid
from api.services.links import ensure_links
from api.services.schools import remember_timetable, touch_served
from planner.app import pipeline
from planner.domain.errors import InputError, Problem


def import_timetable(
    session: Session, school: School, filename: str, content: bytes
) -> TimetableUpload:
    """Import a timetable file (all or nothing); on success it becomes the school's timetable."""
    from planner.imports import MAX_INPUT_BYTES, detect_format, too_big

    filename = Path(filename or "").name
    if not filename:
        raise Invalid("не передан файл расписания (поле file формы).")
    if len(content) > MAX_INPUT_BYTES:
        message = too_big(MAX_INPUT_BYTES)
        raise Invalid(f"«{filename}»: {message}", [Problem(file=filename, message=message)])
    try:
        detect_format(Path(filename))
        timetable = pipeline.import_upload(filename, content, school.name)
    except InputError as exc:
        raise Invalid(
            f"расписание из «{filename}» не загружено: исправьте ошибки ниже и загрузите снова.",
            exc.problems,
        ) from None
    upload = TimetableUpload(
        school_id=school.id,
        filename=filename,
        content=content,
        classes=len(timetable.classes),
        lessons=len(timetable.lessons),
        teachers=len(timetable.teachers),
    )
    session.add(upload)
    session.flush()
    ensure_links(session, school, timetable)
    touch_served(session, school.id, data="regulation")  # the classes a teacher acts for
    session.commit()
    remember_timetable(school.name, content, timetable)
    return upload
