"""Russian wording of the catalogue: units, dates, grade and month ranges, bands, confidence.

Every text a deputy director reads about a norm value is rendered here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.domain.model import plural
from planner.domain.order import DEVICE_RU, POLICY_RU

if TYPE_CHECKING:
    from constraints.norms.schema import Band

__all__ = [
    "CONFIDENCE_RU",
    "DEVICE_RU",
    "FORM_HINT",
    "MONTHS_RU",
    "POLICY_RU",
    "UNIT_HINT",
    "band_scope",
    "format_value",
    "months_text",
    "query_scope",
    "range_text",
    "ru_date",
]

CONFIDENCE_RU = {
    "high": "высокая",
    "medium-high": "выше средней",
    "medium": "средняя",
    "medium-low": "ниже средней",
    "low-medium": "ниже средней",
    "low": "низкая",
    "setting": "настройка планировщика",
    "override": "задано локальным актом",
}
MONTHS_RU = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def ru_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def format_value(value: Any, unit: str) -> str:
    """Render a catalogue value in Russian with its unit."""
    if value is None:
        return "не задано"
    if unit == "bool":
        return "да" if value else "нет"
    if unit == "lesson_numbers":
        return ", ".join(str(v) for v in value)
    if unit == "grades":
        return f"{range_text(value)} кл." if value else "ни одному классу"
    if unit == "min":
        return f"{value} мин"
    if unit == "lessons" and isinstance(value, int):
        return plural(value, "урок", "урока", "уроков")
    if unit == "points" and isinstance(value, int):
        return plural(value, "балл", "балла", "баллов")
    return str(value)


def range_text(values: Iterable[int]) -> str:
    vals = sorted(values)
    if len(vals) > 1 and vals[-1] - vals[0] == len(vals) - 1:
        return f"{vals[0]}–{vals[-1]}"
    return ", ".join(str(v) for v in vals)


def months_text(months: frozenset[int]) -> str:
    vals = sorted(months)
    if len(vals) > 1 and vals[-1] - vals[0] == len(vals) - 1:
        return f"{MONTHS_RU[vals[0] - 1]}–{MONTHS_RU[vals[-1] - 1]}"
    return ", ".join(MONTHS_RU[m - 1] for m in vals)


UNIT_HINT = {
    "min": "целое число минут ≥ 0",
    "lessons": "целое число уроков ≥ 0",
    "points": "целое число баллов ≥ 0",
    "weight": "целое число ≥ 0",
    "count": "целое число ≥ 0",
    "time": 'время в виде "ЧЧ:ММ" в кавычках, например "18:00"',
    "bool": "true или false",
    "lesson_numbers": "список номеров уроков, например [2, 3]",
    "grades": "список классов 1–11 без повторов, например [1] или [1, 2]",
}


#: what a form field of a local-act value takes (no YAML: the user types into a field)
FORM_HINT = {
    "min": "целое число минут, например 30",
    "lessons": "целое число уроков, например 5",
    "points": "целое число баллов",
    "weight": "целое число",
    "count": "целое число",
    "time": "время ЧЧ:ММ, например 17:00",
    "bool": "«да» или «нет»",
    "lesson_numbers": "номера уроков через запятую, например 2, 3",
    "grades": "номера классов 1–11 через запятую, например 1, 2",
}


def query_scope(grade: int | None, device: str | None, policy: str | None) -> str:
    """«ПК, дома, 7 кл.»: the parameters of a lookup."""
    parts = []
    if device:
        parts.append(DEVICE_RU[device])
    if policy:
        parts.append(POLICY_RU[policy])
    if grade is not None:
        parts.append(f"{grade} кл.")
    return ", ".join(parts)


def band_scope(band: Band, device: str | None, policy: str | None) -> list[str]:
    """«ПК», «дома», «5–9 кл.», «сентябрь–декабрь»: which case a band's value is for."""
    parts = []
    if band.devices is not None:
        shown = [device] if device in band.devices else sorted(band.devices)
        parts.append(", ".join(DEVICE_RU[d] for d in shown))
    if band.policies is not None:
        shown = [policy] if policy in band.policies else sorted(band.policies)
        parts.append(", ".join(POLICY_RU[p] for p in shown))
    if band.grades is not None:
        parts.append(f"{range_text(band.grades)} кл.")
    if band.months is not None:
        parts.append(months_text(band.months))
    return parts
