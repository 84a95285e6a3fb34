"""Token endpoints: no account, the unguessable token is the authorisation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api import feeds
from api.deps import SessionDep
from api.routes.attendance import AttendanceIn
from api.routes.readiness import ReadinessIn
from api.schemas import (
    ERRORS,
    AttendanceEntryOut,
    CallLinkOut,
    LessonJoinOut,
    MaterialsOut,
    PublicView,
    ReadinessOut,
)
from api.services import (
    attendance,
    call_links,
    link_views,
    links,
    materials,
    readiness,
    schools,
    served,
)
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
        session, link, variant, shows=feeds.feed_shows(link),
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


# -- the school's regulation, by a teacher's link ------------------------------------------------


class TeacherReadinessIn(ReadinessIn):
    class_name: str = Field(min_length=1, max_length=100)


class MaterialsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: str = Field(min_length=1, max_length=500, description="slot_key урока")
    recording_url: str = Field(default="", max_length=1000, description="запись урока (https)")
    assignment: str = Field(default="", max_length=materials.MAX_ASSIGNMENT, description="задание")
    assignment_url: str = Field(
        default="", max_length=1000, description="ссылка на задание (ЭПОС, «Моя школа»)"
    )


class JoinedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: str = Field(min_length=1, max_length=500, description="slot_key онлайн-урока")
    joined: int = Field(ge=0, le=attendance.MAX_PUPILS, description="сколько подключились")


@router.put(
    "/api/v1/public/{token}/attendance", response_model=AttendanceEntryOut, responses=ERRORS
)
def put_attendance(token: str, body: AttendanceIn, session: SessionDep) -> dict[str, Any]:
    """A teacher records (or corrects) one of her classes' counts for a remote day: on the
    lessons, absent, ill. Numbers only; another class, a class token or a revoked link: 404."""
    link = links.resolve_token(session, token)
    row = attendance.teacher_record(session, link, body.class_name, body.date, body.counts())
    return attendance.entry_public(row, schools.get_school(session, link.school_id))


@router.put(
    "/api/v1/public/{token}/lesson-attendance", response_model=LessonJoinOut, responses=ERRORS
)
def put_lesson_attendance(token: str, body: JoinedIn, session: SessionDep) -> dict[str, Any]:
    """A subject teacher records how many pupils joined one of her online lessons."""
    link = links.resolve_token(session, token)
    row = attendance.record_joined(session, link, body.slot, body.joined)
    return {"slot": row.slot, "class_name": row.class_name, "date": row.date.isoformat(),
            "joined": row.joined}  # fmt: skip


@router.put("/api/v1/public/{token}/readiness", response_model=ReadinessOut, responses=ERRORS)
def put_readiness(token: str, body: TeacherReadinessIn, session: SessionDep) -> dict[str, Any]:
    """A teacher fills the readiness checklist of one of her classes."""
    link = links.resolve_token(session, token)
    data = readiness.ReadinessInput(**body.model_dump(exclude={"class_name"}))
    row = readiness.teacher_set_readiness(session, link, body.class_name, data)
    school = schools.get_school(session, link.school_id)
    [value] = readiness.readiness_of(session, school.id, [row.class_name])
    return readiness.readiness_public(session, school, value, row)


@router.put("/api/v1/public/{token}/materials", response_model=MaterialsOut, responses=ERRORS)
def put_materials(token: str, body: MaterialsIn, session: SessionDep) -> dict[str, Any]:
    """A teacher attaches a recording and an assignment to one of her remote lessons (all
    empty: removes them). Shown on the parent page, in the chat text and in the ЭПОС files."""
    link = links.resolve_token(session, token)
    row = materials.set_materials(
        session, link, body.slot, recording_url=body.recording_url, assignment=body.assignment,
        assignment_url=body.assignment_url,
    )  # fmt: skip
    return {
        "slot": body.slot,
        "class_name": row.class_name if row else None,
        "recording_url": row.recording_url if row else None,
        "assignment": row.assignment if row else None,
        "assignment_url": row.assignment_url if row else None,
    }
