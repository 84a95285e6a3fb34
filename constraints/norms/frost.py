"""The frost rule: a forecast air temperature (and optionally wind) → the grades learning remotely.

The thresholds are data, one norm file per territory in ``data/norms/frost/`` (a ``document`` as in
every norm file: source, confidence, dates) with a ``thresholds`` table::

    thresholds:
      - {at_or_below: -25, grades: 1-4}                    # −25 °C and colder: grades 1–4
      - {at_or_below: -22, wind_at_least: 4, grades: 1-4}  # with wind from 4 m/s already at −22 °C

A row applies when the temperature is at or below its value (and the wind at least its value, when
it names one); the grades of every row that applies go remote. A municipality may replace its
territory's table by its own act; a school may add rows of its own — a school tightens (more grades
at a temperature), it never loosens: its rows are added to the table in force, never taken away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from constraints.norms.files import DEFAULT_DIRECTORY, FileReader
from constraints.norms.schema import CatalogueError, Document, parse_int_set
from constraints.norms.wording import CONFIDENCE_RU, range_text, ru_date

__all__ = [
    "FROST_DIRECTORY",
    "FrostDecision",
    "FrostRow",
    "FrostTable",
    "decide_frost",
    "frost_territories",
    "load_frost_table",
    "parse_frost_act",
]

FROST_DIRECTORY = DEFAULT_DIRECTORY / "frost"
ORIGIN_RU = {"territory": "рекомендации территории", "municipality": "акт муниципалитета",
             "school": "локальный акт школы"}  # fmt: skip
_TOP = frozenset(
    {"document", "territory", "territory_name", "item", "source", "confidence", "note",
     "thresholds"}
)  # fmt: skip
_ROW = frozenset({"at_or_below", "wind_at_least", "grades", "note"})
_ACT = frozenset({"reason", "thresholds"})
TEMPERATURE_RANGE = (-70.0, 10.0)
WIND_RANGE = (0.0, 60.0)


def _degrees(value: float) -> str:
    """«−30 °C» (a real minus sign), «−27,5 °C»."""
    text = f"{value:g}".replace("-", "−").replace(".", ",")
    return f"{text} °C"


def _speed(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " м/с"


@dataclass(frozen=True, slots=True)
class FrostRow:
    """One line of a thresholds table."""

    at_or_below: float
    grades: frozenset[int]
    wind_at_least: float | None = None

    def applies(self, temperature: float, wind: float | None) -> bool:
        if temperature > self.at_or_below:
            return False
        return self.wind_at_least is None or (wind is not None and wind >= self.wind_at_least)

    def text(self) -> str:
        """«−30 °C и ниже: 1–11 кл.», «−22 °C и ниже при ветре от 4 м/с: 1–4 кл.»."""
        wind = f" при ветре от {_speed(self.wind_at_least)}" if self.wind_at_least else ""
        return f"{_degrees(self.at_or_below)} и ниже{wind}: {range_text(self.grades)} кл."

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"at_or_below": self.at_or_below, "grades": sorted(self.grades)}
        if self.wind_at_least is not None:
            doc["wind_at_least"] = self.wind_at_least
        return doc


@dataclass(frozen=True, slots=True)
class FrostTable:
    """A thresholds table in force: a territory's file, or a municipality's or school's act."""

    origin: str  # territory | municipality | school
    name: str  # the document's name, or the act («Приказ № 12 от 01.12.2026»)
    rows: tuple[FrostRow, ...]
    confidence: str  # as in the norm files; an act is «override»
    source: str = ""
    territory: str | None = None
    territory_name: str | None = None
    effective_from: date | None = None

    @property
    def citation(self) -> str:
        """«Рекомендации Пермского края … (с 01.12.2023; достоверность: низкая)»; an act:
        «акт муниципалитета: Приказ № 12 от 01.12.2026»."""
        if self.origin != "territory":
            return f"{ORIGIN_RU[self.origin]}: {self.name}"
        since = f"с {ru_date(self.effective_from)}; " if self.effective_from else ""
        confidence = CONFIDENCE_RU.get(self.confidence, self.confidence)
        return f"{self.name} ({since}достоверность: {confidence})"

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "origin_ru": ORIGIN_RU[self.origin],
            "name": self.name,
            "territory": self.territory,
            "confidence": self.confidence,
            "confidence_ru": CONFIDENCE_RU.get(self.confidence, self.confidence),
            "citation": self.citation,
            "source": self.source,
            "thresholds": [r.to_json() for r in self.rows],
            "rows_ru": [r.text() for r in self.rows],
        }


@dataclass(frozen=True, slots=True)
class FrostDecision:
    """Which grades go remote at a temperature, and which rows of which tables said so."""

    temperature: float
    wind: float | None
    grades: tuple[int, ...]
    applied: tuple[tuple[FrostTable, FrostRow], ...]
    tables: tuple[FrostTable, ...]

    @property
    def low_confidence(self) -> bool:
        return any(t.confidence == "low" for t, _ in self.applied)

    def explain(self) -> str:
        """One Russian sentence a deputy director reads, citing the table and its rows."""
        weather = _degrees(self.temperature)
        if self.wind is not None:
            weather += f", ветер {_speed(self.wind)}"
        if not self.grades:
            cited = ", ".join(t.citation for t in self.tables)
            return (
                f"Прогноз {weather}: ни один порог не достигнут, все классы учатся очно ({cited})."
            )
        cited: list[str] = []
        for table in self.tables:
            mine = [r for t, r in self.applied if t is table]
            # a row whose grades another applied row covers adds nothing to the sentence
            rows = [r.text() for r in mine if not any(r.grades < o.grades for o in mine)]
            if rows:
                cited.append(f"{'; '.join(rows)} — {table.citation}")
        return (
            f"Прогноз {weather}: дистанционно учатся {range_text(self.grades)} классы "
            f"({' | '.join(cited)})."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "wind": self.wind,
            "grades": list(self.grades),
            "explanation": self.explain(),
            "low_confidence": self.low_confidence,
            "tables": [t.to_json() for t in self.tables],
        }


class _Rows:
    """Reads a ``thresholds`` list; errors name the file (or act) and the row."""

    def __init__(self, fail: Any):
        self.fail = fail

    def number(self, where: str, raw: Any, bounds: tuple[float, float], what: str) -> float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            try:
                raw = float(str(raw).replace(",", ".").replace("−", "-"))
            except ValueError:
                raise self.fail(where, f"{what}: нужно число, а не «{raw}».") from None
        value = float(raw)
        if not bounds[0] <= value <= bounds[1]:
            raise self.fail(where, f"{what}: {value:g} вне пределов {bounds[0]:g}…{bounds[1]:g}.")
        return value

    def rows(self, raw: Any) -> tuple[FrostRow, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(
                "thresholds", "thresholds — непустой список строк {at_or_below: -25, grades: 1-4}."
            )
        out: list[FrostRow] = []
        for i, item in enumerate(raw, start=1):
            where = f"thresholds, строка {i}"
            if not isinstance(item, Mapping):
                raise self.fail(where, "строка — словарь {at_or_below: -25, grades: 1-4}.")
            unknown = sorted(str(k) for k in item if k not in _ROW)
            if unknown:
                allowed = ", ".join(sorted(_ROW))
                raise self.fail(where, f"неизвестное поле «{unknown[0]}»; допустимые: {allowed}.")
            if "at_or_below" not in item or "grades" not in item:
                raise self.fail(where, "нужны at_or_below (°C) и grades (классы).")
            temp = self.number(where, item["at_or_below"], TEMPERATURE_RANGE, "at_or_below")
            grades = parse_int_set(item["grades"], 1, 11)
            if not grades:
                raise self.fail(where, "grades — класс 1–11, диапазон «1-4» или список [1, 2].")
            wind = None
            if item.get("wind_at_least") is not None:
                wind = self.number(where, item["wind_at_least"], WIND_RANGE, "wind_at_least")
            out.append(FrostRow(temp, grades, wind))
        return tuple(out)


def _read_file(path: Path) -> tuple[Document, FrostTable]:
    reader = FileReader(path)
    raw = reader.read_mapping()
    unknown = sorted(str(k) for k in raw if k not in _TOP)
    if unknown:
        raise reader.fail(unknown[0], f"неизвестный раздел; допустимые: {', '.join(sorted(_TOP))}.")
    for req in ("document", "territory", "confidence", "thresholds"):
        if raw.get(req) in (None, ""):
            raise reader.fail(req, "обязательное поле не заполнено.")
    doc, sources = reader.document(raw["document"])
    confidence = reader._confidence("confidence", raw["confidence"])
    source = reader._source("source", raw.get("source", ""), sources)
    rows = _Rows(reader.fail).rows(raw["thresholds"])
    table = FrostTable(
        origin="territory",
        name=doc.name,
        rows=rows,
        confidence=confidence,
        source=source,
        territory=str(raw["territory"]),
        territory_name=str(raw.get("territory_name") or raw["territory"]),
        effective_from=doc.effective_from,
    )
    return doc, table


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise CatalogueError(
            f"Папка порогов для морозов {directory} не найдена; положите в неё файлы *.yaml.",
            file=str(directory),
        )
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def frost_territories(directory: Path | None = None) -> dict[str, str]:
    """Territory id → its name, for every thresholds file (a form's choices)."""
    out: dict[str, str] = {}
    for path in _files(directory or FROST_DIRECTORY):
        _doc, table = _read_file(path)
        out.setdefault(str(table.territory), str(table.territory_name))
    return out


def load_frost_table(territory: str, on: date, directory: Path | None = None) -> FrostTable:
    """The territory's thresholds table in force on ``on`` (the newest ``effective_from``)."""
    found: list[tuple[Document, FrostTable]] = []
    known: set[str] = set()
    for path in _files(directory or FROST_DIRECTORY):
        doc, table = _read_file(path)
        known.add(str(table.territory))
        if table.territory == territory and doc.in_force(on):
            found.append((doc, table))
    if not found:
        if territory not in known:
            listed = ", ".join(sorted(known)) or "нет ни одного"
            raise CatalogueError(
                f"порогов для морозов территории «{territory}» нет в data/norms/frost/ "
                f"(есть: {listed}); добавьте файл или задайте пороги актом муниципалитета.",
                key=territory,
            )
        raise CatalogueError(
            f"пороги для морозов территории «{territory}» на {ru_date(on)} не действуют "
            "(проверьте effective_from и effective_to файла) — задайте их актом муниципалитета.",
            key=territory,
        )
    found.sort(key=lambda item: item[0].effective_from)
    return found[-1][1]


def parse_frost_act(doc: Any, origin: str, label: str = "пороги") -> FrostTable:
    """A municipality's or school's own thresholds: ``{reason: "Приказ № …", thresholds: […]}``."""

    def fail(key: str | None, message: str) -> CatalogueError:
        where = f"{label}, {key}" if key else label
        return CatalogueError(f"{where}: {message}", file=label, key=key)

    if origin not in ("municipality", "school"):
        raise ValueError(f"unknown frost act origin {origin!r}")
    if not isinstance(doc, Mapping):
        raise fail(None, "ожидается словарь {reason: «Приказ № … от …», thresholds: […]}.")
    unknown = sorted(str(k) for k in doc if k not in _ACT)
    if unknown:
        raise fail(unknown[0], f"неизвестное поле; допустимые: {', '.join(sorted(_ACT))}.")
    reason = str(doc.get("reason") or "").strip()
    if not reason:
        raise fail("reason", "укажите основание — номер и дату приказа.")
    rows = _Rows(fail).rows(doc.get("thresholds"))
    return FrostTable(origin=origin, name=reason, rows=rows, confidence="override")


def decide_frost(
    temperature: float,
    wind: float | None,
    territory: FrostTable,
    *,
    municipality: FrostTable | None = None,
    school: FrostTable | None = None,
) -> FrostDecision:
    """The grades that go remote: the municipality's act replaces the territory's table; a
    school's rows are added to it (a school tightens, never loosens)."""
    tables: list[FrostTable] = [municipality or territory]
    if school is not None:
        tables.append(school)
    applied = tuple(
        (table, row) for table in tables for row in table.rows if row.applies(temperature, wind)
    )
    grades = sorted({g for _t, row in applied for g in row.grades})
    return FrostDecision(temperature, wind, tuple(grades), applied, tuple(tables))


def rows_of(tables: Sequence[FrostTable]) -> list[str]:
    """Every row of ``tables`` in Russian (for a page that shows the thresholds in force)."""
    return [f"{row.text()} ({table.citation})" for table in tables for row in table.rows]
