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
* The files are written here, line by line (:func:`build_calendar`): every text property built
  from data (``NAME``, ``X-WR-CALNAME``, ``SUMMARY``, ``DESCRIPTION``, ``LOCATION``…) is escaped
  per RFC 5545 §3.3.11 (:func:`ical_text`), URIs cannot break a line (:func:`ical_uri`), lines
  are folded at 75 octets (:func:`fold`). The ``VTIMEZONE`` is built once per zone and years
  (:func:`vtimezone`): by hand for a zone of one standard offset, by icalendar for any other.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.domain.model import Timetable, class_order, hhmm, minutes
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
_NAMESPACE_BYTES = NAMESPACE.bytes
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
    """Stable, name-free UID of an event of a feed kind (RFC 7986 §5.3).

    ``uuid5(NAMESPACE, "<feed kind>|<slot key>")`` — the same digits, without building a
    ``uuid.UUID`` (a feed history asks for tens of thousands of them).
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{feed_kind}|{slot_key}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@{UID_HOST}"


#: a class-day's health slots with a start: (start minute, group, item), in day order
HealthSlots = list[tuple[int, str | None, ScheduleItem]]


def day_health(day_items: Iterable[ScheduleItem]) -> HealthSlots:
    """The eye gymnastics, физкультминутки and pauses of a class-day, for :func:`health_during`."""
    return [
        (minutes(h.start), h.group, h)
        for h in day_items
        if h.kind in HEALTH_KINDS and h.start is not None
    ]


def health_during(slots: HealthSlots, lesson: ScheduleItem) -> list[ScheduleItem]:
    """The health slots (:func:`day_health` of its class-day) inside a lesson."""
    start, end = lesson.start_min, lesson.end_min
    if start is None or end is None:
        return []
    group = lesson.group
    return [h for at, g, h in slots if start <= at < end and not (g and group and g != group)]


def health_inside(day_items: Iterable[ScheduleItem], lesson: ScheduleItem) -> list[ScheduleItem]:
    """Eye gymnastics, физкультминутки and pauses inside a lesson (``day_items``: its class-day)."""
    return health_during(day_health(day_items), lesson)


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
    health: list[str],
    item: ScheduleItem,
    times: tuple[time, time],
    *,
    with_link: bool,
) -> FeedEvent:
    """``health``: the :func:`health_lines` of the lesson."""
    fmt = FORMAT_RU.get(item.format or "", item.format or "")
    lines = [f"Формат: {fmt}"]
    if feed_kind == "teacher":
        lines.append(f"Класс: {_who(item)}")
    elif item.teacher:
        lines.append(f"Учитель: {item.teacher}")
    if item.format == "self_study":
        lines.append("Самостоятельная работа по заданию учителя (в ЭПОС).")
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
    health_of: dict[tuple[str, date], HealthSlots] = {}
    feeds: dict[str, dict[str, FeedEvent]] = {}
    for item in schedule.lessons():
        times = lesson_times(item, times_of)
        if times is None:
            continue
        for_class = want_class and (only is None or item.class_name == name)
        # A combined lesson is one teacher event, known by its first class's slot.
        teachers: list[str] = []
        if want_teacher and item.format != "self_study" and item.teacher and is_primary(item):
            teachers = [t for t in (t.strip() for t in item.teacher.split(",")) if t]
            if only is not None:
                teachers = [name] if name in teachers else []
        if not for_class and not teachers:
            continue
        key = (item.class_name, item.date)
        slots = health_of.get(key)
        if slots is None:  # the class-day's health slots, once
            slots = health_of[key] = day_health(days[key])
        health = health_lines(health_during(slots, item))
        if for_class:
            ev = _lesson_event("class", health, item, times, with_link=private_class_links)
            feeds.setdefault(f"class:{item.class_name}", {})[ev.uid] = ev
        if teachers:
            ev = _lesson_event("teacher", health, item, times, with_link=True)
            for teacher in teachers:
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
    latest = history.latest
    if latest is not None and latest.schedule is schedule:  # published just before: no hashing
        return history
    digest = content_hash(schedule)
    if latest is not None and latest.content_hash == digest:
        return history
    draft = PublishedVersion(len(history) + 1, now, "черновик", "", schedule, digest)
    return VersionHistory((*history.versions, draft))


def _sep(feed_id: str, uid: str) -> str:
    return f"{feed_id}\x1f{uid}"


# -- writing ------------------------------------------------------------------------------------

_TEXT_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URI_ENCODE = re.compile("[\x00-\x20\x7f]")
_FOLD_AT = 74  # octets of content per physical line (the continuation's space makes 75)
_CONFERENCE_PARAMS = ";FEATURE=VIDEO;LABEL=Видеозвонок;VALUE=URI"


@lru_cache(maxsize=1)
def _refresh() -> str:
    """``REFRESH`` as icalendar writes a duration (``vDuration``; the tests compare)."""
    hours, rest = divmod(int(REFRESH.total_seconds()), 3600)
    assert hours and not rest, "REFRESH is a whole number of hours under a day"
    return f"PT{hours}H"


def ical_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped.

    Other control characters may not appear in a content line; they are dropped.
    """
    if _TEXT_DROP.search(value):
        value = _TEXT_DROP.sub("", value)
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def ical_uri(value: str) -> str:
    """A URI value (not escaped in RFC 5545): spaces and control characters, which would break
    the line, percent-encoded."""
    return _URI_ENCODE.sub(lambda m: f"%{ord(m.group()):02X}", value)


def fold(line: str) -> bytes:
    """The UTF-8 content line folded at 75 octets (RFC 5545 §3.1), as icalendar folds it: never
    inside a character, and never right after a backslash or caret (the start of an escape)."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return data
    parts = []
    start = 0
    while len(data) - start > _FOLD_AT:
        end = start + _FOLD_AT
        while data[end] & 0xC0 == 0x80:  # inside a multi-byte character
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


#: a zone key that icalendar writes as it is, in ``TZID`` and as a parameter (no quoting)
_PLAIN_ZONE = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
_ZONE_STEP = timedelta(days=64)  # icalendar's first step when it looks for an offset change


def _plain_zone(tz: str) -> ZoneInfo | None:
    """``tz`` as a zone written without icalendar: a key it writes as it is, that zoneinfo
    knows; ``None`` for anything else (icalendar then says what it makes of it)."""
    if not _PLAIN_ZONE.fullmatch(tz):
        return None
    try:
        return ZoneInfo(tz)
    except (ValueError, OSError):
        return None


def _fixed_zone(tz: str, first: datetime) -> tuple[str, timedelta] | None:
    """The zone's name and standard offset when it keeps them from ``first`` (naive) on, as
    icalendar's ``Timezone.from_tzinfo`` finds it: it steps 64 days at a time to the end of the
    calendar and finds no other offset. ``None`` for anything else — a change of offset, daylight
    time, an offset of seconds, UTC or a zone icalendar might name otherwise — which icalendar
    then writes itself."""
    zone = _plain_zone(tz)
    if zone is None:
        return None
    start = first.replace(tzinfo=zone)
    offset = start.utcoffset()
    if not offset or start.dst() or offset % timedelta(minutes=1):
        return None
    end = start
    try:
        while True:
            end += _ZONE_STEP
            if end.utcoffset() != offset:
                return None
    except OverflowError:  # the end of the calendar (year 9999): one offset all the way
        pass
    return start.tzname() or str(offset), offset


def _utc_offset(offset: timedelta) -> str:
    """``+0500`` (icalendar's ``vUTCOffset`` of whole minutes)."""
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
    return f"{sign}{hours:02}{minutes:02}"


@lru_cache(maxsize=32)
def vtimezone(tz: str, first_year: int, last_year: int) -> bytes:
    """The ``VTIMEZONE`` lines icalendar writes for events in ``tz`` from ``first_year`` to
    ``last_year`` (empty for UTC); built once per zone and years.

    A zone of one standard offset (every Russian zone since 2014) is written here: icalendar's
    import and its search cost more than the feeds of a small school (~0.1 s of 0.2 s for three
    classes); any other zone by icalendar itself.
    """
    first, last = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    fixed = _fixed_zone(tz, datetime(first_year, 1, 1))
    if fixed is not None:
        name, offset = fixed
        lines = [
            "BEGIN:VTIMEZONE",
            f"TZID:{tz}",
            f"COMMENT:This timezone only works from {first} to {last}.",
            "BEGIN:STANDARD",
            f"DTSTART:{first_year:04}0101T000000",
            f"TZNAME:{ical_text(name)}",
            f"TZOFFSETFROM:{_utc_offset(offset)}",
            f"TZOFFSETTO:{_utc_offset(offset)}",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
        return b"".join(fold(line) + b"\r\n" for line in lines)
    from icalendar import Calendar, Event  # not imported for a zone of one offset

    cal = Calendar()
    cal.add_component(Event.new(uid="x", start=datetime(first_year, 6, 1, 12, tzinfo=ZoneInfo(tz))))
    cal.add_missing_timezones(first_date=first, last_date=last)
    return b"".join(c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE")


def prepare_zone(tz: str, first_year: int, last_year: int) -> None:
    """Build beforehand what the feeds of events in ``tz`` from ``first_year`` to ``last_year``
    share: the ``VTIMEZONE`` lines of every span of those years, how a local time is written and
    the refresh interval (``planner rebuild`` of a whole school does it beside the solver's
    search; the feeds then find them built)."""
    _refresh()
    _local_time(tz)
    for first in range(first_year, last_year + 1):
        for last in range(first, last_year + 1):
            vtimezone(tz, first, last)


@lru_cache(maxsize=32)
def _local_time(tz: str) -> tuple[str, str]:
    """How icalendar writes a time of ``tz``: the parameters (``;TZID=…``) and the suffix
    (``Z`` for UTC) around ``YYYYMMDDTHHMMSS``."""
    zone = _plain_zone(tz)
    if zone is not None and datetime(2000, 1, 1, tzinfo=zone).utcoffset():
        return f";TZID={tz}", ""  # not UTC, nor a zone icalendar could take for it: as it is
    from icalendar import Event  # UTC and unusual zones: as icalendar writes them

    sample = Event.new(uid="x", start=datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))).to_ical()
    line = next(x for x in sample.decode().split("\r\n") if x.startswith("DTSTART"))
    name, _, value = line.partition(":")
    return name.removeprefix("DTSTART"), value.removeprefix("20000101T000000")


def _stamp(t: datetime) -> str:
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}"


@lru_cache(maxsize=256)
def _revision_texts(changed_at: datetime, tz: str) -> tuple[str, str]:
    """``DTSTAMP``/``LAST-MODIFIED`` value and the «Обновлено» line of a revision time (a
    history has few distinct ones)."""
    local = changed_at.astimezone(ZoneInfo(tz))
    return _stamp(changed_at.astimezone(UTC)) + "Z", f"Обновлено: {local:%d.%m.%Y %H:%M}"


def _event_lines(
    ev: FeedEvent, rev: Revision, status: str, tz: str, local: tuple[str, str]
) -> list[bytes]:
    """The event's content lines, folded; lines of fixed shape (times, UID, numbers) are shorter
    than a fold but for an unusually long zone name."""
    params, suffix = local
    stamp, updated = _revision_texts(rev.changed_at, tz)
    description = f"{ev.description}\n{updated}"
    summary = ev.summary
    if status == "CANCELLED":
        description = "Урок отменён.\n" + description
        summary = f"Отменён: {summary}"
    day = f"{ev.date.year:04}{ev.date.month:02}{ev.date.day:02}T"
    start, end = ev.start, ev.end
    times = (
        f"DTSTART{params}:{day}{start.hour:02}{start.minute:02}{start.second:02}{suffix}\r\n"
        f"DTEND{params}:{day}{end.hour:02}{end.minute:02}{end.second:02}{suffix}\r\n"
        f"DTSTAMP:{stamp}\r\nUID:{ical_text(ev.uid)}\r\nSEQUENCE:{rev.sequence}"
    )
    if len(times.partition("\r\n")[0]) > _FOLD_AT:  # a zone name too long for one line
        folded = b"\r\n".join(fold(line) for line in times.split("\r\n"))
    else:
        folded = times.encode()
    lines = [b"BEGIN:VEVENT", fold(f"SUMMARY:{ical_text(summary)}"), folded]
    if ev.url:
        lines.append(fold(f"CONFERENCE{_CONFERENCE_PARAMS}:{ical_uri(ev.url)}"))
    lines.append(fold(f"DESCRIPTION:{ical_text(description)}"))
    lines.append(f"LAST-MODIFIED:{stamp}".encode())
    if ev.location is not None:
        lines.append(fold(f"LOCATION:{ical_text(ev.location)}"))
    lines.append(f"STATUS:{status}".encode())
    if ev.url is not None:
        lines.append(fold(f"URL:{ical_uri(ev.url)}"))
    lines.append(b"END:VEVENT")
    return lines


def build_calendar(
    feed: Feed,
    events: Iterable[tuple[FeedEvent, Revision, str]],
    tz: str,
) -> bytes:
    """The ``.ics`` bytes of one feed; ``events`` are (event, revision, STATUS)."""
    local = _local_time(tz)
    title = ical_text(feed.title)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ical_text(PRODID)}",
        f"NAME:{title}",
        f"X-WR-CALNAME:{title}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{_refresh()}",
        f"UID:{uuid.uuid5(NAMESPACE, 'feed|' + feed.id)}",
        f"X-PUBLISHED-TTL:{_refresh()}",
        f"X-WR-TIMEZONE:{ical_text(tz)}",
    ]
    out = [fold(line) for line in lines]
    years: set[int] = set()
    body: list[bytes] = []
    for ev, rev, status in sorted(events, key=lambda e: (e[0].date, e[0].start, e[0].uid)):
        body += _event_lines(ev, rev, status, tz, local)
        years.add(ev.date.year)
    zone_lines = vtimezone(tz, min(years), max(years)) if years else b""
    if zone_lines:
        out.append(zone_lines.removesuffix(b"\r\n"))
    out += body
    out.append(b"END:VCALENDAR\r\n")
    return b"\r\n".join(out)


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
