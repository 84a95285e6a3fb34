from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import DB_INT_MAX, AuthDep, DbId, ImportsDep, RunnerDep, SessionDep, SettingsDep
from api.import_runner import ImportRunner
from api.models import School, TimetableUpload
from api.problems import NotFound
from api.schemas import (
    ERRORS,
    ChatMessageOut,
    JobPublic,
    LinkPublic,
    SchoolPublic,
    UploadPublic,
    VersionDetail,
    VersionPublic,
)
from api.services import current_exports, links, readiness, rebuilds, schools, uploads, versions

router = APIRouter(prefix="/api/v1/schools", tags=["schools"], responses=ERRORS)


class SchoolCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    timezone: str | None = Field(default=None, max_length=64)


class RebuildCreate(BaseModel):
    order: dict[str, Any] = Field(description="Приказ: те же ключи, что в YAML-файле приказа")
    time_limit: float | None = Field(default=None, gt=0, le=3600)
    workers: int | None = Field(default=None, ge=1, le=64)
    seed: int | None = Field(default=None, ge=0, le=DB_INT_MAX)


class LinkCreate(BaseModel):
    kind: str = Field(pattern="^(class|teacher)$")
    target: str = Field(min_length=1, max_length=200)
    with_calls: bool = False


@router.post("", status_code=201, response_model=SchoolPublic)
def create_school(body: SchoolCreate, auth: AuthDep, session: SessionDep, settings: SettingsDep):
    """Create a school of the administrator's municipality (municipal administrators only)."""
    auth.scope.require_municipal("Создать школу")
    school = schools.create_school(
        session, body.name, body.timezone, settings, municipality_id=auth.scope.municipality_id
    )
    return schools.school_public(session, school)


@router.get("", response_model=list[SchoolPublic])
def list_schools(auth: AuthDep, session: SessionDep) -> list[dict[str, Any]]:
    """Every school the administrator sees (her municipality's, or her own school)."""
    return [schools.school_public(session, s) for s in schools.list_schools(session, auth.scope)]


@router.get("/{school_id}", response_model=SchoolPublic)
def get_school(school_id: DbId, auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """One school with its current timetable and published version number."""
    return schools.school_public(session, schools.get_school(session, school_id))


class UploadForm:
    """The upload's form fields (multipart): the file, an optional load table, strictness and
    the bells for a file without them."""

    def __init__(
        self,
        file: UploadFile = File(description="Расписание: .csv, .xlsx, aSc .xml, FET .fet"),
        load_table: UploadFile | None = File(
            default=None, description="Нагрузка к сетке-шахматке: класс, предмет, группа, учитель"
        ),
        strict: bool = Form(default=False, description="Отказать при первом замечании"),
        bell_start: str | None = Form(default=None, description="Начало 1-го урока, 08:00"),
        bell_lesson: str | None = Form(default=None, description="Длительность урока, мин"),
        bell_break: str | None = Form(default=None, description="Перемена, мин"),
        bell_big_break: str | None = Form(default=None, description="Большая перемена, мин"),
        bell_big_after: str | None = Form(
            default=None, description="Большая перемена после уроков: 3, 4"
        ),
    ) -> None:
        self.file = file
        self.load_table = load_table if load_table is not None and load_table.filename else None
        self.strict = strict
        self.bells = (bell_start, bell_lesson, bell_break, bell_big_break, bell_big_after)

    def preview(self, session: Session, school: School, imports: ImportRunner) -> TimetableUpload:
        return uploads.preview_upload(
            session, school, uploads.Incoming(self.file.filename or "", self.file.file),
            load_table=(
                uploads.Incoming(self.load_table.filename or "", self.load_table.file)
                if self.load_table is not None
                else None
            ),
            bells=uploads.bells_from_form(*self.bells), strict=self.strict, run=imports.run,
        )  # fmt: skip


UploadFormDep = Annotated[UploadForm, Depends()]


@router.post("/{school_id}/uploads", status_code=201, response_model=UploadPublic)
def upload_file(
    school_id: DbId, auth: AuthDep, session: SessionDep, form: UploadFormDep, imports: ImportsDep
) -> dict[str, Any]:
    """Step 1: read a timetable file into a pending upload: what was read and the findings
    (grouped by kind, with places). Nothing changes for the school until it is confirmed.
    ``strict`` refuses the file (422) at the first finding."""
    school = schools.get_school(session, school_id)
    return uploads.pending_public(form.preview(session, school, imports))


@router.get("/{school_id}/uploads/{upload_id}", response_model=UploadPublic)
def get_upload(school_id: DbId, upload_id: DbId, auth: AuthDep, session: SessionDep):
    """An upload (pending or confirmed) with its findings."""
    school = schools.get_school(session, school_id)
    return uploads.pending_public(uploads.get_upload(session, school, upload_id))


@router.post("/{school_id}/uploads/{upload_id}/confirm", response_model=UploadPublic)
def confirm_upload(school_id: DbId, upload_id: DbId, auth: AuthDep, session: SessionDep):
    """Step 2: the pending upload becomes the school's timetable."""
    school = schools.get_school(session, school_id)
    upload = uploads.confirm_upload(session, school, uploads.get_upload(session, school, upload_id))
    return uploads.pending_public(upload)


@router.post("/{school_id}/timetable", status_code=201, response_model=UploadPublic)
def upload_timetable(
    school_id: DbId, auth: AuthDep, session: SessionDep, form: UploadFormDep, imports: ImportsDep
) -> dict[str, Any]:
    """Both steps at once: read the file (.csv, .xlsx, aSc .xml, FET .fet) and make it the
    school's timetable; the answer lists the findings. ``strict``: all or nothing."""
    school = schools.get_school(session, school_id)
    upload = uploads.confirm_upload(session, school, form.preview(session, school, imports))
    return uploads.pending_public(upload)


@router.post("/{school_id}/rebuilds", status_code=202, response_model=JobPublic)
def start_rebuild(
    school_id: DbId,
    body: RebuildCreate,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> dict[str, Any]:
    """Start a rebuild for an order; returns the job to poll, with the order's classes that are
    not ready for distance lessons (a warning: the school decides)."""
    school = schools.get_school(session, school_id)
    job = rebuilds.create_job(
        session, school, body.order, settings, author=auth.admin.login,
        time_limit=body.time_limit, workers=body.workers, seed=body.seed,
    )  # fmt: skip
    runner.submit(job.id)
    return readiness.job_with_warnings(session, rebuilds.get_job(session, job.id))


@router.get("/{school_id}/rebuilds", response_model=list[JobPublic])
def list_rebuilds(school_id: DbId, auth: AuthDep, session: SessionDep) -> list[dict[str, Any]]:
    """The school's latest rebuild jobs, newest first."""
    school = schools.get_school(session, school_id)
    return [rebuilds.job_public(j) for j in rebuilds.list_jobs(session, school)]


@router.get("/{school_id}/versions", response_model=list[VersionPublic])
def list_versions(school_id: DbId, auth: AuthDep, session: SessionDep) -> list[dict[str, Any]]:
    """Published versions, oldest first."""
    school = schools.get_school(session, school_id)
    return [versions.version_public(v) for v in versions.list_versions(session, school)]


@router.get("/{school_id}/versions/{number}", response_model=VersionDetail)
def get_version(school_id: DbId, number: DbId, auth: AuthDep, session: SessionDep):
    """One published version with its schedule.json."""
    school = schools.get_school(session, school_id)
    return versions.version_public(
        versions.get_version(session, school, number), with_schedule=True
    )


@router.get("/{school_id}/versions/{number}/files/{name:path}")
def get_version_file(
    school_id: DbId,
    number: DbId,
    name: str,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
) -> FileResponse:
    """One export file of a version (feeds/*.ics, epos.csv, epos.xlsx, report.html, …);
    report.html opens in the browser (inline), the others are downloaded."""
    school = schools.get_school(session, school_id)
    version = versions.get_version(session, school, number)
    path = versions.version_file(settings, version, name)
    # the report opens in the browser, ready to print; every other file is downloaded
    inline = path.suffix == ".html"
    return FileResponse(path, filename=path.name,
                        content_disposition_type="inline" if inline else "attachment")  # fmt: skip


@router.get("/{school_id}/links", response_model=list[LinkPublic])
def list_links(
    school_id: DbId,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
    include_revoked: bool = False,
) -> list[dict[str, Any]]:
    """Class and teacher links with their page and feed URLs (revoked ones on request)."""
    school = schools.get_school(session, school_id)
    rows = links.list_links(session, school, include_revoked=include_revoked)
    return [links.link_public(x, settings) for x in rows]


@router.post("/{school_id}/links", status_code=201, response_model=LinkPublic)
def issue_link(
    school_id: DbId, body: LinkCreate, auth: AuthDep, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Issue another link for a class (with or without call links) or a teacher."""
    school = schools.get_school(session, school_id)
    link = links.issue_link(
        session, school, body.kind, body.target.strip(), with_calls=body.with_calls
    )
    return links.link_public(link, settings)


EPOS_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/{school_id}/epos.{kind}", response_class=Response)
def current_epos(school_id: DbId, kind: str, auth: AuthDep, session: SessionDep) -> Response:
    """epos.csv / epos.xlsx of the latest version as it stands today: with the recordings and
    assignments (topic, homework) and call links teachers attached after publication."""
    if kind not in EPOS_TYPES:
        raise NotFound("есть epos.csv и epos.xlsx.")
    school = schools.get_school(session, school_id)
    body, name = current_exports.epos_file(session, school, kind)
    return Response(body, media_type=EPOS_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/{school_id}/chat-messages", response_model=list[ChatMessageOut])
def chat_messages(school_id: DbId, auth: AuthDep, session: SessionDep) -> list[dict[str, str]]:
    """The message for each remote class's chat, with the lessons' recordings and assignments."""
    school = schools.get_school(session, school_id)
    return [{"class_name": c, "text": t} for c, t in current_exports.chat_messages(session, school)]
