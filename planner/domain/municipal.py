"""The municipal order: addressed to schools, not classes (a frost morning, a quarantine).

A municipal education department writes (or the web form produces)::

    reason: frost               # frost (погода), quarantine (карантин), regional (решение региона)
    title: Телефонограмма № 15 от 08.12.2026
    schools: all                # or a list of school names (or ids in the web app)
    from: 2026-12-08
    to: 2026-12-08
    frost: {temperature: -31, wind: 3}    # grades from the thresholds table in force …
    grades: [1, 2, 3, 4]                  # … or listed (one of the two); all = every grade
    publish: review             # review: each school reviews (or the municipality publishes every
                                # clean plan at once); auto: a clean plan is published when solved
    order:                      # what every school's own order says besides classes and dates
      device: pc
      screen_policy: home

Each school gets its own ordinary order (:mod:`planner.domain.order`) from it —
``classes: {grades: [...]}`` with the grades it has — which the school may tighten (more grades,
never fewer). An ordinary school order is accepted where a municipal one is: it applies to every
school (:func:`from_school_order`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.domain.errors import InputError
from planner.domain.order import ORDER_KEYS, Reader

REASONS = ("frost", "quarantine", "regional")
REASON_RU = {"frost": "мороз", "quarantine": "карантин", "regional": "решение региона"}
PUBLISH_MODES = ("review", "auto")
MUNICIPAL_KEYS = frozenset(
    {"reason", "title", "schools", "from", "to", "frost", "grades", "publish", "order"}
)
#: keys of a school order the municipal order passes on (classes and dates are its own)
PASSED_ON = ORDER_KEYS - {"classes", "from", "to"}
ALL_GRADES = tuple(range(1, 12))


@dataclass(frozen=True)
class MunicipalOrder:
    reason: str
    date_from: date
    date_to: date
    schools: str | tuple[str | int, ...] = "all"  # "all" or school names / ids
    grades: tuple[int, ...] | None = None  # listed grades (None: from the frost rule)
    temperature: float | None = None
    wind: float | None = None
    publish: str = "review"
    title: str = ""
    school_order: Mapping[str, Any] = field(default_factory=dict)
    # an ordinary school order applied to every school: its classes selector as it was written
    classes: Any = None

    @property
    def by_frost(self) -> bool:
        return self.temperature is not None

    def school_doc(self, grades: tuple[int, ...] | None = None) -> dict[str, Any]:
        """The ordinary order of one school: the grades it has (or the school order's classes)."""
        doc: dict[str, Any] = dict(self.school_order)
        if grades is not None:
            doc["classes"] = {"grades": sorted(grades)}
        elif self.classes is not None:
            doc["classes"] = self.classes
        doc["from"] = self.date_from.isoformat()
        doc["to"] = self.date_to.isoformat()
        return doc

    def to_json(self) -> dict[str, Any]:
        """The order as a document :func:`read_any_order` reads back."""
        if self.classes is not None:  # a school order for every school stays one
            return self.school_doc()
        doc: dict[str, Any] = {
            "reason": self.reason,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "schools": self.schools if self.schools == "all" else list(self.schools),
            "publish": self.publish,
        }
        if self.title:
            doc["title"] = self.title
        if self.grades is not None:
            doc["grades"] = list(self.grades)
        if self.temperature is not None:
            doc["frost"] = {"temperature": self.temperature}
            if self.wind is not None:
                doc["frost"]["wind"] = self.wind
        if self.school_order:
            doc["order"] = dict(self.school_order)
        return doc


def is_municipal(doc: Any) -> bool:
    """A municipal order (addressed to schools) rather than one school's order."""
    return isinstance(doc, Mapping) and "classes" not in doc and bool(set(doc) & MUNICIPAL_KEYS)


def _number(r: Reader, key: str, raw: Any, lo: float, hi: float) -> float | None:
    try:
        value = float(str(raw).replace(",", ".").replace("−", "-"))
    except (TypeError, ValueError):
        r.fail(key, f"«{raw}» — не число.")
        return None
    if not lo <= value <= hi:
        r.fail(key, f"{value:g} вне пределов {lo:g}…{hi:g}.")
        return None
    return value


def _grades(r: Reader, raw: Any) -> tuple[int, ...] | None:
    if raw in ("all", "все"):
        return ALL_GRADES
    items = raw if isinstance(raw, list) else None
    if not items or not all(isinstance(g, int) and not isinstance(g, bool) for g in items):
        r.fail("grades", "grades — список [1, 2, 3] или all.")
        return None
    bad = [g for g in items if not 1 <= g <= 11]
    if bad:
        r.fail("grades", f"нет параллели {bad[0]}: 1–11.")
        return None
    return tuple(sorted(set(items)))


def parse_municipal_order(doc: Any, file: str = "муниципальный приказ") -> MunicipalOrder:
    """Validate a municipal order document; every problem at once (InputError)."""
    if not isinstance(doc, Mapping):
        raise InputError.at(file, "приказ — словарь YAML/JSON с ключами schools, from, to.")
    r = Reader(file)
    fail = r.fail
    for key in doc:
        if key not in MUNICIPAL_KEYS:
            allowed = ", ".join(sorted(MUNICIPAL_KEYS))
            fail(str(key), f"неизвестный ключ; есть: {allowed}.")
    reason = str(doc.get("reason", "frost" if "frost" in doc else "")).strip()
    if reason not in REASONS:
        fail("reason", "reason — frost (мороз), quarantine (карантин) или regional (регион).")
    d_from, d_to = r.date(doc, "from"), r.date(doc, "to")
    if d_from and d_to and d_to < d_from:
        fail("to", f"дата окончания {d_to} раньше {d_from}.")
    schools = doc.get("schools", "all")
    if schools in ("all", "все"):
        schools = "all"
    elif (
        isinstance(schools, list)
        and schools
        and all(
            isinstance(s, (str, int)) and not isinstance(s, bool) and str(s).strip()
            for s in schools
        )
    ):
        schools = tuple(s.strip() if isinstance(s, str) else s for s in schools)
    else:
        fail("schools", "schools — all или список школ (названия или номера).")
        schools = "all"
    grades = temperature = wind = None
    frost = doc.get("frost")
    if ("grades" in doc) == (frost is not None):
        fail(
            "grades",
            "укажите либо grades (параллели), либо frost {temperature: -30} — параллели по "
            "порогам для морозов.",
        )
    if "grades" in doc:
        grades = _grades(r, doc["grades"])
    if frost is not None:
        if not isinstance(frost, Mapping) or "temperature" not in frost:
            fail("frost", "frost — {temperature: -30, wind: 5} (°C, м/с).")
        else:
            extra = sorted(str(k) for k in frost if k not in ("temperature", "wind"))
            if extra:
                fail(f"frost.{extra[0]}", "в frost есть только temperature и wind.")
            temperature = _number(r, "frost.temperature", frost["temperature"], -70, 10)
            if frost.get("wind") is not None:
                wind = _number(r, "frost.wind", frost["wind"], 0, 60)
    publish = str(doc.get("publish", "review")).strip()
    if publish not in PUBLISH_MODES:
        fail("publish", "publish — review (проверка школой) или auto (чистый план — сразу).")
    school_order = doc.get("order") or {}
    if not isinstance(school_order, Mapping):
        fail("order", "order — словарь ключей приказа.")
        school_order = {}
    for key in school_order:
        if key not in PASSED_ON:
            allowed = ", ".join(sorted(PASSED_ON))
            fail(f"order.{key}", f"в order нельзя «{key}»; допустимые: {allowed}.")
    if r.problems:
        raise InputError(r.problems)
    assert d_from is not None and d_to is not None
    return MunicipalOrder(
        reason=reason,
        date_from=d_from,
        date_to=d_to,
        schools=schools,
        grades=grades,
        temperature=temperature,
        wind=wind,
        publish=publish,
        title=str(doc.get("title") or "").strip(),
        school_order=dict(school_order),
    )


def from_school_order(doc: Any, file: str = "приказ") -> MunicipalOrder:
    """An ordinary school order applied to every school (its classes, dates and other keys)."""
    if not isinstance(doc, Mapping):
        raise InputError.at(file, "приказ — словарь YAML/JSON с ключами classes, from, to.")
    r = Reader(file)
    d_from, d_to = r.date(doc, "from"), r.date(doc, "to")
    for key in doc:
        if key not in ORDER_KEYS:
            r.fail(
                str(key), f"неизвестный ключ «{key}»; допустимые: {', '.join(sorted(ORDER_KEYS))}."
            )
    if r.problems:
        raise InputError(r.problems)
    assert d_from is not None and d_to is not None
    rest = {k: v for k, v in doc.items() if k in PASSED_ON}
    return MunicipalOrder(
        reason="regional",
        date_from=d_from,
        date_to=d_to,
        classes=doc.get("classes"),
        school_order=rest,
    )


def read_any_order(doc: Any, file: str = "приказ") -> MunicipalOrder:
    """A municipal order, or a school order that applies to every school."""
    return parse_municipal_order(doc, file) if is_municipal(doc) else from_school_order(doc, file)
