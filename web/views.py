"""Presentational helpers of the pages: grids, day timelines, bar charts, call-link checks.

Nothing here decides anything about the timetable; it arranges what the domain produced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

from planner.domain.model import Timetable, hhmm, sort_class_names
from planner.domain.schedule import KIND_RU, ScheduleItem

DAYS_RU = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAYS_RU_LONG = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
HEALTH_KINDS = ("eye_gymnastics", "physical_break", "dynamic_pause")
FORMAT_LABEL = {"online": "онлайн", "self_study": "самостоятельно", "in_person": "очно"}
KNOWN_CALL_HOSTS = ("vk.com", "vk.ru", "sferum.ru")
#: every colour a class's day timeline draws, with its label: the legend lists them all
TIMELINE_LEGEND: tuple[tuple[str, str], ...] = (
    *((f"f-{k}", label) for k, label in FORMAT_LABEL.items()),
    *((f"k-{k}", KIND_RU[k]) for k in ("break", *HEALTH_KINDS)),
)
#: up to this many classes the review shows every class at once; a bigger order shows one
#: parallel (or one class) at a time, with a navigation over all of them
REVIEW_ALL_UP_TO = 6


def day_label(d: date, lang: str = "ru") -> str:
    names = DAYS_EN if lang == "en" else DAYS_RU
    return f"{names[d.isoweekday() - 1]}, {d:%d.%m}"


def time_span(item: ScheduleItem) -> str:
    if item.start is None or item.end is None:
        return ""
    return f"{hhmm(item.start)}–{hhmm(item.end)}"


def kind_label(item: ScheduleItem) -> str:
    if item.kind == "lesson":
        return FORMAT_LABEL.get(item.format or "", item.format or "")
    return KIND_RU.get(item.kind, item.kind)


# ---------------------------------------------------------------------------------------------
# The regular timetable


@dataclass(frozen=True)
class Grid:
    """Rows are lesson numbers, columns weekdays; a cell holds short lines of text."""

    title: str
    days: list[int]
    rows: list[int]
    cells: dict[tuple[int, int], list[str]]


def base_grid(timetable: Timetable, *, by: str, target: str) -> Grid:
    """One class's or one teacher's regular week."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for x in timetable.lessons:
        if by == "class" and target not in x.classes:
            continue
        if by == "teacher" and target not in x.teachers:
            continue
        who = ", ".join(x.classes) if by == "teacher" else ", ".join(x.teachers)
        group = f" ({x.group})" if x.group else ""
        room = f", каб. {x.room}" if x.room else ""
        cells[(x.lesson, x.day)].append(
            f"{hhmm(x.start)}–{hhmm(x.end)} {x.subject}{group} — {who}{room}"
        )
    days = list(timetable.school.school_days)
    rows = sorted({lesson for lesson, _ in cells}) or [1]
    return Grid(title=target, days=days, rows=rows, cells=dict(cells))


def grade_groups(class_names: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Classes grouped by parallel, in school order: [("5", ["5А", "5Б"]), …]."""
    from planner.domain.model import parse_grade

    out: dict[str, list[str]] = {}
    for name in sort_class_names(class_names):
        grade = parse_grade(name)
        out.setdefault(str(grade) if grade is not None else "—", []).append(name)
    return list(out.items())


# ---------------------------------------------------------------------------------------------
# The review of a rebuild


@dataclass(frozen=True)
class Selection:
    """Which classes of the order the review's day view shows, and how to ask for others."""

    classes: list[str]
    grade: str | None  # a whole parallel was chosen
    class_name: str | None  # one class was chosen
    everything: bool  # every class of the order
    asked: bool = True  # chosen by the user (not the default of the order's size)

    def query(self) -> str:
        """The query parameters that keep this choice (for the day tabs)."""
        if not self.asked:
            return ""
        if self.class_name:
            return f"&class={quote(self.class_name)}"
        if self.grade:
            return f"&grade={self.grade}"
        return "&all=1" if self.everything else ""


def review_selection(
    remote: list[str], *, class_name: str | None, grade: str | None, everything: bool
) -> Selection:
    """The classes the review shows: the one asked for, a parallel, all of them; by default every
    class of a small order and the first parallel of a big one (a whole school would otherwise
    be ~20,000 px of timelines)."""
    if class_name in remote:
        return Selection([class_name], None, class_name, False)
    groups = dict(grade_groups(remote))
    if grade in groups:
        return Selection(groups[grade], grade, None, False)
    if everything:
        return Selection(list(remote), None, None, True)
    if len(remote) <= REVIEW_ALL_UP_TO:
        return Selection(list(remote), None, None, True, asked=False)
    first = next(iter(groups))
    return Selection(groups[first], first, None, False, asked=False)


@dataclass(frozen=True)
class Summary:
    """The figures the review opens with, over the whole period of the order."""

    classes: int
    dates: int
    online: int
    self_study: int
    online_minutes: int


def review_summary(items: Iterable[ScheduleItem], remote: Iterable[str]) -> Summary:
    remote_set = set(remote)
    lessons = [i for i in items if i.kind == "lesson" and i.class_name in remote_set]
    online = [i for i in lessons if i.format == "online"]
    return Summary(
        classes=len(remote_set),
        dates=len({i.date for i in lessons}),
        online=len(online),
        self_study=sum(1 for i in lessons if i.format == "self_study"),
        online_minutes=sum(i.screen_minutes or 0 for i in online),
    )


# ---------------------------------------------------------------------------------------------
# A rebuilt day


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    lane: int
    css: str
    label: str
    title: str

    def text(self, char_width: float = 8.0) -> str:
        """The label as it fits inside the bar (cut with «…»; empty when nothing fits)."""
        room = int(self.width // char_width)
        if len(self.label) <= room:
            return self.label
        return self.label[: room - 1].rstrip() + "…" if room >= 4 else ""


@dataclass(frozen=True)
class Timeline:
    class_name: str
    start: int
    end: int
    ticks: list[tuple[float, str]]
    bars: list[Bar]
    untimed: list[ScheduleItem]


def timeline(class_name: str, items: list[ScheduleItem], width: float = 1000.0) -> Timeline:
    """Lessons and breaks on lane 0, health slots on lane 1, as x/width in a 0..width box."""
    timed = [i for i in items if i.start_min is not None and i.end_min is not None]
    untimed = [i for i in items if i.kind == "lesson" and i.start_min is None]
    if not timed:
        return Timeline(class_name, 480, 840, [], [], untimed)
    lo = min(i.start_min for i in timed if i.start_min is not None) // 60 * 60
    hi = -(-max(i.end_min for i in timed if i.end_min is not None) // 60) * 60
    span = max(hi - lo, 60)

    def x(m: int) -> float:
        return round((m - lo) * width / span, 2)

    bars = []
    for i in timed:
        assert i.start_min is not None and i.end_min is not None
        lane = 1 if i.kind in HEALTH_KINDS else 0
        css = f"k-{i.kind}" if i.kind != "lesson" else f"f-{i.format}"
        label = (i.subject or "") + (f" ({i.group})" if i.group else "")
        label = label if i.kind == "lesson" else ""
        title = f"{time_span(i)} {kind_label(i)}" + (f": {i.subject}" if i.subject else "")
        width_ = round(x(i.end_min) - x(i.start_min), 2)
        bars.append(Bar(x(i.start_min), width_, lane, css, label, title))
    ticks = [(x(m), f"{m // 60:02d}:00") for m in range(lo, hi + 1, 60)]
    return Timeline(class_name, lo, hi, ticks, bars, untimed)


@dataclass(frozen=True)
class ChartRow:
    label: str
    minutes: int
    cap: int
    over: bool
    width: float  # of the minutes bar, percent of the chart
    cap_x: float  # position of the cap line, percent


def cap_chart(days: Iterable[Any]) -> list[ChartRow]:
    """Online minutes of each class and day against its cap (checker's DayFigures)."""
    days = list(days)
    top = max([max(d.online_minutes, d.cap) for d in days] or [1]) or 1
    return [
        ChartRow(
            label=f"{d.class_name}, {day_label(d.date)}",
            minutes=d.online_minutes,
            cap=d.cap,
            over=d.online_minutes > d.cap,
            width=round(d.online_minutes * 100 / top, 2),
            cap_x=round(d.cap * 100 / top, 2),
        )
        for d in days
    ]


def by_date(items: Iterable[ScheduleItem]) -> dict[date, list[ScheduleItem]]:
    out: dict[date, list[ScheduleItem]] = {}
    for i in items:
        out.setdefault(i.date, []).append(i)
    return dict(sorted(out.items()))


def teachers_of(items: Iterable[ScheduleItem]) -> list[str]:
    return sorted(
        {t.strip() for i in items if i.kind == "lesson" for t in (i.teacher or "").split(",")}
        - {""}
    )


# ---------------------------------------------------------------------------------------------
# Call links


def is_known_call_url(url: str) -> bool:
    """A Сферум/VK call link (``https://vk.com|vk.ru/call/join/…``, ``sferum.ru/?call_link=``)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.scheme != "https" or host not in KNOWN_CALL_HOSTS:
        return False
    if host in ("vk.com", "vk.ru"):
        return parts.path.startswith("/call/join/") and len(parts.path) > len("/call/join/")
    return bool(parse_qs(parts.query).get("call_link"))


@dataclass(frozen=True)
class Entry:
    """A row of a day list: a lesson with the health slots inside it, or a lone health slot."""

    item: ScheduleItem
    health: list[ScheduleItem]


def day_entries(items: Iterable[ScheduleItem]) -> list[Entry]:
    """Lessons (and health slots outside lessons) in time order; breaks are left out."""
    items = [i for i in items if i.kind != "break"]
    lessons = [i for i in items if i.kind == "lesson"]
    inside: dict[int, list[ScheduleItem]] = {}
    lone: list[ScheduleItem] = []
    for h in (i for i in items if i.kind in HEALTH_KINDS):
        host = next(
            (
                n
                for n, x in enumerate(lessons)
                if x.class_name == h.class_name
                and x.start_min is not None
                and x.end_min is not None
                and h.start_min is not None
                and x.start_min <= h.start_min < x.end_min
            ),
            None,
        )
        if host is None:
            lone.append(h)
        else:
            inside.setdefault(host, []).append(h)
    entries = [Entry(x, sorted(inside.get(n, []), key=start_key)) for n, x in enumerate(lessons)]
    entries.extend(Entry(h, []) for h in lone)
    return sorted(entries, key=lambda e: start_key(e.item))


def start_key(item: ScheduleItem) -> int:
    return item.start_min if item.start_min is not None else 24 * 60


FILE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ЭПОС", ("epos.",)),
    ("Лист замен", ("changes.xlsx",)),
    ("Отчёт о нормах", ("report.",)),
    ("Сообщения в чаты", ("chat/",)),
    ("Календари", ("feeds/",)),
)


def group_files(files: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Export files of a version under the headings the deputy director looks for."""
    groups: dict[str, list[str]] = {label: [] for label, _ in FILE_GROUPS}
    other: list[str] = []
    for name in sorted(files):
        label = next((lb for lb, prefixes in FILE_GROUPS if name.startswith(prefixes)), None)
        (groups[label] if label else other).append(name)
    out = [(label, names) for label, names in groups.items() if names]
    if other:
        out.append(("Прочее", other))
    return out


def ru_date(value: str | date) -> str:
    """ISO date (or date) as ДД.ММ.ГГГГ; anything else unchanged."""
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d:%d.%m.%Y}"


def school_time(value: datetime | None, tz: str, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """A stored (UTC) moment as ДД.ММ.ГГГГ ЧЧ:ММ in the school's zone: every time a page shows
    is in the school's zone (the parents' pages too), never in UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite gives naive UTC back
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz)).strftime(fmt)
