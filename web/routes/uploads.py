"""The timetable upload in two steps: file → preview of what was read and the findings →
«Загрузить» confirms (only then is it the school's timetable).

The school page (:mod:`web.routes.schools`) has the form: the file, for a Russian grid an
optional load table, the «строгая проверка» checkbox and the bells used when the file has none
(prefilled with the school's bells or the common 45/10/20). The preview groups the findings by
kind with counts (each group opens to its places), and for a grid without a load table says what
is not possible without it and asks for it. The same page shows a confirmed upload's findings
later.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import DbId, ImportsDep, SessionDep
from api.models import School, TimetableUpload
from api.problems import ApiError, Invalid
from api.services import schools, uploads
from planner.domain.bells import BellPlan
from planner.domain.findings import finding_title
from web.pages import PageAuth, login_redirect, redirect, render

router = APIRouter(include_in_schema=False)

#: places listed per kind of finding on the page (the rest are counted)
PLACES_SHOWN = 300

#: the page routes whose body is a file (:mod:`api.limits`: no body before the caller is known)
UPLOAD_ROUTE = re.compile(r"/admin/schools/[^/]+/(?:timetable|uploads/[^/]+/load)")


def page_refusal(request: Request) -> Response:
    """An anonymous upload from a browser: to the login page, as every admin page does."""
    return login_redirect(request)


def _file(upload: UploadFile | None) -> uploads.Incoming | None:
    if upload is None or not upload.filename:
        return None
    return uploads.Incoming(upload.filename, upload.file)


@router.post("/admin/schools/{school_id}/timetable")
def upload_timetable(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    imports: ImportsDep,
    file: Annotated[UploadFile | None, File()] = None,
    load_table: Annotated[UploadFile | None, File()] = None,
    strict: Annotated[bool, Form()] = False,
    bell_start: Annotated[str | None, Form(max_length=10)] = None,
    bell_lesson: Annotated[str | None, Form(max_length=10)] = None,
    bell_break: Annotated[str | None, Form(max_length=10)] = None,
    bell_big_break: Annotated[str | None, Form(max_length=10)] = None,
    bell_big_after: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    """Step 1: read the file into a pending upload and show its preview."""
    from web.routes.schools import school_page_context

    school = schools.get_school(session, school_id)
    incoming = _file(file) or uploads.Incoming.of("", b"")  # refused: «не передан файл»
    try:
        bells = uploads.bells_from_form(
            bell_start, bell_lesson, bell_break, bell_big_break, bell_big_after
        )
        upload = uploads.preview_upload(
            session, school, incoming, load_table=_file(load_table), bells=bells, strict=strict,
            run=imports.run,
        )  # fmt: skip
    except ApiError as exc:
        ctx = school_page_context(session, school)
        ctx.update(upload_error=exc.message, problems=exc.problems, upload_name=incoming.filename,
                   strict=strict)  # fmt: skip
        return render(request, "school.html", ctx, status=exc.status, auth=auth)
    return redirect(f"/admin/schools/{school.id}/uploads/{upload.id}")


@router.get("/admin/schools/{school_id}/uploads/{upload_id}")
def upload_page(
    request: Request, school_id: DbId, upload_id: DbId, auth: PageAuth, session: SessionDep
) -> Response:
    """The preview of a pending upload (or the findings of a confirmed one)."""
    school = schools.get_school(session, school_id)
    upload = uploads.get_upload(session, school, upload_id)
    return render(request, "upload.html", _upload_context(session, school, upload), auth=auth)


def _upload_context(session: Session, school: School, upload: TimetableUpload) -> dict[str, Any]:
    current = schools.school_public(session, school)["timetable"]
    plan = BellPlan.from_json(upload.bells)
    return {
        "school": school,
        "upload": uploads.pending_public(upload),
        "is_current": bool(current and current["id"] == upload.id),
        "finding_title": finding_title,
        "bells_text": plan.describe() if plan else None,
        "places_cap": PLACES_SHOWN,
    }


@router.post("/admin/schools/{school_id}/uploads/{upload_id}/confirm")
def confirm_upload(
    school_id: DbId, upload_id: DbId, auth: PageAuth, session: SessionDep
) -> Response:
    """Step 2 («Загрузить»): the upload becomes the school's timetable."""
    school = schools.get_school(session, school_id)
    uploads.confirm_upload(session, school, uploads.get_upload(session, school, upload_id))
    return redirect(f"/admin/schools/{school.id}?uploaded=1")


@router.post("/admin/schools/{school_id}/uploads/{upload_id}/load")
def add_load_table(
    request: Request,
    school_id: DbId,
    upload_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    imports: ImportsDep,
    load_table: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Read the same grid again with its load table: a new preview."""
    school = schools.get_school(session, school_id)
    upload = uploads.get_upload(session, school, upload_id)
    incoming = _file(load_table)
    try:
        if incoming is None:
            raise Invalid("выберите файл нагрузки (класс, предмет, группа, учитель).")
        fresh = uploads.with_load_table(session, school, upload, incoming, run=imports.run)
    except ApiError as exc:
        ctx = _upload_context(session, school, upload)
        ctx.update(load_error=exc.message, problems=exc.problems)
        return render(request, "upload.html", ctx, status=exc.status, auth=auth)
    return redirect(f"/admin/schools/{school.id}/uploads/{fresh.id}")
