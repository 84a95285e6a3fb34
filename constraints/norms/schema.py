"""What a norm file may say: the vocabulary, the parsed form of a file and the value checks.

``Norm`` is the public value a lookup returns; ``Document``, ``KeyDef``, ``Band``,
``OverrideRule`` and ``Library`` are the parsed YAML the catalogue searches. An override is
any object with ``.value`` and ``.reason``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from constraints.norms.wording import CONFIDENCE_RU, format_value, ru_date
from planner.domain.order import DEVICES
from planner.domain.order import SCREEN_POLICIES as POLICIES

__all__ = [
    "DEVICES",
    "KINDS",
    "LIMITS",
    "LOW_CONFIDENCE",
    "POLICIES",
    "UNITS",
    "Band",
    "CatalogueError",
    "Document",
    "KeyDef",
    "Library",
    "Norm",
    "OverrideRule",
    "normalise_subject",
]

LOW_CONFIDENCE = frozenset({"low", "medium-low", "low-medium"})
UNITS = ("min", "time", "lessons", "lesson_numbers", "grades", "points", "weight", "count", "bool")
LIMITS = ("upper", "lower")
KINDS = ("norm", "advisory", "settings", "local-act")
KEY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
INT_UNITS = frozenset({"min", "lessons", "points", "weight", "count"})


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
            text += f" (утратил силу {ru_date(self.effective_to)})"
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
class Document:
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
class Band:
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
class KeyDef:
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
    bands: tuple[Band, ...]
    unknown_subject_value: Any
    document: Document


@dataclass(frozen=True, slots=True)
class OverrideRule:
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
class Library:
    documents: list[Document] = field(default_factory=list)
    keydefs: dict[str, list[KeyDef]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # normalised alias -> canonical (norm.)
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: list[OverrideRule] = field(default_factory=list)  # from local-act files, in order


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


def subject_variants(name: str) -> list[str]:
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


def parse_int_set(raw: Any, lo: int, hi: int) -> frozenset[int] | None:
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


def as_date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def time_value(raw: Any) -> str | None:
    """ "HH:MM" as written; an int is YAML 1.1's reading of an unquoted 17:00 (minutes)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int) and 0 <= raw < 24 * 60:
        return f"{raw // 60:02d}:{raw % 60:02d}"
    if isinstance(raw, str):
        m = TIME_RE.match(raw.strip())
        if m:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None


def form_value(unit: str, text: str) -> tuple[bool, Any]:
    """A value typed into a form field («17:00», «30», «да», «2, 3») checked against its unit;
    returns (ok, normalised value) as :func:`check_value` does."""
    raw = text.strip()
    if not raw:
        return False, None
    parsed: Any = raw
    if unit in INT_UNITS:
        parsed = int(raw) if raw.isdigit() else raw
    elif unit == "bool":
        word = raw.lower()
        parsed = (
            True if word in ("да", "true", "1") else False if word in ("нет", "false", "0") else raw
        )
    elif unit in ("lesson_numbers", "grades"):
        parts = [p.strip() for p in re.split(r"[,;\s]+", raw) if p.strip()]
        parsed = [int(p) for p in parts] if all(p.isdigit() for p in parts) else raw
    return check_value(unit, parsed)


def time_minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def check_value(unit: str, raw: Any, *, allow_none: bool = False) -> tuple[bool, Any]:
    """Validate a value against its unit; returns (ok, normalised value)."""
    if raw is None:
        return allow_none, None
    if unit in INT_UNITS:
        ok = isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0
        return ok, raw
    if unit == "time":
        t = time_value(raw)
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
    if unit == "grades":
        ok = (
            isinstance(raw, list)
            and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 11 for v in raw)
            and len(set(raw)) == len(raw)
        )
        return ok, tuple(sorted(raw)) if ok else raw
    return False, raw


def comparable(value: Any, unit: str) -> int | None:
    if unit == "time" and isinstance(value, str):
        return time_minutes(value)
    if unit in INT_UNITS and isinstance(value, int):
        return value
    return None
