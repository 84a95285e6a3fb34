"""Published versions: publish a finished rebuild, its export files, its check, the history, the
readiness of its classes at publication (regulation items 3.2–3.3).

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import aware, utcnow
from api.models import Job, School, TimetableUpload, Version
from api.problems import Conflict, NotFound
from api.settings import Settings
from planner.app import pipeline
from planner.domain.model import Timetable
from planner.domain.order import QuarantineOrder
from planner.domain.regulation import Readiness
from planner.domain.schedule import Schedule

if TYPE_CHECKING:
    from constraints.catalogue import NormCatalogue
    from constraints.checker import CheckReport
from api.services import readiness
from api.services.common import iso
from api.services.rebuilds import STATUS_RU, reviewable, validate_order
from api.services.schools import get_school, timetable_of, touch_served


def list_versions(session: Session, school: School) -> list[Version]:
    return list(
        session.scalars(
            select(Version).where(Version.school_id == school.id).order_by(Version.number)
        )
    )


def get_version(session: Session, school: School, number: int) -> Version:
    version = session.scalar(
        select(Version).where(Version.school_id == school.id, Version.number == number)
    )
    if version is None:
        raise NotFound(f"у школы «{school.name}» нет опубликованной версии № {number}.")
    return version


def version_timetable(session: Session, version: Version) -> Timetable:
    """The regular timetable a version was rebuilt from."""
    upload = session.get(TimetableUpload, version.timetable_id)
    school = session.get(School, version.school_id)
    assert upload is not None and school is not None
    return timetable_of(upload, school.name)


def version_public(version: Version, *, with_schedule: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "number": version.number,
        "published_at": iso(version.published_at),
        "author": version.author,
        "comment": version.comment,
        "content_hash": version.content_hash,
        "job_id": version.job_id,
        "files": version.files or [],
        "files_message": version.files_message,
        "readiness": version.readiness,
    }
    if with_schedule:
        doc["schedule"] = json.loads(version.schedule_json)
    return doc


def versions_dir(settings: Settings, school_id: int, number: int) -> Path:
    return settings.data_dir / "schools" / str(school_id) / "versions" / str(number)


def version_of_job(session: Session, job_id: str) -> Version | None:
    """The version a job was published as, if it was."""
    return session.scalar(select(Version).where(Version.job_id == job_id))


def history_of(versions: list[Version]) -> Any:
    """The :class:`planner.engine.versions.VersionHistory` of a school's stored versions."""
    from planner.engine.versions import PublishedVersion, VersionHistory

    return VersionHistory(
        tuple(
            PublishedVersion(
                number=v.number,
                published_at=aware(v.published_at) or utcnow(),
                author=v.author,
                comment=v.comment,
                schedule=Schedule.from_json(json.loads(v.schedule_json)),
                content_hash=v.content_hash,
            )
            for v in versions
        )
    )


def publish_job(
    session: Session, job: Job, *, author: str, comment: str, settings: Settings
) -> Version:
    """Publish a finished rebuild as the next immutable version and write its export files.

    Idempotent by the job: a job that already has its version (published by a person, by «publish
    every clean plan», or by the worker of a redelivered job) answers that version.
    """
    from planner.engine.versions import PublishError, publish

    if not reviewable(job):
        raise Conflict(
            "публиковать можно только перестроение с планом (готовое или отменённое после "
            f"первого найденного плана); это — «{STATUS_RU[job.status]}», плана в нём нет."
        )
    existing = version_of_job(session, job.id)
    if existing is not None:
        return existing
    school = get_school(session, job.school_id)
    draft = Schedule.from_json(json.loads(job.schedule_json))
    history = history_of(list_versions(session, school))
    try:
        history = publish(draft, history, author=author, comment=comment, now=utcnow())
    except PublishError as exc:
        raise Conflict(str(exc)) from None
    new = history.latest
    outdir = versions_dir(settings, school.id, new.number)
    ready = readiness.snapshot(session, school.id, draft.order.get("classes") or [])
    files, files_message = _write_exports(session, school, job, draft, history, outdir, ready)
    version = Version(
        school_id=school.id,
        number=new.number,
        job_id=job.id,
        timetable_id=job.timetable_id,
        published_at=new.published_at,
        author=new.author,
        comment=new.comment,
        content_hash=new.content_hash,
        schedule_json=draft.dumps(),
        files=files,
        files_message=files_message,
        readiness=ready,
    )
    touch_served(session, school.id)
    session.add(version)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        shutil.rmtree(outdir, ignore_errors=True)
        existing = version_of_job(session, job.id)
        if existing is not None:  # the same job was published at the same moment elsewhere
            return existing
        raise Conflict(
            "одновременно опубликована другая версия; обновите страницу и опубликуйте снова."
        ) from None
    return version


def _write_exports(
    session: Session,
    school: School,
    job: Job,
    schedule: Schedule,
    history: Any,
    outdir: Path,
    ready: list[dict[str, Any]],
) -> tuple[list[str], str | None]:
    """Write the export bundle of a version; a failure leaves the version without files."""
    try:
        upload = session.get(TimetableUpload, job.timetable_id)
        assert upload is not None
        timetable = timetable_of(upload, school.name)
        order = validate_order(job.order_doc, timetable)
        catalogue, report = check_version(schedule, timetable, order)
        if outdir.exists():
            shutil.rmtree(outdir)
        outdir.mkdir(parents=True)
        paths = pipeline.export_bundle(
            outdir, schedule, timetable, order, catalogue, report, history,
            now=history.latest.published_at, readiness=[Readiness.from_json(r) for r in ready],
        )  # fmt: skip
        return sorted(Path(p).relative_to(outdir).as_posix() for p in paths), None
    except Exception as exc:  # the version is still published; the files can be rebuilt
        return [], f"файлы выгрузки не записаны: {type(exc).__name__}: {exc}"


def check_version(
    schedule: Schedule, timetable: Timetable, order: QuarantineOrder
) -> tuple[NormCatalogue, CheckReport]:
    """The order's norm catalogue (with its local-act overrides) and the independent check of
    ``schedule`` against it: what the review page shows and what the export bundle cites."""
    return pipeline.check(schedule, timetable, order)


def version_file(settings: Settings, version: Version, name: str) -> Path:
    """The path of one export file of a version (only names the version lists)."""
    if name not in (version.files or []):
        listed = ", ".join(version.files or []) or "нет файлов"
        raise NotFound(f"в версии № {version.number} нет файла «{name}»; есть: {listed}.")
    path = versions_dir(settings, version.school_id, version.number) / name
    if not path.is_file():
        raise NotFound(
            f"файл «{name}» версии № {version.number} пропал с диска; опубликуйте заново."
        )
    return path
