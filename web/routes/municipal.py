"""The municipality's pages: frost thresholds, a new order to the schools, the live dashboard of
an order (schools × state, totals), «publish every clean plan», a school adding grades."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.deps import Auth, RunnerDep, SessionDep, SettingsDep
from api.problems import ApiError
from api.services import municipal, schools
from planner.app.municipal import STATUS_RU
from planner.domain.municipal import REASON_RU
from web.pages import PageAuth, redirect, render

router = APIRouter(include_in_schema=False)

GRADES = tuple(range(1, 12))


def order_from_form(form: Any) -> dict[str, Any]:
    """The municipal order document of the order form (what the JSON API takes as ``order``)."""
    doc: dict[str, Any] = {
        "reason": form.get("reason") or "frost",
        "from": form.get("date_from") or None,
        "to": form.get("date_to") or None,
        "publish": form.get("publish") or "review",
    }
    if form.get("title"):
        doc["title"] = str(form.get("title")).strip()
    chosen = [int(s) for s in form.getlist("schools") if str(s).isdigit()]
    doc["schools"] = chosen or "all"
    if form.get("rule") == "grades":
        doc["grades"] = [int(g) for g in form.getlist("grades") if str(g).isdigit()]
    else:
        frost: dict[str, Any] = {"temperature": str(form.get("temperature") or "").strip()}
        if str(form.get("wind") or "").strip():
            frost["wind"] = str(form.get("wind")).strip()
        doc["frost"] = frost
    return doc


def _municipality_page(
    request: Request,
    session: Any,
    auth: Auth,
    *,
    error: ApiError | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    ctx = {
        "info": municipal.municipality_public(session, auth.scope),
        "orders": [
            municipal.board(session, o, auth.scope)
            for o in municipal.list_orders(session, auth.scope, limit=20)
        ],
        "reasons": REASON_RU,
        "status_ru": STATUS_RU,
        "grades": GRADES,
        "form": form or {},
        "error": error.message if error else None,
        "problems": error.problems if error else [],
    }
    return render(request, "municipality.html", ctx, status=error.status if error else 200,
                  auth=auth)  # fmt: skip


@router.get("/admin/municipality")
def municipality_page(request: Request, auth: PageAuth, session: SessionDep) -> Response:
    return _municipality_page(request, session, auth)


@router.post("/admin/municipality/orders")
async def create_order(
    request: Request,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> Response:
    form = await request.form()
    doc = order_from_form(form)
    try:
        row, jobs = municipal.create_order(session, auth.scope, doc, settings,
                                           author=auth.admin.login)  # fmt: skip
    except ApiError as exc:
        return _municipality_page(request, session, auth, error=exc, form=dict(form))
    for job_id in jobs:
        runner.submit(job_id)
    return redirect(f"/admin/municipality/orders/{row.id}")


@router.get("/admin/municipality/orders/{order_id}")
def order_page(
    request: Request,
    order_id: str,
    auth: PageAuth,
    session: SessionDep,
    published: int | None = None,
    failed: int | None = None,
) -> Response:
    """The dashboard of one order; htmx polls its board every 2 s while schools are moving."""
    row = municipal.get_order(session, order_id)
    ctx = {**municipal.board(session, row, auth.scope), "published": published, "failed": failed,
           "grades": GRADES, "status_ru": STATUS_RU}  # fmt: skip
    return render(request, "municipal_order.html", ctx, block="board", auth=auth)


@router.post("/admin/municipality/orders/{order_id}/publish")
def publish_all(
    request: Request, order_id: str, auth: PageAuth, session: SessionDep, settings: SettingsDep
) -> Response:
    row = municipal.get_order(session, order_id)
    done = municipal.publish_clean(session, row, auth.scope, settings, author=auth.admin.login)
    return redirect(
        f"/admin/municipality/orders/{row.id}?published={len(done['published'])}"
        f"&failed={len(done['failed'])}"
    )


@router.post("/admin/municipality/orders/{order_id}/schools/{school_id}/tighten")
async def tighten(
    request: Request,
    order_id: str,
    school_id: int,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    grades: Annotated[list[int] | None, Form()] = None,
) -> Response:
    row = municipal.get_order(session, order_id)
    school = schools.get_school(session, school_id)
    job_id = municipal.tighten(session, row, school, grades or [], settings,
                               author=auth.admin.login)  # fmt: skip
    if job_id:
        runner.submit(job_id)
    return redirect(f"/admin/municipality/orders/{row.id}")
