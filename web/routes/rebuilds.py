"""The order form, a rebuild's progress and cancel, the review page and publishing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import Auth, DbId, RunnerDep, SessionDep, SettingsDep
from api.lru import Lru
from api.models import Job, School, TimetableUpload
from api.problems import ApiError
from api.services import readiness, rebuilds, schools, uploads, versions
from constraints.catalogue import OverrideChoice, override_choices
from constraints.checker import group_warnings
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


#: the order form's labels of the order document's keys: a message names the field the user
#: sees, never the key
ORDER_FIELDS = {
    "classes": "Классы",
    "from": "С",
    "to": "По",
    "device": "Устройство",
    "screen_policy": "Экранное время по столбцу СанПиН",
    "homework_reserve_minutes": "Резерв экранного времени на домашние задания, мин",
    "min_online_per_day": "Минимум онлайн-уроков в день (необязательно)",
    "holidays": "Праздничные дни (через запятую, ГГГГ-ММ-ДД)",
    "stagger_starts": "Разнести начало уроков у классов",
    "overrides": "Значения локального акта",
    "time_limit": "Лимит времени решателя, с",
}
LOCAL_ACT = ORDER_FIELDS["overrides"]
CLASSES_MISSING = (
    "отметьте, кто переходит на дистанционное обучение: «Вся школа», параллель или отдельные "
    "классы."
)
TIME_LIMIT_HINT = "введите число секунд от 1 до 3600, например 30, или оставьте поле пустым."
#: the rows of local-act values the form offers
LOCAL_ACT_ROWS = 3


@dataclass(frozen=True)
class FormProblem:
    """What is wrong on the order form: the field's label and what to do."""

    field: str
    message: str


@dataclass
class OrderForm:
    """The order form as sent: the order document, what the form itself refuses, the local-act
    rows as typed (shown again after a refusal) and the «вся школа» choice."""

    doc: dict[str, Any]
    problems: list[FormProblem]
    local_act: list[dict[str, str]]
    whole_school: bool = False


def _count(raw: str, field: str, problems: list[FormProblem], example: str) -> Any:
    if raw.isdigit():
        return int(raw)
    problems.append(
        FormProblem(
            ORDER_FIELDS[field],
            f"введите целое число, например {example}, или оставьте поле пустым.",
        )
    )
    return raw


def order_from_form(
    form: Any, timetable_classes: list[str], choices: dict[str, OverrideChoice] | None = None
) -> OrderForm:
    """The order document (the keys of planner/domain/order.py) from the form fields, with what
    the form refuses before any job starts, each message naming the form's own label."""
    problems: list[FormProblem] = []
    whole = bool(form.get("whole_school"))
    classes = [c for c in form.getlist("classes") if c in timetable_classes]
    grades = set(form.getlist("grades"))
    classes.extend(c for c in timetable_classes if str(parse_grade(c)) in grades)
    doc: dict[str, Any] = {}
    if whole:
        doc["classes"] = "all"
    elif classes:
        doc["classes"] = sort_class_names(set(classes))
    else:
        problems.append(FormProblem(ORDER_FIELDS["classes"], CLASSES_MISSING))
    doc |= {
        "from": str(form.get("from") or "").strip(),
        "to": str(form.get("to") or "").strip(),
        "device": str(form.get("device") or DEFAULT_DEVICE),
        "screen_policy": str(form.get("screen_policy") or DEFAULT_SCREEN_POLICY),
    }
    for key, what in (("from", "первый"), ("to", "последний")):
        if not doc[key]:
            problems.append(FormProblem(ORDER_FIELDS[key], f"укажите {what} день "
                                        "дистанционного обучения."))  # fmt: skip
    reserve = str(form.get("homework_reserve_minutes") or "").strip()
    if reserve:
        doc["homework_reserve_minutes"] = _count(
            reserve, "homework_reserve_minutes", problems, "20"
        )
    minimum = str(form.get("min_online_per_day") or "").strip()
    if minimum:
        doc["min_online_per_day"] = _count(minimum, "min_online_per_day", problems, "2")
    holidays = [h.strip() for h in str(form.get("holidays") or "").split(",") if h.strip()]
    if holidays:
        doc["holidays"] = holidays
    if form.get("stagger_starts"):
        doc["stagger_starts"] = True
    rows = [
        {"key": str(k).strip(), "value": str(v).strip(), "reason": str(r).strip()}
        for k, v, r in zip(
            form.getlist("override_key"),
            form.getlist("override_value"),
            form.getlist("override_reason"),
            strict=False,
        )
    ]
    overrides = _local_act(rows, choices, problems)
    if overrides:
        doc["overrides"] = overrides
    return OrderForm(doc, problems, rows, whole)


def _local_act(
    rows: list[dict[str, str]],
    choices: dict[str, OverrideChoice] | None,
    problems: list[FormProblem],
) -> dict[str, Any]:
    """The local-act values of the form: a norm chosen from the catalogue's list, its value
    checked against the norm's unit, the reason required."""
    out: dict[str, Any] = {}
    for n, row in enumerate(rows, start=1):
        key, text, reason = row["key"], row["value"], row["reason"]
        if not key:
            if text or reason:
                problems.append(FormProblem(f"{LOCAL_ACT}, строка {n}", "выберите норму из "
                                "списка или очистите значение и основание."))  # fmt: skip
            continue
        choice = choices.get(key) if choices is not None else None
        if choices is not None and choice is None:
            problems.append(FormProblem(f"{LOCAL_ACT}, строка {n}", "выберите норму из списка."))
            continue
        where = f"{LOCAL_ACT}, «{choice.title}»" if choice else f"{LOCAL_ACT}, строка {n}"
        value: Any = int(text) if text.isdigit() else text
        if choice is not None:
            if not text:
                problems.append(FormProblem(where, f"введите новое значение ({choice.hint})."))
                continue
            ok, value = choice.check(text)
            if not ok:
                problems.append(FormProblem(where, f"«{text}» не подходит: нужно {choice.hint}."))
                continue
            value = list(value) if isinstance(value, tuple) else value
        if not reason:
            problems.append(FormProblem(where, "укажите основание — номер и дату приказа "
                                        "(локального акта)."))  # fmt: skip
            continue
        if key in out:
            problems.append(FormProblem(where, "эта норма выбрана дважды; оставьте одну строку."))
            continue
        out[key] = {"value": value, "reason": reason}
    return out


def form_problems(
    problems: list[dict[str, Any]], choices: dict[str, OverrideChoice]
) -> list[FormProblem]:
    """The order parser's problems (keyed by the order document's keys) under the form's labels."""
    out = []
    for p in problems:
        column = str(p.get("column") or "")
        head = column.split(".", 1)[0].split("[", 1)[0]
        label = ORDER_FIELDS.get(head, "Приказ")
        if head == "overrides" and "." in column:
            choice = choices.get(column.split(".", 1)[1])
            label = f"{LOCAL_ACT}, «{choice.title}»" if choice else LOCAL_ACT
        out.append(FormProblem(label, str(p.get("message") or "")))
    return out


def _choices(timetable: Any) -> dict[str, OverrideChoice]:
    """The norms the form offers for local-act values (in force on the school's today)."""
    return {c.key: c for c in override_choices(date.today())}


def _order_context(session: Any, school: School) -> dict[str, Any]:
    timetable = schools.current_timetable(session, school)
    return {
        "school": school,
        "groups": views.grade_groups(timetable.classes),
        "class_count": len(timetable.classes),
        "readiness": {r.class_name: r for r in readiness.school_readiness(session, school)},
        "device_rule": phone_rule(),
        "devices": [(d, DEVICE_RU[d]) for d in DEVICES],
        "policies": [(p, POLICY_RU[p]) for p in SCREEN_POLICIES],
        "jobs": rebuilds.list_jobs(session, school, limit=10),
        "status_ru": rebuilds.STATUS_RU,
        "choices": list(_choices(timetable).values()),
        "local_act_rows": LOCAL_ACT_ROWS,
        "fields": ORDER_FIELDS,
    }


@router.get("/admin/schools/{school_id}/order")
def order_page(request: Request, school_id: DbId, auth: PageAuth, session: SessionDep) -> Response:
    school = schools.get_school(session, school_id)
    try:
        ctx = _order_context(session, school)
    except ApiError:
        return redirect(f"/admin/schools/{school.id}")
    ctx["doc"] = {"device": DEFAULT_DEVICE, "screen_policy": DEFAULT_SCREEN_POLICY, "classes": []}
    ctx.update(time_limit=None, local_act=[], whole_school=False)
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
    choices = _choices(timetable)
    sent = order_from_form(form, list(timetable.classes), choices)
    raw_limit = str(form.get("time_limit") or "").strip()
    problems = list(sent.problems)
    limit = None
    if raw_limit:
        try:
            limit = float(raw_limit.replace(",", "."))
        except ValueError:
            limit = -1.0
        if not 1 <= limit <= 3600:
            problems.append(FormProblem(ORDER_FIELDS["time_limit"], TIME_LIMIT_HINT))
    error = None
    status = 422
    if not problems:
        try:
            job = rebuilds.create_job(session, school, sent.doc, settings,
                                      author=auth.admin.login, time_limit=limit)  # fmt: skip
        except ApiError as exc:
            problems = form_problems(exc.problems, choices)
            error = None if problems else exc.message
            status = exc.status
        else:
            runner.submit(job.id)
            return redirect(f"/admin/rebuilds/{job.id}")
    ctx = _order_context(session, school)
    ctx.update(error=error, form_problems=problems, doc=sent.doc, time_limit=raw_limit,
               local_act=sent.local_act, whole_school=sent.whole_school)  # fmt: skip
    return render(request, "order.html", ctx, status=status, auth=auth)


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


@dataclass(frozen=True)
class _Shown:
    """What the review's day view shows: a date and a choice of classes (query parameters)."""

    day: str | None = None
    class_name: str | None = None
    grade: str | None = None
    everything: bool = False


def _review_context(session: Any, job: Job, shown: _Shown) -> dict[str, Any]:
    school = schools.get_school(session, job.school_id)
    latest = schools.latest_version(session, school)
    checked = _checked(session, school, job, latest)
    order, schedule, report = checked.order, checked.schedule, checked.report
    dates = schedule.dates()
    day = shown.day
    chosen = date.fromisoformat(day) if day and day in {d.isoformat() for d in dates} else None
    chosen = chosen or (dates[0] if dates else None)
    remote = sort_class_names(order.classes)
    selection = views.review_selection(remote, class_name=shown.class_name, grade=shown.grade,
                                       everything=shown.everything)  # fmt: skip
    selected = selection.classes
    day_items = [i for i in schedule.items if i.date == chosen]
    class_rows = [
        (name, [i for i in day_items if i.class_name == name and i.kind == "lesson"])
        for name in selected
    ]
    selected_set = set(selected)
    teachers = views.teachers_of(
        i for i in day_items if i.class_name in selected_set and i.format != "in_person"
    )
    schedule_of_day = schedule.with_items(day_items)
    teacher_rows = [
        (t, sorted(schedule_of_day.of_teacher(t), key=views.start_key)) for t in teachers
    ]
    timelines = [
        views.timeline(name, [i for i in day_items if i.class_name == name]) for name in selected
    ]
    return {
        "school": school,
        "job": rebuilds.job_public(job),
        "order": order,
        "dates": dates,
        "day": chosen,
        "remote": remote,
        "grades": views.grade_groups(remote),
        "selection": selection,
        "summary": views.review_summary(schedule.items, remote),
        "class_rows": class_rows,
        "teacher_rows": teacher_rows,
        "timelines": timelines,
        "legend": views.TIMELINE_LEGEND,
        "chart": views.cap_chart(
            d for d in report.days if d.date == chosen and d.class_name in selected_set
        ),
        "violations": report.violations,
        "warnings": report.warnings,
        "warning_groups": group_warnings(list(report.warnings)),
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
    class_name: Annotated[str | None, Query(alias="class", max_length=50)] = None,
    grade: Annotated[str | None, Query(max_length=10)] = None,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> Response:
    """The review; a big order shows one parallel (``grade``), one class (``class``) or, on
    request, every class (``all=1``) per day, after a summary of the whole period."""
    job = rebuilds.get_job(session, job_id)
    if not rebuilds.reviewable(job):
        return redirect(f"/admin/rebuilds/{job_id}")
    ctx = _review_context(session, job, _Shown(day, class_name, grade, everything))
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
        if not rebuilds.reviewable(job):
            return redirect(f"/admin/rebuilds/{job_id}")
        ctx = {**_review_context(session, job, _Shown()), "publish_error": exc.message}
        return render(request, "review.html", ctx, status=exc.status, auth=auth)
    return redirect(f"/admin/schools/{job.school_id}/links?published={version.number}")
