"""The catalogue's warnings for a planning window: documents that expire inside it (and their
successors), expired documents still in use, low-confidence values in force, overrides in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from constraints.norms.schema import (
    LOW_CONFIDENCE,
    Band,
    Document,
    KeyDef,
    OverrideRule,
    comparable,
)
from constraints.norms.wording import (
    DEVICE_RU,
    POLICY_RU,
    band_scope,
    format_value,
    months_text,
    range_text,
    ru_date,
)
from planner.domain.model import plural

if TYPE_CHECKING:
    from constraints.catalogue import NormCatalogue

__all__ = ["LOW_CONFIDENCE_PREFIX", "LOW_CONFIDENCE_TAIL", "OVERRIDE_PREFIX", "window_warnings"]

#: the first words of a low-confidence warning and of a local-act warning (the review page groups
#: the warnings by them: constraints.checker.group_warnings)
LOW_CONFIDENCE_PREFIX = "Низкая достоверность: "
OVERRIDE_PREFIX = "Локальный акт ("
#: what a low-confidence warning asks (the review says it once for all of them)
LOW_CONFIDENCE_TAIL = (
    " Значение не сверено с официальным текстом документа; если в школе действует свой "
    "локальный акт, задайте значение в приказе, в разделе «Значения локального акта»."
)


def window_warnings(
    cat: NormCatalogue,
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
    for doc in cat.library.documents:
        for d in (doc.effective_from, doc.effective_to):
            if d is not None and date_from < d <= date_to:
                points.add(d)
    cats = [cat.for_date(d) for d in sorted(points)]

    for doc in sorted(cat.library.documents, key=lambda d: (d.rank, d.id)):
        end = doc.effective_to
        if end is None or not date_from < end <= date_to:
            continue
        successors = _successors(cat, doc)
        last = ru_date(end - timedelta(days=1))
        if successors:
            names = "; ".join(f"{s.name} (файл {s.file.name})" for s in successors)
            add(
                f"{doc.name} действует по {last} включительно; с {ru_date(end)} нормы "
                f"берутся из: {names}."
            )
        else:
            add(
                f"{doc.name} утрачивает силу {ru_date(end)} — внутри периода "
                f"{ru_date(date_from)}–{ru_date(date_to)}; документа-преемника в каталоге "
                "нет, поэтому после этой даты его значения применяются как утратившие силу. "
                "Добавьте файл нового документа в data/norms (см. data/norms/README.md)."
            )
    for day_cat in cats:
        expired_docs: dict[str, tuple[Document, int]] = {}
        for act in day_cat.active.values():
            if act.expired:
                doc = act.keydef.document
                prev = expired_docs.get(doc.id, (doc, 0))
                expired_docs[doc.id] = (doc, prev[1] + 1)
        for doc, count in expired_docs.values():
            end = doc.effective_to
            assert end is not None
            add(
                f"{doc.name} утратил силу {ru_date(end)}, преемника в каталоге нет: "
                f"{plural(count, 'норма взята', 'нормы взяты', 'норм взято')} из "
                "утратившего силу документа. Добавьте файл нового документа в data/norms "
                "(см. data/norms/README.md)."
            )
    grade_set = frozenset(grades) if grades is not None else None
    for day_cat in cats:
        for msg in _low_confidence_messages(day_cat, grade_set, device, policy):
            add(msg)
    for day_cat in cats:
        for msg in _override_messages(day_cat):
            add(msg)
    return out


def _successors(cat: NormCatalogue, doc: Document) -> list[Document]:
    explicit = [d for d in cat.library.documents if doc.id in d.replaces]
    if explicit:
        return explicit
    keys = {k for k, defs in cat.library.keydefs.items() if any(kd.document is doc for kd in defs)}
    return [
        d
        for d in cat.library.documents
        if d is not doc
        and d.effective_from == doc.effective_to
        and any(kd.document is d for k in keys for kd in cat.library.keydefs.get(k, ()))
    ]


def _low_confidence_messages(
    cat: NormCatalogue, grades: frozenset[int] | None, device: str | None, policy: str | None
) -> list[str]:
    out = []
    for key in sorted(cat.active):
        act = cat.active[key]
        kd = act.keydef
        entries: list[str] = []
        low_bands: list[Band] = []
        if (
            not kd.bands
            and kd.confidence in LOW_CONFIDENCE
            and cat.band_override(key, None) is None
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
            if cat.band_override(key, band) is not None:
                continue
            if grades is not None and band.grades is not None and not grades & band.grades:
                continue
            if device is not None and band.devices is not None and device not in band.devices:
                continue
            if policy is not None and band.policies is not None and policy not in band.policies:
                continue
            scope = ", ".join(band_scope(band, None, None))
            low_bands.append(band)
            if band.by_subject is not None and conf not in LOW_CONFIDENCE:
                shown = ", ".join(low_subjects)
            elif band.by_subject is not None:
                n = len(band.by_subject)
                shown = f"таблица из {plural(n, 'предмета', 'предметов', 'предметов')}"
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
            f"{LOW_CONFIDENCE_PREFIX}«{kd.title}» — {'; '.join(entries)} ({citation})."
            + LOW_CONFIDENCE_TAIL
        )
    return out


def _override_messages(cat: NormCatalogue) -> list[str]:
    out = []
    for ov in cat.overrides:
        act = cat.active.get(ov.key)
        if act is None:
            continue
        kd = act.keydef
        filters = []
        if ov.devices:
            filters.append(", ".join(DEVICE_RU[d] for d in sorted(ov.devices)))
        if ov.policies:
            filters.append(", ".join(POLICY_RU[p] for p in sorted(ov.policies)))
        if ov.grades:
            filters.append(f"{range_text(ov.grades)} кл.")
        if ov.months:
            filters.append(months_text(ov.months))
        if ov.subjects:
            filters.append(", ".join(sorted(ov.subjects)))
        base_values = _base_values(kd, ov)
        base_text = " / ".join(format_value(v, kd.unit) for v in base_values)
        citation = f"{kd.document.name}, {kd.item}" if kd.item else kd.document.name
        msg = (
            f"{OVERRIDE_PREFIX}{ov.reason}): «{kd.title}»"
            + (f", {', '.join(filters)}" if filters else "")
            + f" = {format_value(ov.value, kd.unit)}"
            + (f" вместо {base_text}" if base_text else "")
            + f" ({citation})."
        )
        if _looser(kd, ov.value, base_values):
            msg += " Внимание: значение мягче нормы — проверьте, что приказ это допускает."
        out.append(msg)
    return out


def _base_values(kd: KeyDef, ov: OverrideRule) -> list[Any]:
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


def _looser(kd: KeyDef, value: Any, base_values: list[Any]) -> bool:
    if kd.limit is None or kd.document.kind == "settings":
        return False
    new = comparable(value, kd.unit)
    olds = [c for c in (comparable(v, kd.unit) for v in base_values) if c is not None]
    if new is None or not olds:
        return False
    if kd.limit == "upper":
        return new > min(olds)
    return new < max(olds)
