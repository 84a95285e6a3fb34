"""``planner attendance`` and ``planner readiness``: the regulation's figures from the server's
database (the same services as the JSON API and the pages; called by planner/cli.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from api.admin import database
from api.problems import ApiError
from api.services import attendance, readiness, schools
from api.settings import Settings
from planner.domain.errors import InputError

T = TypeVar("T")


def _run(command: str, settings: Settings | None, work: Callable[[Session], T]) -> T:
    factory = database(settings or Settings())
    try:
        with factory() as session:
            return work(session)
    except ApiError as exc:
        raise InputError.at(command, exc.message) from None
    finally:
        factory.kw["bind"].dispose()


def attendance_day(school_id: int, day: date | None, settings: Settings | None = None) -> str:
    """The day table as text: one line per remote class, then the totals."""

    def work(session: Session) -> str:
        school = schools.get_school(session, school_id)
        chosen = day or attendance.default_period(session, school)[1]
        table = attendance.day_table(session, school, chosen)
        lines = [
            f"{school.name}: посещаемость за {chosen:%d.%m.%Y} ({attendance.citation()})",
            "класс  на уроках  отсутствовали  болеют  всего  кто внёс",
        ]
        for r in table.rows:
            if r.missing:
                lines.append(f"{r.class_name:<6} не внесено")
                continue
            assert r.entered_at is not None
            who = f"{r.entered_by}, {r.entered_at:%d.%m %H:%M}"
            lines.append(
                f"{r.class_name:<6} {r.present:>9}  {r.absent:>13}  {r.ill:>6}  {r.total:>5}  {who}"
            )
        lines.append(
            f"итого  {table.present:>9}  {table.absent:>13}  {table.ill:>6}  {table.total:>5}  "
            f"внесено классов {table.entered} из {table.expected}"
        )
        return "\n".join(lines)

    return _run("planner attendance day", settings, work)


def attendance_export(
    school_id: int,
    date_from: date | None,
    date_to: date | None,
    out: Path,
    settings: Settings | None = None,
) -> Path:
    """The municipality's XLSX of the period (default: the recent remote days)."""

    def work(session: Session) -> Path:
        school = schools.get_school(session, school_id)
        first, last = attendance.period(session, school, date_from, date_to)
        attendance.write_export(session, school, first, last, out)
        return out

    return _run("planner attendance export", settings, work)


def attendance_totals(
    school_ids: list[int], date_from: date, date_to: date, settings: Settings | None = None
) -> list[dict[str, Any]]:
    """Totals of each school over the period (what a municipality sums)."""

    def work(session: Session) -> list[dict[str, Any]]:
        for school_id in school_ids:
            schools.get_school(session, school_id)
        return attendance.totals(session, school_ids, date_from, date_to)

    return _run("planner attendance totals", settings, work)


def readiness_table(school_id: int, settings: Settings | None = None) -> str:
    """Each class's readiness as text: ready, or what is missing."""

    def work(session: Session) -> str:
        school = schools.get_school(session, school_id)
        lines = [f"{school.name}: готовность классов"]
        for r in readiness.school_readiness(session, school):
            state = "готов" if r.ready else "не готов: " + "; ".join(r.missing())
            lines.append(f"{r.class_name:<6} {state}")
        return "\n".join(lines)

    return _run("planner readiness", settings, work)
