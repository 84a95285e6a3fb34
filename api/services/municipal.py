"""Municipal orders: frost thresholds of a municipality and its schools, an order to many schools
(one rebuild job per school), the dashboard's board, «publish every clean plan», a school that
tightens its part, the summary XLSX.

A school with a problem (no timetable, an order its timetable refuses, an infeasible order, a
failed job, violations) is marked with its reason and never holds the others back.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import Job, Municipality, MunicipalOrder, MunicipalTarget, School, Version
from api.problems import ApiError, Conflict, Invalid
from api.services import attendance, rebuilds, schools, tenancy, versions
from api.services.common import iso
from api.services.tenancy import Scope
from api.settings import Settings
from constraints.norms.frost import FrostTable, load_frost_table, parse_frost_act
from constraints.norms.schema import CatalogueError
from constraints.norms.wording import range_text
from planner.app import municipal as plan
from planner.domain.errors import InputError
from planner.domain.municipal import REASON_RU, read_any_order
from planner.domain.municipal import MunicipalOrder as OrderDoc

PUBLISH_RU = {"review": "после проверки", "auto": "сразу, если нарушений нет"}


# -- frost thresholds -----------------------------------------------------------------------------


def territory_table(municipality: Municipality, on: date) -> FrostTable:
    try:
        return load_frost_table(municipality.territory, on)
    except CatalogueError as exc:
        raise Invalid(f"пороги для морозов: {exc}") from None


def act_table(doc: Any, origin: str) -> FrostTable | None:
    """A stored (or submitted) act as a table; None when there is none."""
    if not doc:
        return None
    try:
        label = "пороги муниципалитета" if origin == "municipality" else "пороги школы"
        return parse_frost_act(doc, origin, label)
    except CatalogueError as exc:
        raise Invalid(str(exc)) from None


def set_frost_act(session: Session, owner: Municipality | School, doc: Any | None) -> None:
    """Set (or, with None, drop) the municipality's thresholds act, or a school's own rows."""
    origin = "municipality" if isinstance(owner, Municipality) else "school"
    act_table(doc, origin)  # validates
    owner.frost_act = dict(doc) if doc else None
    session.commit()


def frost_public(session: Session, municipality: Municipality, on: date) -> dict[str, Any]:
    """The thresholds in force on ``on``: the territory's file and the municipality's act."""
    territory = territory_table(municipality, on)
    act = act_table(municipality.frost_act, "municipality")
    return {
        "territory": territory.to_json(),
        "act": act.to_json() if act else None,
        "in_force": (act or territory).to_json(),
    }


def municipality_public(session: Session, scope: Scope) -> dict[str, Any]:
    municipality = tenancy.get_municipality(session, scope)
    return {
        "id": municipality.id,
        "name": municipality.name,
        "territory": municipality.territory,
        "frost": frost_public(session, municipality, utcnow().date()),
        "schools": [{"id": s.id, "name": s.name} for s in schools.list_schools(session, scope)],
    }


# -- an order to many schools ---------------------------------------------------------------------


def _read(doc: Any) -> OrderDoc:
    try:
        return read_any_order(doc, file="муниципальный приказ")
    except InputError as exc:
        raise Invalid("приказ не принят: исправьте ошибки ниже.", exc.problems) from None


def _addressed(session: Session, scope: Scope, order: OrderDoc) -> list[School]:
    every = schools.list_schools(session, scope)
    if order.schools == "all":
        return every
    by_id = {s.id: s for s in every}
    by_name = {s.name.casefold(): s for s in every}
    chosen: list[School] = []
    unknown: list[str] = []
    for ref in order.schools:
        school = by_id.get(ref) if isinstance(ref, int) else by_name.get(str(ref).casefold())
        if school is None and isinstance(ref, str) and ref.isdigit():
            school = by_id.get(int(ref))
        if school is None:
            unknown.append(str(ref))
        elif school not in chosen:
            chosen.append(school)
    if unknown:
        raise Invalid(
            f"в муниципалитете нет школ: {', '.join(unknown)}; есть: "
            f"{', '.join(s.name for s in every) or 'ни одной'}."
        )
    return chosen


def create_order(
    session: Session,
    scope: Scope,
    doc: Any,
    settings: Settings,
    *,
    author: str,
    time_limit: float | None = None,
    workers: int = 1,
) -> tuple[MunicipalOrder, list[str]]:
    """Record the order and, for every school it reaches, its own order and a queued rebuild.

    Returns the order and the ids of the jobs to submit. Schools whose part cannot be built get a
    ``problem`` target with the reason; the others go on.
    """
    scope.require_municipal("Отдать муниципальный приказ")
    order = _read(doc)
    municipality = tenancy.get_municipality(session, scope)
    targets = _addressed(session, scope, order)
    territory = city = None
    frost: dict[str, Any] | None = None
    if order.by_frost:
        territory = territory_table(municipality, order.date_from)
        city = act_table(municipality.frost_act, "municipality")
        frost = plan.frost_for_school(order, territory, municipality=city).to_json()
    row = MunicipalOrder(
        id=uuid.uuid4().hex,
        municipality_id=municipality.id,
        doc=order.to_json(),
        reason=order.reason,
        title=order.title,
        publish=order.publish,
        frost=frost,
        created_by=author,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    jobs: list[str] = []
    for school in targets:
        target = MunicipalTarget(order_id=row.id, school_id=school.id, grades=[], state="problem")
        session.add(target)
        job_id = _plan_school(
            session, order, row, target, school, settings, author=author, time_limit=time_limit,
            territory=territory, city=city, workers=workers,
        )  # fmt: skip
        if job_id:
            jobs.append(job_id)
    session.commit()
    return row, jobs


def _plan_school(
    session: Session,
    order: OrderDoc,
    row: MunicipalOrder,
    target: MunicipalTarget,
    school: School,
    settings: Settings,
    *,
    author: str,
    time_limit: float | None,
    territory: FrostTable | None,
    city: FrostTable | None,
    workers: int = 1,
) -> str | None:
    """Fill one school's target (grades, order, job); the job id to submit, if any.

    ``workers``: solver threads of the job (a Celery worker's own setting wins)."""
    extra = tuple(target.tightened or ())
    try:
        upload = schools.current_upload(session, school)
        timetable = schools.timetable_of(upload, school.name)
        grades = note = None
        if order.by_frost:
            assert territory is not None
            decision = plan.frost_for_school(
                order, territory, municipality=city, school=act_table(school.frost_act, "school")
            )
            grades, note = decision.grades, decision.explain()
        part = plan.school_part(order, timetable, grades=grades, extra=extra, note=note or "")
    except (ApiError, InputError) as exc:
        target.state = "problem"
        target.message = exc.message if isinstance(exc, ApiError) else plan.problem_text(exc)
        target.updated_at = utcnow()
        return None
    target.grades = list(part.grades)
    target.order_doc = part.doc
    target.updated_at = utcnow()
    if part.doc is None:
        target.state, target.message = "not_affected", part.note
        return None
    try:
        job = rebuilds.create_job(
            session, school, part.doc, settings, author=author, time_limit=time_limit,
            workers=workers, commit=False,
        )  # fmt: skip
    except ApiError as exc:
        target.state, target.message = "problem", exc.message
        return None
    job.publish_when_clean = row.publish == "auto"
    target.state, target.job_id, target.message = "job", job.id, part.note or None
    return job.id


def tighten(
    session: Session,
    row: MunicipalOrder,
    school: School,
    grades: list[int],
    settings: Settings,
    *,
    author: str,
) -> str | None:
    """A school adds grades to its part (never removes any): its rebuild starts again with them.

    Returns the new job id to submit (None when nothing changes).
    """
    target = session.scalar(
        select(MunicipalTarget).where(
            MunicipalTarget.order_id == row.id, MunicipalTarget.school_id == school.id
        )
    )
    if target is None:
        raise Conflict(f"приказ не касается школы «{school.name}».")
    bad = [g for g in grades if not isinstance(g, int) or not 1 <= g <= 11]
    if bad or not grades:
        raise Invalid("укажите параллели 1–11, которые школа добавляет, например [5, 6].")
    added = sorted(set(grades) | set(target.tightened or ()))
    if set(added) <= set(target.grades):
        return None
    old = session.get(Job, target.job_id) if target.job_id else None
    if old is not None and versions.version_of_job(session, old.id) is not None:
        raise Conflict(
            "план школы по этому приказу уже опубликован; чтобы добавить классы, перестройте "
            "расписание школы с новым приказом."
        )
    if old is not None and old.status in ("queued", "running"):
        rebuilds.cancel_job(session, old)
    target.tightened = added
    order = read_any_order(row.doc, file="муниципальный приказ")
    municipality = session.get(Municipality, row.municipality_id)
    assert municipality is not None
    territory = city = None
    if order.by_frost:
        territory = territory_table(municipality, order.date_from)
        city = act_table(municipality.frost_act, "municipality")
    job_id = _plan_school(
        session, order, row, target, school, settings, author=author, time_limit=None,
        territory=territory, city=city,
    )  # fmt: skip
    session.commit()
    return job_id


# -- the board ------------------------------------------------------------------------------------


def _status(target: MunicipalTarget, job: Job | None, version: Version | None) -> tuple[str, str]:
    """(status, reason) of one school."""
    if target.state != "job" or job is None:
        return target.state if target.state != "job" else "problem", target.message or ""
    if version is not None:
        return "published", ""
    if job.status == "queued":
        return "waiting", ""
    if job.status == "running":
        return "solving", ""
    if job.status == "cancelled":
        return "cancelled", job.message or ""
    if job.status == "failed":
        return "problem", job.message or "перестроение не удалось."
    found = len((job.summary or {}).get("violations") or [])
    if found:
        return "problem", f"независимая проверка нашла нарушений: {found}; проверьте план школы."
    return "ready", ""


def school_rows(session: Session, row: MunicipalOrder, scope: Scope) -> list[dict[str, Any]]:
    """One row per school of the order the administrator sees (a school admin: her school)."""
    query = (
        select(MunicipalTarget, School)
        .join(School, School.id == MunicipalTarget.school_id)
        .where(MunicipalTarget.order_id == row.id)
    )
    if scope.school_id is not None:
        query = query.where(School.id == scope.school_id)
    pairs = list(session.execute(query.order_by(School.name)))
    job_ids = [t.job_id for t, _s in pairs if t.job_id]
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(job_ids)))}
    published = {
        v.job_id: v for v in session.scalars(select(Version).where(Version.job_id.in_(job_ids)))
    }
    sizes = _class_sizes(session, row, [s.id for t, s in pairs if t.state == "job"])
    out = []
    for target, school in pairs:
        job = jobs.get(target.job_id or "")
        version = published.get(target.job_id or "")
        status, reason = _status(target, job, version)
        summary = (job.summary or {}) if job else {}
        out.append(
            {
                "school_id": school.id,
                "school": school.name,
                "status": status,
                "status_ru": plan.STATUS_RU[status],
                "reason": reason,
                "grades": range_text(target.grades),
                "tightened": target.tightened or [],
                "job_id": target.job_id,
                "progress": round(job.progress or 0.0, 3) if job else None,
                "classes_remote": summary.get("remote_classes", 0),
                "online_minutes": summary.get("online_minutes", 0),
                "violations": len(summary.get("violations") or []),
                "version": version.number if version else None,
                # pupils affected, if known: the average class of the counts × classes remote
                "pupils": round(sizes[school.id]["class_size"] * summary.get("remote_classes", 0))
                if school.id in sizes
                else None,
                "present_share": sizes.get(school.id, {}).get("present_share"),
                "note": target.message if target.state == "job" else None,
            }
        )
    return out


def _class_sizes(session: Session, row: MunicipalOrder, school_ids: list[int]) -> dict[int, dict]:
    """Per school, from the teachers' attendance counts of the order's days (counts, never names):
    the average pupils of a class (the counts' total per class-day entered) and the share present.
    A school without entries is not in the answer: its pupils are unknown."""
    if not school_ids:
        return {}
    first, last = date.fromisoformat(row.doc["from"]), date.fromisoformat(row.doc["to"])
    return {
        doc["school_id"]: {"class_size": doc["total"] / doc["entered"],
                           "present_share": doc["present_share"]}
        for doc in attendance.totals(session, school_ids, first, last)
        if doc["entered"]
    }  # fmt: skip


def order_public(row: MunicipalOrder) -> dict[str, Any]:
    return {
        "id": row.id,
        "reason": row.reason,
        "reason_ru": REASON_RU.get(row.reason, row.reason),
        "title": row.title,
        "publish": row.publish,
        "publish_ru": PUBLISH_RU.get(row.publish, row.publish),
        "doc": row.doc,
        "frost": row.frost,
        "created_by": row.created_by,
        "created_at": iso(row.created_at),
    }


def board(session: Session, row: MunicipalOrder, scope: Scope) -> dict[str, Any]:
    """The dashboard of an order: its schools, their states and the totals (pandas)."""
    rows = school_rows(session, row, scope)
    return {
        "order": order_public(row),
        "schools": plan.sort_rows(rows),
        "totals": plan.totals(plan.summary_frame(rows)),
        # still moving: schools waiting or solving, or (publish: auto) ready plans the workers
        # are publishing
        "active": any(
            r["status"] in ("waiting", "solving")
            or (row.publish == "auto" and r["status"] == "ready")
            for r in rows
        ),
    }


def get_order(session: Session, order_id: str) -> MunicipalOrder:
    """An order by id (its tenancy was checked by the route's guard, api.deps.tenant_guard)."""
    row = session.get(MunicipalOrder, order_id)
    if row is None:
        raise tenancy.missing("order_id", order_id)
    return row


def list_orders(session: Session, scope: Scope, limit: int = 50) -> list[MunicipalOrder]:
    query = select(MunicipalOrder).where(MunicipalOrder.municipality_id == scope.municipality_id)
    if scope.school_id is not None:  # a school administrator: the orders that reach her school
        query = query.join(MunicipalTarget, MunicipalTarget.order_id == MunicipalOrder.id).where(
            MunicipalTarget.school_id == scope.school_id
        )
    return list(session.scalars(query.order_by(MunicipalOrder.created_at.desc()).limit(limit)))


def orders_of_school(session: Session, school: School, limit: int = 5) -> list[dict[str, Any]]:
    """The latest municipal orders that reach a school, with its row (for the school's page)."""
    scope = Scope(school.municipality_id, school.id, "")
    return [
        {"order": order_public(o), "row": (school_rows(session, o, scope) or [None])[0]}
        for o in list_orders(session, scope, limit)
    ]


def publish_clean(
    session: Session, row: MunicipalOrder, scope: Scope, settings: Settings, *, author: str
) -> dict[str, Any]:
    """Publish every plan of the order that is ready and clean; one school's failure does not
    stop the others. Idempotent: a published school is not published again."""
    scope.require_municipal("Опубликовать все готовые планы")
    published: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for item in school_rows(session, row, scope):
        if item["status"] != "ready":
            continue
        job = rebuilds.get_job(session, item["job_id"])
        try:
            version = versions.publish_job(
                session, job, author=author,
                comment=f"Муниципальный приказ: {row.title or REASON_RU[row.reason]}",
                settings=settings,
            )  # fmt: skip
        except ApiError as exc:
            session.rollback()
            failed.append({"school": item["school"], "message": exc.message})
            continue
        published.append({"school": item["school"], "version": version.number})
    return {"published": published, "failed": failed}


def summary_xlsx(session: Session, row: MunicipalOrder, scope: Scope) -> bytes:
    """The municipal summary XLSX of an order (its schools as the administrator sees them)."""
    import io

    from planner.exports.municipal import write_municipal_summary

    data = board(session, row, scope)
    order = data["order"]
    lines = [
        ("Приказ", order["title"] or "—"),
        ("Причина", order["reason_ru"]),
        ("Период", f"{row.doc.get('from')} — {row.doc.get('to')}"),
        ("Публикация", order["publish_ru"]),
    ]
    if order["frost"]:
        lines.append(("Правило морозов", order["frost"]["explanation"]))
    frame = plan.summary_frame(data["schools"])
    buffer = io.BytesIO()
    write_municipal_summary(buffer, plan.report_frames(frame, lines))
    return buffer.getvalue()
