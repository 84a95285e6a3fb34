"""The norm catalogue: every number the planner enforces, with its document, item and confidence.

The numbers live in YAML files under ``data/norms`` (format: ``data/norms/README.md``); one file is
one document (СанПиН 1.2.3685-21, СП 2.4.3648-20, МР 2.4.0330-23, the planner settings) with its
``effective_from``/``effective_to``. On a given date the catalogue takes each key from the newest
document in force, so a successor norm set is a new file, not a code change. A school's local act
(``extra_files``) and the order (``overrides``) may replace any value; the replacement carries its
reason into ``Norm.citation`` and ``NormCatalogue.warnings``.

    cat = NormCatalogue.load(on=date(2026, 12, 1), overrides=order.overrides)
    n = cat.value("eso.per_lesson", grade=7, device="pc")
    n.value, n.citation, n.describe()

This module imports nothing from ``planner`` (dependencies point down: planner → constraints →
data); an override is any object with ``.value`` and ``.reason``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

import data as _data_package
from planner.domain.model import ru_plural

__all__ = [
    "CONFIDENCE_RU",
    "DEFAULT_DIRECTORY",
    "DEVICES",
    "POLICIES",
    "CatalogueError",
    "Norm",
    "NormCatalogue",
    "normalise_subject",
]

DEFAULT_DIRECTORY = Path(_data_package.__file__).resolve().parent / "norms"

DEVICES = ("pc", "laptop", "tablet")
POLICIES = ("home", "school")
DEVICE_RU = {"pc": "ПК", "laptop": "ноутбук", "tablet": "планшет"}
POLICY_RU = {"home": "дома", "school": "в школе"}
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
LOW_CONFIDENCE = frozenset({"low", "medium-low", "low-medium"})
UNITS = ("min", "time", "lessons", "lesson_numbers", "points", "weight", "count", "bool")
LIMITS = ("upper", "lower")
KINDS = ("norm", "advisory", "settings", "local-act")
MONTHS_RU = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
_KEY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_INT_UNITS = frozenset({"min", "lessons", "points", "weight", "count"})


class CatalogueError(KeyError):
    """A broken norm file, an unknown key or a lookup no norm covers. The message is Russian."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.key = key

    def __str__(self) -> str:
        return self.message


# ------------------------------------------------------------------------------------------------
# Public value object


@dataclass(frozen=True, slots=True)
class Norm:
    """One value in force, with where it comes from."""

    key: str
    value: Any
    unit: str
    document: str
    item: str
    source: str
    confidence: str
    effective_from: date
    effective_to: date | None  # first day the document no longer applies; None = open-ended
    scope: str = ""  # Russian: which band (device, grades, months, subject) the value is for
    override_reason: str | None = None
    title: str = ""
    also: str | None = None  # a second document stating the same rule
    note: str | None = None
    set_id: str = ""  # id of the document (file) the value was taken from
    expired: bool = False  # taken from a document no longer in force (no successor loaded)
    base_value: Any = None  # the catalogue value an override replaced

    @property
    def citation(self) -> str:
        """«СанПиН 1.2.3685-21, табл. 6.8», plus the local act when overridden."""
        text = f"{self.document}, {self.item}" if self.item else self.document
        if self.expired and self.effective_to is not None:
            text += f" (утратил силу {_ru_date(self.effective_to)})"
        if self.override_reason:
            text += f"; изменено локальным актом: {self.override_reason}"
        return text

    @property
    def confidence_ru(self) -> str:
        return CONFIDENCE_RU.get(self.confidence, self.confidence)

    def value_text(self) -> str:
        """The value with its Russian unit: «30 мин», «08:00», «4 урока», «2, 3»."""
        return format_value(self.value, self.unit)

    def describe(self) -> str:
        """«ЭСО на уроке, ПК, 5–9 кл.: 30 мин (СанПиН 1.2.3685-21, табл. 6.8; достоверность: …)»."""
        head = self.title or self.key
        if self.scope:
            head += f", {self.scope}"
        if self.override_reason:
            return f"{head}: {self.value_text()} ({self.citation})"
        return f"{head}: {self.value_text()} ({self.citation}; достоверность: {self.confidence_ru})"


# ------------------------------------------------------------------------------------------------
# Internal, parsed form of the YAML files


@dataclass(frozen=True, slots=True)
class _Document:
    id: str
    name: str
    title: str
    kind: str
    rank: int
    effective_from: date
    effective_to: date | None
    replaces: tuple[str, ...]
    file: Path
    approved_by: str | None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


@dataclass(frozen=True, slots=True)
class _Band:
    index: int  # 1-based position in the file, for messages
    grades: frozenset[int] | None
    devices: frozenset[str] | None
    policies: frozenset[str] | None
    months: frozenset[int] | None
    value: Any
    # normalised canonical subject -> (display name, value or {grade: value})
    by_subject: dict[str, tuple[str, Any]] | None
    item: str | None
    source: str | None
    confidence: str | None
    note: str | None
    subject_confidence: dict[str, str] = field(default_factory=dict)  # normalised subject -> conf


@dataclass(frozen=True, slots=True)
class _KeyDef:
    key: str
    title: str
    unit: str
    limit: str | None
    item: str
    also: str | None
    source: str
    confidence: str
    note: str | None
    value: Any
    bands: tuple[_Band, ...]
    unknown_subject_value: Any
    document: _Document


@dataclass(frozen=True, slots=True)
class _Override:
    key: str
    value: Any
    reason: str
    origin: str  # file name or «приказ»
    grades: frozenset[int] | None = None
    devices: frozenset[str] | None = None
    policies: frozenset[str] | None = None
    months: frozenset[int] | None = None
    subjects: frozenset[str] | None = None  # normalised names as written


@dataclass
class _Library:
    documents: list[_Document] = field(default_factory=list)
    keydefs: dict[str, list[_KeyDef]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # normalised alias -> canonical (norm.)
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: list[_Override] = field(default_factory=list)  # from local-act files, in order


# ------------------------------------------------------------------------------------------------
# Small helpers


def _ru_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def format_value(value: Any, unit: str) -> str:
    """Render a catalogue value in Russian with its unit."""
    if value is None:
        return "не задано"
    if unit == "bool":
        return "да" if value else "нет"
    if unit == "lesson_numbers":
        return ", ".join(str(v) for v in value)
    if unit == "min":
        return f"{value} мин"
    if unit == "lessons" and isinstance(value, int):
        return f"{value} {ru_plural(value, 'урок', 'урока', 'уроков')}"
    if unit == "points" and isinstance(value, int):
        return f"{value} {ru_plural(value, 'балл', 'балла', 'баллов')}"
    return str(value)


def _range_text(values: Iterable[int]) -> str:
    vals = sorted(values)
    if len(vals) > 1 and vals[-1] - vals[0] == len(vals) - 1:
        return f"{vals[0]}–{vals[-1]}"
    return ", ".join(str(v) for v in vals)


def _months_text(months: frozenset[int]) -> str:
    vals = sorted(months)
    if len(vals) > 1 and vals[-1] - vals[0] == len(vals) - 1:
        return f"{MONTHS_RU[vals[0] - 1]}–{MONTHS_RU[vals[-1] - 1]}"
    return ", ".join(MONTHS_RU[m - 1] for m in vals)


_PUNCT_RE = re.compile(r"[.,;:!?\"«»'“”„/\\]+")
_SPACE_RE = re.compile(r"\s+")
_PAREN_RE = re.compile(r"\(([^)]*)\)")
_GROUP_TAIL_RE = re.compile(r"(\s+(\d+|гр|группа|подгруппа|подгр|гр\d+|\d+\s*гр))+$")


def normalise_subject(name: str) -> str:
    """Case, ё/е, punctuation and spacing folded: «Труд (Технология).» → «труд (технология)»."""
    s = name.lower().replace("ё", "е").replace("–", "-").replace("—", "-")
    s = _PUNCT_RE.sub(" ", s)
    s = s.replace("( ", "(").replace(" )", ")")
    return _SPACE_RE.sub(" ", s).strip()


def _subject_variants(name: str) -> list[str]:
    """The name, then without parentheses and group numbers, then the text inside parentheses."""
    full = normalise_subject(name)
    out = [full]
    bare = _SPACE_RE.sub(" ", _PAREN_RE.sub(" ", full)).strip()
    bare = _GROUP_TAIL_RE.sub("", bare).strip()
    full_tail = _GROUP_TAIL_RE.sub("", full).strip()
    for v in (full_tail, bare, *(m.strip() for m in _PAREN_RE.findall(full))):
        if v and v not in out:
            out.append(v)
    return out


def _parse_int_set(raw: Any, lo: int, hi: int) -> frozenset[int] | None:
    """``5``, ``"5-9"``, ``"5–9"``, ``[5, 6, 7]`` → a set within [lo, hi]; None if malformed."""
    vals: set[int] = set()
    items = raw if isinstance(raw, list) else [raw]
    for it in items:
        if isinstance(it, bool):
            return None
        if isinstance(it, int):
            vals.add(it)
            continue
        if isinstance(it, str):
            m = re.fullmatch(r"\s*(\d+)\s*(?:[-–—]\s*(\d+))?\s*", it)
            if not m:
                return None
            a = int(m.group(1))
            b = int(m.group(2)) if m.group(2) else a
            if b < a:
                return None
            vals.update(range(a, b + 1))
            continue
        return None
    if not vals or min(vals) < lo or max(vals) > hi:
        return None
    return frozenset(vals)


def _as_date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def _time_value(raw: Any) -> str | None:
    """ "HH:MM" as written; an int is YAML 1.1's reading of an unquoted 17:00 (minutes)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) and 0 <= raw < 24 * 60:
        return f"{raw // 60:02d}:{raw % 60:02d}"
    if isinstance(raw, str):
        m = _TIME_RE.match(raw.strip())
        if m:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None


def _time_minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


_UNIT_HINT = {
    "min": "целое число минут ≥ 0",
    "lessons": "целое число уроков ≥ 0",
    "points": "целое число баллов ≥ 0",
    "weight": "целое число ≥ 0",
    "count": "целое число ≥ 0",
    "time": 'время в виде "ЧЧ:ММ" в кавычках, например "18:00"',
    "bool": "true или false",
    "lesson_numbers": "список номеров уроков, например [2, 3]",
}


def _check_value(unit: str, raw: Any, *, allow_none: bool = False) -> tuple[bool, Any]:
    """Validate a value against its unit; returns (ok, normalised value)."""
    if raw is None:
        return allow_none, None
    if unit in _INT_UNITS:
        ok = isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0
        return ok, raw
    if unit == "time":
        t = _time_value(raw)
        return t is not None, t
    if unit == "bool":
        return isinstance(raw, bool), raw
    if unit == "lesson_numbers":
        ok = (
            isinstance(raw, list)
            and bool(raw)
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in raw)
        )
        return ok, tuple(raw) if ok else raw
    return False, raw


def _comparable(value: Any, unit: str) -> int | None:
    if unit == "time" and isinstance(value, str):
        return _time_minutes(value)
    if unit in _INT_UNITS and isinstance(value, int):
        return value
    return None


# ------------------------------------------------------------------------------------------------
# YAML loading and validation


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"ключ «{key}» повторяется (первый раз — строка {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)

_DOC_FIELDS = frozenset(
    {"id", "name", "title", "kind", "rank", "approved_by", "effective_from", "effective_to",
     "replaces", "sources", "note"}
)  # fmt: skip
_KEY_FIELDS = frozenset(
    {"title", "unit", "limit", "item", "also", "source", "confidence", "note", "value", "bands",
     "unknown_subject_value"}
)  # fmt: skip
_BAND_FIELDS = frozenset(
    {"grades", "device", "policy", "months", "value", "by_subject", "item", "also", "source",
     "confidence", "note", "subject_confidence"}
)  # fmt: skip
_OVERRIDE_FIELDS = frozenset({"value", "reason", "grades", "device", "policy", "months", "subject"})
_TOP_FIELDS = frozenset({"document", "norms", "subjects", "overrides"})


class _FileReader:
    """Parses one YAML file into the library, raising CatalogueError that names file and key."""

    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)

    def fail(self, key: str | None, message: str) -> CatalogueError:
        where = f"Файл {self.label}"
        if key:
            where += f", ключ «{key}»"
        return CatalogueError(f"{where}: {message}", file=self.label, key=key)

    def read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise self.fail(None, "файл не найден; проверьте путь.") from None
        except UnicodeDecodeError:
            raise self.fail(None, "файл не в кодировке UTF-8; сохраните его в UTF-8.") from None
        try:
            doc = yaml.load(text, Loader=_UniqueKeyLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            context = getattr(exc, "context_mark", None) or mark
            problem = getattr(exc, "problem", None) or str(exc)
            key = None
            where = ""
            if mark is not None:
                key = self._key_before_line(text, context.line)
                where = f"строка {mark.line + 1}, столбец {mark.column + 1}: "
            raise self.fail(
                key,
                f"{where}ошибка YAML ({problem}); проверьте отступы, двоеточия и кавычки.",
            ) from None
        if not isinstance(doc, Mapping):
            raise self.fail(None, "ожидается словарь с разделами document и norms (см. README).")
        unknown = sorted(str(k) for k in doc if k not in _TOP_FIELDS)
        if unknown:
            raise self.fail(
                unknown[0],
                f"неизвестный раздел; допустимые: {', '.join(sorted(_TOP_FIELDS))}.",
            )
        return dict(doc)

    @staticmethod
    def _key_before_line(text: str, line: int) -> str | None:
        """The norm key (``  eso.per_lesson:``) the broken line belongs to, if any."""
        lines = text.splitlines()
        for i in range(min(line, len(lines) - 1), -1, -1):
            m = re.match(r"^\s{1,4}([a-z0-9_]+(?:\.[a-z0-9_]+)+)\s*:", lines[i])
            if m:
                return m.group(1)
        return None

    # -- document --------------------------------------------------------------------------------

    def document(self, raw: Any) -> tuple[_Document, dict[str, str]]:
        if not isinstance(raw, Mapping):
            raise self.fail("document", "раздел document должен быть словарём (id, name, …).")
        unknown = sorted(str(k) for k in raw if k not in _DOC_FIELDS)
        if unknown:
            raise self.fail(
                f"document.{unknown[0]}",
                f"неизвестное поле; допустимые: {', '.join(sorted(_DOC_FIELDS))}.",
            )
        for req in ("id", "name", "effective_from"):
            if raw.get(req) in (None, ""):
                raise self.fail(f"document.{req}", "обязательное поле не заполнено.")
        start = _as_date(raw["effective_from"])
        if start is None:
            raise self.fail(
                "document.effective_from", "дата в виде ГГГГ-ММ-ДД, например 2027-01-01."
            )
        end = None
        if raw.get("effective_to") is not None:
            end = _as_date(raw["effective_to"])
            if end is None:
                raise self.fail(
                    "document.effective_to", "дата в виде ГГГГ-ММ-ДД, например 2027-03-01."
                )
            if end <= start:
                raise self.fail(
                    "document.effective_to", "дата окончания должна быть позже effective_from."
                )
        kind = raw.get("kind", "norm")
        if kind not in KINDS:
            raise self.fail("document.kind", f"допустимые значения: {', '.join(KINDS)}.")
        rank = raw.get("rank", 50)
        if not isinstance(rank, int) or isinstance(rank, bool):
            raise self.fail("document.rank", "rank — целое число (порядок в имени набора).")
        replaces = raw.get("replaces") or []
        if isinstance(replaces, str):
            replaces = [replaces]
        if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
            raise self.fail("document.replaces", "список id заменяемых документов.")
        sources = raw.get("sources") or {}
        if not isinstance(sources, Mapping):
            raise self.fail("document.sources", "словарь «id источника: адрес».")
        return (
            _Document(
                id=str(raw["id"]),
                name=str(raw["name"]),
                title=str(raw.get("title") or raw["name"]),
                kind=kind,
                rank=rank,
                effective_from=start,
                effective_to=end,
                replaces=tuple(replaces),
                file=self.path,
                approved_by=raw.get("approved_by"),
            ),
            {str(k): str(v) for k, v in sources.items()},
        )

    # -- norms -----------------------------------------------------------------------------------

    def _source(self, key: str, raw: Any, sources: Mapping[str, str]) -> str:
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(s, str) for s in items):
            raise self.fail(key, "source — строка или список id источников из document.sources.")
        return "; ".join(sources.get(s, s) for s in items)

    def _confidence(self, key: str, raw: Any) -> str:
        if raw not in CONFIDENCE_RU or raw == "override":
            allowed = ", ".join(c for c in CONFIDENCE_RU if c != "override")
            raise self.fail(key, f"confidence «{raw}» неизвестна; допустимые: {allowed}.")
        return str(raw)

    def keydef(
        self, key: str, raw: Any, doc: _Document, sources: Mapping[str, str], lib: _Library
    ) -> _KeyDef:
        if not _KEY_RE.match(key):
            raise self.fail(key, "имя ключа — латиница через точку, например eso.per_lesson.")
        if not isinstance(raw, Mapping):
            raise self.fail(key, "описание нормы должно быть словарём (title, unit, value…).")
        unknown = sorted(str(k) for k in raw if k not in _KEY_FIELDS)
        if unknown:
            raise self.fail(
                key,
                f"неизвестное поле «{unknown[0]}»; допустимые: {', '.join(sorted(_KEY_FIELDS))}.",
            )
        for req in ("title", "unit", "confidence"):
            if raw.get(req) in (None, ""):
                raise self.fail(key, f"не заполнено обязательное поле {req}.")
        unit = raw["unit"]
        if unit not in UNITS:
            raise self.fail(key, f"unit «{unit}» неизвестна; допустимые: {', '.join(UNITS)}.")
        limit = raw.get("limit")
        if limit is not None and limit not in LIMITS:
            raise self.fail(key, "limit — upper (не более) или lower (не менее).")
        confidence = self._confidence(key, raw["confidence"])
        has_value = "value" in raw
        has_bands = "bands" in raw
        if has_value == has_bands:
            raise self.fail(key, "укажите либо value (одно значение), либо bands (по классам…).")
        value = None
        if has_value:
            ok, value = _check_value(unit, raw["value"])
            if not ok:
                raise self.fail(
                    key, f"значение {raw['value']!r} неверно: нужно {_UNIT_HINT[unit]}."
                )
        bands: list[_Band] = []
        if has_bands:
            if not isinstance(raw["bands"], list) or not raw["bands"]:
                raise self.fail(key, "bands — непустой список полос ({grades: 5-9, value: 30}).")
            for i, braw in enumerate(raw["bands"], start=1):
                bands.append(self.band(key, i, braw, unit, sources))
            self._check_overlaps(key, bands)
        unknown_value = None
        if "unknown_subject_value" in raw:
            ok, unknown_value = _check_value(unit, raw["unknown_subject_value"])
            if not ok:
                raise self.fail(key, f"unknown_subject_value: нужно {_UNIT_HINT[unit]}.")
        return _KeyDef(
            key=key,
            title=str(raw["title"]),
            unit=unit,
            limit=limit,
            item=str(raw.get("item") or ""),
            also=raw.get("also"),
            source=self._source(key, raw.get("source", ""), sources),
            confidence=confidence,
            note=raw.get("note"),
            value=value,
            bands=tuple(bands),
            unknown_subject_value=unknown_value,
            document=doc,
        )

    def band(self, key: str, index: int, raw: Any, unit: str, sources: Mapping[str, str]) -> _Band:
        where = f"{key}, полоса {index}"
        if not isinstance(raw, Mapping):
            raise self.fail(
                where, "полоса — словарь, например {grades: 5-9, device: pc, value: 30}."
            )
        unknown = sorted(str(k) for k in raw if k not in _BAND_FIELDS)
        if unknown:
            raise self.fail(
                where,
                f"неизвестное поле «{unknown[0]}»; допустимые: {', '.join(sorted(_BAND_FIELDS))}.",
            )
        grades = devices = policies = months = None
        if "grades" in raw:
            grades = _parse_int_set(raw["grades"], 1, 11)
            if grades is None:
                raise self.fail(where, "grades — класс 1–11, диапазон «5-9» или список [9, 11].")
        if "months" in raw:
            months = _parse_int_set(raw["months"], 1, 12)
            if months is None:
                raise self.fail(where, "months — месяц 1–12, диапазон «9-12» или список.")
        if "device" in raw:
            devices = self._choice(where, raw["device"], DEVICES, "device")
        if "policy" in raw:
            policies = self._choice(where, raw["policy"], POLICIES, "policy")
        has_value = "value" in raw
        has_table = "by_subject" in raw
        if has_value == has_table:
            raise self.fail(where, "укажите либо value, либо by_subject (таблицу по предметам).")
        value = None
        table: dict[str, tuple[str, Any]] | None = None
        if has_value:
            ok, value = _check_value(unit, raw["value"])
            if not ok:
                raise self.fail(
                    where, f"значение {raw['value']!r} неверно: нужно {_UNIT_HINT[unit]}."
                )
        else:
            table = self._table(where, raw["by_subject"], unit, grades)
        confidence = None
        if raw.get("confidence") is not None:
            confidence = self._confidence(where, raw["confidence"])
        subject_conf: dict[str, str] = {}
        if raw.get("subject_confidence") is not None:
            sc = raw["subject_confidence"]
            if not isinstance(sc, Mapping) or table is None:
                raise self.fail(
                    where, "subject_confidence — словарь «Предмет: достоверность» при by_subject."
                )
            for name, conf in sc.items():
                norm_name = normalise_subject(str(name))
                if norm_name not in table:
                    raise self.fail(
                        where, f"subject_confidence: предмета «{name}» нет в by_subject."
                    )
                subject_conf[norm_name] = self._confidence(where, conf)
        return _Band(
            index=index,
            grades=grades,
            devices=devices,
            policies=policies,
            months=months,
            value=value,
            by_subject=table,
            item=raw.get("item"),
            source=self._source(where, raw["source"], sources) if "source" in raw else None,
            confidence=confidence,
            note=raw.get("note"),
            subject_confidence=subject_conf,
        )

    def _choice(self, where: str, raw: Any, allowed: Sequence[str], name: str) -> frozenset[str]:
        items = raw if isinstance(raw, list) else [raw]
        bad = [str(v) for v in items if v not in allowed]
        if bad or not items:
            raise self.fail(
                where, f"{name} «{', '.join(bad)}» неизвестен; допустимые: {', '.join(allowed)}."
            )
        return frozenset(items)

    def _table(
        self, where: str, raw: Any, unit: str, grades: frozenset[int] | None
    ) -> dict[str, tuple[str, Any]]:
        if not isinstance(raw, Mapping) or not raw:
            raise self.fail(where, "by_subject — словарь «Предмет: баллы».")
        table: dict[str, tuple[str, Any]] = {}
        ordered = sorted(grades) if grades else []
        for subject, val in raw.items():
            name = str(subject)
            if isinstance(val, list):
                if not ordered or len(val) != len(ordered):
                    raise self.fail(
                        where,
                        f"«{name}»: список значений должен иметь по одному числу на класс "
                        f"({len(ordered)} для классов {_range_text(ordered) or '—'}).",
                    )
                per_grade: dict[int, Any] = {}
                for g, v in zip(ordered, val, strict=True):
                    ok, v2 = _check_value(unit, v, allow_none=True)
                    if not ok:
                        raise self.fail(
                            where, f"«{name}», {g} кл.: нужно {_UNIT_HINT[unit]} или null."
                        )
                    per_grade[g] = v2
                table[normalise_subject(name)] = (name, per_grade)
            else:
                ok, v2 = _check_value(unit, val, allow_none=True)
                if not ok:
                    raise self.fail(where, f"«{name}»: нужно {_UNIT_HINT[unit]} или null.")
                table[normalise_subject(name)] = (name, v2)
        return table

    def _check_overlaps(self, key: str, bands: list[_Band]) -> None:
        def meets(a: frozenset[Any] | None, b: frozenset[Any] | None) -> bool:
            return a is None or b is None or bool(a & b)

        for i, a in enumerate(bands):
            for b in bands[i + 1 :]:
                if (
                    meets(a.grades, b.grades)
                    and meets(a.devices, b.devices)
                    and meets(a.policies, b.policies)
                    and meets(a.months, b.months)
                ):
                    raise self.fail(
                        key,
                        f"полосы {a.index} и {b.index} пересекаются (одни и те же классы, "
                        "устройство, режим и месяцы); разделите их.",
                    )

    # -- subjects --------------------------------------------------------------------------------

    def subjects(self, raw: Any, lib: _Library) -> None:
        if not isinstance(raw, Mapping):
            raise self.fail("subjects", "раздел subjects — словарь с aliases и fallbacks.")
        aliases = raw.get("aliases") or {}
        if not isinstance(aliases, Mapping):
            raise self.fail("subjects.aliases", "словарь «Каноническое название: [синонимы]».")
        for canon, names in aliases.items():
            if names is None:
                names = []
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(f"subjects.aliases.{canon}", "список синонимов-строк.")
            c = normalise_subject(str(canon))
            lib.aliases.setdefault(c, c)
            for n in names:
                lib.aliases[normalise_subject(n)] = c
        fallbacks = raw.get("fallbacks") or {}
        if not isinstance(fallbacks, Mapping):
            raise self.fail("subjects.fallbacks", "словарь «Предмет: [замены по порядку]».")
        for canon, names in fallbacks.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(f"subjects.fallbacks.{canon}", "список названий предметов.")
            lib.fallbacks[normalise_subject(str(canon))] = tuple(
                normalise_subject(n) for n in names
            )

    # -- local-act overrides ---------------------------------------------------------------------

    def overrides(self, raw: Any, lib: _Library) -> list[tuple[str, Mapping[str, Any]]]:
        if not isinstance(raw, Mapping):
            raise self.fail(
                "overrides",
                'раздел overrides — словарь «ключ: {value: …, reason: "Приказ № … от …"}».',
            )
        out: list[tuple[str, Mapping[str, Any]]] = []
        for key, spec in raw.items():
            specs = spec if isinstance(spec, list) else [spec]
            for s in specs:
                if not isinstance(s, Mapping) or "value" not in s or not s.get("reason"):
                    raise self.fail(
                        f"overrides.{key}",
                        "нужны value и reason (номер и дата приказа), например "
                        '{value: 25, reason: "Приказ № 45 от 28.11.2026"}.',
                    )
                unknown = sorted(str(k) for k in s if k not in _OVERRIDE_FIELDS)
                if unknown:
                    raise self.fail(
                        f"overrides.{key}",
                        f"неизвестное поле «{unknown[0]}»; допустимые: "
                        f"{', '.join(sorted(_OVERRIDE_FIELDS))}.",
                    )
                out.append((str(key), s))
        return out


def _file_signature(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    sig = []
    for p in paths:
        try:
            st = p.stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((str(p), -1, -1))
    return tuple(sig)


_LIBRARY_CACHE: dict[tuple[Any, ...], _Library] = {}


def _load_library(directory: Path, extra_files: Sequence[Path]) -> _Library:
    if not directory.is_dir():
        raise CatalogueError(
            f"Каталог норм {directory} не найден; укажите папку с файлами *.yaml.",
            file=str(directory),
        )
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    extras = [Path(p) for p in extra_files]
    cache_key = (str(directory.resolve()), _file_signature(files), _file_signature(extras))
    cached = _LIBRARY_CACHE.get(cache_key)
    if cached is not None:
        return cached
    lib = _Library()
    pending_overrides: list[tuple[_FileReader, str, Mapping[str, Any]]] = []
    ids: dict[str, Path] = {}
    for path in [*files, *extras]:
        reader = _FileReader(path)
        raw = reader.read()
        if "norms" in raw and "document" not in raw:
            raise reader.fail("document", "у файла с нормами должен быть раздел document.")
        if "document" in raw:
            doc, sources = reader.document(raw["document"])
            if doc.id in ids:
                raise reader.fail(
                    "document.id", f"документ «{doc.id}» уже описан в файле {ids[doc.id]}."
                )
            ids[doc.id] = path
            lib.documents.append(doc)
            norms = raw.get("norms") or {}
            if not isinstance(norms, Mapping):
                raise reader.fail("norms", "раздел norms — словарь «ключ: описание нормы».")
            for key, spec in norms.items():
                kd = reader.keydef(str(key), spec, doc, sources, lib)
                lib.keydefs.setdefault(kd.key, []).append(kd)
        if "subjects" in raw:
            reader.subjects(raw["subjects"], lib)
        if "overrides" in raw:
            for key, spec in reader.overrides(raw["overrides"], lib):
                pending_overrides.append((reader, key, spec))
    # A school's own document may add keys, not silently replace a norm: that is what overrides
    # (with a reason) are for.
    for key, defs in lib.keydefs.items():
        local = [kd for kd in defs if kd.document.kind == "local-act"]
        if local and len(local) < len(defs):
            other = next(kd for kd in defs if kd.document.kind != "local-act")
            raise _FileReader(local[0].document.file).fail(
                key,
                f"ключ уже задан документом {other.document.name}; чтобы изменить значение "
                "локальным актом, запишите его в раздел overrides с reason (см. README).",
            )
    # Overrides are checked once every file is read: they may name keys from any document.
    for reader, key, spec in pending_overrides:
        lib.overrides.append(
            _make_override(lib, key, spec, spec["reason"], reader.path.name, reader.fail)
        )
    _LIBRARY_CACHE[cache_key] = lib
    return lib


def _resolve_key(lib: _Library, key: str) -> str | None:
    if key in lib.keydefs:
        return key
    matches = [k for k in lib.keydefs if k.endswith("." + key)]
    return matches[0] if len(matches) == 1 else None


def _unknown_key_message(lib: _Library, key: str) -> str:
    close = difflib.get_close_matches(key, list(lib.keydefs), n=3, cutoff=0.75)
    hint = f" Возможно, имелось в виду: {', '.join(close)}." if close else ""
    return f"неизвестный параметр норм «{key}».{hint} Список параметров — в data/norms/README.md."


def _make_override(
    lib: _Library, key: str, spec: Any, reason: Any, origin: str, fail: Any
) -> _Override:
    """Validate one override; ``fail(key, message)`` builds the CatalogueError to raise."""
    resolved = _resolve_key(lib, key)
    if resolved is None:
        raise fail(f"overrides.{key}", _unknown_key_message(lib, key))
    unit = lib.keydefs[resolved][-1].unit
    raw_value = spec["value"] if isinstance(spec, Mapping) else spec.value
    ok, value = _check_value(unit, raw_value)
    if not ok:
        raise fail(f"overrides.{key}", f"значение {raw_value!r} неверно: нужно {_UNIT_HINT[unit]}.")
    if not str(reason or "").strip():
        raise fail(f"overrides.{key}", "укажите reason — номер и дату приказа (локального акта).")

    def get(name: str) -> Any:
        if isinstance(spec, Mapping):
            return spec.get(name)
        return getattr(spec, name, None)

    grades = months = devices = policies = subjects = None
    if get("grades") is not None:
        grades = _parse_int_set(get("grades"), 1, 11)
        if grades is None:
            raise fail(f"overrides.{key}", "grades — класс 1–11, диапазон «5-9» или список.")
    if get("months") is not None:
        months = _parse_int_set(get("months"), 1, 12)
        if months is None:
            raise fail(f"overrides.{key}", "months — месяц 1–12, диапазон «9-12» или список.")
    for name, allowed in (("device", DEVICES), ("policy", POLICIES)):
        raw = get(name)
        if raw is None:
            continue
        items = raw if isinstance(raw, list) else [raw]
        if not items or any(v not in allowed for v in items):
            raise fail(f"overrides.{key}", f"{name}: допустимые значения {', '.join(allowed)}.")
        if name == "device":
            devices = frozenset(items)
        else:
            policies = frozenset(items)
    if get("subject") is not None:
        raw = get("subject")
        items = raw if isinstance(raw, list) else [raw]
        subjects = frozenset(normalise_subject(str(s)) for s in items)
    return _Override(
        key=resolved,
        value=value,
        reason=str(reason).strip(),
        origin=origin,
        grades=grades,
        devices=devices,
        policies=policies,
        months=months,
        subjects=subjects,
    )


# ------------------------------------------------------------------------------------------------
# The catalogue


@dataclass(frozen=True, slots=True)
class _Active:
    keydef: _KeyDef
    expired: bool


class NormCatalogue:
    """The norms in force on one date, with the school's overrides applied."""

    def __init__(
        self,
        library: _Library,
        on: date,
        overrides: Sequence[_Override],
        *,
        strict: bool = False,
        siblings: dict[date, NormCatalogue] | None = None,
    ):
        self._lib = library
        self.on = on
        self._overrides = tuple(overrides)
        self._strict = strict
        self._siblings = siblings if siblings is not None else {}
        self._siblings.setdefault(on, self)
        self._cache: dict[tuple[Any, ...], Norm] = {}
        self._active: dict[str, _Active] = self._resolve_active()
        self._by_key: dict[str, tuple[_Override, ...]] = {}
        for ov in self._overrides:
            self._by_key[ov.key] = (*self._by_key.get(ov.key, ()), ov)
        used = {a.keydef.document.id: a for a in self._active.values()}
        parts = []
        for a in sorted(
            used.values(), key=lambda a: (a.keydef.document.rank, a.keydef.document.id)
        ):
            if a.keydef.document.kind == "settings":
                continue
            parts.append(a.keydef.document.id + ("(expired)" if a.expired else ""))
        self.name = "+".join(parts) + f"@{on.isoformat()}"

    # -- construction ----------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        on: date,
        overrides: Mapping[str, Any] | None = None,
        directory: Path | None = None,
        extra_files: Sequence[Path] = (),
        *,
        strict: bool = False,
    ) -> NormCatalogue:
        """Read the norm files and pick the values in force on ``on``.

        Args:
            on: the date the values must be in force.
            overrides: the order's overrides, key → object with ``.value`` and ``.reason`` (a
                short key such as ``online_end_not_after`` is accepted when it is unambiguous).
            directory: folder of norm files; None → ``data/norms`` of the package.
            extra_files: a school's local-act YAML files (``overrides:`` and/or extra documents).
            strict: if True, a key whose documents have all expired raises instead of falling
                back to the expired document (with a warning).

        Raises:
            CatalogueError: a broken file (naming file and key) or an unknown override key.
        """
        lib = _load_library(Path(directory) if directory else DEFAULT_DIRECTORY, extra_files)
        ovs = list(lib.overrides)
        for key, ov in (overrides or {}).items():
            reason = ov.get("reason") if isinstance(ov, Mapping) else getattr(ov, "reason", None)

            def fail(k: str, message: str) -> CatalogueError:
                return CatalogueError(f"Приказ, {k}: {message}", key=k)

            ovs.append(_make_override(lib, str(key), ov, reason, "приказ", fail))
        return cls(lib, on, ovs, strict=strict)

    def for_date(self, d: date) -> NormCatalogue:
        """The same files and overrides on another date (a window may cross an expiry)."""
        cat = self._siblings.get(d)
        if cat is None:
            cat = NormCatalogue(
                self._lib, d, self._overrides, strict=self._strict, siblings=self._siblings
            )
        return cat

    def _replaced_on(self, doc: _Document, on: date) -> bool:
        return any(doc.id in other.replaces and other.in_force(on) for other in self._lib.documents)

    def _resolve_active(self) -> dict[str, _Active]:
        active: dict[str, _Active] = {}
        for key, defs in self._lib.keydefs.items():
            live = [
                kd
                for kd in defs
                if kd.document.in_force(self.on) and not self._replaced_on(kd.document, self.on)
            ]
            if live:
                best = max(live, key=lambda kd: (kd.document.effective_from, -kd.document.rank))
                active[key] = _Active(best, expired=False)
                continue
            if self._strict:
                continue
            # A document replaced by a successor in force does not fall back: the successor
            # decides which of its norms survive.
            past = [
                kd
                for kd in defs
                if kd.document.effective_to is not None
                and kd.document.effective_to <= self.on
                and not self._replaced_on(kd.document, self.on)
            ]
            if past:
                best = max(past, key=lambda kd: (kd.document.effective_to, -kd.document.rank))
                active[key] = _Active(best, expired=True)
        return active

    # -- lookups ---------------------------------------------------------------------------------

    def keys(self) -> list[str]:
        """Every key with a value on this date."""
        return sorted(self._active)

    def value(
        self,
        key: str,
        *,
        grade: int | None = None,
        device: str | None = None,
        policy: str | None = None,
        subject: str | None = None,
        on: date | None = None,
    ) -> Norm:
        """The value of ``key`` for the given band. Parameters the key does not use are ignored.

        Raises:
            CatalogueError: unknown key, a missing/invalid parameter, or no band covers the query.
        """
        ck = (key, grade, device, policy, subject, on)
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        if on is not None and on != self.on:
            norm = self.for_date(on).value(
                key, grade=grade, device=device, policy=policy, subject=subject
            )
        else:
            norm = self._lookup(key, grade, device, policy, subject)
        self._cache[ck] = norm
        return norm

    def _lookup(
        self,
        key: str,
        grade: int | None,
        device: str | None,
        policy: str | None,
        subject: str | None,
    ) -> Norm:
        act = self._active.get(key)
        if act is None:
            if key in self._lib.keydefs:
                docs = ", ".join(kd.document.name for kd in self._lib.keydefs[key])
                raise CatalogueError(
                    f"Норма «{key}» на {_ru_date(self.on)} не действует ({docs}); добавьте файл "
                    "действующего документа в data/norms (см. README).",
                    key=key,
                )
            msg = _unknown_key_message(self._lib, key)
            raise CatalogueError(msg[:1].upper() + msg[1:], key=key)
        if grade is not None and (
            isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 11
        ):
            raise CatalogueError(
                f"«{key}»: класс (grade) должен быть от 1 до 11, а не {grade!r}.", key=key
            )
        if device is not None and device not in DEVICES:
            raise CatalogueError(
                f"«{key}»: устройство «{device}» неизвестно; допустимые: {', '.join(DEVICES)}.",
                key=key,
            )
        if policy is not None and policy not in POLICIES:
            raise CatalogueError(
                f"«{key}»: режим «{policy}» неизвестен; допустимые: {', '.join(POLICIES)}.",
                key=key,
            )
        kd = act.keydef
        override = self._matching_override(key, grade, device, policy, subject, self.on.month)
        if not kd.bands:
            return self._norm(act, None, kd.value, "", override)
        band = self._match_band(kd, grade, device, policy)
        if band is None:
            if override is not None:
                return self._norm(
                    act, None, None, self._query_scope(grade, device, policy), override
                )
            raise CatalogueError(self._no_band_message(kd, grade, device, policy), key=key)
        scope_parts = self._band_scope(band, device, policy)
        if band.by_subject is None:
            return self._norm(act, band, band.value, ", ".join(scope_parts), override)
        if subject is None:
            raise CatalogueError(f"«{key}»: укажите предмет (subject).", key=key)
        value, subject_scope, canon = self._subject_value(kd, band, subject, grade)
        scope = ", ".join([*scope_parts, subject_scope])
        conf = band.subject_confidence.get(canon) if canon else None
        return self._norm(act, band, value, scope, override, confidence=conf)

    def _match_band(
        self, kd: _KeyDef, grade: int | None, device: str | None, policy: str | None
    ) -> _Band | None:
        month = self.on.month
        for band in kd.bands:
            if band.grades is not None:
                if grade is None:
                    raise CatalogueError(f"«{kd.key}»: укажите класс (grade).", key=kd.key)
                if grade not in band.grades:
                    continue
            if band.devices is not None:
                if device is None:
                    raise CatalogueError(
                        f"«{kd.key}»: укажите устройство (device: {', '.join(DEVICES)}).",
                        key=kd.key,
                    )
                if device not in band.devices:
                    continue
            if band.policies is not None:
                if policy is None:
                    raise CatalogueError(
                        f"«{kd.key}»: укажите режим (policy: {', '.join(POLICIES)}).", key=kd.key
                    )
                if policy not in band.policies:
                    continue
            if band.months is not None and month not in band.months:
                continue
            return band
        return None

    def _no_band_message(
        self, kd: _KeyDef, grade: int | None, device: str | None, policy: str | None
    ) -> str:
        query = self._query_scope(grade, device, policy)
        return (
            f"Для «{kd.title}» ({kd.key}) нет значения: {query or 'без параметров'}, "
            f"{_ru_date(self.on)} ({MONTHS_RU[self.on.month - 1]}) — {kd.document.name} такой "
            "случай не описывает. Задайте значение локальным актом (overrides) или проверьте "
            "параметры."
        )

    @staticmethod
    def _query_scope(grade: int | None, device: str | None, policy: str | None) -> str:
        parts = []
        if device:
            parts.append(DEVICE_RU[device])
        if policy:
            parts.append(POLICY_RU[policy])
        if grade is not None:
            parts.append(f"{grade} кл.")
        return ", ".join(parts)

    @staticmethod
    def _band_scope(band: _Band, device: str | None, policy: str | None) -> list[str]:
        parts = []
        if band.devices is not None:
            shown = [device] if device in band.devices else sorted(band.devices)
            parts.append(", ".join(DEVICE_RU[d] for d in shown))
        if band.policies is not None:
            shown = [policy] if policy in band.policies else sorted(band.policies)
            parts.append(", ".join(POLICY_RU[p] for p in shown))
        if band.grades is not None:
            parts.append(f"{_range_text(band.grades)} кл.")
        if band.months is not None:
            parts.append(_months_text(band.months))
        return parts

    def _subject_value(
        self, kd: _KeyDef, band: _Band, subject: str, grade: int | None
    ) -> tuple[Any, str, str | None]:
        table = band.by_subject or {}
        lib = self._lib
        known_but_empty: str | None = None
        for variant in _subject_variants(subject):
            canon = variant if variant in table else lib.aliases.get(variant)
            if canon is None:
                continue
            for name in (canon, *lib.fallbacks.get(canon, ())):
                entry = table.get(name)
                if entry is None:
                    continue
                display, val = entry
                if isinstance(val, dict):
                    val = val.get(grade)
                if val is None:
                    known_but_empty = known_but_empty or display
                    continue
                if normalise_subject(display) == normalise_subject(subject):
                    return val, display, name
                return val, f"{display} (по названию «{subject}»)", name
        where = f"{band.item or kd.item}" + (
            f", {_range_text(band.grades)} кл." if band.grades else ""
        )
        if kd.unknown_subject_value is not None:
            return (
                kd.unknown_subject_value,
                f"предмет «{subject}» не найден в таблице ({where}) — значение по умолчанию",
                None,
            )
        if known_but_empty is not None:
            return None, f"предмет «{subject}» не оценивается для {grade} кл. ({where})", None
        return (
            None,
            f"предмет «{subject}» не найден в шкале ({where}); добавьте синоним в "
            "data/norms/planner-settings.yaml (subjects.aliases)",
            None,
        )

    def _matching_override(
        self,
        key: str,
        grade: int | None,
        device: str | None,
        policy: str | None,
        subject: str | None,
        month: int,
    ) -> _Override | None:
        found = None
        for ov in self._by_key.get(key, ()):
            if ov.grades is not None and grade not in ov.grades:
                continue
            if ov.devices is not None and device not in ov.devices:
                continue
            if ov.policies is not None and policy not in ov.policies:
                continue
            if ov.months is not None and month not in ov.months:
                continue
            if ov.subjects is not None and (
                subject is None or not set(_subject_variants(subject)) & ov.subjects
            ):
                continue
            found = ov  # the last matching one wins: the order comes after the local act
        return found

    def _norm(
        self,
        act: _Active,
        band: _Band | None,
        value: Any,
        scope: str,
        override: _Override | None,
        *,
        confidence: str | None = None,
    ) -> Norm:
        kd = act.keydef
        doc = kd.document
        confidence = (
            confidence or (band.confidence if band and band.confidence else None) or kd.confidence
        )
        note = (band.note if band and band.note else None) or kd.note
        norm_value = value
        reason = None
        base = None
        if override is not None:
            base = value
            norm_value = override.value
            reason = override.reason
            confidence = "override"
        return Norm(
            key=kd.key,
            value=norm_value,
            unit=kd.unit,
            document=doc.name,
            item=(band.item if band and band.item else None) or kd.item,
            source=(band.source if band and band.source else None) or kd.source,
            confidence=confidence,
            effective_from=doc.effective_from,
            effective_to=doc.effective_to,
            scope=scope,
            override_reason=reason,
            title=kd.title,
            also=kd.also,
            note=note,
            set_id=doc.id,
            expired=act.expired,
            base_value=base,
        )

    # -- listings --------------------------------------------------------------------------------

    def all_norms(self) -> list[Norm]:
        """Every rule in force with its citation and confidence (one Norm per band/subject)."""
        out: list[Norm] = []
        for key in sorted(self._active):
            act = self._active[key]
            kd = act.keydef
            if not kd.bands:
                out.append(self._norm(act, None, kd.value, "", self._band_override(key, None)))
                continue
            for band in kd.bands:
                scope = self._band_scope(band, None, None)
                if band.by_subject is None:
                    ov = self._band_override(key, band)
                    out.append(self._norm(act, band, band.value, ", ".join(scope), ov))
                    continue
                for canon, (display, val) in band.by_subject.items():
                    per_grade = val if isinstance(val, dict) else {None: val}
                    for g, v in per_grade.items():
                        if v is None:
                            continue
                        parts = [p for p in scope if not p.endswith("кл.")]
                        parts.append(
                            f"{g} кл."
                            if g is not None
                            else f"{_range_text(band.grades or range(1, 12))} кл."
                        )
                        parts.append(display)
                        ov = self._band_override(key, band, canon)
                        conf = band.subject_confidence.get(canon)
                        out.append(self._norm(act, band, v, ", ".join(parts), ov, confidence=conf))
        return out

    def _band_override(
        self, key: str, band: _Band | None, subject: str | None = None
    ) -> _Override | None:
        def meets(a: frozenset[Any] | None, b: frozenset[Any] | None) -> bool:
            return a is None or b is None or bool(a & b)

        found = None
        for ov in self._by_key.get(key, ()):
            if band is not None and not (
                meets(ov.grades, band.grades)
                and meets(ov.devices, band.devices)
                and meets(ov.policies, band.policies)
                and meets(ov.months, band.months)
            ):
                continue
            if ov.subjects is not None and (subject is None or subject not in ov.subjects):
                continue
            found = ov
        return found

    # -- warnings --------------------------------------------------------------------------------

    def warnings(
        self,
        date_from: date,
        date_to: date,
        *,
        grades: Iterable[int] | None = None,
        device: str | None = None,
        policy: str | None = None,
    ) -> list[str]:
        """Russian warnings for a planning window (both ends inclusive).

        Lists: documents expiring inside the window (and the successor file, if any), expired
        documents still used for lack of a successor, each low-confidence value in force, each
        override in use. ``grades``/``device``/``policy`` narrow the low-confidence list to the
        bands the order uses.
        """
        if date_to < date_from:
            date_from, date_to = date_to, date_from
        out: list[str] = []

        def add(msg: str) -> None:
            if msg not in out:
                out.append(msg)

        points = {date_from}
        for doc in self._lib.documents:
            for d in (doc.effective_from, doc.effective_to):
                if d is not None and date_from < d <= date_to:
                    points.add(d)
        cats = [self.for_date(d) for d in sorted(points)]

        for doc in sorted(self._lib.documents, key=lambda d: (d.rank, d.id)):
            end = doc.effective_to
            if end is None or not date_from < end <= date_to:
                continue
            successors = self._successors(doc)
            last = _ru_date(end - timedelta(days=1))
            if successors:
                names = "; ".join(f"{s.name} (файл {s.file.name})" for s in successors)
                add(
                    f"{doc.name} действует по {last} включительно; с {_ru_date(end)} нормы "
                    f"берутся из: {names}."
                )
            else:
                add(
                    f"{doc.name} утрачивает силу {_ru_date(end)} — внутри периода "
                    f"{_ru_date(date_from)}–{_ru_date(date_to)}; документа-преемника в каталоге "
                    "нет, поэтому после этой даты его значения применяются как утратившие силу. "
                    "Добавьте файл нового документа в data/norms (см. data/norms/README.md)."
                )
        for cat in cats:
            expired_docs: dict[str, tuple[_Document, int]] = {}
            for act in cat._active.values():
                if act.expired:
                    doc = act.keydef.document
                    prev = expired_docs.get(doc.id, (doc, 0))
                    expired_docs[doc.id] = (doc, prev[1] + 1)
            for doc, count in expired_docs.values():
                end = doc.effective_to
                assert end is not None
                add(
                    f"{doc.name} утратил силу {_ru_date(end)}, преемника в каталоге нет: "
                    f"{count} {ru_plural(count, 'норма взята', 'нормы взяты', 'норм взято')} из "
                    "утратившего силу документа. Добавьте файл нового документа в data/norms "
                    "(см. data/norms/README.md)."
                )
        grade_set = frozenset(grades) if grades is not None else None
        for cat in cats:
            for msg in cat._low_confidence_messages(grade_set, device, policy):
                add(msg)
        for cat in cats:
            for msg in cat._override_messages():
                add(msg)
        return out

    def _successors(self, doc: _Document) -> list[_Document]:
        explicit = [d for d in self._lib.documents if doc.id in d.replaces]
        if explicit:
            return explicit
        keys = {
            k for k, defs in self._lib.keydefs.items() if any(kd.document is doc for kd in defs)
        }
        return [
            d
            for d in self._lib.documents
            if d is not doc
            and d.effective_from == doc.effective_to
            and any(kd.document is d for k in keys for kd in self._lib.keydefs.get(k, ()))
        ]

    def _low_confidence_messages(
        self, grades: frozenset[int] | None, device: str | None, policy: str | None
    ) -> list[str]:
        out = []
        for key in sorted(self._active):
            act = self._active[key]
            kd = act.keydef
            entries: list[str] = []
            low_bands: list[_Band] = []
            if (
                not kd.bands
                and kd.confidence in LOW_CONFIDENCE
                and self._band_override(key, None) is None
            ):
                entries.append(format_value(kd.value, kd.unit))
            for band in kd.bands:
                conf = band.confidence or kd.confidence
                low_subjects = [
                    band.by_subject[s][0]
                    for s, c in band.subject_confidence.items()
                    if c in LOW_CONFIDENCE and band.by_subject
                ]
                if conf not in LOW_CONFIDENCE and not low_subjects:
                    continue
                if self._band_override(key, band) is not None:
                    continue
                if grades is not None and band.grades is not None and not grades & band.grades:
                    continue
                if device is not None and band.devices is not None and device not in band.devices:
                    continue
                if policy is not None and band.policies is not None and policy not in band.policies:
                    continue
                scope = ", ".join(self._band_scope(band, None, None))
                low_bands.append(band)
                if band.by_subject is not None and conf not in LOW_CONFIDENCE:
                    shown = ", ".join(low_subjects)
                elif band.by_subject is not None:
                    shown = f"таблица из {len(band.by_subject)} предметов"
                else:
                    shown = format_value(band.value, kd.unit)
                entries.append(f"{scope}: {shown}" if scope else shown)
            if not entries:
                continue
            doc = kd.document
            items = {b.item or kd.item for b in low_bands}
            item = items.pop() if len(items) == 1 else kd.item
            citation = f"{doc.name}, {item}" if item else doc.name
            out.append(
                f"Низкая достоверность: «{kd.title}» ({key}) — {'; '.join(entries)} "
                f"({citation}). Значение не проверено по официальному тексту; при необходимости "
                "задайте его локальным актом (overrides)."
            )
        return out

    def _override_messages(self) -> list[str]:
        out = []
        for ov in self._overrides:
            act = self._active.get(ov.key)
            if act is None:
                continue
            kd = act.keydef
            filters = []
            if ov.devices:
                filters.append(", ".join(DEVICE_RU[d] for d in sorted(ov.devices)))
            if ov.policies:
                filters.append(", ".join(POLICY_RU[p] for p in sorted(ov.policies)))
            if ov.grades:
                filters.append(f"{_range_text(ov.grades)} кл.")
            if ov.months:
                filters.append(_months_text(ov.months))
            if ov.subjects:
                filters.append(", ".join(sorted(ov.subjects)))
            base_values = self._base_values(kd, ov)
            base_text = " / ".join(format_value(v, kd.unit) for v in base_values)
            citation = f"{kd.document.name}, {kd.item}" if kd.item else kd.document.name
            msg = (
                f"Локальный акт ({ov.reason}): «{kd.title}»"
                + (f", {', '.join(filters)}" if filters else "")
                + f" = {format_value(ov.value, kd.unit)}"
                + (f" вместо {base_text}" if base_text else "")
                + f" ({citation})."
            )
            if self._looser(kd, ov.value, base_values):
                msg += " Внимание: значение мягче нормы — проверьте, что приказ это допускает."
            out.append(msg)
        return out

    def _base_values(self, kd: _KeyDef, ov: _Override) -> list[Any]:
        if not kd.bands:
            return [kd.value]
        vals: list[Any] = []

        def meets(a: frozenset[Any] | None, b: frozenset[Any] | None) -> bool:
            return a is None or b is None or bool(a & b)

        for band in kd.bands:
            if band.by_subject is not None:
                continue
            if (
                meets(ov.grades, band.grades)
                and meets(ov.devices, band.devices)
                and meets(ov.policies, band.policies)
                and meets(ov.months, band.months)
                and band.value not in vals
            ):
                vals.append(band.value)
        return vals

    @staticmethod
    def _looser(kd: _KeyDef, value: Any, base_values: list[Any]) -> bool:
        if kd.limit is None or kd.document.kind == "settings":
            return False
        new = _comparable(value, kd.unit)
        olds = [c for c in (_comparable(v, kd.unit) for v in base_values) if c is not None]
        if new is None or not olds:
            return False
        if kd.limit == "upper":
            return new > min(olds)
        return new < max(olds)

    def __repr__(self) -> str:
        return f"NormCatalogue({self.name!r})"
