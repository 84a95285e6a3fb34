"""A municipal order, school by school: which grades of a school go remote and its own order; the
municipal summary tables (pandas) the dashboard, ``planner batch`` and the summary XLSX share.

The web app (``api.services.municipal``) and ``planner batch`` call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from constraints.norms.frost import FrostDecision, FrostTable, decide_frost
from planner.domain.errors import InputError
from planner.domain.model import Timetable, sort_class_names
from planner.domain.municipal import MunicipalOrder
from planner.domain.order import parse_order

__all__ = [
    "STATUS_RU",
    "SchoolPart",
    "frost_for_school",
    "school_part",
    "sort_rows",
    "summary_frame",
    "totals",
]

#: a school's state in a municipal order, in the order the dashboard sorts them
STATUS_RU = {
    "problem": "проблема",
    "waiting": "в очереди",
    "solving": "решается",
    "ready": "готово к проверке",
    "published": "опубликовано",
    "not_affected": "не затронута",
    "cancelled": "отменено",
}


@dataclass(frozen=True)
class SchoolPart:
    """One school's share of a municipal order."""

    grades: tuple[int, ...]  # the school's grades that go remote
    classes: tuple[str, ...]  # its classes that go remote
    doc: dict[str, Any] | None  # its own order document; None: no class of the school is affected
    note: str  # why: the frost decision, the listed grades, or what stops the order


def frost_for_school(
    order: MunicipalOrder,
    territory: FrostTable,
    *,
    municipality: FrostTable | None = None,
    school: FrostTable | None = None,
) -> FrostDecision:
    """The frost decision for one school: the municipality's table, plus the school's own rows."""
    assert order.temperature is not None
    return decide_frost(
        order.temperature, order.wind, territory, municipality=municipality, school=school
    )


def school_part(
    order: MunicipalOrder,
    timetable: Timetable,
    *,
    grades: Sequence[int] | None = None,
    extra: Iterable[int] = (),
    note: str = "",
) -> SchoolPart:
    """The school's order: ``grades`` (from the frost rule or the municipal order) and the
    ``extra`` grades the school added, narrowed to the grades the school has. A school order
    applied to every school keeps its own classes. Raises InputError when the school's timetable
    refuses the order (an unknown class, a date out of range…)."""
    if order.classes is not None and grades is None:  # an ordinary school order, as it is
        doc = order.school_doc()
        parsed = parse_order(doc, timetable, file="приказ")
        remote = tuple(sort_class_names(parsed.classes))
        have = tuple(sorted({timetable.classes[c].grade for c in remote}))
        return SchoolPart(have, remote, doc, note or "приказ для каждой школы")
    wanted = set(grades if grades is not None else order.grades or ()) | set(extra)
    have = {cls.grade for cls in timetable.classes.values()}
    remote_grades = tuple(sorted(wanted & have))
    if not remote_grades:
        return SchoolPart((), (), None, note or "в школе нет классов этих параллелей")
    doc = order.school_doc(remote_grades)
    parsed = parse_order(doc, timetable, file="приказ")
    return SchoolPart(remote_grades, tuple(sort_class_names(parsed.classes)), doc, note)


def problem_text(exc: InputError) -> str:
    """An InputError as one line for the dashboard."""
    return "; ".join(p.message for p in exc.problems) or str(exc)


SUMMARY_COLUMNS = {
    "school": "Школа",
    "status_ru": "Состояние",
    "grades": "Параллели",
    "classes_remote": "Классов на дистанте",
    "online_minutes": "Онлайн-минут",
    "violations": "Нарушений",
    "version": "Версия",
    "reason": "Причина / замечание",
}


def sort_rows(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Schools with a problem first, then waiting, solving, ready…; by name within a state."""
    rank = {status: i for i, status in enumerate(STATUS_RU)}
    return sorted(rows, key=lambda r: (rank.get(r["status"], len(rank)), str(r["school"])))


def summary_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per school (keys of :data:`SUMMARY_COLUMNS`, ``status`` and optional ``pupils``),
    in the order of :func:`sort_rows`."""
    columns = [*SUMMARY_COLUMNS, "status", "pupils"]
    frame = pd.DataFrame(sort_rows(rows), columns=columns)
    return frame.reset_index(drop=True)


def totals(frame: pd.DataFrame) -> dict[str, Any]:
    """The municipality's totals: schools by status, classes remote, online minutes, pupils."""
    by_status = frame["status"].value_counts().to_dict() if len(frame) else {}
    pupils = pd.to_numeric(frame["pupils"], errors="coerce")
    return {
        "schools": len(frame),
        "by_status": {k: int(by_status.get(k, 0)) for k in STATUS_RU},
        "classes_remote": int(pd.to_numeric(frame["classes_remote"], errors="coerce").sum()),
        "online_minutes": int(pd.to_numeric(frame["online_minutes"], errors="coerce").sum()),
        "violations": int(pd.to_numeric(frame["violations"], errors="coerce").sum()),
        # pupils only where a school's count is known (attendance counts; never names)
        "pupils": int(pupils.sum()) if pupils.notna().any() else None,
    }


def report_frames(frame: pd.DataFrame, order_lines: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The sheets of the municipal summary XLSX: the order, the schools, the totals."""
    schools = frame[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS)
    total = totals(frame)
    total_rows = [("Школ", total["schools"])]
    total_rows += [(STATUS_RU[k], v) for k, v in total["by_status"].items() if v]
    total_rows += [
        ("Классов на дистанте", total["classes_remote"]),
        ("Онлайн-минут", total["online_minutes"]),
        ("Нарушений", total["violations"]),
    ]
    if total["pupils"] is not None:
        total_rows.append(("Обучающихся затронуто (по учёту посещаемости)", total["pupils"]))
    return {
        "Приказ": pd.DataFrame(order_lines, columns=["Поле", "Значение"]),
        "Школы": schools,
        "Итого": pd.DataFrame(total_rows, columns=["Показатель", "Значение"]),
    }
