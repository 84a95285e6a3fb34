"""iCalendar subscription feeds: one per teacher and one per class (RFC 5545 + RFC 7986).

Decisions (see ``docs/exports.md``):

* One ``VEVENT`` per lesson occurrence, no ``RRULE`` — quarantine days are exceptions by nature and
  clients handle overrides of recurring events badly.
* ``UID`` = ``uuid5(namespace, "<feed kind>|<slot key>")@planner``: stable across re-plans (the
  slot key survives a move) and free of names (RFC 7986 §5.3). The feed kind is part of it so a
  teacher who also subscribes a class feed does not get two events merged into one.
* ``SEQUENCE`` = number of published versions that changed what the subscriber sees of the event,
  ``DTSTAMP``/``LAST-MODIFIED`` = the publication time of the last such version
  (:func:`planner.versions.event_revisions`); no ``METHOD``. So the same data gives the same bytes.
* A lesson that disappears stays ``STATUS:CANCELLED`` for :data:`GRACE` after its removal.
* Self-study: in *class* feeds it is an event at the item's time, or at the base lesson's time when
  the item has none, with «самостоятельно» in ``SUMMARY`` — that is when the child is expected to
  work on the subject. In *teacher* feeds it is left out (the teacher gives no lesson then); a
  lesson that turns from online into self-study is therefore cancelled in the teacher's feed.
* Call links go into teacher feeds only (``URL``, ``DESCRIPTION``, ``CONFERENCE``); class feeds
  carry them only when built as private (``private_class_links=True``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Conference, Event, vDuration

from planner.domain.model import Timetable, class_order, hhmm
from planner.domain.schedule import FORMAT_RU, KIND_RU, Schedule, ScheduleItem
from planner.engine.versions import (
    PublishedVersion,
    Revision,
    VersionHistory,
    content_hash,
    event_revisions,
)

from .common import base_times, by_class_day, is_primary, lesson_times
from .slugs import assign_slugs

NAMESPACE = uuid.UUID("6f1c2a8e-3b7d-5e41-9a0c-2d5e8b7f4c13")
UID_HOST = "planner"
PRODID = "-//remote-planner//Дистанционное расписание//RU"
REFRESH = timedelta(hours=1)
GRACE = timedelta(days=14)
HEALTH_KINDS = ("eye_gymnastics", "physical_break", "dynamic_pause")


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """Everything a subscriber sees of one event; equal events need no new ``SEQUENCE``."""

    uid: str
    date: date
    start: time
    end: time
    summary: str
    description: str
    location: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """One calendar: ``kind`` is ``teacher`` or ``class``, ``name`` whose it is."""

    kind: str
    name: str
    slug: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.slug}.ics"

    @property
    def title(self) -> str:
        if self.kind == "teacher":
            return f"{self.name} — дистанционное расписание"
        return f"{self.name} класс — дистанционное расписание"


def event_uid(feed_kind: str, slot_key: str) -> str:
    """Stable, name-free UID of an event of a feed kind (RFC 7986 §5.3)."""
    return f"{uuid.uuid5(NAMESPACE, f'{feed_kind}|{slot_key}')}@{UID_HOST}"


def health_inside(day_items: Iterable[ScheduleItem], lesson: ScheduleItem) -> list[ScheduleItem]:
    """Eye gymnastics, физкультминутки and pauses inside a lesson (``day_items``: its class-day)."""
    if lesson.start_min is None or lesson.end_min is None:
        return []
    out = []
    for h in day_items:
        if h.kind not in HEALTH_KINDS or h.start_min is None:
            continue
        if h.group and lesson.group and h.group != lesson.group:
            continue
        if lesson.start_min <= h.start_min < lesson.end_min:
            out.append(h)
    return out


def health_lines(items: Iterable[ScheduleItem]) -> list[str]:
    """``Гимнастика для глаз: 09:14–09:16`` per health item."""
    return [
        f"{KIND_RU[h.kind].capitalize()}: {hhmm(h.start)}–{hhmm(h.end)}"
        for h in sorted(items, key=lambda h: (h.start_min or 0, h.kind))
    ]


def _who(item: ScheduleItem) -> str:
    classes = ", ".join(item.classes or (item.class_name,))
    return f"{classes} ({item.group})" if item.group else classes


def _lesson_event(
    feed_kind: str,
    day_items: list[ScheduleItem],
    item: ScheduleItem,
    times: tuple[time, time],
    *,
    with_link: bool,
) -> FeedEvent:
    fmt = FORMAT_RU.get(item.format or "", item.format or "")
    lines = [f"Формат: {fmt}"]
    if feed_kind == "teacher":
        lines.append(f"Класс: {_who(item)}")
    elif item.teacher:
        lines.append(f"Учитель: {item.teacher}")
    if item.format == "self_study":
        lines.append("Самостоятельная работа по заданию учителя (в ЭПОС).")
    health = health_lines(health_inside(day_items, item))
    if health:
        lines.append("Здоровье на уроке:")
        lines.extend(f"• {line}" for line in health)
    url = None
    if with_link and item.format == "online":
        if item.call_url:
            url = item.call_url
            lines.append(f"Ссылка на звонок: {item.call_url}")
        else:
            lines.append("Ссылка на звонок появится позже.")
    location = item.room if item.format == "in_person" else None
    if item.format == "online":
        location = "онлайн"
    return FeedEvent(
        uid=event_uid(feed_kind, item.slot_key),
        date=item.date,
        start=times[0],
        end=times[1],
        summary=f"{item.subject or 'Урок'}, {_who(item)}, {fmt}",
        description="\n".join(lines),
        location=location,
        url=url,
    )


def _health_event(item: ScheduleItem) -> FeedEvent:
    assert item.start is not None and item.end is not None
    return FeedEvent(
        uid=event_uid("class", item.slot_key),
        date=item.date,
        start=item.start,
        end=item.end,
        summary=f"{KIND_RU[item.kind].capitalize()}, {item.class_name}",
        description="Перерыв без экрана: " + KIND_RU[item.kind] + ".",
    )


def feed_events(
    schedule: Schedule,
    timetable: Timetable | None = None,
    *,
    private_class_links: bool = False,
    health_events: bool = False,
    only: str | None = None,
) -> dict[str, dict[str, FeedEvent]]:
    """Feed id (``teacher:<name>``, ``class:<name>``) → UID → event, for one schedule.

    ``only`` (a feed id) builds that feed alone: the same events, without the work for the rest.
    """
    kind, _, name = (only or "").partition(":")
    want_class = only is None or kind == "class"
    want_teacher = only is None or kind == "teacher"
    times_of = base_times(timetable)
    days = by_class_day(schedule.items)
    feeds: dict[str, dict[str, FeedEvent]] = {}
    for item in schedule.lessons():
        times = lesson_times(item, times_of)
        if times is None:
            continue
        day_items = days[(item.class_name, item.date)]
        if want_class and (only is None or item.class_name == name):
            ev = _lesson_event("class", day_items, item, times, with_link=private_class_links)
            feeds.setdefault(f"class:{item.class_name}", {})[ev.uid] = ev
        # A combined lesson is one teacher event, known by its first class's slot.
        if not want_teacher or item.format == "self_study" or not item.teacher:
            continue
        teachers = [t for t in (t.strip() for t in item.teacher.split(",")) if t]
        if not is_primary(item) or (only is not None and name not in teachers):
            continue
        ev = _lesson_event("teacher", day_items, item, times, with_link=True)
        for teacher in teachers if only is None else [name]:
            feeds.setdefault(f"teacher:{teacher}", {})[ev.uid] = ev
    if health_events and want_class:
        for h in schedule.items:
            if h.kind not in HEALTH_KINDS or h.start is None or h.end is None:
                continue
            if only is not None and h.class_name != name:
                continue
            inside = any(
                lesson.start_min is not None
                and lesson.end_min is not None
                and lesson.start_min <= (h.start_min or 0) < lesson.end_min
                for lesson in days[(h.class_name, h.date)]
                if lesson.is_lesson and (not h.group or not lesson.group or h.group == lesson.group)
            )
            if not inside:
                ev = _health_event(h)
                feeds.setdefault(f"class:{h.class_name}", {})[ev.uid] = ev
    return feeds


def with_draft(schedule: Schedule, history: VersionHistory | None, now: datetime) -> VersionHistory:
    """The history with ``schedule`` as its latest version (appended at ``now`` if unpublished)."""
    history = history or VersionHistory()
    digest = content_hash(schedule)
    if history.latest is not None and history.latest.content_hash == digest:
        return history
    draft = PublishedVersion(len(history) + 1, now, "черновик", "", schedule, digest)
    return VersionHistory((*history.versions, draft))


def _sep(feed_id: str, uid: str) -> str:
    return f"{feed_id}\x1f{uid}"


def build_calendar(
    feed: Feed,
    events: Iterable[tuple[FeedEvent, Revision, str]],
    tz: str,
) -> bytes:
    """The ``.ics`` bytes of one feed; ``events`` are (event, revision, STATUS)."""
    zone = ZoneInfo(tz)
    cal = Calendar.new(
        name=feed.title,
        prodid=PRODID,
        uid=uuid.uuid5(NAMESPACE, "feed|" + feed.id),
        refresh_interval=REFRESH,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    cal.add("X-WR-TIMEZONE", tz)
    years: set[int] = set()
    for ev, rev, status in sorted(events, key=lambda e: (e[0].date, e[0].start, e[0].uid)):
        stamp = rev.changed_at.astimezone(UTC)
        changed_local = rev.changed_at.astimezone(zone)
        description = f"{ev.description}\nОбновлено: {changed_local:%d.%m.%Y %H:%M}"
        if status == "CANCELLED":
            description = "Урок отменён.\n" + description
        component = Event.new(
            uid=ev.uid,
            start=datetime.combine(ev.date, ev.start, tzinfo=zone),
            end=datetime.combine(ev.date, ev.end, tzinfo=zone),
            summary=ev.summary if status != "CANCELLED" else f"Отменён: {ev.summary}",
            description=description,
            sequence=rev.sequence,
            stamp=stamp,
            last_modified=stamp,
            status=status,
            location=ev.location,
            url=ev.url,
            conferences=(
                [Conference(ev.url, feature="VIDEO", label="Видеозвонок")] if ev.url else None
            ),
        )
        cal.add_component(component)
        years.add(ev.date.year)
    if years:
        cal.add_missing_timezones(
            first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1)
        )
    return cal.to_ical()


def feed_entries(
    history: VersionHistory,
    timetable: Timetable | None,
    *,
    now: datetime,
    private_class_links: bool = False,
    health_events: bool = False,
    grace: timedelta = GRACE,
    only: str | None = None,
) -> dict[str, list[tuple[FeedEvent, Revision, str]]]:
    """Feed id → (event, revision, STATUS) of every feed (or the feed ``only``), from the whole
    history.

    The latest version's events are ``CONFIRMED``; events of earlier versions that are gone stay
    ``CANCELLED`` for ``grace`` after the version that removed them.
    """

    def fingerprints(s: Schedule) -> dict[str, FeedEvent]:
        return {
            _sep(fid, uid): ev
            for fid, events in feed_events(
                s,
                timetable,
                private_class_links=private_class_links,
                health_events=health_events,
                only=only,
            ).items()
            for uid, ev in events.items()
        }

    per_feed: dict[str, list[tuple[FeedEvent, Revision, str]]] = {}
    for key, rev in event_revisions(history, fingerprints).items():
        fid, _uid = key.split("\x1f", 1)
        if rev.present:
            status = "CONFIRMED"
        elif now - rev.changed_at <= grace:
            status = "CANCELLED"
        else:
            continue
        assert isinstance(rev.state, FeedEvent)
        per_feed.setdefault(fid, []).append((rev.state, rev, status))
    return per_feed


def render_feed(
    kind: str,
    name: str,
    history: VersionHistory,
    timetable: Timetable | None,
    *,
    now: datetime,
    private_class_links: bool = False,
    health_events: bool = False,
    grace: timedelta = GRACE,
) -> bytes:
    """One feed (``kind`` ``teacher`` or ``class``) of the latest published version, as bytes.

    For the web app's feed route: the same bytes ``write_feeds`` writes for that feed.
    """
    latest = history.latest
    if latest is None:
        raise ValueError("no published version")
    feed = Feed(kind, name, "")
    entries = feed_entries(
        history,
        timetable,
        now=now,
        private_class_links=private_class_links,
        health_events=health_events,
        grace=grace,
        only=feed.id,
    )
    return build_calendar(feed, entries.get(feed.id, []), latest.schedule.timezone)


def write_feeds(
    outdir: Path,
    schedule: Schedule,
    timetable: Timetable | None,
    history: VersionHistory | None = None,
    *,
    now: datetime,
    private_class_links: bool = False,
    health_events: bool = False,
    grace: timedelta = GRACE,
) -> list[Path]:
    """Write ``teacher-<slug>.ics`` and ``class-<slug>.ics`` into ``outdir``; returns the paths.

    ``history`` holds the published versions; ``schedule`` is the latest (added at ``now`` when it
    is not published yet). Events of earlier versions that are gone stay cancelled for ``grace``.
    """
    per_feed = feed_entries(
        with_draft(schedule, history, now),
        timetable,
        now=now,
        private_class_links=private_class_links,
        health_events=health_events,
        grace=grace,
    )
    teachers = assign_slugs(f.split(":", 1)[1] for f in per_feed if f.startswith("teacher:"))
    classes = assign_slugs(f.split(":", 1)[1] for f in per_feed if f.startswith("class:"))
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    order = sorted(
        per_feed,
        key=lambda f: (
            f.split(":")[0],
            class_order(f.split(":", 1)[1]) if f.startswith("c") else f,
        ),
    )
    for fid in order:
        kind, name = fid.split(":", 1)
        feed = Feed(kind, name, (teachers if kind == "teacher" else classes)[name])
        path = outdir / feed.filename
        path.write_bytes(build_calendar(feed, per_feed[fid], schedule.timezone))
        paths.append(path)
    return paths
