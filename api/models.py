"""Tables of the web app (SQLAlchemy 2). The schema is created by the Alembic migrations.

No pupil data anywhere: classes are names like «5А», teachers are the names the school publishes
anyway (273-ФЗ ст. 29), links are random tokens.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from api.db import utcnow

TS = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Municipality(Base):
    """A municipal education department: the tenant that owns schools and their administrators.

    ``territory`` names the frost thresholds file (``data/norms/frost/``); ``frost_act`` is the
    municipality's own thresholds (``{reason, thresholds}``), which replace the territory's.
    """

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    territory: Mapped[str] = mapped_column(String(64), default="perm-krai")
    frost_act: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class Admin(Base):
    """An administrator (deputy director, IT admin); password hashed with argon2.

    A municipal administrator (``school_id`` empty) sees every school of her municipality; a
    school administrator only her school (:mod:`api.services.tenancy`).
    """

    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )


class ApiToken(Base):
    """An API token of an administrator; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(TS)
    revoked_at: Mapped[datetime | None] = mapped_column(TS)


class WebSession(Base):
    """A browser session (cookie holds the token, the DB its hash) with its CSRF token."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(TS)


class LoginFailure(Base):
    """A failed login attempt, for the per login+IP rate limit."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), index=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(TS, default=utcnow, index=True)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    # the bells entered once on upload (planner.domain.bells.BellPlan.to_json), for files without
    bells: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    # the school's own frost thresholds ({reason, thresholds}): added to the municipality's
    frost_act: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Served feeds and pages (api/serving.py): serve_gen +1 on every change of what a link shows;
    # the others +1 on a change of what teachers enter (api.services.schools.touch_served).
    serve_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    calls_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    materials_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    regulation_gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TimetableUpload(Base):
    """An imported regular timetable: the original file (re-read by the importers) and counts.

    An upload is first *pending* (``confirmed_at`` empty: the deputy reviews its findings); once
    confirmed it may become the school's timetable (the latest confirmed one is). The load table
    and the bells it was read with are kept so that re-reading gives the same timetable.
    """

    __tablename__ = "timetables"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    classes: Mapped[int] = mapped_column(Integer)
    lessons: Mapped[int] = mapped_column(Integer)
    teachers: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(TS)
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    load_filename: Mapped[str | None] = mapped_column(String(255))
    load_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    bells: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # planner.domain.findings.findings_json of the import
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # class and teacher names read (for the links made when the upload is confirmed)
    names: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Job(Base):
    """A rebuild (solve) job. Lives in the DB so a restart never loses it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    timetable_id: Mapped[int] = mapped_column(ForeignKey("timetables.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    order_doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_limit: Mapped[float] = mapped_column(Float)
    workers: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    best_objective: Mapped[float | None] = mapped_column(Float)
    best_bound: Mapped[float | None] = mapped_column(Float)
    solutions: Mapped[int] = mapped_column(Integer, default=0)
    # a multi-day period is solved date by date first, then as a whole (planner.engine.solver)
    dates_done: Mapped[int | None] = mapped_column(Integer)
    dates_total: Mapped[int | None] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    schedule_json: Mapped[str | None] = mapped_column(Text)
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    worker_host: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(TS)
    heartbeat_at: Mapped[datetime | None] = mapped_column(TS)
    finished_at: Mapped[datetime | None] = mapped_column(TS)
    # each claim of the row by a worker is one attempt; a redelivered job is the next attempt and
    # only the current attempt's writes count (api.jobs)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    worker_name: Mapped[str | None] = mapped_column(String(255))
    # a municipal order with publish: auto — a clean plan is published by the worker
    publish_when_clean: Mapped[bool] = mapped_column(Boolean, default=False)
    # «Улучшать дальше»: the job whose plan this one starts from (its hint; never worse)
    continue_from: Mapped[str | None] = mapped_column(String(32))


class Version(Base):
    """A published version of a school's remote timetable. Rows are never updated."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("school_id", "number", name="uq_versions_school_number"),
        # one job never gives two versions (a redelivered job, a second «publish all»)
        UniqueConstraint("job_id", name="uq_versions_job_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    timetable_id: Mapped[int] = mapped_column(ForeignKey("timetables.id", ondelete="CASCADE"))
    published_at: Mapped[datetime] = mapped_column(TS)
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(80))
    schedule_json: Mapped[str] = mapped_column(Text)
    files: Mapped[list[str] | None] = mapped_column(JSON)
    files_message: Mapped[str | None] = mapped_column(Text)
    # readiness of the order's classes when published (planner.domain.regulation.Readiness)
    readiness: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class Link(Base):
    """A token link for a class (parents) or a teacher; revocable and rotatable."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # class | teacher
    target: Mapped[str] = mapped_column(String(200))  # class name or teacher name
    token: Mapped[str] = mapped_column(String(64), unique=True)
    with_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(TS)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("links.id", ondelete="SET NULL"))


class CallLink(Base):
    """A video-call link a teacher set for a class (or for one lesson slot of it)."""

    __tablename__ = "call_links"
    __table_args__ = (
        UniqueConstraint("school_id", "teacher", "class_name", "slot", name="uq_call_links_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    teacher: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(500), default="")  # "" = every lesson of the class
    url: Mapped[str] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class MunicipalOrder(Base):
    """An order of a municipality to its schools (planner.domain.municipal), as submitted."""

    __tablename__ = "municipal_orders"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text, default="")
    publish: Mapped[str] = mapped_column(String(8), default="review")
    # the frost decision on the municipality's table (temperature, grades, explanation)
    frost: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class MunicipalTarget(Base):
    """One school of a municipal order: its grades, its own order and its rebuild job.

    ``state``: ``job`` (the job row tells the rest), ``not_affected`` (no class of those grades),
    ``problem`` (``message`` says why: no timetable, an order the timetable refuses, …).
    """

    __tablename__ = "municipal_targets"
    __table_args__ = (
        UniqueConstraint("order_id", "school_id", name="uq_municipal_targets_order_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ForeignKey("municipal_orders.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    grades: Mapped[list[int]] = mapped_column(JSON)
    tightened: Mapped[list[int] | None] = mapped_column(JSON)  # grades the school added
    order_doc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class AttendanceEntry(Base):
    """Counts of one class on one remote day (regulation items 2.3, 2.6): numbers, no names.

    Rows are never updated: a correction is a new row, the latest one counts, the earlier ones
    are the history.
    """

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    class_name: Mapped[str] = mapped_column(String(100))
    present: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
    ill: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[str] = mapped_column(String(200))  # the link's teacher or an admin login
    entered_via: Mapped[str] = mapped_column(String(16))  # teacher_link | admin
    entered_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class LessonAttendance(Base):
    """How many pupils joined one online lesson, as its teacher counted. Rows are never updated."""

    __tablename__ = "lesson_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    class_name: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(500))
    joined: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_via: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class ClassReadiness(Base):
    """The readiness checklist of a class (regulation items 3.2–3.3): counts of families only."""

    __tablename__ = "readiness"
    __table_args__ = (UniqueConstraint("school_id", "class_name", name="uq_readiness_class"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_name: Mapped[str] = mapped_column(String(100))
    chat_linked: Mapped[bool] = mapped_column(Boolean, default=False)
    families_total: Mapped[int | None] = mapped_column(Integer)
    families_joined: Mapped[int | None] = mapped_column(Integer)
    last_test_call: Mapped[date | None] = mapped_column(Date)
    families_without_device: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_via: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class LessonMaterial(Base):
    """A recording and an assignment a teacher attached to one remote lesson (item 3.7)."""

    __tablename__ = "lesson_materials"
    __table_args__ = (
        UniqueConstraint("school_id", "teacher", "slot", name="uq_lesson_materials_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    teacher: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(500))
    recording_url: Mapped[str | None] = mapped_column(String(1000))
    assignment: Mapped[str | None] = mapped_column(Text)
    assignment_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


class Served(Base):
    """The rendered bytes of a link's feed or page, labelled with what they were rendered from.

    Valid while the school's latest version is ``version_id``, the generations of the teachers'
    data the body shows (``data_label``, e.g. ``calls=3;materials=1``) are unchanged and
    ``valid_until`` has not passed (pages show «today»).
    See ``api/services/served.py`` and ``docs/serving.md``.
    """

    __tablename__ = "served"
    __table_args__ = (UniqueConstraint("link_id", "variant", name="uq_served_link_variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    variant: Mapped[str] = mapped_column(String(120))  # feed, or page:lang:block, + render key
    version_id: Mapped[int | None] = mapped_column(Integer)
    data_label: Mapped[str] = mapped_column(String(120), default="")
    valid_until: Mapped[datetime | None] = mapped_column(TS)
    etag: Mapped[str] = mapped_column(String(80))
    last_modified: Mapped[datetime] = mapped_column(TS)
    media_type: Mapped[str] = mapped_column(String(100))
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TS, default=utcnow)


@event.listens_for(Version, "before_update")
def _versions_are_immutable(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    raise ValueError(
        f"опубликованная версия № {target.number} не изменяется; опубликуйте новую версию."
    )
