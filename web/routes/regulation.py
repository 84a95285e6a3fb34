"""The school's regulation: the deputy director's attendance and readiness pages, and what the
teacher's page shows of it (attendance forms, readiness checklists, families that cannot join).

The teacher's own form posts are in :mod:`web.routes.public` beside her page; the decisions are
in ``api.services.attendance``, ``readiness`` and ``materials``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import Auth, DbId, SessionDep
from api.models import AttendanceEntry, Link, School
from api.problems import ApiError, Conflict, Invalid
from api.services import attendance, links, readiness, schools
from planner.domain.regulation import ATTENDANCE_ITEMS, READINESS_ITEMS, cite
from web.pages import PageAuth, redirect, render

router = APIRouter(include_in_schema=False)

# -- the teacher's page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceForm:
    """One class's attendance form on the teacher's page."""

    class_name: str
    days: list[date]  # newest first
    day: date
    current: AttendanceEntry | None  # what is entered for ``day`` now


def teacher_context(session: Any, link: Link) -> dict[str, Any]:
    """The teacher's classes: attendance forms for their remote days up to today, readiness
    checklists, and how many families per class cannot join an online lesson."""
    school = schools.get_school(session, link.school_id)
    classes = links.teacher_classes(session, link)
    forms = []
    for name in classes:
        days = attendance.entry_days(session, school, name)[::-1]
        if days:
            entries = attendance.history(session, school, name, days[0])
            forms.append(AttendanceForm(name, days, days[0], entries[0] if entries else None))
    ready = readiness.readiness_of(session, school.id, classes)
    return {
        "attendance_forms": forms,
        "readiness": ready,
        "cannot_join": {r.class_name: r.cannot_join for r in ready},
        "attendance_citation": cite(ATTENDANCE_ITEMS),
        "readiness_citation": cite(READINESS_ITEMS),
    }


def form_int(value: str) -> int | None:
    """A number field of a form: empty → None; anything else must be a whole number."""
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


class CountsForm(BaseModel):
    """The attendance form (teacher's or deputy director's): a class, a day, three numbers.
    Any other field is ignored: nothing but these numbers is kept."""

    class_name: str = Field(default="", max_length=100)
    day: str = Field(default="", max_length=10)
    present: str = Field(default="", max_length=6)
    absent: str = Field(default="", max_length=6)
    ill: str = Field(default="", max_length=6)

    def when(self) -> date:
        try:
            return date.fromisoformat(self.day)
        except ValueError:
            raise Invalid("выберите день из списка.") from None

    def counts(self) -> attendance.Counts:
        try:
            values = [form_int(x) for x in (self.present, self.absent, self.ill)]
        except ValueError:
            values = []
        if len(values) != 3 or any(v is None for v in values):
            raise Invalid("заполните три числа: на уроках, отсутствовали, болеют (целые, от 0).")
        return attendance.Counts(*(int(v or 0) for v in values))


class ReadinessForm(BaseModel):
    """The readiness checklist form of one class (teacher's or deputy director's)."""

    class_name: str = Field(default="", max_length=100)
    chat_linked: str = Field(default="", max_length=5)
    families_total: str = Field(default="", max_length=6)
    families_joined: str = Field(default="", max_length=6)
    last_test_call: str = Field(default="", max_length=10)
    families_without_device: str = Field(default="", max_length=6)

    def data(self) -> readiness.ReadinessInput:
        """The checklist; a field that is not a whole number or a date → Invalid."""
        try:
            when = self.last_test_call.strip()
            return readiness.ReadinessInput(
                chat_linked=bool(self.chat_linked),
                families_total=form_int(self.families_total),
                families_joined=form_int(self.families_joined),
                last_test_call=date.fromisoformat(when) if when else None,
                families_without_device=form_int(self.families_without_device),
            )
        except ValueError:
            raise Invalid("числа семей — целые числа, дата — ГГГГ-ММ-ДД.") from None


# -- the deputy director's attendance page ---------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    day: date
    x: float
    present: float  # heights in px
    absent: float
    ill: float
    label: str
    missing: int


CHART_HEIGHT = 160


def period_chart(frame: Any) -> list[ChartBar]:
    """Stacked bars (on the lessons, absent, ill) per day of the period, scaled to the chart."""
    rows = list(frame.itertuples(index=False))
    top = max([1, *(int(r.total) for r in rows)])
    scale = CHART_HEIGHT / top
    step = 1000 / max(len(rows), 1)
    return [
        ChartBar(
            day=r.date,
            x=round(i * step + step * 0.15, 2),
            present=round(r.present * scale, 2),
            absent=round(r.absent * scale, 2),
            ill=round(r.ill * scale, 2),
            label=f"{r.date:%d.%m}",
            missing=int(r.expected) - int(r.entered),
        )
        for i, r in enumerate(rows)
    ]


def _attendance_page(
    request: Request,
    session: Any,
    school: School,
    auth: Auth,
    day: date | None,
    error: ApiError | None = None,
    saved: str | None = None,
) -> Response:
    try:
        first, last = attendance.default_period(session, school)
    except Conflict as exc:
        ctx = {"school": school, "empty": exc.message, "citation": attendance.citation()}
        return render(request, "attendance.html", ctx, auth=auth)
    chosen = day or last
    table = attendance.day_table(session, school, chosen)
    frame = attendance.period_frame(session, school, first, last)
    ctx = {
        "school": school,
        "table": table,
        "days": attendance.entry_days(session, school)[::-1],
        "chart": period_chart(frame),
        "chart_height": CHART_HEIGHT,
        "first": first,
        "last": last,
        "histories": {
            r.class_name: attendance.history(session, school, r.class_name, chosen)
            for r in table.rows
            if r.corrections
        },
        "via_ru": attendance.VIA_RU,
        "citation": attendance.citation(),
        "error": error.message if error else None,
        "saved": saved,
    }
    return render(request, "attendance.html", ctx, status=error.status if error else 200, auth=auth)


@router.get("/admin/schools/{school_id}/attendance")
def attendance_page(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    day: date | None = None,
    saved: str | None = None,
) -> Response:
    school = schools.get_school(session, school_id)
    return _attendance_page(request, session, school, auth, day, saved=saved)


@router.post("/admin/schools/{school_id}/attendance")
def attendance_correct(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    form: Annotated[CountsForm, Form()],
) -> Response:
    """The deputy director enters or corrects a class's counts (the earlier entry stays)."""
    school = schools.get_school(session, school_id)
    name = form.class_name.strip()
    try:
        when = form.when()
        attendance.record(
            session, school, name, when, form.counts(), by=auth.admin.login, via="admin"
        )
    except ApiError as exc:
        return _attendance_page(request, session, school, auth, None, exc)
    return redirect(f"/admin/schools/{school.id}/attendance?day={when.isoformat()}&saved={name}")


# -- the deputy director's readiness page ----------------------------------------------------------


def _readiness_page(
    request: Request,
    session: Any,
    school: School,
    auth: Auth,
    error: ApiError | None = None,
    error_class: str | None = None,
    saved: str | None = None,
) -> Response:
    try:
        ready = readiness.school_readiness(session, school)
    except ApiError:
        return redirect(f"/admin/schools/{school.id}")
    ctx = {
        "school": school,
        "readiness": ready,
        "rows": readiness.rows_of(session, school.id),
        "citation": cite(READINESS_ITEMS),
        "error": error.message if error else None,
        "problems": error.problems if error else [],
        "error_class": error_class,
        "saved": saved,
    }
    return render(request, "readiness.html", ctx, status=error.status if error else 200, auth=auth)


@router.get("/admin/schools/{school_id}/readiness")
def readiness_page(
    request: Request, school_id: DbId, auth: PageAuth, session: SessionDep, saved: str | None = None
) -> Response:
    school = schools.get_school(session, school_id)
    return _readiness_page(request, session, school, auth, saved=saved)


@router.post("/admin/schools/{school_id}/readiness")
def readiness_save(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    form: Annotated[ReadinessForm, Form()],
) -> Response:
    school = schools.get_school(session, school_id)
    name = form.class_name.strip()
    try:
        readiness.set_readiness(
            session, school, name, form.data(), by=auth.admin.login, via="admin"
        )
    except ApiError as exc:
        return _readiness_page(request, session, school, auth, exc, name)
    return redirect(f"/admin/schools/{school.id}/readiness?saved={name}")
