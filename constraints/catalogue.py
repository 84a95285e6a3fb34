"""The norm catalogue: the value of every number the planner enforces on a date, for a grade,
device, screen policy and subject, with the school's and the order's overrides applied.

The numbers live in YAML files under ``data/norms`` (format: ``data/norms/README.md``); one file is
one document (СанПиН 1.2.3685-21, СП 2.4.3648-20, МР 2.4.0330-23, the planner settings) with its
``effective_from``/``effective_to``. On a given date the catalogue takes each key from the newest
document in force, so a successor norm set is a new file, not a code change. A school's local act
(``extra_files``) and the order (``overrides``) may replace any value; the replacement carries its
reason into ``Norm.citation`` and ``NormCatalogue.warnings``.

    cat = NormCatalogue.load(on=date(2026, 12, 1), overrides=order.overrides)
    n = cat.value("eso.per_lesson", grade=7, device="pc")
    n.value, n.citation, n.describe()

This module is the lookup; the rest of the catalogue is in :mod:`constraints.norms`: ``schema``
(what a file may say, ``Norm``, ``CatalogueError``), ``files`` (reading and validating the files),
``wording`` (Russian texts) and ``warnings`` (expiring documents, low confidence, overrides).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from constraints.norms.files import (
    DEFAULT_DIRECTORY,
    load_library,
    make_override,
    unknown_key_message,
)
from constraints.norms.schema import (
    DEVICES,
    POLICIES,
    Band,
    CatalogueError,
    Document,
    KeyDef,
    Library,
    Norm,
    OverrideRule,
    form_value,
    normalise_subject,
    subject_variants,
)
from constraints.norms.warnings import window_warnings
from constraints.norms.wording import (
    FORM_HINT,
    MONTHS_RU,
    band_scope,
    format_value,
    query_scope,
    range_text,
    ru_date,
)

__all__ = [
    "DEFAULT_DIRECTORY",
    "CatalogueError",
    "Norm",
    "NormCatalogue",
    "OverrideChoice",
    "override_choices",
]


@dataclass(frozen=True, slots=True)
class Active:
    """The definition of a key in force on the catalogue's date (``expired``: taken from a
    document no longer in force, for lack of a successor)."""

    keydef: KeyDef
    expired: bool


class NormCatalogue:
    """The norms in force on one date, with the school's overrides applied.

    ``library`` (the parsed files), ``active`` (key → definition in force) and ``overrides`` are
    read by :mod:`constraints.norms.warnings`; everything else goes through the methods.
    """

    def __init__(
        self,
        library: Library,
        on: date,
        overrides: Sequence[OverrideRule],
        *,
        strict: bool = False,
        siblings: dict[date, NormCatalogue] | None = None,
    ):
        self.library = library
        self.on = on
        self.overrides = tuple(overrides)
        self._strict = strict
        self._siblings = siblings if siblings is not None else {}
        self._siblings.setdefault(on, self)
        self._cache: dict[tuple[Any, ...], Norm] = {}
        self.active: dict[str, Active] = self._resolve_active()
        self._by_key: dict[str, tuple[OverrideRule, ...]] = {}
        for ov in self.overrides:
            self._by_key[ov.key] = (*self._by_key.get(ov.key, ()), ov)
        used = {a.keydef.document.id: a for a in self.active.values()}
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
        lib = load_library(Path(directory) if directory else DEFAULT_DIRECTORY, extra_files)
        ovs = list(lib.overrides)
        for key, ov in (overrides or {}).items():
            reason = ov.get("reason") if isinstance(ov, Mapping) else getattr(ov, "reason", None)

            def fail(k: str, message: str) -> CatalogueError:
                return CatalogueError(f"Приказ, {k}: {message}", key=k)

            ovs.append(make_override(lib, str(key), ov, reason, "приказ", fail))
        return cls(lib, on, ovs, strict=strict)

    def for_date(self, d: date) -> NormCatalogue:
        """The same files and overrides on another date (a window may cross an expiry)."""
        cat = self._siblings.get(d)
        if cat is None:
            cat = NormCatalogue(
                self.library, d, self.overrides, strict=self._strict, siblings=self._siblings
            )
        return cat

    def _replaced_on(self, doc: Document, on: date) -> bool:
        return any(
            doc.id in other.replaces and other.in_force(on) for other in self.library.documents
        )

    def _resolve_active(self) -> dict[str, Active]:
        active: dict[str, Active] = {}
        for key, defs in self.library.keydefs.items():
            live = [
                kd
                for kd in defs
                if kd.document.in_force(self.on) and not self._replaced_on(kd.document, self.on)
            ]
            if live:
                best = max(live, key=lambda kd: (kd.document.effective_from, -kd.document.rank))
                active[key] = Active(best, expired=False)
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
                active[key] = Active(best, expired=True)
        return active

    # -- lookups ---------------------------------------------------------------------------------

    def keys(self) -> list[str]:
        """Every key with a value on this date."""
        return sorted(self.active)

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
        act = self.active.get(key)
        if act is None:
            if key in self.library.keydefs:
                docs = ", ".join(kd.document.name for kd in self.library.keydefs[key])
                raise CatalogueError(
                    f"Норма «{key}» на {ru_date(self.on)} не действует ({docs}); добавьте файл "
                    "действующего документа в data/norms (см. README).",
                    key=key,
                )
            msg = unknown_key_message(self.library, key)
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
                return self._norm(act, None, None, query_scope(grade, device, policy), override)
            raise CatalogueError(self._no_band_message(kd, grade, device, policy), key=key)
        scope_parts = band_scope(band, device, policy)
        if band.by_subject is None:
            return self._norm(act, band, band.value, ", ".join(scope_parts), override)
        if subject is None:
            raise CatalogueError(f"«{key}»: укажите предмет (subject).", key=key)
        value, subject_scope, canon = self._subject_value(kd, band, subject, grade)
        scope = ", ".join([*scope_parts, subject_scope])
        conf = band.subject_confidence.get(canon) if canon else None
        return self._norm(act, band, value, scope, override, confidence=conf)

    def _match_band(
        self, kd: KeyDef, grade: int | None, device: str | None, policy: str | None
    ) -> Band | None:
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
        self, kd: KeyDef, grade: int | None, device: str | None, policy: str | None
    ) -> str:
        query = query_scope(grade, device, policy)
        return (
            f"Для «{kd.title}» ({kd.key}) нет значения: {query or 'без параметров'}, "
            f"{ru_date(self.on)} ({MONTHS_RU[self.on.month - 1]}) — {kd.document.name} такой "
            "случай не описывает. Задайте значение локальным актом (overrides) или проверьте "
            "параметры."
        )

    def _subject_value(
        self, kd: KeyDef, band: Band, subject: str, grade: int | None
    ) -> tuple[Any, str, str | None]:
        table = band.by_subject or {}
        lib = self.library
        known_but_empty: str | None = None
        for variant in subject_variants(subject):
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
            f", {range_text(band.grades)} кл." if band.grades else ""
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
    ) -> OverrideRule | None:
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
                subject is None or not set(subject_variants(subject)) & ov.subjects
            ):
                continue
            found = ov  # the last matching one wins: the order comes after the local act
        return found

    def _norm(
        self,
        act: Active,
        band: Band | None,
        value: Any,
        scope: str,
        override: OverrideRule | None,
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
        for key in sorted(self.active):
            act = self.active[key]
            kd = act.keydef
            if not kd.bands:
                out.append(self._norm(act, None, kd.value, "", self.band_override(key, None)))
                continue
            for band in kd.bands:
                scope = band_scope(band, None, None)
                if band.by_subject is None:
                    ov = self.band_override(key, band)
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
                            else f"{range_text(band.grades or range(1, 12))} кл."
                        )
                        parts.append(display)
                        ov = self.band_override(key, band, canon)
                        conf = band.subject_confidence.get(canon)
                        out.append(self._norm(act, band, v, ", ".join(parts), ov, confidence=conf))
        return out

    def band_override(
        self, key: str, band: Band | None, subject: str | None = None
    ) -> OverrideRule | None:
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
        """Russian warnings for a planning window (both ends inclusive); see
        :func:`constraints.norms.warnings.window_warnings`."""
        return window_warnings(
            self, date_from, date_to, grades=grades, device=device, policy=policy
        )

    def __repr__(self) -> str:
        return f"NormCatalogue({self.name!r})"


#: units a local act may set on the order form (subject weights and points stay in the files)
FORM_UNITS = ("min", "time", "lessons", "lesson_numbers", "grades", "count", "bool")


@dataclass(frozen=True, slots=True)
class OverrideChoice:
    """A norm the order form offers for a local-act value: its Russian name, the value in force
    and where it comes from; ``check`` reads what the user typed."""

    key: str
    title: str
    unit: str
    current: str
    source: str
    hint: str

    @property
    def label(self) -> str:
        return f"{self.title} — сейчас {self.current} ({self.source})"

    def check(self, text: str) -> tuple[bool, Any]:
        return form_value(self.unit, text)


def override_choices(on: date) -> list[OverrideChoice]:
    """The norms a local act may replace on the order form, in force on ``on``, by name."""
    cat = NormCatalogue.load(on=on)
    out = []
    for key in cat.active:
        kd = cat.active[key].keydef
        if kd.unit not in FORM_UNITS:
            continue
        if kd.bands:
            current = "зависит от класса" + (" и устройства" if key.startswith("eso.") else "")
        else:
            current = format_value(kd.value, kd.unit)
        out.append(
            OverrideChoice(
                key=key,
                title=kd.title,
                unit=kd.unit,
                current=current,
                source=kd.document.name
                if kd.document.kind == "settings"
                else f"{kd.document.name}, {kd.item}",
                hint=FORM_HINT[kd.unit],
            )
        )
    return sorted(out, key=lambda c: c.title)
