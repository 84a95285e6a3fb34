"""Class and teacher links: one active token link per class and teacher, issue, revoke, rotate.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from api import security
from api.db import utcnow
from api.models import Link, School
from api.problems import Conflict, Invalid, NotFound
from api.services.common import iso
from api.services.schools import (
    current_timetable,
    get_school,
    latest_version,
    touch_served,
    version_schedule,
)
from api.services.tenancy import missing
from api.settings import Settings
from planner.domain.model import sort_class_names
from planner.domain.schedule import ScheduleItem


def ensure_links(
    session: Session, school: School, classes: Iterable[str], teachers: Iterable[str]
) -> None:
    """One active link per class and per teacher of a timetable (missing ones are created)."""
    active = {
        (link.kind, link.target)
        for link in session.scalars(
            select(Link).where(Link.school_id == school.id, Link.revoked_at.is_(None))
        )
    }
    for kind, targets in (
        ("class", sort_class_names(classes)),
        ("teacher", sorted(teachers)),
    ):
        for target in targets:
            if (kind, target) not in active:
                session.add(
                    Link(school_id=school.id, kind=kind, target=target, token=security.link_token())
                )
    session.flush()


def issue_link(
    session: Session, school: School, kind: str, target: str, *, with_calls: bool
) -> Link:
    """An extra link for a class (optionally with call links) or a teacher."""
    timetable = current_timetable(session, school)
    if kind == "class" and target not in timetable.classes:
        raise Invalid(f"класса «{target}» нет в расписании школы.")
    if kind == "teacher" and target not in timetable.teachers:
        raise Invalid(f"учителя «{target}» нет в расписании школы.")
    if kind not in ("class", "teacher"):
        raise Invalid("kind — class или teacher.")
    link = Link(
        school_id=school.id,
        kind=kind,
        target=target,
        token=security.link_token(),
        with_calls=with_calls or kind == "teacher",
    )
    session.add(link)
    session.commit()
    return link


def list_links(
    session: Session,
    school: School,
    *,
    include_revoked: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[Link]:
    """Class links (in class order), then teacher links; ``offset``/``limit`` give one page of
    that order (a city school has thousands: a page shows a slice)."""
    query = select(Link).where(Link.school_id == school.id)
    if not include_revoked:
        query = query.where(Link.revoked_at.is_(None))
    links = list(session.scalars(query))
    order = {name: i for i, name in enumerate(sort_class_names({x.target for x in links}))}
    ordered = sorted(links, key=lambda x: (x.kind != "class", order.get(x.target, 0), x.id))
    return ordered[offset : None if limit is None else offset + limit]


def get_link(session: Session, link_id: int) -> Link:
    link = session.get(Link, link_id)
    if link is None:
        raise missing("link_id", link_id)
    return link


def is_loopback(base_url: str) -> bool:
    """True when the address is this computer only (127.0.0.1, localhost, ::1) or no address
    at all (0.0.0.0): a parent's phone cannot open a link to it."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


#: how to make links reach phones: one text for the links page, ``planner serve`` and the README
PUBLIC_ADDRESS_HOWTO = (
    "Чтобы ссылки открывались с телефонов, запустите сервер в школьной сети: "
    "planner serve --host 0.0.0.0 (или bash scripts/start.sh --host 0.0.0.0) и задайте адрес, "
    "по которому компьютер виден в сети, в переменной окружения PLANNER_BASE_URL, например "
    "PLANNER_BASE_URL=http://192.168.1.10:8000. Ссылки и QR-коды сменятся сами; токены те же."
)


def public_address(settings: Settings) -> dict[str, Any]:
    """The address the links use and, for a loopback one, the warning with what to do."""
    loopback = is_loopback(settings.base_url)
    warning = None
    if loopback:
        warning = (
            f"Ссылки ведут на {settings.base_url} — это адрес только этого компьютера: с телефона "
            "родителя или учителя они не откроются."
        )
    return {"url": settings.base_url, "loopback": loopback, "warning": warning,
            "howto": PUBLIC_ADDRESS_HOWTO}  # fmt: skip


def link_urls(link: Link, settings: Settings) -> dict[str, str]:
    prefix = "c" if link.kind == "class" else "t"
    return {
        "page_url": f"{settings.base_url}/{prefix}/{link.token}",
        "feed_url": f"{settings.base_url}/feeds/{link.token}.ics",
    }


def link_public(link: Link, settings: Settings) -> dict[str, Any]:
    return {
        "id": link.id,
        "kind": link.kind,
        "target": link.target,
        "with_calls": link.with_calls,
        "created_at": iso(link.created_at),
        "revoked": link.revoked_at is not None,
        "token": link.token,
        **link_urls(link, settings),
    }


def revoke_link(session: Session, link: Link) -> Link:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        touch_served(session, link.school_id, link_id=link.id)
        session.commit()
    return link


def rotate_link(session: Session, link: Link) -> Link:
    """Revoke a link and issue a new one for the same class/teacher with the same rights."""
    if link.revoked_at is not None:
        raise Conflict("ссылка уже отозвана; выпустите новую для этого класса или учителя.")
    new = Link(
        school_id=link.school_id,
        kind=link.kind,
        target=link.target,
        token=security.link_token(),
        with_calls=link.with_calls,
    )
    session.add(new)
    session.flush()
    link.revoked_at = utcnow()
    link.replaced_by_id = new.id
    touch_served(session, link.school_id, link_id=link.id)
    session.commit()
    return new


LINK_ACTIONS = ("revoke", "rotate")


def change_link(session: Session, link_id: int, action: str) -> Link:
    """``revoke`` (the link itself) or ``rotate`` (the new link that replaces it)."""
    if action not in LINK_ACTIONS:
        raise NotFound(f"действия «{action}» со ссылкой нет; есть revoke и rotate.")
    link = get_link(session, link_id)
    return revoke_link(session, link) if action == "revoke" else rotate_link(session, link)


def resolve_token(session: Session, token: str) -> Link:
    """The active link of a token; unknown and revoked tokens are the same 404."""
    link = session.scalar(select(Link).where(Link.token == token))
    if link is None or link.revoked_at is not None:
        raise NotFound("ссылка недействительна: её отозвали или заменили; попросите новую в школе.")
    return link


def teacher_class(session: Session, link: Link, class_name: str) -> str:
    """The class a teacher link acts for (attendance, readiness, lesson materials): one of the
    classes she teaches in the school's timetable. A class link, or a class she does not teach,
    is the same 404 as an unknown token: a link opens only what it was issued for."""
    if link.kind == "teacher":
        timetable = current_timetable(session, get_school(session, link.school_id))
        name = class_name.strip()
        if any(name in x.classes for x in timetable.lessons_of_teacher(link.target)):
            return name
    raise NotFound(f"по этой ссылке нельзя вносить данные класса «{class_name.strip()}».")


def teacher_classes(session: Session, link: Link) -> list[str]:
    """Every class a teacher link may act for, in school order."""
    if link.kind != "teacher":
        return []
    timetable = current_timetable(session, get_school(session, link.school_id))
    return sort_class_names(
        {c for x in timetable.lessons_of_teacher(link.target) for c in x.classes}
    )


def teacher_lesson(
    session: Session, link: Link, slot: str, formats: tuple[str, ...]
) -> ScheduleItem:
    """One of the teacher's lessons of the latest published version, by its ``slot_key`` (each class
    of a combined lesson has its own), in one of ``formats``; anything else (another teacher's
    lesson, a class link, no such lesson) is 404."""
    version = latest_version(session, get_school(session, link.school_id))
    if link.kind == "teacher" and version is not None:
        for item in version_schedule(version).of_teacher(link.target):
            if item.format not in formats:
                continue
            for c in item.classes or (item.class_name,):
                each = replace(item, class_name=c)
                if each.slot_key == slot:
                    return each
    raise NotFound("такого урока среди ваших дистанционных уроков нет; обновите страницу.")
