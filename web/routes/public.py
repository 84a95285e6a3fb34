"""The parents' class page and the teacher's page (the token is the authorisation)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.requests import cookie_parser

from api.deps import SessionDep, SettingsDep
from api.feeds import with_calls
from api.models import Link, School, Version
from api.problems import Invalid, NotFound
from api.services import call_links, link_views, links, served, versions
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


def _changed_keys(session: Any, school: School, version: Version) -> set[str]:
    """Slot keys of lessons that changed in ``version`` against the one before it."""
    published = [v for v in versions.list_versions(session, school) if v.id <= version.id]
    if len(published) < 2:
        return set()
    before = Schedule.from_json(json.loads(published[-2].schedule_json))
    after = Schedule.from_json(json.loads(published[-1].schedule_json))
    return {c.after.slot_key for c in diff_schedules(before, after) if c.after is not None}


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
        "changed": _changed_keys(session, view.school, view.version) if view.version else set(),
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
    block: str | None = None,
) -> Response:
    """The token page from its stored body (rendered once per version, call-link change, day
    and language); 304 when the browser's copy is current."""
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

    body = served.stored_body(session, link, variant, with_calls=with_calls(link), render=rendered)
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
        "class_page.html", block="week",
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
    if saved is None and warn is None and at is None:  # the page every visit opens: stored
        return _stored_page(
            request, session, link, settings,
            lambda v: {**_teacher_context(session, link, settings, v), "saved": None,
                       "warn": False, "at": None},
            "teacher_page.html",
        )  # fmt: skip
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
