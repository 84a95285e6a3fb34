"""The municipality: its frost thresholds, its administrators, orders to many schools and their
dashboard. Every id is checked by the tenancy guard (api.deps.tenant_guard)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import DB_INT_MAX, AuthDep, DbId, RunnerDep, SessionDep, SettingsDep
from api.schemas import ERRORS, MeOut, MunicipalBoard, MunicipalityOut, PublishAllOut
from api.services import accounts, municipal, schools, tenancy

router = APIRouter(prefix="/api/v1", tags=["municipal"], responses=ERRORS)


class FrostAct(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="номер и дата приказа")
    thresholds: list[dict[str, Any]] = Field(
        description="строки {at_or_below: -25, grades: «1-4», wind_at_least: 4}"
    )


class AdminCreate(BaseModel):
    login: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    school_id: int | None = Field(
        default=None, ge=1, le=DB_INT_MAX, description="пусто — администратор муниципалитета"
    )


class OrderCreate(BaseModel):
    order: dict[str, Any] = Field(description="Муниципальный приказ (или приказ школы для всех)")
    time_limit: float | None = Field(default=None, gt=0, le=3600)


class Tighten(BaseModel):
    grades: list[Annotated[int, Field(ge=1, le=11)]] = Field(
        description="параллели, которые школа добавляет"
    )


@router.get("/municipality", response_model=MunicipalityOut)
def get_municipality(auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """The administrator's municipality, its schools and the frost thresholds in force."""
    return municipal.municipality_public(session, auth.scope)


@router.put("/municipality/frost", response_model=MunicipalityOut)
def set_municipal_frost(
    auth: AuthDep, session: SessionDep, body: FrostAct | None = None
) -> dict[str, Any]:
    """The municipality's own frost thresholds (they replace the territory's); empty: drop."""
    auth.scope.require_municipal("Задать пороги для морозов муниципалитета")
    owner = tenancy.get_municipality(session, auth.scope)
    municipal.set_frost_act(session, owner, body.model_dump() if body else None)
    return municipal.municipality_public(session, auth.scope)


@router.put("/schools/{school_id}/frost", response_model=MunicipalityOut)
def set_school_frost(
    school_id: DbId, auth: AuthDep, session: SessionDep, body: FrostAct | None = None
) -> dict[str, Any]:
    """A school's own frost rows: added to the municipality's (a school only tightens)."""
    school = schools.get_school(session, school_id)
    municipal.set_frost_act(session, school, body.model_dump() if body else None)
    return municipal.municipality_public(session, auth.scope)


@router.post("/municipality/admins", status_code=201, response_model=MeOut)
def create_admin(body: AdminCreate, auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """A municipal administrator creates another one, or a school's administrator."""
    auth.scope.require_municipal("Создать администратора")
    if body.school_id is not None:
        tenancy.school_in_scope(session, auth.scope, body.school_id)
    admin = accounts.create_admin(
        session, body.login, body.password,
        municipality_id=auth.scope.municipality_id, school_id=body.school_id,
    )  # fmt: skip
    return {"login": admin.login, "via": "token", "csrf_token": None}


@router.get("/municipal-orders", response_model=list[MunicipalBoard])
def list_orders(auth: AuthDep, session: SessionDep) -> list[dict[str, Any]]:
    """The municipality's orders, newest first (a school administrator: those reaching her)."""
    return [
        municipal.board(session, o, auth.scope)
        for o in municipal.list_orders(session, auth.scope, limit=20)
    ]


@router.post("/municipal-orders", status_code=202, response_model=MunicipalBoard)
def create_order(
    body: OrderCreate,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> dict[str, Any]:
    """Send an order to the schools: each gets its own order and rebuild; returns the board."""
    row, jobs = municipal.create_order(
        session, auth.scope, body.order, settings, author=auth.admin.login,
        time_limit=body.time_limit,
    )  # fmt: skip
    for job_id in jobs:
        runner.submit(job_id)
    return municipal.board(session, row, auth.scope)


@router.get("/municipal-orders/{order_id}", response_model=MunicipalBoard)
def get_order(order_id: str, auth: AuthDep, session: SessionDep) -> dict[str, Any]:
    """The board of an order: every school's state, progress, reason, totals."""
    return municipal.board(session, municipal.get_order(session, order_id), auth.scope)


@router.post("/municipal-orders/{order_id}/publish", response_model=PublishAllOut)
def publish_all(
    order_id: str, auth: AuthDep, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Publish every plan of the order that is ready and clean (no violations) at once."""
    row = municipal.get_order(session, order_id)
    return municipal.publish_clean(session, row, auth.scope, settings, author=auth.admin.login)


@router.post(
    "/municipal-orders/{order_id}/schools/{school_id}/tighten", response_model=MunicipalBoard
)
def tighten(
    order_id: str,
    school_id: DbId,
    body: Tighten,
    auth: AuthDep,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> dict[str, Any]:
    """A school adds grades to its part of the order (more, never fewer); it is rebuilt."""
    row = municipal.get_order(session, order_id)
    school = schools.get_school(session, school_id)
    job_id = municipal.tighten(session, row, school, body.grades, settings, author=auth.admin.login)
    if job_id:
        runner.submit(job_id)
    return municipal.board(session, row, auth.scope)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/municipal-orders/{order_id}/summary.xlsx")
def summary_xlsx(order_id: str, auth: AuthDep, session: SessionDep) -> Response:
    """The municipal summary of the order as a spreadsheet (order, schools, totals)."""
    row = municipal.get_order(session, order_id)
    name = f"municipal-summary-{row.id[:8]}.xlsx"
    return Response(
        municipal.summary_xlsx(session, row, auth.scope),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
