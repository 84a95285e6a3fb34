"""Attendance of remote days (regulation items 2.3, 2.6) for the administration: counts only."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AuthDep, DbId, SessionDep
from api.schemas import (
    ERRORS,
    AttendanceEntryOut,
    AttendanceTotalsOut,
    DayTableOut,
    PeriodDayOut,
)
from api.services import attendance, schools

router = APIRouter(prefix="/api/v1/schools", tags=["attendance"], responses=ERRORS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CountsIn(BaseModel):
    """Counts of one class on one day; nothing else is accepted (no names of pupils)."""

    model_config = ConfigDict(extra="forbid")

    present: int = Field(ge=0, le=attendance.MAX_PUPILS, description="на уроках")
    absent: int = Field(ge=0, le=attendance.MAX_PUPILS, description="отсутствовали")
    ill: int = Field(ge=0, le=attendance.MAX_PUPILS, description="болеют")

    def counts(self) -> attendance.Counts:
        return attendance.Counts(self.present, self.absent, self.ill)


class AttendanceIn(CountsIn):
    class_name: str = Field(min_length=1, max_length=100)
    date: date


From = Annotated[
    date | None,
    Query(alias="from", description="первый день; по умолчанию — последние дистанционные дни"),
]
To = Annotated[date | None, Query(alias="to", description="последний день")]


@router.get("/{school_id}/attendance", response_model=DayTableOut)
def day_table(
    school_id: DbId,
    auth: AuthDep,
    session: SessionDep,
    day: date | None = Query(None, alias="date"),
) -> dict[str, Any]:
    """The day table: every remote class × on the lessons / absent / ill, missing entries
    flagged, totals (default: the latest remote day up to today)."""
    school = schools.get_school(session, school_id)
    chosen = day or attendance.default_period(session, school)[1]
    return attendance.day_public(attendance.day_table(session, school, chosen), school)


@router.put("/{school_id}/attendance", response_model=AttendanceEntryOut)
def put_attendance(
    school_id: DbId, body: AttendanceIn, auth: AuthDep, session: SessionDep
) -> dict[str, Any]:
    """An administrator enters or corrects a class's counts (the earlier entry stays in the
    history)."""
    school = schools.get_school(session, school_id)
    row = attendance.record(
        session,
        school,
        body.class_name.strip(),
        body.date,
        body.counts(),
        by=auth.admin.login,
        via="admin",
    )
    return attendance.entry_public(row, school)


@router.get("/{school_id}/attendance/history", response_model=list[AttendanceEntryOut])
def attendance_history(
    school_id: DbId,
    auth: AuthDep,
    session: SessionDep,
    class_name: Annotated[str, Query(min_length=1, max_length=100)],
    day: Annotated[date, Query(alias="date")],
) -> list[dict[str, Any]]:
    """Every entry of one class-day, the current one first, then the corrected ones."""
    school = schools.get_school(session, school_id)
    rows = attendance.history(session, school, class_name.strip(), day)
    return [attendance.entry_public(r, school) for r in rows]


@router.get("/{school_id}/attendance/period", response_model=list[PeriodDayOut])
def attendance_period(
    school_id: DbId, auth: AuthDep, session: SessionDep, date_from: From = None, date_to: To = None
) -> list[dict[str, Any]]:
    """Per day of the period: the sums and how many classes entered theirs (the chart)."""
    school = schools.get_school(session, school_id)
    first, last = attendance.period(session, school, date_from, date_to)
    frame = attendance.period_frame(session, school, first, last)
    return [{**r, "date": r["date"].isoformat()} for r in frame.to_dict("records")]


@router.get("/{school_id}/attendance/totals", response_model=AttendanceTotalsOut)
def attendance_totals(
    school_id: DbId, auth: AuthDep, session: SessionDep, date_from: From = None, date_to: To = None
) -> dict[str, Any]:
    """The school's totals over the period (what a municipality sums over its schools)."""
    school = schools.get_school(session, school_id)
    first, last = attendance.period(session, school, date_from, date_to)
    return attendance.totals(session, [school.id], first, last)[0]


@router.get("/{school_id}/attendance.xlsx", response_class=Response)
def attendance_xlsx(
    school_id: DbId, auth: AuthDep, session: SessionDep, date_from: From = None, date_to: To = None
) -> Response:
    """The XLSX for the municipality: per day sums and per class rows with who entered them."""
    school = schools.get_school(session, school_id)
    first, last = attendance.period(session, school, date_from, date_to)
    buffer = io.BytesIO()
    attendance.write_export(session, school, first, last, buffer)
    name = f"attendance-{first.isoformat()}-{last.isoformat()}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
