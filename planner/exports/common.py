"""Small helpers the exports share: base-lesson times, combined lessons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

from planner.domain.model import Timetable
from planner.domain.schedule import ScheduleItem

BaseTimes = Mapping[tuple[str, int, int, str | None], tuple[time, time]]


def base_times(timetable: Timetable | None) -> dict[tuple[str, int, int, str | None], tuple]:
    """(class, weekday, lesson number, group) → (start, end) of the regular timetable."""
    out: dict[tuple[str, int, int, str | None], tuple] = {}
    if timetable is None:
        return out
    for lesson in timetable.lessons:
        for c in lesson.classes:
            out.setdefault((c, lesson.day, lesson.lesson, lesson.group), (lesson.start, lesson.end))
    return out


def lesson_times(item: ScheduleItem, times: BaseTimes) -> tuple[time, time] | None:
    """The item's own times, else (self-study) its base lesson's, else ``None``."""
    if item.start is not None and item.end is not None:
        return item.start, item.end
    if item.base is None:
        return None
    return times.get((item.class_name, item.base.day, item.base.lesson, item.group))


def is_primary(item: ScheduleItem) -> bool:
    """A combined lesson is one lesson: it is written from its first class's item only."""
    return (item.classes or (item.class_name,))[0] == item.class_name


def by_class_day(items: Iterable[ScheduleItem]) -> dict[tuple[str, date], list[ScheduleItem]]:
    """Items grouped by (class, date), in schedule order — one pass instead of a scan per lesson."""
    out: dict[tuple[str, date], list[ScheduleItem]] = {}
    for item in items:
        out.setdefault((item.class_name, item.date), []).append(item)
    return out
