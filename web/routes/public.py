"""The parents' class page and the teacher's page (the token is the authorisation)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.requests import cookie_parser

from api.deps import SessionDep, SettingsDep
from api.feeds import feed_shows
from api.models import Link, School, Version
from api.problems import Invalid, NotFound
from api.services import (
    attendance,
    call_links,
    link_views,
    links,
    materials,
    readiness,
    served,
    versions,
)
from api.services.schools import TEACHER_DATA
from api.services.served import Rendered
from api.serving import remember, respond, source_key
from api.settings import Settings
from planner.domain.model import sort_class_names
from planner.domain.schedule import Schedule
from planner.engine.changes import diff_schedules
from web import views
from web.i18n import LANG_COOKIE, LANGS, pick_lang
from web.pages import (
    NOT_FOUND_MESSAGES,
    is_htmx,
    lang_of,
    not_found_page,
    redirect,
    render,
    templates,
)
from web.routes import regulation

router = APIRouter(include_in_schema=False)


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


def _changed_keys(session: Any, school: School, version: Version) -> dict[str, str | None]:
    """Slot keys of lessons that changed in ``version`` against the one before it → what stood
    there before («было: …»; None when there is nothing to tell, e.g. a new call link)."""
    published = [v for v in versions.list_versions(session, school) if v.id <= version.id]
    if len(published) < 2:
        return {}
    before = Schedule.from_json(json.loads(published[-2].schedule_json))
    after = Schedule.from_json(json.loads(published[-1].schedule_json))
    return {c.after.slot_key: c.was for c in diff_schedules(before, after) if c.after is not None}


def _token_context(session: Any, link: Link, version: Version | None) -> dict[str, Any]:
    view = link_views.link_view(session, link, version)
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
        "changed": _changed_keys(session, view.school, view.version) if view.version else {},
    }


#: the stored pages answer with these (they are the same for every holder of the link)
PAGE_HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Cookie, HX-Request"}


def page_variant(kind: str, lang: str, htmx: bool, settings: Settings) -> str:
    """The stored body's variant of a token page: language, whole page or htmx block, the code
    that renders it and the site address it names (the feed URL on the teacher's page)."""
    site = hashlib.sha256(settings.base_url.encode()).hexdigest()[:8]
    return f"{kind}:{lang}:{'hx' if htmx else 'page'}:{source_key()}:{site}"


def memory_variant(kind: str, settings: Settings) -> Any:
    """The variant of a request answered from memory (no query string: the language comes
    from the cookie), as :class:`api.serving.ServeFromMemory` asks for it."""

    def variant(headers: dict[str, str]) -> str:
        cookie = cookie_parser(headers["cookie"]).get(LANG_COOKIE) if "cookie" in headers else None
        htmx = headers.get("hx-request") == "true"
        return page_variant(kind, pick_lang(None, cookie), htmx, settings)

    return variant


def _next_midnight(tz: str) -> datetime:
    """The end of today in the school's zone (pages show «today»), in UTC."""
    zone = ZoneInfo(tz)
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(UTC)


def _stored_page(
    request: Request,
    session: Any,
    link: Link,
    settings: Settings,
    context: Any,
    template: str,
    shows: tuple[str, ...],
    block: str | None = None,
) -> Response:
    """The token page from its stored body (rendered once per version, change of the teachers'
    data it ``shows``, day and language); 304 when the browser's copy is current."""
    lang = lang_of(request)
    variant = page_variant(link.kind[0], lang, is_htmx(request), settings)

    def rendered(version: Version | None) -> Rendered:
        ctx = context(version)
        page = render(request, template, ctx, block=block)
        return Rendered(
            body=bytes(page.body),
            media_type="text/html; charset=utf-8",
            last_modified=ctx["view"].last_modified,
            headers=PAGE_HEADERS,
            valid_until=_next_midnight(ctx["school"].timezone),
        )

    body = served.stored_body(session, link, variant, shows=shows, render=rendered)
    remember(request, variant, body)
    response = respond(request, body)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/c/{token}")
def class_page(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    """The parents' page of a class: no pupil data, call links only if the token grants them."""
    link = _token_link(request, session, token, "class")
    if isinstance(link, Response):
        return link
    return _stored_page(
        request, session, link, settings, lambda v: _token_context(session, link, v),
        "class_page.html", ("materials", *feed_shows(link)), block="week",
    )  # fmt: skip


def _teacher_context(
    session: Any, link: Link, settings: Any, version: Version | Any | None = link_views.LATEST
) -> dict[str, Any]:
    ctx = _token_context(session, link, version)
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
        **regulation.teacher_context(session, link),
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
    done: str | None = None,
) -> Response:
    """A teacher's week, calendar subscription and call-link entry; attendance, readiness and
    lesson materials of her classes (the school's regulation)."""
    link = _token_link(request, session, token, "teacher")
    if isinstance(link, Response):
        return link
    if saved is None and warn is None and at is None and done is None:  # as every visit opens it
        return _stored_page(
            request, session, link, settings,
            lambda v: {**_teacher_context(session, link, settings, v), "saved": None,
                       "warn": False, "at": None, "done": None},
            "teacher_page.html", TEACHER_DATA,
        )  # fmt: skip
    ctx = {**_teacher_context(session, link, settings), "saved": saved, "warn": bool(warn),
           "at": at, "done": done}  # fmt: skip
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


def _teacher_action(
    request: Request,
    session: Any,
    settings: Any,
    token: str,
    where: str,
    action: Callable[[Link], object],
) -> Response:
    """Run a teacher's form action; back to her page at ``where`` (``done``), or the page again
    with the error beside that form (422). A class she does not teach is the 404 page."""
    link = _token_link(request, session, token, "teacher")
    if isinstance(link, Response):
        return link
    anchor = _anchor(where)
    try:
        action(link)
    except Invalid as exc:
        ctx = {**_teacher_context(session, link, settings), "reg_error": exc.message,
               "reg_problems": exc.problems, "at": anchor}  # fmt: skip
        response = render(request, "teacher_page.html", ctx, status=422)
        response.headers["Cache-Control"] = "no-store"
        return response
    except NotFound as exc:
        return not_found_page(request, exc.message[:1].upper() + exc.message[1:])
    return redirect(f"/t/{token}?{urlencode({'done': '1', 'at': anchor})}#s-{anchor}")


@router.post("/t/{token}/attendance")
def teacher_attendance(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[regulation.CountsForm, Form()],
) -> Response:
    """The class's counts for a remote day: on the lessons, absent, ill (numbers only)."""

    def save(link: Link) -> object:
        return attendance.teacher_record(session, link, form.class_name, form.when(),
                                         form.counts())  # fmt: skip

    return _teacher_action(request, session, settings, token, f"att-{form.class_name.strip()}",
                           save)  # fmt: skip


@router.post("/t/{token}/readiness")
def teacher_readiness(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[regulation.ReadinessForm, Form()],
) -> Response:
    """The readiness checklist of one of her classes."""

    def save(link: Link) -> object:
        return readiness.teacher_set_readiness(session, link, form.class_name, form.data())

    return _teacher_action(request, session, settings, token, f"rd-{form.class_name.strip()}",
                           save)  # fmt: skip


@router.post("/t/{token}/materials")
def teacher_materials(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    slot: Annotated[str, Form(max_length=500)] = "",
    recording_url: Annotated[str, Form(max_length=1000)] = "",
    assignment: Annotated[str, Form(max_length=materials.MAX_ASSIGNMENT)] = "",
    assignment_url: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """A recording and an assignment for one of her remote lessons (all empty: removed)."""

    def save(link: Link) -> object:
        return materials.set_materials(
            session, link, slot, recording_url=recording_url, assignment=assignment,
            assignment_url=assignment_url,
        )  # fmt: skip

    return _teacher_action(request, session, settings, token, f"mat-{slot}", save)


@router.post("/t/{token}/joined")
def teacher_joined(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    slot: Annotated[str, Form(max_length=500)] = "",
    joined: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    """How many pupils joined one of her online lessons."""

    def save(link: Link) -> object:
        if not joined.strip().isdigit():
            raise Invalid("«подключились» — целое число от 0.")
        return attendance.record_joined(session, link, slot, int(joined))

    return _teacher_action(request, session, settings, token, f"mat-{slot}", save)


def _anchor(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


templates.env.globals["anchor"] = _anchor


templates.env.globals["is_known_call_url"] = views.is_known_call_url
