"""The HTML pages: the deputy director's workflow, the parents' page and the teachers' page.

One template per page; on an ``HX-Request`` only the named block is rendered (jinja2-fragments).
Every decision is made by ``api.services`` and the domain (planner/, constraints/); the handlers
fetch, call, and render. Admin pages need a session (anonymous → 303 to ``/login``); forms carry
the session's CSRF token, checked by :func:`api.deps.optional_auth`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from api import security
from api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Auth,
    RunnerDep,
    SessionDep,
    SettingsDep,
    client_ip,
    optional_auth,
)
from api.lru import Lru
from api.models import Job, Link, School, TimetableUpload
from api.problems import ApiError, Conflict, Invalid, NotFound
from api.routes.auth import set_session_cookies
from api.services import (
    accounts,
    call_links,
    link_views,
    links,
    rebuilds,
    schools,
    uploads,
    versions,
)
from planner.domain.model import parse_grade, sort_class_names
from planner.domain.order import DEVICE_RU, DEVICES, POLICY_RU, SCREEN_POLICIES
from planner.domain.schedule import Schedule
from planner.engine.changes import CHANGE_RU, ChangeSet, diff_against_base, diff_schedules
from web import views
from web.i18n import LANG_COOKIE, LANGS, pick_lang, translator

HERE = Path(__file__).parent
STATIC = HERE / "static"
LOGIN_CSRF_COOKIE = "planner_login_csrf"
NOT_FOUND_MESSAGES = {
    "revoked": "Ссылка недействительна: её отозвали или заменили. Попросите новую в школе.",
    "teacher_link": "Это ссылка учителя; откройте её по адресу /t/….",
    "class_link": "Это ссылка класса; откройте её по адресу /c/….",
}
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}

templates = Jinja2Blocks(directory=str(HERE / "templates"))
templates.env.globals.update(
    time_span=views.time_span,
    kind_label=views.kind_label,
    day_label=views.day_label,
    days_ru=views.DAYS_RU,
    day_entries=views.day_entries,
    change_ru=CHANGE_RU,
    group_files=views.group_files,
)
templates.env.filters.update(
    ru_date=views.ru_date,
)

router = APIRouter(include_in_schema=False)


# ---------------------------------------------------------------------------------------------
# Rendering, language, authentication


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def lang_of(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
    auth: Auth | None = None,
) -> Response:
    """The page (or, on an htmx request with ``block``, only that block)."""
    lang = lang_of(request)
    ctx = {
        "lang": lang,
        "_": translator(lang),
        "auth": auth,
        "csrf": auth.csrf_token if auth else None,
        "path": request.url.path,
        "day_label": partial(views.day_label, lang=lang),
        "days_ru": views.DAYS_EN if lang == "en" else views.DAYS_RU,
        **context,
    }
    kwargs: dict[str, Any] = {"status_code": status}
    if block and is_htmx(request):
        kwargs["block_name"] = block
    response = templates.TemplateResponse(request, name, ctx, **kwargs)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def page_auth(request: Request, session: SessionDep) -> Auth:
    """The logged-in administrator; anyone else is sent to the login page (303)."""
    auth = await optional_auth(request, session)
    if auth is None:
        target = request.url.path if request.method == "GET" else "/admin"
        login = "/login?" + urlencode({"next": target})
        if is_htmx(request):  # htmx would swap the login page into a fragment: go there instead
            raise HTTPException(status_code=401, headers={"HX-Redirect": login})
        raise HTTPException(status_code=303, headers={"Location": login})
    return auth


PageAuth = Annotated[Auth, Depends(page_auth)]


ERROR_TITLES = {
    401: "Нужен вход",
    403: "Запрос отклонён",
    404: "Страница не найдена",
    405: "Действие недоступно",
    409: "Действие невозможно",
    422: "Данные не приняты",
    429: "Слишком много попыток",
}


def _back_link(request: Request) -> tuple[str, str]:
    """Where «back» leads: the page the browser came from (same site), else a start page."""
    referer = urlsplit(request.headers.get("referer", ""))
    here = request.url
    if referer.netloc == here.netloc and referer.path and referer.path != here.path:
        return referer.path + (f"?{referer.query}" if referer.query else ""), "Назад"
    if here.path.startswith("/admin"):
        return "/admin", "К списку школ"
    return "/", "На главную"


def error_page(
    request: Request,
    status: int,
    message: str,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error a browser gets (the JSON API keeps its JSON): Russian, with a way back.

    Also installed by :func:`api.main.create_app` for errors raised outside these handlers
    (unknown ids, CSRF failures, unknown addresses).
    """
    back, back_label = _back_link(request)
    ctx = {
        "title": ERROR_TITLES.get(status, "Ошибка"),
        "message": message[:1].upper() + message[1:],
        "problems": problems or [],
        "back": back,
        "back_label": back_label,
    }
    response = render(request, "error.html", ctx, status=status)
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found_page(request: Request, message: str) -> Response:
    return error_page(request, 404, message)


# ---------------------------------------------------------------------------------------------
# Static files, language switch, login


@router.get("/static/{name:path}")
def static(name: str) -> Response:
    """Our stylesheet and the vendored htmx (no CDN)."""
    path = (STATIC / name).resolve()
    if STATIC.resolve() not in path.parents or not path.is_file():
        raise HTTPException(status_code=404)
    media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/")
def home() -> Response:
    return redirect("/admin")


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/admin"


@router.get("/login")
def login_page(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if accounts.session_admin(session, request.cookies.get(SESSION_COOKIE)) is not None:
        return redirect(_safe_next(next))  # already logged in
    return _login_form(request, {"next": _safe_next(next)})


def _login_form(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    """The login page with a fresh double-submit CSRF token (cookie and hidden field)."""
    token = security.csrf_token()
    response = render(request, "login.html", {**context, "login_csrf": token}, status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    login: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/admin",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Log in; the login form's CSRF token is a double-submit cookie (no session yet)."""
    error = None
    status = 200
    if not security.same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        error, status = "Сессия истекла или форма устарела: обновите страницу и войдите снова.", 403
    else:
        try:
            admin = accounts.authenticate(session, login, password, client_ip(request), settings)
        except ApiError as exc:
            error, status = exc.message[:1].upper() + exc.message[1:], exc.status
        else:
            new = accounts.start_session(session, admin, settings)
            response = redirect(_safe_next(next))
            set_session_cookies(response, request, new, settings)
            response.delete_cookie(LOGIN_CSRF_COOKIE)
            return response
    return _login_form(request, {"next": _safe_next(next), "error": error, "login": login}, status)


@router.post("/logout")
def logout(request: Request, auth: PageAuth, session: SessionDep) -> Response:
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


# ---------------------------------------------------------------------------------------------
# Schools, upload, the regular timetable


@router.get("/admin")
def schools_page(request: Request, auth: PageAuth, session: SessionDep) -> Response:
    return _schools_page(request, session, auth)


def _schools_page(
    request: Request, session: Any, auth: Auth, error: str | None = None, status: int = 200
) -> Response:
    rows = [schools.school_public(session, s) for s in schools.list_schools(session)]
    return render(request, "schools.html", {"schools": rows, "error": error}, status=status,
                  auth=auth)  # fmt: skip


@router.post("/admin/schools")
def create_school(
    request: Request,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=300)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        school = schools.create_school(session, name, timezone or None, settings)
    except ApiError as exc:
        return _schools_page(request, session, auth, exc.message, exc.status)
    return redirect(f"/admin/schools/{school.id}")


def _school_context(
    session: Any, school: School, by: str = "class", target: str | None = None
) -> dict[str, Any]:
    ctx: dict[str, Any] = {"school": school, "info": schools.school_public(session, school)}
    try:
        timetable = schools.current_timetable(session, school)
    except ApiError:
        return {**ctx, "timetable": None}
    by = "teacher" if by == "teacher" else "class"
    choices = sort_class_names(timetable.classes) if by == "class" else sorted(timetable.teachers)
    target = target if target in choices else (choices[0] if choices else "")
    grid = views.base_grid(timetable, by=by, target=target) if target else None
    return {**ctx, "timetable": timetable, "by": by, "target": target, "choices": choices,
            "grid": grid}  # fmt: skip


@router.get("/admin/schools/{school_id}")
def school_page(
    request: Request,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    by: str = "class",
    target: str | None = None,
    uploaded: str | None = None,
) -> Response:
    school = schools.get_school(session, school_id)
    ctx = {**_school_context(session, school, by, target), "uploaded": bool(uploaded)}
    return render(request, "school.html", ctx, block="grid", auth=auth)


@router.post("/admin/schools/{school_id}/timetable")
async def upload_timetable(
    request: Request,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    school = schools.get_school(session, school_id)
    content = await file.read() if file is not None else b""
    filename = (file.filename if file is not None else "") or ""
    try:
        uploads.import_timetable(session, school, filename, content)
    except ApiError as exc:
        ctx = _school_context(session, school)
        ctx.update(upload_error=exc.message, problems=exc.problems, upload_name=filename)
        return render(request, "school.html", ctx, status=exc.status, auth=auth)
    return redirect(f"/admin/schools/{school.id}?uploaded=1")


# ---------------------------------------------------------------------------------------------
# The order form and rebuild jobs


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
        "device": str(form.get("device") or "pc"),
        "screen_policy": str(form.get("screen_policy") or "home"),
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
        "devices": [(d, DEVICE_RU[d]) for d in DEVICES],
        "policies": [(p, POLICY_RU[p]) for p in SCREEN_POLICIES],
        "jobs": rebuilds.list_jobs(session, school, limit=10),
        "status_ru": rebuilds.STATUS_RU,
    }


@router.get("/admin/schools/{school_id}/order")
def order_page(request: Request, school_id: int, auth: PageAuth, session: SessionDep) -> Response:
    school = schools.get_school(session, school_id)
    try:
        ctx = _order_context(session, school)
    except ApiError:
        return redirect(f"/admin/schools/{school.id}")
    ctx["doc"] = {"device": "pc", "screen_policy": "home", "classes": []}
    ctx["time_limit"] = None
    return render(request, "order.html", ctx, auth=auth)


@router.post("/admin/schools/{school_id}/order")
async def order_submit(
    request: Request,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> Response:
    school = schools.get_school(session, school_id)
    form = await request.form()
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


# ---------------------------------------------------------------------------------------------
# Links, QR codes, downloads


def qr_svg(url: str) -> str:
    """An inline SVG QR code (segno), sized for printing next to the class name."""
    return segno.make(url, error="m").svg_inline(scale=3, title=url, dark="#000", light="#fff")


def _links_context(session: Any, school: School, settings: Any) -> dict[str, Any]:
    rows = []
    for link in links.list_links(session, school):
        urls = links.link_urls(link, settings)
        rows.append({"link": link, **urls, "qr": qr_svg(urls["page_url"])})
    try:
        classes = sort_class_names(schools.current_timetable(session, school).classes)
    except ApiError:
        classes = []
    return {"school": school, "rows": rows, "classes": classes}


def _links_page(
    request: Request,
    session: Any,
    school: School,
    settings: Any,
    auth: Auth,
    error: ApiError | None = None,
    published: int | None = None,
) -> Response:
    ctx = {**_links_context(session, school, settings), "published": published,
           "error": error.message if error else None}  # fmt: skip
    return render(request, "links.html", ctx, status=error.status if error else 200, auth=auth)


@router.get("/admin/schools/{school_id}/links")
def links_page(
    request: Request,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    published: int | None = None,
) -> Response:
    school = schools.get_school(session, school_id)
    return _links_page(request, session, school, settings, auth, published=published)


@router.post("/admin/schools/{school_id}/links")
def issue_link(
    request: Request,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    target: Annotated[str, Form(max_length=200)] = "",
    with_calls: Annotated[str, Form()] = "",
) -> Response:
    school = schools.get_school(session, school_id)
    try:
        links.issue_link(session, school, "class", target.strip(), with_calls=bool(with_calls))
    except ApiError as exc:
        return _links_page(request, session, school, settings, auth, exc)
    return redirect(f"/admin/schools/{school.id}/links")


@router.post("/admin/links/{link_id}/{action}")
def link_action(
    request: Request,
    link_id: int,
    action: str,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    link = links.get_link(session, link_id)
    try:
        links.change_link(session, link_id, action)
    except Conflict as exc:  # e.g. rotating a link that was revoked meanwhile
        school = schools.get_school(session, link.school_id)
        return _links_page(request, session, school, settings, auth, exc)
    return redirect(f"/admin/schools/{link.school_id}/links")


@router.get("/admin/schools/{school_id}/downloads")
def downloads_page(
    request: Request, school_id: int, auth: PageAuth, session: SessionDep
) -> Response:
    from planner.exports.chat import class_message

    school = schools.get_school(session, school_id)
    published = list(reversed(versions.list_versions(session, school)))
    messages: list[tuple[str, str]] = []
    if published:
        latest = published[0]
        schedule = Schedule.from_json(json.loads(latest.schedule_json))
        upload = session.get(TimetableUpload, latest.timetable_id)
        timetable = schools.timetable_of(upload, school.name) if upload else None
        since = None
        if len(published) > 1:
            since = diff_schedules(
                Schedule.from_json(json.loads(published[1].schedule_json)), schedule
            )
        remote = schedule.order.get("classes") or []
        for name in sort_class_names(remote):
            text = class_message(schedule, name, timetable=timetable, since_previous=since,
                                 version=latest.number)  # fmt: skip
            messages.append((name, text))
    return render(request, "downloads.html",
                  {"school": school, "versions": published, "messages": messages},
                  auth=auth)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Parents' and teachers' pages (the token is the authorisation)


def _token_link(request: Request, session: Any, token: str, kind: str) -> Link | Response:
    """The active link of a token of this kind, or the page that says why it does not open."""
    try:
        link = links.resolve_token(session, token)
    except NotFound:
        return not_found_page(request, NOT_FOUND_MESSAGES["revoked"])
    if link.kind != kind:
        return not_found_page(request, NOT_FOUND_MESSAGES[f"{link.kind}_link"])
    return link


def _local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz))


def _changed_keys(session: Any, school: School) -> set[str]:
    """Slot keys of lessons that changed in the latest version against the one before it."""
    published = versions.list_versions(session, school)
    if len(published) < 2:
        return set()
    before = Schedule.from_json(json.loads(published[-2].schedule_json))
    after = Schedule.from_json(json.loads(published[-1].schedule_json))
    return {c.after.slot_key for c in diff_schedules(before, after) if c.after is not None}


def _token_context(session: Any, link: Link) -> dict[str, Any]:
    view = link_views.link_view(session, link)
    tz = view.school.timezone
    today = datetime.now(ZoneInfo(tz)).date()
    days = views.by_date(view.items)
    focus = next((d for d in days if d >= today), None)
    return {
        "view": view,
        "school": view.school,
        "days": days,
        "today": today,
        "focus": focus,
        "updated": _local(view.last_modified, tz),
        "changed": _changed_keys(session, view.school) if view.version else set(),
    }


def _etag_response(request: Request, response: Response) -> Response:
    """ETag over the rendered bytes; a matching If-None-Match gets 304."""
    body = bytes(response.body)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Cookie, HX-Request"}
    inm = request.headers.get("if-none-match", "")
    if etag in [t.strip() for t in inm.split(",")]:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


@router.get("/c/{token}")
def class_page(request: Request, token: str, session: SessionDep) -> Response:
    """The parents' page of a class: no pupil data, call links only if the token grants them."""
    link = _token_link(request, session, token, "class")
    if isinstance(link, Response):
        return link
    response = render(request, "class_page.html", _token_context(session, link), block="week")
    return _etag_response(request, response)


def _teacher_context(session: Any, link: Link, settings: Any) -> dict[str, Any]:
    ctx = _token_context(session, link)
    feed = links.link_urls(link, settings)["feed_url"]
    webcal = "webcal://" + feed.split("://", 1)[1]
    classes = sort_class_names({i.class_name for i in ctx["view"].items if i.format == "online"})
    class_links = {
        c.class_name: c.url
        for c in call_links.call_links_of(session, link.school_id)
        if c.teacher == link.target and not c.slot
    }
    return {
        **ctx,
        "feed_url": feed,
        "webcal_url": webcal,
        "google_url": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=":/"),
        "classes": classes,
        "class_links": class_links,
    }


@router.get("/t/{token}")
def teacher_page(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    saved: str | None = None,
    warn: str | None = None,
    at: str | None = None,
) -> Response:
    """A teacher's week, calendar subscription and call-link entry."""
    link = _token_link(request, session, token, "teacher")
    if isinstance(link, Response):
        return link
    ctx = {**_teacher_context(session, link, settings), "saved": saved, "warn": bool(warn),
           "at": at}  # fmt: skip
    response = render(request, "teacher_page.html", ctx)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.post("/t/{token}/calls")
def teacher_call_link(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    class_name: Annotated[str, Form(max_length=100)] = "",
    url: Annotated[str, Form(max_length=1000)] = "",
    slot: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Set or clear a call link; non-https is refused, unknown https hosts get a warning."""
    link = _token_link(request, session, token, "teacher")
    if isinstance(link, Response):
        return link
    try:
        row = call_links.set_call_link(session, link, class_name.strip(), url, slot=slot.strip())
    except Invalid as exc:
        ctx = {**_teacher_context(session, link, settings), "error": exc.message,
               "error_slot": slot, "error_class": class_name, "error_url": url}  # fmt: skip
        response = render(request, "teacher_page.html", ctx, status=422)
        response.headers["Cache-Control"] = "no-store"
        return response
    where = _anchor(slot or class_name)
    query = {"saved": "1" if row else "0"}
    if row is not None and not views.is_known_call_url(row.url):
        query["warn"] = "1"
    query["at"] = where
    return redirect(f"/t/{token}?{urlencode(query)}#s-{where}")


def _anchor(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


templates.env.globals["anchor"] = _anchor
templates.env.globals["is_known_call_url"] = views.is_known_call_url
