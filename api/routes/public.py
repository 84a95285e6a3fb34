"""Token endpoints: no account, the unguessable token is the authorisation."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api import feeds
from api.deps import SessionDep
from api.schemas import ERRORS, CallLinkOut, PublicView
from api.services import call_links, link_views, links, versions

router = APIRouter(tags=["public"])


class CallLinkIn(BaseModel):
    class_name: str = Field(min_length=1, max_length=100)
    url: str = Field(default="", max_length=1000, description="пусто — удалить ссылку")
    slot: str = Field(default="", max_length=500, description="slot_key одного урока или пусто")


@router.get("/feeds/{token}.ics")
@router.head("/feeds/{token}.ics", include_in_schema=False)
def feed(token: str, request: Request, session: SessionDep) -> Response:
    """ICS feed of a class or teacher link (ETag, Last-Modified, 304)."""
    link = links.resolve_token(session, token)
    view = link_views.link_view(session, link)
    history = versions.history_of(versions.list_versions(session, view.school))
    timetable = versions.version_timetable(session, view.version) if view.version else None
    body = feeds.build_token_feed(view, history, timetable)
    etag = feeds.etag_of(body)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(view.last_modified, usegmt=True),
        "Cache-Control": "private, max-age=300",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None:
        if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
            return Response(status_code=304, headers=headers)
    elif (ims := request.headers.get("if-modified-since")) is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            since = None
        if since is not None and since.tzinfo is not None and view.last_modified <= since:
            return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get("/api/v1/public/{token}", response_model=PublicView, responses=ERRORS)
def public_schedule(token: str, session: SessionDep) -> dict[str, Any]:
    """The published schedule a class or teacher link shows (JSON)."""
    link = links.resolve_token(session, token)
    return link_views.view_public(link_views.link_view(session, link))


@router.put("/api/v1/public/{token}/call-links", response_model=CallLinkOut, responses=ERRORS)
def put_call_link(token: str, body: CallLinkIn, session: SessionDep) -> dict[str, Any]:
    """A teacher sets the call link of a class (or one lesson); the teacher token authorises."""
    link = links.resolve_token(session, token)
    row = call_links.set_call_link(session, link, body.class_name.strip(), body.url, slot=body.slot)
    return {
        "class_name": body.class_name.strip(),
        "slot": body.slot,
        "url": row.url if row else None,
    }
