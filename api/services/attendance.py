"""Daily attendance of remote classes (regulation items 2.3, 2.6): counts only, never a name.

For each remote day a class's teacher (by her teacher link) or an administrator records how many
pupils were on the lessons, absent and ill; a subject teacher may record how many joined each of
her online lessons. Every entry keeps who entered it and when; a correction is a new row, so the
history stays. The summaries — the deputy director's day table, the period chart, the XLSX for
the municipality, the totals of several schools — are computed with pandas.

Which class has a remote day when comes from the published versions: a date belongs to the
latest version whose period holds it, and a class is remote on it when it has online or
self-study lessons there.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import aware, utcnow
from api.lru import Lru
from api.models import AttendanceEntry, LessonAttendance, Link, School, Version
from api.problems import Conflict, Invalid
from api.services.links import teacher_class, teacher_lesson
from api.services.schools import get_school, touch_served, version_schedule
from planner.domain.model import sort_class_names
from planner.domain.regulation import ATTENDANCE_ITEMS, cite

#: most pupils one count may hold (a typo guard: a class is at most ~30 pupils)
MAX_PUPILS = 60
COUNTS = ("present", "absent", "ill")
#: what the summaries add up: the counts, their total, classes entered and remote class-days
SUMS = (*COUNTS, "total", "entered", "expected")
COUNTS_RU = {"present": "на уроках", "absent": "отсутствовали", "ill": "болеют"}
VIA_RU = {"teacher_link": "по ссылке учителя", "admin": "администратор"}
REMOTE_FORMATS = ("online", "self_study")

# -- remote days -----------------------------------------------------------------------------------

#: keyed by each version's id AND content hash (published rows are immutable; another database
#: with the same ids never hits a stale entry)
_REMOTE: Lru[tuple[tuple[int, str], ...], dict[date, tuple[str, ...]]] = Lru(16)


def _versions(session: Session, school_ids: Iterable[int]) -> list[Version]:
    return list(
        session.scalars(
            select(Version)
            .where(Version.school_id.in_(list(school_ids)))
            .order_by(Version.school_id, Version.number)
        )
    )


def _remote_of(versions: list[Version]) -> dict[date, tuple[str, ...]]:
    """date → remote classes, the latest version holding the date deciding (versions oldest
    first, all of one school)."""
    out: dict[date, tuple[str, ...]] = {}
    for version in versions:
        schedule = version_schedule(version)
        first = date.fromisoformat(schedule.order["from"])
        last = date.fromisoformat(schedule.order["to"])
        ordered = set(schedule.order.get("classes") or ())
        per_day: dict[date, set[str]] = {}
        for item in schedule.lessons():
            if item.format in REMOTE_FORMATS and item.class_name in ordered:
                per_day.setdefault(item.date, set()).add(item.class_name)
        for d in [d for d in out if first <= d <= last]:
            del out[d]
        out.update({d: tuple(sort_class_names(c)) for d, c in per_day.items()})
    return dict(sorted(out.items()))


def remote_days(session: Session, school_id: int) -> dict[date, tuple[str, ...]]:
    """Every remote day of the school with its remote classes (cached per set of versions)."""
    versions = _versions(session, [school_id])
    key = tuple((v.id, v.content_hash) for v in versions)
    return _REMOTE.get(key, lambda: _remote_of(versions))


def today_of(school: School) -> date:
    return datetime.now(ZoneInfo(school.timezone)).date()


def entry_days(session: Session, school: School, class_name: str | None = None) -> list[date]:
    """Remote days (of one class, or of any) up to today: the days attendance may be entered."""
    today = today_of(school)
    return [
        d
        for d, classes in remote_days(session, school.id).items()
        if d <= today and (class_name is None or class_name in classes)
    ]


# -- entering counts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    present: int
    absent: int
    ill: int

    @property
    def total(self) -> int:
        return self.present + self.absent + self.ill


def _check_day(session: Session, school: School, class_name: str, day: date) -> None:
    if day > today_of(school):
        raise Invalid(
            f"{day:%d.%m.%Y} ещё не наступило: посещаемость вносится за прошедший "
            "или сегодняшний день."
        )
    if class_name not in remote_days(session, school.id).get(day, ()):
        raise Invalid(
            f"{day:%d.%m.%Y} у {class_name} нет дистанционных уроков в опубликованном расписании; "
            "посещаемость вносится за дистанционные дни."
        )


def _check_counts(counts: Counts) -> None:
    problems = [
        {
            "file": "посещаемость",
            "row": None,
            "column": key,
            "element": None,
            "message": f"«{COUNTS_RU[key]}» — целое число от 0 до {MAX_PUPILS}.",
        }
        for key in COUNTS
        if not 0 <= getattr(counts, key) <= MAX_PUPILS
    ]
    if problems:
        raise Invalid("посещаемость не сохранена: исправьте поля ниже.", problems)
    if counts.total == 0:
        raise Invalid(
            "все три числа — ноль: укажите, сколько учеников было на уроках, "
            "сколько отсутствовали и сколько болеют."
        )


def record(
    session: Session,
    school: School,
    class_name: str,
    day: date,
    counts: Counts,
    *,
    by: str,
    via: str,
) -> AttendanceEntry:
    """Record (or correct: a new row) a class's counts for a remote day."""
    _check_counts(counts)
    _check_day(session, school, class_name, day)
    row = AttendanceEntry(
        school_id=school.id,
        date=day,
        class_name=class_name,
        present=counts.present,
        absent=counts.absent,
        ill=counts.ill,
        entered_by=by,
        entered_via=via,
        entered_at=utcnow(),
    )
    session.add(row)
    touch_served(session, school.id, data="regulation")
    session.commit()
    return row


def teacher_record(
    session: Session, link: Link, class_name: str, day: date, counts: Counts
) -> AttendanceEntry:
    """A teacher's link records one of her classes (a class she does not teach: 404)."""
    name = teacher_class(session, link, class_name)
    school = get_school(session, link.school_id)
    return record(session, school, name, day, counts, by=link.target, via="teacher_link")


def record_joined(session: Session, link: Link, slot: str, joined: int) -> LessonAttendance:
    """A subject teacher records how many pupils joined one of her online lessons."""
    item = teacher_lesson(session, link, slot, ("online",))
    school = get_school(session, link.school_id)
    if not 0 <= joined <= MAX_PUPILS:
        raise Invalid(f"«подключились» — целое число от 0 до {MAX_PUPILS}.")
    if item.date > today_of(school):
        raise Invalid(f"урок {item.date:%d.%m.%Y} ещё не прошёл.")
    row = LessonAttendance(
        school_id=school.id,
        date=item.date,
        class_name=item.class_name,
        slot=slot,
        joined=joined,
        entered_by=link.target,
        entered_via="teacher_link",
        entered_at=utcnow(),
    )
    session.add(row)
    touch_served(session, school.id, data="regulation")
    session.commit()
    return row


# -- reading: history and the latest entries -------------------------------------------------------


def history(session: Session, school: School, class_name: str, day: date) -> list[AttendanceEntry]:
    """Every entry of a class-day, the current one first, then the corrected ones."""
    return list(
        session.scalars(
            select(AttendanceEntry)
            .where(
                AttendanceEntry.school_id == school.id,
                AttendanceEntry.class_name == class_name,
                AttendanceEntry.date == day,
            )
            .order_by(AttendanceEntry.entered_at.desc(), AttendanceEntry.id.desc())
        )
    )


ENTRY_COLUMNS = [
    "school_id",
    "date",
    "class_name",
    *COUNTS,
    "entered_by",
    "entered_via",
    "entered_at",
    "id",
]


def entries_frame(
    session: Session, school_ids: Iterable[int], date_from: date, date_to: date
) -> pd.DataFrame:
    """The current entry of every class-day (latest row wins) with the number of corrections."""
    rows = session.execute(
        select(*(getattr(AttendanceEntry, c) for c in ENTRY_COLUMNS)).where(
            AttendanceEntry.school_id.in_(list(school_ids)),
            AttendanceEntry.date >= date_from,
            AttendanceEntry.date <= date_to,
        )
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=ENTRY_COLUMNS)
    if frame.empty:
        return frame.assign(corrections=pd.Series(dtype="int64"))
    frame["entered_at"] = [aware(x) for x in frame["entered_at"]]
    frame = frame.sort_values(["entered_at", "id"])
    key = ["school_id", "date", "class_name"]
    frame["corrections"] = frame.groupby(key)["id"].transform("size") - 1
    return frame.drop_duplicates(key, keep="last").reset_index(drop=True)


def _joined_frame(session: Session, school_id: int, day: date) -> pd.DataFrame:
    rows = session.execute(
        select(
            LessonAttendance.class_name,
            LessonAttendance.slot,
            LessonAttendance.joined,
            LessonAttendance.entered_at,
            LessonAttendance.id,
        ).where(LessonAttendance.school_id == school_id, LessonAttendance.date == day)
    ).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["class_name", "slot", "joined", "entered_at", "id"]
    )
    return frame.sort_values(["entered_at", "id"]).drop_duplicates("slot", keep="last")


def class_days(
    session: Session, school_ids: Iterable[int], date_from: date, date_to: date
) -> pd.DataFrame:
    """Every class-day of the period that is remote or has an entry: the current counts (or
    none: ``missing``), the schools' remote days joined with their entries."""
    ids = list(school_ids)
    entries = entries_frame(session, ids, date_from, date_to)
    pairs = [
        (i, d, c)
        for i in ids
        for d, classes in remote_days(session, i).items()
        if date_from <= d <= date_to
        for c in classes
    ]
    expected = pd.DataFrame(pairs, columns=["school_id", "date", "class_name"]).assign(
        expected=True
    )
    frame = expected.merge(entries, on=["school_id", "date", "class_name"], how="outer")
    frame["expected"] = frame["expected"].astype("boolean").fillna(False).astype(bool)
    frame["missing"] = frame["id"].isna()
    for key in (*COUNTS, "corrections"):
        frame[key] = frame[key].fillna(0).astype(int)
    frame["total"] = frame[list(COUNTS)].sum(axis=1)
    rank = {c: i for i, c in enumerate(sort_class_names(set(frame["class_name"])))}
    frame["order"] = frame["class_name"].map(rank)
    return frame.sort_values(["school_id", "date", "order"]).reset_index(drop=True)


# -- the deputy director's views -------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    class_name: str
    present: int
    absent: int
    ill: int
    total: int
    missing: bool
    expected: bool
    corrections: int
    entered_by: str | None
    entered_via: str | None
    entered_at: datetime | None  # in the school's zone
    joined: list[tuple[str, int]]  # (subject, pupils joined) of its online lessons


@dataclass(frozen=True)
class DayTable:
    day: date
    rows: list[DayRow]
    present: int
    absent: int
    ill: int
    total: int
    entered: int
    expected: int

    @property
    def missing(self) -> list[str]:
        return [r.class_name for r in self.rows if r.missing]


def day_table(session: Session, school: School, day: date) -> DayTable:
    """Classes × on the lessons / absent / ill of one day; classes without an entry flagged."""
    frame = class_days(session, [school.id], day, day)
    joined = _joined_frame(session, school.id, day)
    tz = ZoneInfo(school.timezone)
    rows = []
    for r in frame.itertuples(index=False):
        mine = joined[joined["class_name"] == r.class_name]
        rows.append(
            DayRow(
                class_name=r.class_name,
                present=r.present,
                absent=r.absent,
                ill=r.ill,
                total=r.total,
                missing=bool(r.missing),
                expected=bool(r.expected),
                corrections=r.corrections,
                entered_by=None if r.missing else r.entered_by,
                entered_via=None if r.missing else r.entered_via,
                entered_at=None if r.missing else r.entered_at.astimezone(tz),
                joined=[
                    (_subject_of(s), int(n))
                    for s, n in zip(mine["slot"], mine["joined"], strict=True)
                ],
            )
        )
    return DayTable(
        day=day,
        rows=rows,
        present=int(frame["present"].sum()),
        absent=int(frame["absent"].sum()),
        ill=int(frame["ill"].sum()),
        total=int(frame["total"].sum()),
        entered=int((~frame["missing"]).sum()),
        expected=int(frame["expected"].sum()),
    )


def _subject_of(slot: str) -> str:
    """The subject in a lesson's slot key (``date|class|group|kind|base|subject|time``)."""
    parts = slot.split("|")
    subject = parts[5] if len(parts) > 5 else slot
    return f"{subject} ({parts[2]})" if len(parts) > 2 and parts[2] else subject


def period_frame(session: Session, school: School, date_from: date, date_to: date) -> pd.DataFrame:
    """Per date of the period: the sums, classes entered and classes expected (the chart)."""
    frame = class_days(session, [school.id], date_from, date_to)
    return _per(frame, "date")


def _per(frame: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Sums of the counts, classes entered and remote class-days, grouped ``by``."""
    frame = frame.assign(entered=~frame["missing"])
    return frame.groupby(by).agg(**{key: (key, "sum") for key in SUMS}).astype(int).reset_index()


def totals(
    session: Session, school_ids: Iterable[int], date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """Attendance totals of each school over the period (for a municipality's view), in the
    order of ``school_ids``: sums of the counts, class-days entered and remote class-days
    expected, the share present. Schools without remote days or entries have zeros."""
    ids = list(dict.fromkeys(school_ids))
    if not ids:
        return []
    _check_period(date_from, date_to)
    per = _per(class_days(session, ids, date_from, date_to), "school_id").set_index("school_id")
    out = []
    for school_id in ids:
        row = per.loc[school_id] if school_id in per.index else None
        doc = {key: int(row[key]) if row is not None else 0 for key in SUMS}
        doc["missing"] = max(doc["expected"] - doc["entered"], 0)
        doc["present_share"] = round(doc["present"] / doc["total"], 4) if doc["total"] else None
        out.append(
            {
                "school_id": school_id,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                **doc,
            }
        )
    return out


def _check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise Invalid(f"период задан наоборот: {date_to:%d.%m.%Y} раньше {date_from:%d.%m.%Y}.")
    if (date_to - date_from).days > 366:
        raise Invalid("период длиннее года; выберите период короче.")


def default_period(session: Session, school: School) -> tuple[date, date]:
    """The remote days up to today (the last 31 of them at most); no remote day yet: 409."""
    days = entry_days(session, school)
    if not days:
        raise Conflict(
            f"у школы «{school.name}» ещё нет прошедших дистанционных дней в опубликованном "
            "расписании: посещаемость вносить не за что."
        )
    return days[max(0, len(days) - 31)], days[-1]


def period(
    session: Session, school: School, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """The asked period; a missing end is taken from :func:`default_period`."""
    if date_from is None or date_to is None:
        first, last = default_period(session, school)
        return date_from or first, date_to or last
    return date_from, date_to


def write_export(
    session: Session, school: School, date_from: date, date_to: date, target: Any
) -> None:
    """The municipality's XLSX of the period into ``target`` (a path or a binary buffer)."""
    from planner.exports.attendance import write_attendance_xlsx

    per_date, per_class = export_frames(session, school, date_from, date_to)
    write_attendance_xlsx(
        target,
        per_date,
        per_class,
        school=school.name,
        period=(date_from, date_to),
        citation=citation(),
        timezone=school.timezone,
    )


def export_frames(
    session: Session, school: School, date_from: date, date_to: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The municipality's XLSX: per date sums and per class-day rows (with who and when)."""
    _check_period(date_from, date_to)
    frame = class_days(session, [school.id], date_from, date_to)
    tz = ZoneInfo(school.timezone)
    frame["entered_at"] = [
        None if m else x.astimezone(tz)
        for m, x in zip(frame["missing"], frame["entered_at"], strict=True)
    ]
    frame["entered_via"] = frame["entered_via"].map(VIA_RU)
    return _per(frame, "date"), frame


def citation() -> str:
    """The regulation items the attendance serves, for headings and exports."""
    return cite(ATTENDANCE_ITEMS)


def entry_public(row: AttendanceEntry, school: School) -> dict[str, Any]:
    when = aware(row.entered_at)
    return {
        "class_name": row.class_name,
        "date": row.date.isoformat(),
        **{key: getattr(row, key) for key in COUNTS},
        "total": row.present + row.absent + row.ill,
        "entered_by": row.entered_by,
        "entered_via": row.entered_via,
        "entered_at": when.astimezone(ZoneInfo(school.timezone)).isoformat() if when else None,
    }


def day_public(table: DayTable, school: School) -> dict[str, Any]:
    return {
        "date": table.day.isoformat(),
        "timezone": school.timezone,
        "rows": [
            {
                "class_name": r.class_name,
                **{key: getattr(r, key) for key in (*COUNTS, "total", "missing", "corrections")},
                "entered_by": r.entered_by,
                "entered_via": r.entered_via,
                "entered_at": r.entered_at.isoformat() if r.entered_at else None,
                "joined": [{"subject": s, "joined": n} for s, n in r.joined],
            }
            for r in table.rows
        ],
        "totals": {key: getattr(table, key) for key in SUMS},
        "missing": table.missing,
    }
