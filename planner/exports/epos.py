"""``epos.csv`` and ``epos.xlsx``: every lesson occurrence of the period, for the ЭПОС admin.

The fields follow ЭПОС/МЭШ ``schedule_items`` (date, lesson number, group, subject, teacher, room,
``lesson_type`` NORMAL/REMOTE, topic, homework, replaced/cancelled/transferred) — see
``/work/shared/reference/epos-ical.md`` §1.3–1.5. No public document describes a file import into
ЭПОС, so the CSV is a machine-readable interchange file (our flat importer reads it back) and the
XLSX the same rows with Russian headers for a person keying them in.

Rows:

* one per lesson occurrence; a combined lesson (поток) is one row with its classes comma-separated;
* a self-study lesson has its base lesson's number, no times (it has no fixed time in the remote
  day: online lessons move, and its old bell slot may now hold an online lesson), format
  «самостоятельно» and type REMOTE, in both files (the flat importer skips them when it reads
  ``epos.csv`` back as the timed remote timetable);
* a base lesson the schedule drops is a row with ``change`` = «отмена» (the flat reader skips it);
* ``topic`` / ``homework`` carry the recording and the assignment a teacher attached to a lesson
  (the self-study route, regulation item 3.7; for an online lesson marked as the alternative for
  families who cannot join);
* ``change`` / ``replaces`` compare with the regular timetable on that date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from planner.domain.model import Timetable, class_order, hhmm, minutes
from planner.domain.regulation import epos_topic_homework
from planner.domain.schedule import FORMAT_RU, Schedule, ScheduleItem
from planner.engine.changes import ChangeSet, LessonChange, describe_lesson

from .cells import csv_bytes
from .common import base_times, is_primary, lesson_times

if TYPE_CHECKING:
    from .xlsx import CellStyle

FIELDS: tuple[str, ...] = (
    "date",
    "lesson_no",
    "start",
    "end",
    "class",
    "group",
    "subject",
    "teacher",
    "room",
    "format",
    "lesson_type",
    "call_url",
    "topic",
    "homework",
    "change",
    "replaces",
)
HEADERS_RU = {
    "date": "Дата",
    "lesson_no": "Урок №",
    "start": "Начало",
    "end": "Конец",
    "class": "Класс",
    "group": "Группа",
    "subject": "Предмет",
    "teacher": "Учитель",
    "room": "Кабинет",
    "format": "Формат",
    "lesson_type": "Тип урока (ЭПОС)",
    "call_url": "Ссылка на онлайн-урок",
    "topic": "Тема / комментарий",
    "homework": "Домашнее задание",
    "change": "Изменение",
    "replaces": "Было",
}
WIDTHS = {
    "date": 11,
    "lesson_no": 7,
    "start": 7,
    "end": 7,
    "class": 9,
    "group": 12,
    "subject": 22,
    "teacher": 20,
    "room": 10,
    "format": 15,
    "lesson_type": 10,
    "call_url": 40,
    "topic": 28,
    "homework": 28,
    "change": 14,
    "replaces": 40,
}
WHOLE_CLASS_RU = "весь класс"
ONLINE_ROOM_RU = "онлайн"


@dataclass(frozen=True, slots=True)
class EposRow:
    """One row of the ЭПОС export, values as written (text)."""

    values: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def lesson_type(item: ScheduleItem) -> str:
    """``REMOTE`` for online and self-study lessons, ``NORMAL`` in class (as in ЭПОС/МЭШ)."""
    return "NORMAL" if item.format == "in_person" else "REMOTE"


def _row(
    item: ScheduleItem, change: LessonChange | None, *, cancelled: bool, with_links: bool
) -> EposRow:
    number = item.lesson_no
    if number is None and item.base is not None:
        number = item.base.lesson
    if cancelled:
        change_text, replaces = "отмена", ""
    elif change is None:
        change_text, replaces = "без изменений", ""
    else:
        change_text = change.epos_change
        before = change.before or change.replaces
        replaces = describe_lesson(before) if before is not None else ""
    topic, homework = epos_topic_homework(item.materials, online=item.format == "online")
    values = {
        "date": item.date.isoformat(),
        "lesson_no": "" if number is None else str(number),
        "start": hhmm(item.start) or "",
        "end": hhmm(item.end) or "",
        "class": ", ".join(item.classes or (item.class_name,)),
        "group": item.group or "",
        "subject": item.subject or "",
        "teacher": item.teacher or "",
        "room": (item.room or "") if item.format == "in_person" else "",
        "format": FORMAT_RU.get(item.format or "", item.format or ""),
        "lesson_type": lesson_type(item),
        "call_url": (item.call_url or "") if with_links and item.format == "online" else "",
        "topic": "; ".join(x for x in (item.note, topic) if x),
        "homework": homework,
        "change": change_text,
        "replaces": replaces,
    }
    return EposRow(values)


def epos_rows(
    schedule: Schedule,
    against_base: ChangeSet,
    timetable: Timetable | None = None,
    *,
    with_links: bool = True,
) -> list[EposRow]:
    """The export rows: the schedule's lessons and the cancelled base lessons, in time order.

    ``timetable`` only places self-study lessons in the day's order, at the time of the lesson
    they were.
    """
    by_key = against_base.by_key()
    times_of = base_times(timetable)
    entries: list[tuple[tuple, EposRow]] = []
    for item in schedule.lessons():
        if not is_primary(item):
            continue
        row = _row(item, by_key.get(item.slot_key), cancelled=False, with_links=with_links)
        entries.append((_order(item, lesson_times(item, times_of)), row))
    for change in against_base.of_kind("cancelled"):
        item = change.item
        if is_primary(item):
            row = _row(item, change, cancelled=True, with_links=with_links)
            entries.append((_order(item, None), row))
    entries.sort(key=lambda e: e[0])
    return [row for _, row in entries]


def _order(item: ScheduleItem, times: tuple[time, time] | None) -> tuple:
    number = item.base.lesson if item.base else 0
    start = item.start_min
    if start is None:
        start = minutes(times[0]) if times else 10_000 + number
    return (
        item.date,
        class_order(item.class_name),
        start,
        number,
        item.group or "",
        item.subject or "",
    )


def write_epos_csv(path: Path, rows: Sequence[EposRow]) -> Path:
    """UTF-8 with BOM (Excel opens it as UTF-8), comma separated, header row first; text a
    spreadsheet would run as a formula is defused (:mod:`planner.exports.cells`)."""
    path.write_bytes(csv_bytes([FIELDS, *([row[f] for f in FIELDS] for row in rows)]))
    return path


@cache
def _header_style() -> CellStyle:
    from openpyxl.styles import Alignment, Font

    from .xlsx import CellStyle

    return CellStyle(font=Font(bold=True), alignment=Alignment(wrap_text=True, vertical="top"))


def write_epos_xlsx(path: Path, rows: Sequence[EposRow], *, title: str) -> Path:
    """The same rows with Russian headers, frozen header, filters and column widths."""
    from openpyxl import Workbook  # openpyxl only when a workbook is written (start-up time)
    from openpyxl.utils import get_column_letter

    from .xlsx import append, save

    wb = Workbook()
    ws = wb.active
    ws.title = "Уроки"
    append(ws, [HEADERS_RU[f] for f in FIELDS], _header_style())
    for row in rows:
        values = dict(row.values)
        if not values["group"]:
            values["group"] = WHOLE_CLASS_RU
        if values["format"] == FORMAT_RU["online"] and not values["room"]:
            values["room"] = ONLINE_ROOM_RU
        append(ws, [values[f] for f in FIELDS])
    for i, f in enumerate(FIELDS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[f]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = title
    wb.properties.title = title
    wb.properties.creator = "remote-planner"
    return save(wb, path)
