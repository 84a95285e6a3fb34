"""Call links set by teachers: checked https links per class or lesson slot.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import CallLink, Link
from api.problems import Invalid, NotFound
from api.services.common import is_https_link
from api.services.schools import current_timetable, get_school, touch_served
from planner.domain.model import sort_class_names


def _check_call_url(url: str) -> str:
    url = url.strip()
    if not is_https_link(url):
        raise Invalid(
            f"«{url}» — не ссылка на звонок; вставьте ссылку целиком, начиная с https:// "
            "(например https://sferum.ru/?call_link=…)."
        )
    return url


def set_call_link(
    session: Session, link: Link, class_name: str, url: str, *, slot: str = ""
) -> CallLink | None:
    """A teacher sets (or with an empty ``url`` removes) the call link of a class or lesson slot."""
    if link.kind != "teacher":
        raise NotFound("ссылки на звонки задаёт учитель по своей ссылке.")
    school = get_school(session, link.school_id)
    timetable = current_timetable(session, school)
    classes = {c for x in timetable.lessons_of_teacher(link.target) for c in x.classes}
    if class_name not in classes:
        raise Invalid(
            f"у учителя «{link.target}» нет уроков в классе «{class_name}»; "
            f"есть: {', '.join(sort_class_names(classes)) or 'нет уроков'}."
        )
    if slot and f"|{class_name}|" not in f"|{slot}|":
        raise Invalid(f"урок «{slot}» не относится к классу «{class_name}».")
    row = session.scalar(
        select(CallLink).where(
            CallLink.school_id == school.id,
            CallLink.teacher == link.target,
            CallLink.class_name == class_name,
            CallLink.slot == slot,
        )
    )
    if not url.strip():
        if row is not None:
            session.delete(row)
            touch_served(session, school.id, data="calls")
            session.commit()
        return None
    clean = _check_call_url(url)
    if row is None:
        row = CallLink(
            school_id=school.id, teacher=link.target, class_name=class_name, slot=slot, url=clean
        )
        session.add(row)
    else:
        row.url = clean
        row.updated_at = utcnow()
    touch_served(session, school.id, data="calls")
    session.commit()
    return row


def call_links_of(session: Session, school_id: int) -> list[CallLink]:
    return list(session.scalars(select(CallLink).where(CallLink.school_id == school_id)))
