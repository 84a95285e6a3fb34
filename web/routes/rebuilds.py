"""The order form, a rebuild's progress and cancel, the review page and publishing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import Auth, DbId, RunnerDep, SessionDep, SettingsDep
from api.lru import Lru
from api.models import Job, School, TimetableUpload
from api.problems import ApiError
from api.services import readiness, rebuilds, schools, uploads, versions
from planner.domain.model import parse_grade, sort_class_names
from planner.domain.order import (
    DEFAULT_DEVICE,
    DEFAULT_SCREEN_POLICY,
    DEVICE_RU,
    DEVICES,
    POLICY_RU,
    SCREEN_POLICIES,
)
from planner.domain.regulation import phone_rule
from planner.domain.schedule import Schedule
from planner.engine.changes import ChangeSet, diff_against_base, diff_schedules
from web import views
from web.pages import PageAuth, is_htmx, redirect, render

router = APIRouter(include_in_schema=False)


def order_from_form(form: Any, timetable_classes: list[str]) -> dict[str, Any]:
    """The order document (the YAML keys of planner/domain/order.py) from the form fields."""
    classes = [c for c in form.getlist("classes") if c in timetable_classes]
    grades = set(form.getlist("grades"))
    classes.extend(c for c in timetable_classes if str(parse_grade(c)) in grades)
    doc: dict[str, Any] = {}
    if classes:  # no key at all: the order parser then says which field is missing
        doc["classes"] = sort_class_names(set(classes))
    doc |= {
        "from": str(form.get("from") or "").strip(),
        "to": str(form.get("to") or "").strip(),
        "device": str(form.get("device") or DEFAULT_DEVICE),
        "screen_policy": str(form.get("screen_policy") or DEFAULT_SCREEN_POLICY),
    }
    reserve = str(form.get("homework_reserve_minutes") or "").strip()
    if reserve:
        doc["homework_reserve_minutes"] = int(reserve) if reserve.isdigit() else reserve
    minimum = str(form.get("min_online_per_day") or "").strip()
    if minimum:
        doc["min_online_per_day"] = int(minimum) if minimum.isdigit() else minimum
    holidays = [h.strip() for h in str(form.get("holidays") or "").split(",") if h.strip()]
    if holidays:
        doc["holidays"] = holidays
    if form.get("stagger_starts"):
        doc["stagger_starts"] = True
    overrides: dict[str, Any] = {}
    for key, value, reason in zip(
        form.getlist("override_key"),
        form.getlist("override_value"),
        form.getlist("override_reason"),
        strict=False,
    ):
        if str(key).strip():
            raw = str(value).strip()
            overrides[str(key).strip()] = {
                "value": int(raw) if raw.isdigit() else raw,
                "reason": str(reason).strip(),
            }
    if overrides:
        doc["overrides"] = overrides
    return doc


def _order_context(session: Any, school: School) -> dict[str, Any]:
    timetable = schools.current_timetable(session, school)
    return {
        "school": school,
        "groups": views.grade_groups(timetable.classes),
        "readiness": {r.class_name: r for r in readiness.school_readiness(session, school)},
        "device_rule": phone_rule(),
        "devices": [(d, DEVICE_RU[d]) for d in DEVICES],
        "policies": [(p, POLICY_RU[p]) for p in SCREEN_POLICIES],
        "jobs": rebuilds.list_jobs(session, school, limit=10),
        "status_ru": rebuilds.STATUS_RU,
    }


@router.get("/admin/schools/{school_id}/order")
def order_page(request: Request, school_id: DbId, auth: PageAuth, session: SessionDep) -> Response:
    school = schools.get_school(session, school_id)
    try:
        ctx = _order_context(session, school)
    except ApiError:
        return redirect(f"/admin/schools/{school.id}")
    ctx["doc"] = {"device": DEFAULT_DEVICE, "screen_policy": DEFAULT_SCREEN_POLICY, "classes": []}
    ctx["time_limit"] = None
    return render(request, "order.html", ctx, auth=auth)


@router.post("/admin/schools/{school_id}/order")
async def order_submit(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> Response:
    """Async only to read the form (repeated fields); the work runs in a worker thread."""
    form = await request.form()
    return await run_in_threadpool(
        _order_submit, request, school_id, form, auth, session, settings, runner
    )


def _order_submit(
    request: Request,
    school_id: int,
    form: Any,
    auth: Auth,
    session: Any,
    settings: Any,
    runner: Any,
) -> Response:
    school = schools.get_school(session, school_id)
    timetable = schools.current_timetable(session, school)
    doc = order_from_form(form, list(timetable.classes))
    raw_limit = str(form.get("time_limit") or "").strip()
    try:
        limit = float(raw_limit.replace(",", ".")) if raw_limit else None
        job = rebuilds.create_job(session, school, doc, settings, author=auth.admin.login,
                                  time_limit=limit)  # fmt: skip
    except (ApiError, ValueError) as exc:
        ctx = _order_context(session, school)
        if isinstance(exc, ApiError):
            ctx.update(error=exc.message, problems=exc.problems)
            status = exc.status
        else:
            ctx.update(error="лимит времени — число секунд, например 30.", problems=[])
            status = 422
        ctx.update(doc=doc, time_limit=raw_limit)
        return render(request, "order.html", ctx, status=status, auth=auth)
    runner.submit(job.id)
    return redirect(f"/admin/rebuilds/{job.id}")


def _progress_page(
    request: Request,
    session: Any,
    job: Job,
    auth: Auth,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The rebuild page (htmx: only its progress block)."""
    ctx = {"school": schools.get_school(session, job.school_id), "job": rebuilds.job_public(job),
           "status_ru": rebuilds.STATUS_RU, "error": error}  # fmt: skip
    return render(request, "rebuild.html", ctx, block="progress", status=status, auth=auth)


@router.get("/admin/rebuilds/{job_id}")
def rebuild_page(request: Request, job_id: str, auth: PageAuth, session: SessionDep) -> Response:
    return _progress_page(request, session, rebuilds.get_job(session, job_id), auth)


@router.post("/admin/rebuilds/{job_id}/cancel")
def rebuild_cancel(request: Request, job_id: str, auth: PageAuth, session: SessionDep) -> Response:
    job = rebuilds.get_job(session, job_id)
    try:
        rebuilds.cancel_job(session, job)
    except ApiError as exc:
        return _progress_page(request, session, job, auth, exc.message, exc.status)
    if is_htmx(request):
        return _progress_page(request, session, rebuilds.get_job(session, job_id), auth)
    return redirect(f"/admin/rebuilds/{job_id}")


@router.post("/admin/rebuilds/{job_id}/continue")
def rebuild_continue(
    request: Request, job_id: str, auth: PageAuth, session: SessionDep, runner: RunnerDep
) -> Response:
    """«Улучшать дальше»: a new job from this job's plan (never worse); its progress page."""
    job = rebuilds.get_job(session, job_id)
    try:
        new = rebuilds.continue_job(session, job, author=auth.admin.login)
    except ApiError as exc:
        return _progress_page(request, session, job, auth, exc.message, exc.status)
    runner.submit(new.id)
    return redirect(f"/admin/rebuilds/{new.id}")


@dataclass(frozen=True)
class _Checked:
    """What the review shows of a finished job; immutable, so it is cached per job and version."""

    order: Any
    schedule: Schedule
    report: Any
    since_base: ChangeSet
    since_version: ChangeSet | None


_CHECKED: Lru[tuple[str, int | None], _Checked] = Lru(4)


def _checked(session: Any, school: School, job: Job, latest: Any) -> _Checked:
    key = (job.id, latest.number if latest is not None else None)
    return _CHECKED.get(key, lambda: _check(session, school, job, latest))


def _check(session: Any, school: School, job: Job, latest: Any) -> _Checked:
    upload = session.get(TimetableUpload, job.timetable_id)
    timetable = schools.timetable_of(upload, school.name)
    order = rebuilds.validate_order(job.order_doc, timetable)
    assert job.schedule_json is not None
    schedule = Schedule.from_json(json.loads(job.schedule_json))
    _catalogue, report = versions.check_version(schedule, timetable, order)
    since_version = None
    if latest is not None:
        since_version = diff_schedules(
            Schedule.from_json(json.loads(latest.schedule_json)), schedule
        )
    since_base = diff_against_base(schedule, timetable, classes=sort_class_names(order.classes))
    return _Checked(order, schedule, report, since_base, since_version)


def _review_context(session: Any, job: Job, day: str | None) -> dict[str, Any]:
    school = schools.get_school(session, job.school_id)
    latest = schools.latest_version(session, school)
    checked = _checked(session, school, job, latest)
    order, schedule, report = checked.order, checked.schedule, checked.report
    dates = schedule.dates()
    chosen = date.fromisoformat(day) if day and day in {d.isoformat() for d in dates} else None
    chosen = chosen or (dates[0] if dates else None)
    remote = sort_class_names(order.classes)
    day_items = [i for i in schedule.items if i.date == chosen]
    class_rows = [
        (name, [i for i in day_items if i.class_name == name and i.kind == "lesson"])
        for name in remote
    ]
    remote_set = set(remote)
    teachers = views.teachers_of(
        i for i in day_items if i.class_name in remote_set and i.format != "in_person"
    )
    schedule_of_day = schedule.with_items(day_items)
    teacher_rows = [
        (t, sorted(schedule_of_day.of_teacher(t), key=views.start_key)) for t in teachers
    ]
    timelines = [
        views.timeline(name, [i for i in day_items if i.class_name == name]) for name in remote
    ]
    return {
        "school": school,
        "job": rebuilds.job_public(job),
        "order": order,
        "dates": dates,
        "day": chosen,
        "remote": remote,
        "class_rows": class_rows,
        "teacher_rows": teacher_rows,
        "timelines": timelines,
        "chart": views.cap_chart(d for d in report.days if d.date == chosen),
        "violations": report.violations,
        "warnings": report.warnings,
        "since_base": checked.since_base,
        "since_version": checked.since_version,
        "latest": latest,
        # read each time: a class teacher may fill her checklist while the review is open
        "readiness_warnings": readiness.warnings_for(session, school.id, order.classes),
        # the import findings of the timetable this rebuild started from (kept with the upload)
        "import_findings": uploads.pending_public(
            uploads.get_upload(session, school, job.timetable_id)
        )["findings"],
        "import_findings_url": f"/admin/schools/{school.id}/uploads/{job.timetable_id}",
    }


@router.get("/admin/rebuilds/{job_id}/review")
def review_page(
    request: Request,
    job_id: str,
    auth: PageAuth,
    session: SessionDep,
    day: str | None = None,
) -> Response:
    job = rebuilds.get_job(session, job_id)
    if job.status != "succeeded" or job.schedule_json is None:
        return redirect(f"/admin/rebuilds/{job_id}")
    ctx = _review_context(session, job, day)
    return render(request, "review.html", ctx, block="day", auth=auth)


@router.post("/admin/rebuilds/{job_id}/publish")
def publish(
    request: Request,
    job_id: str,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    job = rebuilds.get_job(session, job_id)
    try:
        version = versions.publish_job(session, job, author=auth.admin.login,
                                       comment=comment.strip(), settings=settings)  # fmt: skip
    except ApiError as exc:
        if job.status != "succeeded":
            return redirect(f"/admin/rebuilds/{job_id}")
        ctx = {**_review_context(session, job, None), "publish_error": exc.message}
        return render(request, "review.html", ctx, status=exc.status, auth=auth)
    return redirect(f"/admin/schools/{job.school_id}/links?published={version.number}")
