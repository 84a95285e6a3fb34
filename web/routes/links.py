"""Class and teacher links with QR codes, the downloads page of published versions."""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from api.deps import Auth, DbId, SessionDep, SettingsDep
from api.lru import Lru
from api.models import School
from api.problems import ApiError, Conflict
from api.services import current_exports, links, schools, versions
from planner.domain.model import sort_class_names
from planner.exports.chat import split_message
from web.pages import PageAuth, redirect, render

router = APIRouter(include_in_schema=False)


#: QR codes by URL: ~15 ms of pure Python each (segno tries all eight masks), the same for a
#: link's whole life — computed once per process, not on every visit of the links page
_QR: Lru[str, str] = Lru(4096)


def qr_sheet_svg(url: str) -> str:
    """A QR code big enough to scan from a forwarded photo of the printed sheet."""
    return segno.make(url, error="m").svg_inline(scale=8, title=url, dark="#000", light="#fff")


def qr_svg(url: str) -> str:
    """An inline SVG QR code (segno), sized for printing next to the class name."""
    return _QR.get(
        url,
        lambda: segno.make(url, error="m").svg_inline(
            scale=3, title=url, dark="#000", light="#fff"
        ),
    )


def _links_context(session: Any, school: School, settings: Any, q: str = "") -> dict[str, Any]:
    rows = []
    needle = q.strip().casefold()
    for link in links.list_links(session, school):
        if needle and needle not in link.target.casefold():
            continue
        urls = links.link_urls(link, settings)
        rows.append({"link": link, **urls, "qr": qr_svg(urls["page_url"])})
    try:
        classes = sort_class_names(schools.current_timetable(session, school).classes)
    except ApiError:
        classes = []
    return {"school": school, "rows": rows, "classes": classes, "q": q,
            "address": links.public_address(settings)}  # fmt: skip


def _links_page(
    request: Request,
    session: Any,
    school: School,
    settings: Any,
    auth: Auth,
    error: ApiError | None = None,
    published: int | None = None,
    q: str = "",
    issued: int | None = None,
) -> Response:
    ctx = {**_links_context(session, school, settings, q), "published": published,
           "error": error.message if error else None, "issued": None}  # fmt: skip
    if issued is not None:
        ctx["issued"] = next((r["link"] for r in ctx["rows"] if r["link"].id == issued), None)
    return render(request, "links.html", ctx, status=error.status if error else 200, auth=auth)


@router.get("/admin/schools/{school_id}/links")
def links_page(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    published: int | None = None,
    q: Annotated[str, Query(max_length=100)] = "",
    issued: int | None = None,
) -> Response:
    school = schools.get_school(session, school_id)
    return _links_page(request, session, school, settings, auth, published=published, q=q,
                       issued=issued)  # fmt: skip


@router.get("/admin/schools/{school_id}/links/sheets")
def link_sheets(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    target: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Print-ready sheets: one page per class with its QR code and address, for the class
    teacher to forward to the families (``target``: one class; empty: every class)."""
    school = schools.get_school(session, school_id)
    rows = [
        {"link": link, **links.link_urls(link, settings)}
        for link in links.list_links(session, school)
        if link.kind == "class" and (not target or link.target == target)
    ]
    for row in rows:
        row["qr"] = qr_sheet_svg(row["page_url"])
    ctx = {"school": school, "rows": rows, "address": links.public_address(settings)}
    return render(request, "link_sheets.html", ctx, auth=auth)


@router.get("/admin/schools/{school_id}/chat")
def chat_page(request: Request, school_id: DbId, auth: PageAuth, session: SessionDep) -> Response:
    """The class chat messages of the latest version, each in parts a messenger takes, with a
    copy button per part."""
    school = schools.get_school(session, school_id)
    messages = [(name, split_message(text)) for name, text in
                current_exports.chat_messages(session, school)]  # fmt: skip
    return render(request, "chat.html", {"school": school, "messages": messages}, auth=auth)


@router.post("/admin/schools/{school_id}/links")
def issue_link(
    request: Request,
    school_id: DbId,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
    target: Annotated[str, Form(max_length=200)] = "",
    with_calls: Annotated[str, Form()] = "",
) -> Response:
    school = schools.get_school(session, school_id)
    try:
        link = links.issue_link(
            session, school, "class", target.strip(), with_calls=bool(with_calls)
        )
    except ApiError as exc:
        return _links_page(request, session, school, settings, auth, exc)
    return redirect(f"/admin/schools/{school.id}/links?issued={link.id}#link-{link.id}")


@router.post("/admin/links/{link_id}/{action}")
def link_action(
    request: Request,
    link_id: DbId,
    action: str,
    auth: PageAuth,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    link = links.get_link(session, link_id)
    try:
        links.change_link(session, link_id, action)
    except Conflict as exc:  # e.g. rotating a link that was revoked meanwhile
        school = schools.get_school(session, link.school_id)
        return _links_page(request, session, school, settings, auth, exc)
    return redirect(f"/admin/schools/{link.school_id}/links")


@router.get("/admin/schools/{school_id}/downloads")
def downloads_page(
    request: Request, school_id: DbId, auth: PageAuth, session: SessionDep
) -> Response:
    school = schools.get_school(session, school_id)
    published = list(reversed(versions.list_versions(session, school)))
    messages = current_exports.chat_messages(session, school)
    return render(request, "downloads.html",
                  {"school": school, "versions": published, "messages": messages},
                  auth=auth)  # fmt: skip
