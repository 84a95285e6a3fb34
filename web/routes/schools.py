"""The schools list, a school's page with its regular timetable and the upload form (the upload
itself: :mod:`web.routes.uploads`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.deps import Auth, DbId, SessionDep, SettingsDep
from api.models import School
from api.problems import ApiError
from api.services import municipal, schools, uploads
from planner.domain.model import sort_class_names
from web import views
from web.pages import PageAuth, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/admin")
def schools_page(request: Request, auth: PageAuth, session: SessionDep) -> Response:
    return _schools_page(request, session, auth)


def _schools_page(
    request: Request, session: Any, auth: Auth, error: str | None = None, status: int = 200
) -> Response:
    rows = [schools.school_public(session, s) for s in schools.list_schools(session, auth.scope)]
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
        auth.scope.require_municipal("Создать школу")
        school = schools.create_school(
            session, name, timezone or None, settings, municipality_id=auth.scope.municipality_id
        )
    except ApiError as exc:
        return _schools_page(request, session, auth, exc.message, exc.status)
    return redirect(f"/admin/schools/{school.id}")


def school_page_context(
    session: Any, school: School, by: str = "class", target: str | None = None
) -> dict[str, Any]:
    """The school page: its timetable grid and the upload form (bells prefilled)."""
    ctx: dict[str, Any] = {
        "school": school,
        "info": schools.school_public(session, school),
        "bells": uploads.school_bells(school).to_json(),
        "current_findings": None,
        "municipal_orders": municipal.orders_of_school(session, school),
    }
    try:
        upload = schools.current_upload(session, school)
        timetable = schools.timetable_of(upload, school.name)
    except ApiError:
        return {**ctx, "timetable": None}
    ctx["current_findings"] = uploads.pending_public(upload)["findings"]["findings"]
    by = "teacher" if by == "teacher" else "class"
    choices = sort_class_names(timetable.classes) if by == "class" else sorted(timetable.teachers)
    target = target if target in choices else (choices[0] if choices else "")
    grid = views.base_grid(timetable, by=by, target=target) if target else None
    return {**ctx, "timetable": timetable, "by": by, "target": target, "choices": choices,
            "grid": grid}  # fmt: skip


@router.get("/admin/schools/{school_id}")
def school_page(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    by: str = "class",
    target: str | None = None,
    uploaded: str | None = None,
) -> Response:
    school = schools.get_school(session, school_id)
    ctx = {**school_page_context(session, school, by, target), "uploaded": bool(uploaded)}
    return render(request, "school.html", ctx, block="grid", auth=auth)
