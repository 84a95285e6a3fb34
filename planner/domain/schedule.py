"""The rebuilt timetable for a period: ``schedule.json``, the public contract.

Field names of :class:`ScheduleItem` and of the JSON document are stable (exports, the checker, the
web app and people's scripts read them); new fields may be added, none renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from planner.domain import jsontext
from planner.domain.model import hhmm, sort_class_names
from planner.domain.regulation import Materials

Kind = Literal["lesson", "eye_gymnastics", "physical_break", "dynamic_pause", "break"]
Format = Literal["online", "self_study", "in_person"]

KINDS: tuple[str, ...] = ("lesson", "eye_gymnastics", "physical_break", "dynamic_pause", "break")
FORMATS: tuple[str, ...] = ("online", "self_study", "in_person")

FORMAT_RU = {"online": "онлайн", "self_study": "самостоятельно", "in_person": "очно"}
KIND_RU = {
    "lesson": "урок",
    "eye_gymnastics": "гимнастика для глаз",
    "physical_break": "физкультминутка",
    "dynamic_pause": "динамическая пауза",
    "break": "перемена",
}
SELF_STUDY_RU = "самостоятельная работа"


@dataclass(frozen=True, slots=True)
class BaseRef:
    """The base lesson an item replaces: weekday (1 = Mon) and lesson number."""

    day: int
    lesson: int


def _parse_time(value: str | None) -> time | None:
    if value is None:
        return None
    h, m = value.split(":")
    return time(int(h), int(m))


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    date: date
    class_name: str
    kind: str
    group: str | None = None
    format: str | None = None  # lessons only
    subject: str | None = None
    teacher: str | None = None
    start: time | None = None
    end: time | None = None
    screen_minutes: int | None = None
    base: BaseRef | None = None
    lesson_no: int | None = None  # position in the class's (new) day, lessons only
    room: str | None = None
    classes: tuple[str, ...] = ()  # every class of a combined lesson (including class_name)
    rule: str | None = None  # the rule a health item or break fulfils
    call_url: str | None = None
    note: str | None = None
    # the self-study route (regulation item 3.7): set by the teacher beside a published version
    recording_url: str | None = None
    assignment: str | None = None
    assignment_url: str | None = None

    @property
    def materials(self) -> Materials:
        """The recording and assignment a teacher attached to this lesson (may be empty)."""
        return Materials(self.recording_url, self.assignment, self.assignment_url)

    @property
    def is_lesson(self) -> bool:
        return self.kind == "lesson"

    @property
    def start_min(self) -> int | None:
        return None if self.start is None else self.start.hour * 60 + self.start.minute

    @property
    def end_min(self) -> int | None:
        return None if self.end is None else self.end.hour * 60 + self.end.minute

    @property
    def slot_key(self) -> str:
        """Identity of the lesson slot across re-plans (no names of people in it)."""
        base = f"{self.base.day}:{self.base.lesson}" if self.base else "-"
        # A lesson keeps its identity when it moves; a health slot is known by its time.
        when = "" if self.kind == "lesson" else hhmm(self.start) or ""
        parts = (self.date.isoformat(), self.class_name, self.group or "", self.kind, base)
        return "|".join((*parts, self.subject or "", when))

    def aware_start(self, tz: str) -> datetime | None:
        if self.start is None:
            return None
        return datetime.combine(self.date, self.start, tzinfo=ZoneInfo(tz))

    def aware_end(self, tz: str) -> datetime | None:
        if self.end is None:
            return None
        return datetime.combine(self.date, self.end, tzinfo=ZoneInfo(tz))

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "date": self.date.isoformat(),
            "class": self.class_name,
            "group": self.group,
            "kind": self.kind,
        }
        if self.kind == "lesson":
            doc["format"] = self.format
            doc["subject"] = self.subject
            doc["teacher"] = self.teacher
        doc["start"] = hhmm(self.start)
        doc["end"] = hhmm(self.end)
        if self.kind == "lesson":
            doc["screen_minutes"] = self.screen_minutes
            doc["base"] = {"day": self.base.day, "lesson": self.base.lesson} if self.base else None
            doc["lesson_no"] = self.lesson_no
            doc["room"] = self.room
            if len(self.classes) > 1:
                doc["classes"] = list(self.classes)
        if self.rule:
            doc["rule"] = self.rule
        if self.call_url:
            doc["call_url"] = self.call_url
        if self.note:
            doc["note"] = self.note
        for key in ("recording_url", "assignment", "assignment_url"):
            if getattr(self, key):
                doc[key] = getattr(self, key)
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ScheduleItem:
        base = doc.get("base")
        return cls(
            date=date.fromisoformat(doc["date"]),
            class_name=doc["class"],
            group=doc.get("group"),
            kind=doc["kind"],
            format=doc.get("format"),
            subject=doc.get("subject"),
            teacher=doc.get("teacher"),
            start=_parse_time(doc.get("start")),
            end=_parse_time(doc.get("end")),
            screen_minutes=doc.get("screen_minutes"),
            base=BaseRef(int(base["day"]), int(base["lesson"])) if base else None,
            lesson_no=doc.get("lesson_no"),
            room=doc.get("room"),
            classes=tuple(
                doc.get("classes") or ([doc["class"]] if doc["kind"] == "lesson" else [])
            ),
            rule=doc.get("rule"),
            call_url=doc.get("call_url"),
            note=doc.get("note"),
            recording_url=doc.get("recording_url"),
            assignment=doc.get("assignment"),
            assignment_url=doc.get("assignment_url"),
        )


def _item_order(item: ScheduleItem) -> tuple[Any, ...]:
    return (
        item.date,
        item.class_name,
        item.start_min if item.start_min is not None else 10_000,
        KINDS.index(item.kind) if item.kind in KINDS else 9,
        item.group or "",
        item.base.lesson if item.base else 0,
        item.subject or "",
    )


@dataclass(frozen=True)
class Schedule:
    """A remote-mode timetable for every class of the school on every school day of the period."""

    school: str
    timezone: str
    norm_set: str
    order: dict[str, Any]
    items: tuple[ScheduleItem, ...]
    meta: dict[str, Any] = field(default_factory=dict)  # solver statistics, warnings, versions

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(self.items, key=_item_order)))

    def lessons(self) -> Iterator[ScheduleItem]:
        return (i for i in self.items if i.kind == "lesson")

    def online_minutes(self, classes: Iterable[str] | None = None) -> int:
        """Screen minutes of online lessons (of ``classes``, default all), counted per class and
        time: the groups of a split lesson share one screen slot of the class, as the solver and
        the hand plan count them."""
        wanted = None if classes is None else set(classes)
        slots: dict[tuple[str, date, time | None], int] = {}
        for i in self.lessons():
            if i.format == "online" and (wanted is None or i.class_name in wanted):
                key = (i.class_name, i.date, i.start)
                slots[key] = max(slots.get(key, 0), i.screen_minutes or 0)
        return sum(slots.values())

    def of_class(self, class_name: str, day: date | None = None) -> list[ScheduleItem]:
        return [
            i for i in self.items if i.class_name == class_name and (day is None or i.date == day)
        ]

    def of_teacher(self, teacher: str, day: date | None = None) -> list[ScheduleItem]:
        """The teacher's lessons, a combined lesson once (not once per class)."""
        seen: set[tuple[Any, ...]] = set()
        out = []
        for i in self.items:
            if i.kind != "lesson" or not i.teacher or (day is not None and i.date != day):
                continue
            if teacher not in [t.strip() for t in i.teacher.split(",")]:
                continue
            key = (i.date, i.start, i.end, i.subject, i.group, i.classes or (i.class_name,))
            if key in seen:
                continue
            seen.add(key)
            out.append(i)
        return out

    def dates(self) -> list[date]:
        return sorted({i.date for i in self.items})

    def class_names(self) -> list[str]:
        return sort_class_names({i.class_name for i in self.items})

    def with_items(self, items: Iterable[ScheduleItem]) -> Schedule:
        return replace(self, items=tuple(items))

    @cached_property
    def _items_json(self) -> tuple[dict[str, Any], ...]:
        # built once: a bundle writes the schedule three times (schedule.json, the content hash,
        # versions.json), about 0.15 s each on a 165-class week
        return tuple(i.to_json() for i in self.items)

    def to_json(self) -> dict[str, Any]:
        """The document of ``schedule.json`` (its item dicts are shared between calls: read them,
        do not change them)."""
        return {
            "school": self.school,
            "timezone": self.timezone,
            "norm_set": self.norm_set,
            "order": self.order,
            "items": list(self._items_json),
            "meta": self.meta,
        }

    @cached_property
    def _text(self) -> str:
        return jsontext.dumps(self.to_json())

    def dumps(self) -> str:
        """``schedule.json``'s text (``json.dumps(…, ensure_ascii=False, indent=1)``, written by
        :mod:`planner.domain.jsontext`: the standard encoder takes ~0.7 s on a 165-class week;
        built once per schedule, the version history reuses it)."""
        return self._text + "\n"

    def write(self, path: Path) -> None:
        path.write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Schedule:
        return cls(
            school=doc["school"],
            timezone=doc["timezone"],
            norm_set=doc["norm_set"],
            order=doc["order"],
            items=tuple(ScheduleItem.from_json(i) for i in doc["items"]),
            meta=doc.get("meta") or {},
        )

    @classmethod
    def read(cls, path: Path) -> Schedule:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
