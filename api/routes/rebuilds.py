from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import AuthDep, SessionDep, SettingsDep
from api.schemas import ERRORS, JobPublic, VersionPublic
from api.services import readiness, rebuilds, versions

router = APIRouter(prefix="/api/v1/rebuilds", tags=["rebuilds"], responses=ERRORS)


class PublishIn(BaseModel):
    comment: str = Field(default="", max_length=2000)


@router.get("/{job_id}", response_model=JobPublic)
def get_rebuild(job_id: str, auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """Status, progress, best objective so far and the summary of a rebuild; the classes of its
    order that are not ready for distance lessons (regulation items 3.2–3.3)."""
    return readiness.job_with_warnings(session, rebuilds.get_job(session, job_id))


@router.post("/{job_id}/cancel", response_model=JobPublic)
def cancel_rebuild(job_id: str, auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """Cancel a queued or running rebuild."""
    job = rebuilds.cancel_job(session, rebuilds.get_job(session, job_id))
    return readiness.job_with_warnings(session, job)


@router.post("/{job_id}/publish", status_code=201, response_model=VersionPublic)
def publish_rebuild(
    job_id: str,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
    body: PublishIn | None = None,
) -> dict[str, Any]:
    """Publish a rebuild's plan as the next version: a finished one, or the best plan a
    cancelled one kept (``reviewable``)."""
    job = rebuilds.get_job(session, job_id)
    version = versions.publish_job(
        session, job, author=auth.admin.login, comment=(body.comment if body else ""),
        settings=settings,
    )  # fmt: skip
    return versions.version_public(version)
