"""Readiness of each class for distance lessons (regulation items 3.2–3.3): the checklist."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AuthDep, DbId, SessionDep
from api.schemas import ERRORS, ReadinessOut
from api.services import readiness, schools

router = APIRouter(prefix="/api/v1/schools", tags=["readiness"], responses=ERRORS)
LIMIT = readiness.MAX_FAMILIES


class ReadinessIn(BaseModel):
    """The checklist of one class: counts of families, never a name."""

    model_config = ConfigDict(extra="forbid")

    chat_linked: bool = Field(default=False, description="чат класса создан и связан с ЭПОС")
    families_total: int | None = Field(default=None, ge=0, le=LIMIT, description="семей в классе")
    families_joined: int | None = Field(
        default=None, ge=0, le=LIMIT, description="семей присоединились к чату"
    )
    last_test_call: date | None = Field(
        default=None, description="дата последнего удачного пробного подключения"
    )
    families_without_device: int | None = Field(
        default=None,
        ge=0,
        le=LIMIT,
        description="семей без компьютера, ноутбука или планшета с камерой и микрофоном",
    )

    def data(self) -> readiness.ReadinessInput:
        return readiness.ReadinessInput(**self.model_dump())


@router.get("/{school_id}/readiness", response_model=list[ReadinessOut])
def list_readiness(school_id: DbId, auth: AuthDep, session: SessionDep) -> list[dict[str, Any]]:
    """The checklist of every class of the school's timetable, with what is missing."""
    school = schools.get_school(session, school_id)
    rows = readiness.rows_of(session, school.id)
    return [
        readiness.readiness_public(session, school, r, rows.get(r.class_name))
        for r in readiness.school_readiness(session, school)
    ]


@router.put("/{school_id}/readiness/{class_name}", response_model=ReadinessOut)
def put_readiness(
    school_id: DbId, class_name: str, body: ReadinessIn, auth: AuthDep, session: SessionDep
) -> dict[str, Any]:
    """An administrator saves a class's checklist."""
    school = schools.get_school(session, school_id)
    row = readiness.set_readiness(
        session, school, class_name.strip(), body.data(), by=auth.admin.login, via="admin"
    )
    [value] = readiness.readiness_of(session, school.id, [row.class_name])
    return readiness.readiness_public(session, school, value, row)
