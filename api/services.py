"""The web app's logic. JSON routes (api/routes) and HTML routes (web/) both call these functions.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import security
from api.db import aware, utcnow
from api.lru import Lru
from api.models import (
    Admin,
    ApiToken,
    CallLink,
    Job,
    Link,
    LoginFailure,
    School,
    TimetableUpload,
    Version,
    WebSession,
)
from api.problems import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from api.settings import Settings
from planner.app import pipeline
from planner.domain.errors import InputError, Problem
from planner.domain.model import Timetable, sort_class_names
from planner.domain.order import QuarantineOrder, parse_order
from planner.domain.schedule import Schedule, ScheduleItem

if TYPE_CHECKING:
    from constraints.catalogue import NormCatalogue
    from constraints.checker import CheckReport

T = TypeVar("T")
JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")
_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")
MIN_PASSWORD = 10

# ---------------------------------------------------------------------------------------------
# Administrators, sessions, API tokens, login rate limit


def create_admin(session: Session, login: str, password: str) -> Admin:
    """Create an administrator; the password is stored as an argon2 hash."""
    login = login.strip()
    if not _LOGIN.match(login):
        raise Invalid(
            f"логин «{login}» не подходит: 2–100 латинских букв, цифр или знаков . _ @ -."
        )
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"пароль слишком короткий: нужно не меньше {MIN_PASSWORD} символов.")
    if session.scalar(select(Admin).where(Admin.login == login)) is not None:
        raise Conflict(f"администратор «{login}» уже есть; выберите другой логин.")
    admin = Admin(login=login, password_hash=security.hash_password(password))
    session.add(admin)
    session.commit()
    return admin


def get_admin(session: Session, login: str) -> Admin:
    admin = session.scalar(select(Admin).where(Admin.login == login.strip()))
    if admin is None:
        raise NotFound(f"администратора «{login}» нет; создайте его: planner admin create {login}")
    return admin


def authenticate(session: Session, login: str, password: str, ip: str, settings: Settings) -> Admin:
    """Check a login; failures are counted per login and IP, too many → 429 for a while."""
    login = login.strip()
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    failures = session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.login == login, LoginFailure.ip == ip, LoginFailure.at > since
        )
    )
    if (failures or 0) >= settings.login_max_failures:
        minutes = max(1, settings.login_window_seconds // 60)
        raise TooManyRequests(
            f"слишком много неудачных попыток входа для «{login}»; подождите {minutes} мин. "
            "и попробуйте снова или попросите другого администратора сменить пароль."
        )
    admin = session.scalar(select(Admin).where(Admin.login == login))
    if not security.verify_password(admin.password_hash if admin else None, password):
        session.execute(delete(LoginFailure).where(LoginFailure.at <= since))  # keep it small
        session.add(LoginFailure(login=login, ip=ip, at=now))
        session.commit()
        raise Unauthorized("неверный логин или пароль.")
    assert admin is not None
    if security.needs_rehash(admin.password_hash):
        admin.password_hash = security.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.login == login, LoginFailure.ip == ip))
    session.commit()
    return admin


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie, never stored
    csrf_token: str
    expires_at: datetime


def start_session(session: Session, admin: Admin, settings: Settings) -> NewSession:
    token, csrf = security.session_token(), security.csrf_token()
    expires = utcnow() + timedelta(hours=settings.session_hours)
    session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    session.add(
        WebSession(
            admin_id=admin.id,
            token_hash=security.token_hash(token),
            csrf_token=csrf,
            expires_at=expires,
        )
    )
    session.commit()
    return NewSession(token=token, csrf_token=csrf, expires_at=expires)


def session_admin(session: Session, token: str | None) -> tuple[Admin, WebSession] | None:
    """The administrator of a live session cookie, or ``None``."""
    if not token:
        return None
    ws = session.scalar(
        select(WebSession).where(WebSession.token_hash == security.token_hash(token))
    )
    if ws is None:
        return None
    if (aware(ws.expires_at) or utcnow()) <= utcnow():
        session.delete(ws)
        session.commit()
        return None
    admin = session.get(Admin, ws.admin_id)
    return (admin, ws) if admin else None


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            delete(WebSession).where(WebSession.token_hash == security.token_hash(token))
        )
        session.commit()


def issue_api_token(session: Session, login: str) -> str:
    """A new API token for an administrator; shown once, only its hash is stored."""
    admin = get_admin(session, login)
    token = security.api_token()
    session.add(ApiToken(admin_id=admin.id, token_hash=security.token_hash(token)))
    session.commit()
    return token


def token_admin(session: Session, token: str | None) -> Admin | None:
    """The administrator an ``Authorization: Bearer`` token belongs to, or ``None``."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    session.commit()
    return session.get(Admin, row.admin_id)


# ---------------------------------------------------------------------------------------------
# Schools and timetables


def create_school(session: Session, name: str, timezone: str | None, settings: Settings) -> School:
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
    school = School(name=name, timezone=tz)
    session.add(school)
    session.commit()
    return school


def list_schools(session: Session) -> list[School]:
    return list(session.scalars(select(School).order_by(School.id)))


def _found(row: T | None, message: str) -> T:
    """The row, or 404 with a message that says what is missing."""
    if row is None:
        raise NotFound(message)
    return row


def get_school(session: Session, school_id: int) -> School:
    return _found(
        session.get(School, school_id), f"школы с номером {school_id} нет; проверьте адрес."
    )


_TIMETABLES: Lru[tuple[str, str], Timetable] = Lru(8)


def timetable_of(upload: TimetableUpload, school_name: str) -> Timetable:
    """The parsed timetable of an upload.

    Kept in a small in-process cache keyed by school name and file hash (the parse depends on
    nothing else; Timetable is immutable).
    """
    key = (school_name, hashlib.sha256(upload.content).hexdigest())
    return _TIMETABLES.get(
        key, lambda: pipeline.import_upload(upload.filename, upload.content, school_name)
    )


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
    session.commit()
    _TIMETABLES.put((school.name, hashlib.sha256(content).hexdigest()), timetable)
    return upload


def current_upload(session: Session, school: School) -> TimetableUpload:
    upload = session.scalar(
        select(TimetableUpload)
        .where(TimetableUpload.school_id == school.id)
        .order_by(TimetableUpload.id.desc())
        .limit(1)
    )
    if upload is None:
        raise Conflict(
            f"у школы «{school.name}» ещё нет расписания: сначала загрузите файл "
            "(POST /api/v1/schools/{id}/timetable)."
        )
    return upload


def current_timetable(session: Session, school: School) -> Timetable:
    return timetable_of(current_upload(session, school), school.name)


def school_public(session: Session, school: School) -> dict[str, Any]:
    upload = session.scalar(
        select(TimetableUpload)
        .where(TimetableUpload.school_id == school.id)
        .order_by(TimetableUpload.id.desc())
        .limit(1)
    )
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
        "uploaded_at": _iso(upload.uploaded_at),
    }


# ---------------------------------------------------------------------------------------------
# Rebuild jobs


def validate_order(doc: Any, timetable: Timetable) -> QuarantineOrder:
    try:
        return parse_order(doc, timetable, file="приказ")
    except InputError as exc:
        raise Invalid(
            "приказ не принят: исправьте ошибки ниже и отправьте снова.", exc.problems
        ) from None


def create_job(
    session: Session,
    school: School,
    order_doc: dict[str, Any],
    settings: Settings,
    *,
    author: str | None,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
) -> Job:
    """Validate the order against the current timetable and queue a rebuild job."""
    import uuid

    upload = current_upload(session, school)
    validate_order(order_doc, timetable_of(upload, school.name))
    limit = settings.solver_time_limit if time_limit is None else time_limit
    if not 0 < limit <= 3600:
        raise Invalid("time_limit — от 1 до 3600 секунд.")
    job = Job(
        id=uuid.uuid4().hex,
        school_id=school.id,
        timetable_id=upload.id,
        status="queued",
        order_doc=order_doc,
        time_limit=float(limit),
        workers=max(1, workers or settings.solver_workers),
        seed=settings.solver_seed if seed is None else seed,
        created_by=author,
        created_at=utcnow(),
    )
    session.add(job)
    session.commit()
    return job


def get_job(session: Session, job_id: str) -> Job:
    job = _found(session.get(Job, job_id), f"перестроения {job_id} нет; проверьте номер задачи.")
    session.refresh(job)
    return job


def list_jobs(session: Session, school: School, limit: int = 20) -> list[Job]:
    return list(
        session.scalars(
            select(Job)
            .where(Job.school_id == school.id)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def cancel_job(session: Session, job: Job) -> Job:
    """Cancel: a queued job stops at once, a running one at the worker's next poll."""
    if job.status in FINISHED:
        raise Conflict(
            f"перестроение уже завершено (состояние «{STATUS_RU[job.status]}»); отменять нечего."
        )
    if job.status == "queued":
        job.status = "cancelled"
        job.finished_at = utcnow()
        job.message = "отменено до начала решения."
    job.cancel_requested = True
    session.commit()
    return job


STATUS_RU = {
    "queued": "в очереди",
    "running": "решается",
    "succeeded": "готово",
    "failed": "ошибка",
    "cancelled": "отменено",
}


def job_phase(job: Job) -> dict[str, Any]:
    """Which phase a running job is in: a multi-day period is solved date by date first
    (``dates_done`` of ``dates_total``), then as a whole period (objective and bound)."""
    total = job.dates_total
    done = min(job.dates_done or 0, total) if total else None
    phase = phase_ru = None
    if job.status == "running":
        if total and done is not None and done < total:
            phase, phase_ru = "days", f"по дням: решено дат {done} из {total}"
        else:
            phase, phase_ru = "period", "весь период"
    return {"phase": phase, "phase_ru": phase_ru, "dates_done": done, "dates_total": total}


def job_public(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "school_id": job.school_id,
        "status": job.status,
        "status_ru": STATUS_RU.get(job.status, job.status),
        "progress": round(job.progress or 0.0, 3),
        "best_objective": job.best_objective,
        "best_bound": job.best_bound,
        "solutions": job.solutions,
        **job_phase(job),
        "cancel_requested": job.cancel_requested,
        "message": job.message,
        "problems": job.problems or [],
        "summary": job.summary,
        "has_schedule": job.schedule_json is not None,
        "order": job.order_doc,
        "time_limit": job.time_limit,
        "created_by": job.created_by,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
    }


# ---------------------------------------------------------------------------------------------
# Published versions


def latest_version(session: Session, school: School) -> Version | None:
    return session.scalar(
        select(Version)
        .where(Version.school_id == school.id)
        .order_by(Version.number.desc())
        .limit(1)
    )


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
        "published_at": _iso(version.published_at),
        "author": version.author,
        "comment": version.comment,
        "content_hash": version.content_hash,
        "job_id": version.job_id,
        "files": version.files or [],
        "files_message": version.files_message,
    }
    if with_schedule:
        doc["schedule"] = json.loads(version.schedule_json)
    return doc


def versions_dir(settings: Settings, school_id: int, number: int) -> Path:
    return settings.data_dir / "schools" / str(school_id) / "versions" / str(number)


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
    """Publish a finished rebuild as the next immutable version and write its export files."""
    from planner.engine.versions import PublishError, publish

    if job.status != "succeeded" or job.schedule_json is None:
        raise Conflict(
            f"публиковать можно только готовое перестроение; это — «{STATUS_RU[job.status]}»."
        )
    school = get_school(session, job.school_id)
    draft = Schedule.from_json(json.loads(job.schedule_json))
    history = history_of(list_versions(session, school))
    try:
        history = publish(draft, history, author=author, comment=comment, now=utcnow())
    except PublishError as exc:
        raise Conflict(str(exc)) from None
    new = history.latest
    outdir = versions_dir(settings, school.id, new.number)
    files, files_message = _write_exports(session, school, job, draft, history, outdir)
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
    )
    session.add(version)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        shutil.rmtree(outdir, ignore_errors=True)
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
            now=history.latest.published_at,
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


# ---------------------------------------------------------------------------------------------
# Class and teacher links


def ensure_links(session: Session, school: School, timetable: Timetable) -> None:
    """One active link per class and per teacher of the timetable (missing ones are created)."""
    active = {
        (link.kind, link.target)
        for link in session.scalars(
            select(Link).where(Link.school_id == school.id, Link.revoked_at.is_(None))
        )
    }
    for kind, targets in (
        ("class", sort_class_names(timetable.classes)),
        ("teacher", sorted(timetable.teachers)),
    ):
        for target in targets:
            if (kind, target) not in active:
                session.add(
                    Link(school_id=school.id, kind=kind, target=target, token=security.link_token())
                )
    session.flush()


def issue_link(
    session: Session, school: School, kind: str, target: str, *, with_calls: bool
) -> Link:
    """An extra link for a class (optionally with call links) or a teacher."""
    timetable = current_timetable(session, school)
    if kind == "class" and target not in timetable.classes:
        raise Invalid(f"класса «{target}» нет в расписании школы.")
    if kind == "teacher" and target not in timetable.teachers:
        raise Invalid(f"учителя «{target}» нет в расписании школы.")
    if kind not in ("class", "teacher"):
        raise Invalid("kind — class или teacher.")
    link = Link(
        school_id=school.id,
        kind=kind,
        target=target,
        token=security.link_token(),
        with_calls=with_calls or kind == "teacher",
    )
    session.add(link)
    session.commit()
    return link


def list_links(session: Session, school: School, *, include_revoked: bool = False) -> list[Link]:
    query = select(Link).where(Link.school_id == school.id)
    if not include_revoked:
        query = query.where(Link.revoked_at.is_(None))
    links = list(session.scalars(query))
    order = {name: i for i, name in enumerate(sort_class_names({x.target for x in links}))}
    return sorted(links, key=lambda x: (x.kind != "class", order.get(x.target, 0), x.id))


def get_link(session: Session, link_id: int) -> Link:
    return _found(session.get(Link, link_id), f"ссылки № {link_id} нет.")


def link_urls(link: Link, settings: Settings) -> dict[str, str]:
    prefix = "c" if link.kind == "class" else "t"
    return {
        "page_url": f"{settings.base_url}/{prefix}/{link.token}",
        "feed_url": f"{settings.base_url}/feeds/{link.token}.ics",
    }


def link_public(link: Link, settings: Settings) -> dict[str, Any]:
    return {
        "id": link.id,
        "kind": link.kind,
        "target": link.target,
        "with_calls": link.with_calls,
        "created_at": _iso(link.created_at),
        "revoked": link.revoked_at is not None,
        "token": link.token,
        **link_urls(link, settings),
    }


def revoke_link(session: Session, link: Link) -> Link:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.commit()
    return link


def rotate_link(session: Session, link: Link) -> Link:
    """Revoke a link and issue a new one for the same class/teacher with the same rights."""
    if link.revoked_at is not None:
        raise Conflict("ссылка уже отозвана; выпустите новую для этого класса или учителя.")
    new = Link(
        school_id=link.school_id,
        kind=link.kind,
        target=link.target,
        token=security.link_token(),
        with_calls=link.with_calls,
    )
    session.add(new)
    session.flush()
    link.revoked_at = utcnow()
    link.replaced_by_id = new.id
    session.commit()
    return new


LINK_ACTIONS = ("revoke", "rotate")


def change_link(session: Session, link_id: int, action: str) -> Link:
    """``revoke`` (the link itself) or ``rotate`` (the new link that replaces it)."""
    if action not in LINK_ACTIONS:
        raise NotFound(f"действия «{action}» со ссылкой нет; есть revoke и rotate.")
    link = get_link(session, link_id)
    return revoke_link(session, link) if action == "revoke" else rotate_link(session, link)


def resolve_token(session: Session, token: str) -> Link:
    """The active link of a token; unknown and revoked tokens are the same 404."""
    link = session.scalar(select(Link).where(Link.token == token))
    if link is None or link.revoked_at is not None:
        raise NotFound("ссылка недействительна: её отозвали или заменили; попросите новую в школе.")
    return link


# ---------------------------------------------------------------------------------------------
# Call links set by teachers


def _check_call_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(url) > 1000:
        raise Invalid(
            f"«{url}» — не ссылка на звонок; вставьте ссылку целиком, начиная с https:// "
            "(например https://sferum.ru/?call_link=…)."
        )
    return url


def set_call_link(
    session: Session, link: Link, class_name: str, url: str, *, slot: str = ""
) -> CallLink | None:
    """A teacher sets (or with an empty ``url`` removes) the call link of a class or lesson slot."""
    if link.kind != "teacher":
        raise NotFound("ссылки на звонки задаёт учитель по своей ссылке.")
    school = get_school(session, link.school_id)
    timetable = current_timetable(session, school)
    classes = {c for x in timetable.lessons_of_teacher(link.target) for c in x.classes}
    if class_name not in classes:
        raise Invalid(
            f"у учителя «{link.target}» нет уроков в классе «{class_name}»; "
            f"есть: {', '.join(sort_class_names(classes)) or 'нет уроков'}."
        )
    if slot and f"|{class_name}|" not in f"|{slot}|":
        raise Invalid(f"урок «{slot}» не относится к классу «{class_name}».")
    row = session.scalar(
        select(CallLink).where(
            CallLink.school_id == school.id,
            CallLink.teacher == link.target,
            CallLink.class_name == class_name,
            CallLink.slot == slot,
        )
    )
    if not url.strip():
        if row is not None:
            session.delete(row)
            session.commit()
        return None
    clean = _check_call_url(url)
    if row is None:
        row = CallLink(
            school_id=school.id, teacher=link.target, class_name=class_name, slot=slot, url=clean
        )
        session.add(row)
    else:
        row.url = clean
        row.updated_at = utcnow()
    session.commit()
    return row


def call_links_of(session: Session, school_id: int) -> list[CallLink]:
    return list(session.scalars(select(CallLink).where(CallLink.school_id == school_id)))


# ---------------------------------------------------------------------------------------------
# What a token shows: the published schedule of one class or teacher


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


def link_view(session: Session, link: Link) -> LinkView:
    """The latest published schedule as the link's holder may see it."""
    school = get_school(session, link.school_id)
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
        stamps.append(aware(version.published_at) or utcnow())
        stamps.extend(aware(c.updated_at) or utcnow() for c in calls)
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
        "published_at": _iso(view.version.published_at) if view.version else None,
        "items": [i.to_json() for i in view.items],
    }


def _iso(value: datetime | None) -> str | None:
    value = aware(value)
    return value.isoformat() if value else None
