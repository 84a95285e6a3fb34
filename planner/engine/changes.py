"""What changed: between two schedules (two versions) or between a schedule and the base timetable.

A pure diff over value keys (:attr:`ScheduleItem.slot_key`), after pretalx's
``calculate_schedule_changes``: lessons present on both sides are compared field by field; lessons
left over on one side are paired into date moves when the same base lesson of the same class shows
up on another date of the same week; the rest are additions and cancellations. Every change says
what happened in Russian, and the result serialises to JSON (``changes.json``, the web app's cache).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from planner.domain.model import DAY_NAMES_RU, Timetable, class_order, hhmm, sort_class_names
from planner.domain.schedule import FORMAT_RU, BaseRef, Schedule, ScheduleItem

# Order matters: it is the order the aspects of one change are told in.
CHANGE_KINDS: tuple[str, ...] = (
    "added",
    "cancelled",
    "moved",
    "format",
    "teacher",
    "room",
    "call_link",
)
CHANGE_RU = {
    "added": "добавлен",
    "cancelled": "отменён",
    "moved": "перенесён",
    "format": "формат",
    "teacher": "учитель",
    "room": "кабинет",
    "call_link": "ссылка на звонок",
}
# The ЭПОС «изменение» column.
EPOS_CHANGE_RU = {
    "replacement": "замена",
    "cancelled": "отмена",
    "moved": "перенос",
    "none": "без изменений",
}


def day_label(d: date) -> str:
    """``01.12 (Вт)``."""
    return f"{d:%d.%m} ({DAY_NAMES_RU[d.isoweekday() - 1]})"


def span(item: ScheduleItem) -> str | None:
    """``09:00–09:45`` or ``None`` when the item has no time (self-study)."""
    if item.start is None or item.end is None:
        return None
    return f"{hhmm(item.start)}–{hhmm(item.end)}"


def lesson_label(item: ScheduleItem) -> str:
    """``«Математика» (англ-1)`` — subject and subgroup of a lesson."""
    label = f"«{item.subject or 'урок'}»"
    return f"{label} ({item.group})" if item.group else label


def describe_lesson(item: ScheduleItem) -> str:
    """``Математика, 09:00–09:45, онлайн, Иванова И.И.`` — what stood in a slot."""
    parts = [item.subject or "урок"]
    if item.group:
        parts[0] += f" ({item.group})"
    when = span(item)
    if when:
        parts.append(when)
    if item.format:
        parts.append(FORMAT_RU.get(item.format, item.format))
    if item.teacher:
        parts.append(item.teacher)
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class LessonChange:
    """One lesson slot that differs; ``kinds`` lists every aspect that changed."""

    key: str
    kinds: tuple[str, ...]
    before: ScheduleItem | None
    after: ScheduleItem | None
    replaces: ScheduleItem | None = None  # for an added lesson: the cancelled one it stands in for

    @property
    def item(self) -> ScheduleItem:
        """The lesson as it is now (or as it was, for a cancellation)."""
        item = self.after or self.before
        assert item is not None
        return item

    @property
    def date(self) -> date:
        return self.item.date

    @property
    def class_name(self) -> str:
        return self.item.class_name

    @property
    def group(self) -> str | None:
        return self.item.group

    @property
    def subject(self) -> str | None:
        return self.item.subject

    @property
    def epos_change(self) -> str:
        """The ЭПОС «изменение» value: замена, отмена, перенос or без изменений."""
        if "cancelled" in self.kinds:
            return EPOS_CHANGE_RU["cancelled"]
        b, a = self.before, self.after
        if "moved" in self.kinds and b and a and (b.date, b.start) != (a.date, a.start):
            return EPOS_CHANGE_RU["moved"]
        if "teacher" in self.kinds or "added" in self.kinds:
            return EPOS_CHANGE_RU["replacement"]
        return EPOS_CHANGE_RU["none"]

    def details(self) -> list[str]:
        """Each changed aspect as a Russian phrase."""
        b, a = self.before, self.after
        out: list[str] = []
        for kind in self.kinds:
            if kind == "added":
                assert a is not None
                text = f"добавлен урок {lesson_label(a)}"
                if span(a):
                    text += f" {span(a)}"
                text += f", {FORMAT_RU.get(a.format or '', a.format or '')}"
                if a.teacher:
                    text += f", учитель {a.teacher}"
                if self.replaces is not None:
                    text += f" (вместо: {describe_lesson(self.replaces)})"
                out.append(text)
            elif kind == "cancelled":
                assert b is not None
                text = f"отменён урок {lesson_label(b)}"
                if span(b):
                    text += f" (был {span(b)})"
                out.append(text)
            elif kind == "moved":
                assert a is not None and b is not None
                if a.date != b.date:
                    out.append(
                        f"перенесён с {day_label(b.date)} {span(b) or ''} на "
                        f"{day_label(a.date)} {span(a) or ''}".replace("  ", " ").strip()
                    )
                else:
                    out.append(f"время: {span(b)} → {span(a)}")
            elif kind == "format":
                assert a is not None and b is not None
                out.append(
                    f"формат: {FORMAT_RU.get(b.format or '', b.format)} → "
                    f"{FORMAT_RU.get(a.format or '', a.format)}"
                )
            elif kind == "teacher":
                assert a is not None and b is not None
                out.append(f"учитель: {b.teacher or 'не назначен'} → {a.teacher or 'не назначен'}")
            elif kind == "room":
                assert a is not None and b is not None
                out.append(f"кабинет: {b.room} → {a.room}")
            elif kind == "call_link":
                assert a is not None
                out.append(
                    "ссылка на звонок изменилась" if a.call_url else "ссылка на звонок убрана"
                )
        return out

    @property
    def was(self) -> str | None:
        """What stood in the slot before, for a parent's «было: …» — the previous lesson, its
        time and format (its date too when it moved from another day, its teacher when that
        changed); None when only the call link changed or nothing stood there."""
        b = self.before if "added" not in self.kinds else self.replaces
        if b is None or not set(self.kinds) - {"call_link"}:
            return None
        if "teacher" not in self.kinds and "added" not in self.kinds:
            b = replace(b, teacher=None)  # the same teacher is shown with the lesson itself
        text = describe_lesson(b)
        if self.after is not None and b.date != self.after.date:
            text = f"{day_label(b.date)}, {text}"
        return text

    @property
    def message(self) -> str:
        """One line, e.g. ``01.12 (Вт), 5А, «Математика»: формат: очно → онлайн``."""
        head = f"{day_label(self.date)}, {self.class_name}"
        if "added" in self.kinds or "cancelled" in self.kinds:
            return f"{head}: {'; '.join(self.details())}"
        return f"{head}, {lesson_label(self.item)}: {'; '.join(self.details())}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kinds": list(self.kinds),
            "message": self.message,
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
            "replaces": self.replaces.to_json() if self.replaces else None,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> LessonChange:
        def item(raw: dict[str, Any] | None) -> ScheduleItem | None:
            return ScheduleItem.from_json(raw) if raw else None

        return cls(
            key=doc["key"],
            kinds=tuple(doc["kinds"]),
            before=item(doc.get("before")),
            after=item(doc.get("after")),
            replaces=item(doc.get("replaces")),
        )


def _change_order(c: LessonChange) -> tuple[Any, ...]:
    item = c.item
    # A self-study lesson has no time of its own: it sorts at the time of the lesson it was.
    start = item.start_min
    if start is None and c.before is not None:
        start = c.before.start_min
    return (
        c.date,
        *class_order(c.class_name),
        start if start is not None else 10_000,
        item.base.lesson if item.base else 0,
        item.group or "",
        item.subject or "",
        c.key,
    )


@dataclass(frozen=True)
class ChangeSet:
    """The changes between two sides, ordered by date, class and time."""

    changes: tuple[LessonChange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "changes", tuple(sorted(self.changes, key=_change_order)))

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[LessonChange]:
        return iter(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of_kind(self, kind: str) -> list[LessonChange]:
        return [c for c in self.changes if kind in c.kinds]

    def by_key(self) -> dict[str, LessonChange]:
        return {c.key: c for c in self.changes}

    def dates(self) -> list[date]:
        return sorted({c.date for c in self.changes})

    def grouped(self) -> dict[date, dict[str, list[LessonChange]]]:
        """Date → class → changes, in school order (the «лист замен» layout)."""
        out: dict[date, dict[str, list[LessonChange]]] = {}
        for c in self.changes:
            out.setdefault(c.date, {}).setdefault(c.class_name, []).append(c)
        return {
            d: {name: per_class[name] for name in sort_class_names(per_class)}
            for d, per_class in out.items()
        }

    def summary(self) -> dict[str, int]:
        """How many changes of each kind (only kinds that occur)."""
        counts = {k: len(self.of_kind(k)) for k in CHANGE_KINDS}
        return {k: n for k, n in counts.items() if n}

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "changes": [c.to_json() for c in self.changes]}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ChangeSet:
        return cls(tuple(LessonChange.from_json(c) for c in doc.get("changes", [])))


def _keyed(items: Iterable[ScheduleItem]) -> dict[str, ScheduleItem]:
    """Lessons by slot key; a repeated key (should not happen) gets ``#2``, ``#3`` …"""
    out: dict[str, ScheduleItem] = {}
    for item in items:
        if item.kind != "lesson":
            continue
        key = item.slot_key
        n = 1
        while key in out:
            n += 1
            key = f"{item.slot_key}#{n}"
        out[key] = item
    return out


def _compare(before: ScheduleItem, after: ScheduleItem) -> tuple[str, ...]:
    kinds = []
    timed = None not in (before.start, before.end, after.start, after.end)
    if before.date != after.date or (
        timed and (before.start, before.end) != (after.start, after.end)
    ):
        kinds.append("moved")
    if before.format != after.format:
        kinds.append("format")
    if (before.teacher or None) != (after.teacher or None):
        kinds.append("teacher")
    if (
        before.format == after.format == "in_person"
        and before.room
        and after.room
        and before.room != after.room
    ):
        kinds.append("room")
    if before.format == after.format and (before.call_url or None) != (after.call_url or None):
        kinds.append("call_link")
    return tuple(kinds)


def _move_identity(item: ScheduleItem) -> tuple[Any, ...] | None:
    """Same class, group, subject and base lesson in the same ISO week: one lesson, moved."""
    if item.base is None:
        return None
    year, week, _ = item.date.isocalendar()
    return (year, week, item.class_name, item.group, item.subject, item.base)


def _overlaps(a: ScheduleItem, b: ScheduleItem) -> bool:
    if a.date != b.date or a.class_name != b.class_name:
        return False
    if a.group and b.group and a.group != b.group:
        return False
    if a.base is not None and a.base == b.base:
        return True
    if None in (a.start_min, a.end_min, b.start_min, b.end_min):
        return False
    return a.start_min < b.end_min and b.start_min < a.end_min  # type: ignore[operator]


def diff_items(before: Iterable[ScheduleItem], after: Iterable[ScheduleItem]) -> ChangeSet:
    """The lesson changes from ``before`` to ``after`` (health items and breaks are ignored)."""
    old = _keyed(before)
    new = _keyed(after)
    changes: list[LessonChange] = []
    for key in old.keys() & new.keys():
        kinds = _compare(old[key], new[key])
        if kinds:
            changes.append(LessonChange(key, kinds, old[key], new[key]))

    gone = {k: old[k] for k in sorted(old.keys() - new.keys())}
    came = {k: new[k] for k in sorted(new.keys() - old.keys())}
    # A lesson that left one date and appeared on another of the same week was moved.
    waiting: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for key, item in gone.items():
        ident = _move_identity(item)
        if ident is not None:
            waiting[ident].append(key)
    for key, item in list(came.items()):
        ident = _move_identity(item)
        if ident is None or not waiting.get(ident):
            continue
        old_key = waiting[ident].pop(0)
        before_item = gone.pop(old_key)
        del came[key]
        changes.append(LessonChange(key, _compare(before_item, item), before_item, item))

    cancelled = list(gone.items())
    for key, item in cancelled:
        changes.append(LessonChange(key, ("cancelled",), item, None))
    for key, item in came.items():
        replaced = next((b for _, b in cancelled if _overlaps(b, item)), None)
        changes.append(LessonChange(key, ("added",), None, item, replaced))
    return ChangeSet(tuple(changes))


def diff_schedules(before: Schedule, after: Schedule) -> ChangeSet:
    """The changes from one version to the next."""
    return diff_items(before.items, after.items)


def expand_base(
    timetable: Timetable, dates: Iterable[date], classes: Iterable[str] | None = None
) -> list[ScheduleItem]:
    """The regular timetable put on ``dates`` as in-person lessons, one item per class."""
    wanted = set(timetable.classes if classes is None else classes)
    out = []
    for d in dates:
        for lesson in timetable.lessons:
            if lesson.day != d.isoweekday():
                continue
            for name in lesson.classes:
                if name not in wanted:
                    continue
                out.append(
                    ScheduleItem(
                        date=d,
                        class_name=name,
                        kind="lesson",
                        group=lesson.group,
                        format="in_person",
                        subject=lesson.subject,
                        teacher=lesson.teacher,
                        start=lesson.start,
                        end=lesson.end,
                        screen_minutes=0,
                        base=BaseRef(lesson.day, lesson.lesson),
                        lesson_no=lesson.lesson,
                        room=lesson.room,
                        classes=lesson.classes,
                    )
                )
    return out


def diff_against_base(
    schedule: Schedule,
    timetable: Timetable,
    *,
    dates: Iterable[date] | None = None,
    classes: Iterable[str] | None = None,
) -> ChangeSet:
    """What the schedule changes against the regular timetable on the same dates and classes."""
    dates = schedule.dates() if dates is None else list(dates)
    classes = schedule.class_names() if classes is None else list(classes)
    wanted_dates, wanted_classes = set(dates), set(classes)
    items = [i for i in schedule.items if i.date in wanted_dates and i.class_name in wanted_classes]
    return diff_items(expand_base(timetable, dates, classes), items)
