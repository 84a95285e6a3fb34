"""Token endpoints: no account, the unguessable token is the authorisation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api import feeds
from api.deps import SessionDep
from api.schemas import ERRORS, CallLinkOut, PublicView
from api.services import call_links, link_views, links, served
from api.serving import remember, respond

router = APIRouter(tags=["public"])


class CallLinkIn(BaseModel):
    class_name: str = Field(min_length=1, max_length=100)
    url: str = Field(default="", max_length=1000, description="пусто — удалить ссылку")
    slot: str = Field(default="", max_length=500, description="slot_key одного урока или пусто")


@router.get("/feeds/{token}.ics")
@router.head("/feeds/{token}.ics", include_in_schema=False)
def feed(token: str, request: Request, session: SessionDep) -> Response:
    """ICS feed of a class or teacher link (ETag, Last-Modified, 304).

    Rendered once per published version (and call-link change) and stored; answered from the
    stored bytes, most often from memory before routing (api/serving.py)."""
    link = links.resolve_token(session, token)
    variant = feeds.feed_variant()
    body = served.stored_body(
        session, link, variant, with_calls=feeds.with_calls(link),
        render=lambda version: feeds.render_token_feed(session, link, version),
    )  # fmt: skip
    remember(request, variant, body)
    return respond(request, body)


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
