"""The ICS feed of a class or teacher link, byte-stable so ETag/304 work.

Events are the link's lessons of the latest published version (expanded, no RRULE). UIDs are
uuid5 of the lesson slot (no names in them), SEQUENCE/DTSTAMP come from the version history
(:func:`planner.versions.event_revisions`); self-study lessons have no time and are left out (they
are on the page and in the chat message). Call links appear only when the link grants them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event, vDuration

from api.services import LinkView
from planner.schedule import Schedule, ScheduleItem

NAMESPACE = uuid.UUID("2f0b9f4e-8a57-4d1e-9a43-3c6c3f7e0a11")
PRODID = "-//remote-planner//feeds//RU"
FORMAT_RU = {"online": "онлайн", "self_study": "самостоятельно", "in_person": "очно"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def event_uid(item: ScheduleItem) -> str:
    return f"{uuid.uuid5(NAMESPACE, 'lesson:' + item.slot_key)}@planner"


def _events(items: list[ScheduleItem]) -> list[ScheduleItem]:
    """Timed lessons (self-study has no time and stays off the calendar)."""
    return [i for i in items if i.kind == "lesson" and i.start is not None and i.end is not None]


def _fingerprints(items_of: Any) -> Any:
    def fp(schedule: Schedule) -> dict[str, Any]:
        return {
            event_uid(i): (i.date, i.start, i.end, i.subject, i.teacher, i.format, i.room)
            for i in _events(items_of(schedule))
        }

    return fp


def build_feed(view: LinkView, history: Any) -> bytes:
    """The feed bytes; the same data always gives the same bytes."""
    link, school = view.link, view.school
    tz = school.timezone
    if link.kind == "class":

        def items_of(s: Schedule) -> list[ScheduleItem]:
            return s.of_class(link.target)

        name = f"{link.target} — {school.name}"
    else:

        def items_of(s: Schedule) -> list[ScheduleItem]:
            return s.of_teacher(link.target)

        name = f"{link.target} — уроки"
    from planner.versions import event_revisions

    revisions = event_revisions(history, _fingerprints(items_of)) if len(history) else {}
    cal = Calendar.new(
        name=_clean(name),
        prodid=PRODID,
        uid=uuid.uuid5(NAMESPACE, f"feed:{link.kind}:{link.school_id}:{link.target}"),
        refresh_interval=timedelta(minutes=30),
    )
    cal.add("X-WR-CALNAME", _clean(name))
    cal.add("X-WR-TIMEZONE", tz)
    cal.add("X-PUBLISHED-TTL", vDuration(timedelta(minutes=30)))
    events = _events(view.items)
    current = {event_uid(i) for i in events}
    for item in events:
        uid = event_uid(item)
        rev = revisions.get(uid)
        stamp = rev.changed_at if rev else view.last_modified
        summary = f"{item.subject or 'Урок'}, {item.class_name}"
        if item.group:
            summary += f" ({item.group})"
        summary += f" — {FORMAT_RU.get(item.format or '', item.format or '')}"
        lines = []
        if link.kind == "class" and item.teacher:
            lines.append(f"Учитель: {item.teacher}")
        if item.kind == "lesson" and item.screen_minutes is not None and item.format == "online":
            lines.append(f"У экрана: {item.screen_minutes} мин.")
        if item.note:
            lines.append(item.note)
        ev = Event.new(
            uid=uid,
            start=item.aware_start(tz),
            end=item.aware_end(tz),
            summary=_clean(summary),
            sequence=rev.sequence if rev else 0,
            stamp=_utc(stamp),
            status="CONFIRMED",
        )
        if item.room and item.format == "in_person":
            ev.add("location", _clean(item.room))
        if view.with_calls and item.call_url:
            lines.append(f"Подключиться: {item.call_url}")
            ev.add("url", item.call_url)
        if lines:
            ev.add("description", _clean("\n".join(lines)))
        cal.add_component(ev)
    # Lessons of earlier versions that are gone now: kept as cancelled (recent ones only).
    latest = history.latest if len(history) else None
    if latest is not None:
        grace = latest.published_at - timedelta(days=14)
        for version in history.versions:
            for item in _events(items_of(version.schedule)):
                uid = event_uid(item)
                rev = revisions.get(uid)
                if uid in current or rev is None or rev.present or rev.changed_at < grace:
                    continue
                if rev.last_version != version.number:
                    continue
                current.add(uid)
                cal.add_component(
                    Event.new(
                        uid=uid,
                        start=item.aware_start(tz),
                        end=item.aware_end(tz),
                        summary=_clean(f"Отменено: {item.subject or 'урок'}, {item.class_name}"),
                        sequence=rev.sequence,
                        stamp=_utc(rev.changed_at),
                        status="CANCELLED",
                    )
                )
    dates = [i.date for i in events] or [date(2026, 1, 1)]
    cal.add_missing_timezones(first_date=min(dates), last_date=max(dates) + timedelta(days=1))
    return cal.to_ical()


def _utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.astimezone(UTC).replace(microsecond=0)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
