"""The latest published version as it stands today: with what teachers attached since.

A published version and its files never change. Teachers keep attaching recordings and
assignments to remote lessons (the self-study route, regulation item 3.7) and call links after
publication; the class chat messages and the ЭПОС files made here carry them: ``epos.csv`` /
``epos.xlsx`` (topic and homework columns; the call link column for online lessons) and the chat
text of each remote class.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy.orm import Session

from api.models import School, TimetableUpload, Version
from api.problems import Conflict
from api.services.call_links import call_links_of
from api.services.link_views import apply_call_links
from api.services.materials import with_materials
from api.services.schools import timetable_of, version_schedule
from api.services.versions import list_versions
from planner.domain.model import Timetable, sort_class_names
from planner.domain.schedule import Schedule
from planner.engine.changes import diff_against_base, diff_schedules


@dataclass(frozen=True)
class Current:
    version: Version
    previous: Version | None
    schedule: Schedule  # with the materials (and, for ЭПОС, the call links) attached
    timetable: Timetable | None


def current(session: Session, school: School, *, with_calls: bool = False) -> Current | None:
    """The latest version with its lessons' materials (``with_calls``: and call links)."""
    published = list_versions(session, school)
    if not published:
        return None
    latest = published[-1]
    schedule = with_materials(session, version_schedule(latest), school.id)
    if with_calls:
        calls = call_links_of(session, school.id)
        schedule = schedule.with_items(apply_call_links(schedule.items, calls, keep=True))
    upload = session.get(TimetableUpload, latest.timetable_id)
    timetable = timetable_of(upload, school.name) if upload else None
    previous = published[-2] if len(published) > 1 else None
    return Current(latest, previous, schedule, timetable)


def chat_messages(session: Session, school: School) -> list[tuple[str, str]]:
    """(class, message text) for every remote class of the latest version (none published: [])."""
    from planner.exports.chat import class_message

    now = current(session, school)
    if now is None:
        return []
    since = None
    if now.previous is not None:
        since = diff_schedules(version_schedule(now.previous), now.schedule)
    names = sort_class_names(now.schedule.order.get("classes") or [])
    return [
        (
            name,
            class_message(
                now.schedule,
                name,
                timetable=now.timetable,
                since_previous=since,
                version=now.version.number,
            ),
        )
        for name in names
    ]


def epos_file(session: Session, school: School, kind: str) -> tuple[bytes, str]:
    """``epos.csv`` or ``epos.xlsx`` of the latest version as it stands today; its file name."""
    from planner.exports.epos import epos_rows, write_epos_csv, write_epos_xlsx

    now = current(session, school, with_calls=True)
    if now is None or now.timetable is None:
        raise Conflict(f"у школы «{school.name}» ещё нет опубликованного расписания.")
    rows = epos_rows(now.schedule, diff_against_base(now.schedule, now.timetable), now.timetable)
    name = f"epos-v{now.version.number}.{kind}"
    with TemporaryDirectory(prefix="planner-epos-") as tmp:
        target = Path(tmp) / name
        if kind == "xlsx":
            write_epos_xlsx(target, rows, title=f"{school.name} — ЭПОС")
        else:
            write_epos_csv(target, rows)
        return target.read_bytes(), name
