"""``chat/<class-slug>.txt`` — the message for a class chat (Сферум / MAX).

Plain text: the remote days with times, which lessons are online and which are self-study, the
health breaks, the recordings and assignments teachers attached (for a self-study lesson the
lesson itself, for an online one the alternative for families who cannot join: regulation item
3.7), and the reminders. No call links (a chat may include outsiders; links go to ЭПОС and
teacher feeds) and no pupil data. A messenger message holds at most :data:`MAX_MESSAGE` characters,
so a long text is split into numbered parts, each day whole in one part, each part saying which
days it holds. Each health slot is told once: lessons at one time (subgroups) share one line, and
the eye gymnastics on the break after a lesson goes on that lesson's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from planner.domain.model import DAY_NAMES_RU_LONG, Timetable, class_order, hhmm, minutes
from planner.domain.regulation import material_lines
from planner.domain.schedule import KIND_RU, Schedule, ScheduleItem
from planner.engine.changes import ChangeSet, LessonChange, day_label, lesson_label

from .common import BaseTimes, base_times, by_class_day, lesson_times
from .ical import HEALTH_KINDS, day_health, health_during

MAX_MESSAGE = 4096
PART_SEPARATOR = "\n\n——— следующее сообщение ———\n\n"
REMINDERS = (
    "Памятка для родителей:",
    "• Экран — на расстоянии вытянутой руки, верх экрана на уровне глаз; "
    "лучше компьютер или ноутбук, чем телефон.",
    "• Во время урока — гимнастика для глаз и физкультминутка, когда их объявит учитель.",
    "• На переменах — отдых от экрана: встать, пройтись, посмотреть вдаль; "
    "не заменяйте перемену телефоном или играми.",
    "• Самостоятельные уроки — без видеосвязи: задания и материалы в ЭПОС.",
    "• Ссылки на онлайн-уроки — в ЭПОС и от учителей; в этот чат мы их не публикуем.",
)


def _date_heading(d: date) -> str:
    return f"{DAY_NAMES_RU_LONG[d.isoweekday() - 1]}, {d:%d.%m}"


def _change_line(change: LessonChange) -> str:
    """The change without the class (the chat is the class's): ``07.12 (Пн), «ИЗО»: …``."""
    details = "; ".join(change.details())
    if "added" in change.kinds or "cancelled" in change.kinds:
        return f"{day_label(change.date)}: {details}"
    return f"{day_label(change.date)}, {lesson_label(change.item)}: {details}"


def _lesson_line(item: ScheduleItem, times: BaseTimes) -> str:
    subject = item.subject or "Урок"
    if item.group:
        subject += f" ({item.group})"
    if item.format == "self_study":
        slot = lesson_times(item, times)
        when = f"{hhmm(slot[0])}–{hhmm(slot[1])} " if slot and item.start is None else ""
        if item.start is not None:
            when = f"{hhmm(item.start)}–{hhmm(item.end)} "
        return f"{when}{subject} — самостоятельно, без видеосвязи"
    fmt = "онлайн" if item.format == "online" else "очно"
    line = f"{hhmm(item.start)}–{hhmm(item.end)} {subject} — {fmt}"
    others = [c for c in item.classes if c != item.class_name]
    if others:
        line += f", вместе с {', '.join(others)}"
    if item.teacher:
        line += f" ({item.teacher})"
    return line


def class_message(
    schedule: Schedule,
    class_name: str,
    *,
    timetable: Timetable | None = None,
    since_previous: ChangeSet | None = None,
    version: int | None = None,
) -> str:
    """The whole text for one class (before splitting)."""
    days = {d: items for (c, d), items in by_class_day(schedule.items).items() if c == class_name}
    mine = (
        None
        if since_previous is None
        else [c for c in since_previous if c.class_name == class_name]
    )
    return _message(schedule.school, class_name, days, base_times(timetable), mine, version)


def _message(
    school: str,
    class_name: str,
    days: dict[date, list[ScheduleItem]],
    times: BaseTimes,
    changes: list[LessonChange] | None,
    version: int | None,
) -> str:
    """:func:`class_message` from the class's items by date (in schedule order), the base times
    and the class's changes since the previous version (``None``: no previous version)."""
    dates = sorted(days)
    lines: list[str] = []
    head = f"{class_name}: дистанционное обучение"
    if dates:
        head += f" с {dates[0]:%d.%m} по {dates[-1]:%d.%m.%Y}"
    lines.append(head)
    lines.append(school)
    if changes is not None:
        lines.append("")
        label = f"Обновление расписания (версия {version})" if version else "Обновление расписания"
        if changes:
            lines.append(f"{label}. Изменилось:")
            lines.extend(f"• {_change_line(c)}" for c in changes)
        else:
            lines.append(f"{label}. Для {class_name} изменений нет.")
    for d in dates:
        items = days[d]
        lessons = [i for i in items if i.is_lesson]
        if not lessons:
            continue
        lines.append("")
        online = sum(1 for i in lessons if i.format == "online")
        lines.append(f"{_date_heading(d)} — онлайн-уроков: {online} из {len(lessons)}")
        entries: list[tuple[int, int, str]] = []
        slots = day_health(items)
        # the health slots by start minute, in day order: what follows a lesson that ends then
        health_at: dict[int | None, list[ScheduleItem]] = {}
        for h in items:
            if h.kind in HEALTH_KINDS:
                health_at.setdefault(h.start_min, []).append(h)
        used: set[int] = set()
        # lessons at one time (subgroups, a joint lesson) share their health slots: one line
        clusters: dict[tuple[int, int | None], list[ScheduleItem]] = {}
        for i in lessons:
            slot = lesson_times(i, times)
            start = i.start_min
            if start is None:
                start = minutes(slot[0]) if slot else 9999
            clusters.setdefault((start, i.end_min), []).append(i)
        for (start, end), group in clusters.items():
            for i in group:
                entries.append((start, 0, _lesson_line(i, times)))
                materials = material_lines(i.materials, online=i.format == "online")
                entries.extend((start, 1, f"   {line}") for line in materials)
            during = [h for i in group for h in health_during(slots, i)]
            during = list({id(h): h for h in during}.values())
            after = health_at.get(end, []) if during and end is not None else []
            used.update(id(h) for h in (*during, *after))
            text = _health_text(during, after)
            if text:
                entries.append((start, 2, f"   {text}"))
        for h in items:
            if h.kind in HEALTH_KINDS and id(h) not in used and h.start is not None:
                entries.append(
                    (
                        h.start_min or 0,
                        0,
                        f"{hhmm(h.start)}–{hhmm(h.end)} {KIND_RU[h.kind]} (без экрана)",
                    )
                )
        entries.sort(key=lambda e: (e[0], e[1]))
        lines.extend(text for *_, text in entries)
    lines.append("")
    lines.extend(REMINDERS)
    return "\n".join(lines)


def _health_text(during: list[ScheduleItem], after: list[ScheduleItem]) -> str:
    """Each kind once: ``гимнастика для глаз в 08:06 и после урока в 08:20, физкультминутка в
    08:13`` (the slots inside a lesson and the one on the break right after it)."""
    times: dict[str, list[str]] = {}
    for h in sorted(during, key=lambda h: h.start_min or 0):
        times.setdefault(h.kind, []).append(f"в {hhmm(h.start)}")
    for h in after:
        times.setdefault(h.kind, []).append(f"после урока в {hhmm(h.start)}")
    if not times:
        return ""
    text = ", ".join(f"{KIND_RU[kind]} {' и '.join(at)}" for kind, at in times.items())
    return ("на уроке: " if during else "") + text


DAY_HEAD = re.compile(r"^\S+, (\d\d\.\d\d) — онлайн-уроков")


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most ``limit`` characters, each day whole in one part; every part starts
    with its number and the days it holds: «(1/3) Часть 1 из 3, дни: 07.12, 08.12»."""
    if len(text) <= limit:
        return [text]
    room = limit - len("(99/99) Часть 99 из 99, дни: ") - 7 * 6 - 1  # a heading of up to 6 days
    chunks: list[list[str]] = []
    for paragraph in text.split("\n\n"):
        pieces = _split_lines(paragraph, room) if len(paragraph) > room else [paragraph]
        for piece in pieces:
            if chunks and len("\n\n".join([*chunks[-1], piece])) <= room:
                chunks[-1].append(piece)
            else:
                chunks.append([piece])
    n = len(chunks)
    parts = []
    for k, chunk in enumerate(chunks, start=1):
        days = [m.group(1) for p in chunk if (m := DAY_HEAD.match(p))]
        head = f"({k}/{n}) Часть {k} из {n}" + (f", дни: {', '.join(days)}" if days else "")
        parts.append(head + "\n" + "\n\n".join(chunk))
    return parts


def _split_lines(text: str, room: int) -> list[str]:
    """A paragraph longer than a message (never a day in practice), cut at line boundaries."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        # a single line longer than a message (never in practice) is cut hard
        pieces = [line[k : k + room] for k in range(0, len(line), room)] or [""]
        for piece in pieces:
            add = len(piece) + (1 if current else 0)
            if current and size + add > room:
                chunks.append("\n".join(current))
                current, size, add = [], 0, len(piece)
            current.append(piece)
            size += add
    if current:
        chunks.append("\n".join(current))
    return [c.strip("\n") for c in chunks if c.strip("\n")]


def write_chat_messages(
    outdir: Path,
    schedule: Schedule,
    *,
    slugs: dict[str, str],
    timetable: Timetable | None = None,
    since_previous: ChangeSet | None = None,
    version: int | None = None,
    classes: Iterable[str] | None = None,
) -> list[Path]:
    """One ``<class-slug>.txt`` per class (default: every class of the schedule).

    Parts of a long message are separated by a marked line.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    wanted = schedule.class_names() if classes is None else list(classes)
    times = base_times(timetable)
    days: dict[str, dict[date, list[ScheduleItem]]] = {}
    for (c, d), items in by_class_day(schedule.items).items():
        days.setdefault(c, {})[d] = items
    changes: dict[str, list[LessonChange]] = {}
    for change in since_previous or ():
        changes.setdefault(change.class_name, []).append(change)
    for class_name in sorted(wanted, key=class_order):
        mine = None if since_previous is None else changes.get(class_name, [])
        text = _message(schedule.school, class_name, days.get(class_name, {}), times, mine, version)
        path = outdir / f"{slugs[class_name]}.txt"
        path.write_text(PART_SEPARATOR.join(split_message(text)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
