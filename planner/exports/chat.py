"""``chat/<class-slug>.txt`` — the message for a class chat (Сферум / MAX).

Plain text: the remote days with times, which lessons are online and which are self-study, the
health breaks, the recordings and assignments teachers attached (for a self-study lesson the
lesson itself, for an online one the alternative for families who cannot join: regulation item
3.7), and the reminders. No call links (a chat may include outsiders; links go to ЭПОС and
teacher feeds) and no pupil data. A messenger message holds at most :data:`MAX_MESSAGE` characters,
so a long text is split at line boundaries into numbered parts «(1/3)».
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from planner.domain.model import DAY_NAMES_RU_LONG, Timetable, class_order, hhmm, minutes
from planner.domain.regulation import material_lines
from planner.domain.schedule import KIND_RU, Schedule, ScheduleItem
from planner.engine.changes import ChangeSet, LessonChange, day_label, lesson_label

from .common import BaseTimes, base_times, lesson_times
from .ical import HEALTH_KINDS, health_inside

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
    times = base_times(timetable)
    dates = sorted({i.date for i in schedule.items if i.class_name == class_name})
    lines: list[str] = []
    head = f"{class_name}: дистанционное обучение"
    if dates:
        head += f" с {dates[0]:%d.%m} по {dates[-1]:%d.%m.%Y}"
    lines.append(head)
    lines.append(schedule.school)
    if since_previous is not None:
        mine = [c for c in since_previous if c.class_name == class_name]
        lines.append("")
        label = f"Обновление расписания (версия {version})" if version else "Обновление расписания"
        if mine:
            lines.append(f"{label}. Изменилось:")
            lines.extend(f"• {_change_line(c)}" for c in mine)
        else:
            lines.append(f"{label}. Для {class_name} изменений нет.")
    for d in dates:
        items = schedule.of_class(class_name, d)
        lessons = [i for i in items if i.is_lesson]
        if not lessons:
            continue
        lines.append("")
        online = sum(1 for i in lessons if i.format == "online")
        lines.append(f"{_date_heading(d)} — онлайн-уроков: {online} из {len(lessons)}")
        entries: list[tuple[int, int, str]] = []
        for i in lessons:
            slot = lesson_times(i, times)
            start = i.start_min
            if start is None:
                start = minutes(slot[0]) if slot else 9999
            entries.append((start, 0, _lesson_line(i, times)))
            materials = material_lines(i.materials, online=i.format == "online")
            entries.extend((start, 1, f"   {line}") for line in materials)
            health = health_inside(items, i)
            if health:
                text = ", ".join(f"{KIND_RU[h.kind]} в {hhmm(h.start)}" for h in health)
                entries.append((start, 1, f"   на уроке: {text}"))
        inside = {id(h) for i in lessons for h in health_inside(items, i)}
        for h in items:
            if h.kind in HEALTH_KINDS and id(h) not in inside and h.start is not None:
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


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most ``limit`` characters, split at line boundaries, numbered «(1/3)»."""
    if len(text) <= limit:
        return [text]
    room = limit - len("(999/999)\n")  # the part number goes in front of each part
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
    chunks = [c.strip("\n") for c in chunks if c.strip("\n")]
    n = len(chunks)
    return [f"({k}/{n})\n{c}" for k, c in enumerate(chunks, start=1)]


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
    for class_name in sorted(wanted, key=class_order):
        text = class_message(
            schedule,
            class_name,
            timetable=timetable,
            since_previous=since_previous,
            version=version,
        )
        path = outdir / f"{slugs[class_name]}.txt"
        path.write_text(PART_SEPARATOR.join(split_message(text)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
