"""Import findings as text and files: what ``planner convert``/``rebuild`` print and write.

``findings.txt`` lists every finding grouped by kind (title and count, then the places), notes
last; ``findings.json`` is :func:`planner.domain.findings.findings_json`. The terminal shows the
same text capped at a number of places and says where the full list is.
"""

from __future__ import annotations

import json
from pathlib import Path

from planner.domain.errors import Finding
from planner.domain.findings import findings_json, group_findings
from planner.domain.model import plural

#: places printed on the terminal before «… и ещё N»
TERMINAL_PLACES = 20


def findings_headline(findings: tuple[Finding, ...] | list[Finding]) -> str:
    """``Замечаний при импорте: 12; пояснений: 2.`` (or that there are none)."""
    notes = sum(1 for f in findings if f.note)
    real = len(findings) - notes
    if not findings:
        return "Замечаний при импорте нет."
    text = f"Замечаний при импорте: {real}" if real else "Замечаний при импорте нет"
    return text + (f"; пояснений: {notes}." if notes else ".")


def findings_lines(
    findings: tuple[Finding, ...] | list[Finding], *, limit: int | None = None
) -> list[str]:
    """The headline, each kind with its count, then the places (at most ``limit`` of them)."""
    lines = [findings_headline(findings)]
    groups = group_findings(findings)
    for g in groups:
        lines.append(f"  {g.title} — {g.count}" + (" (пояснение)" if g.note else ""))
    shown = 0
    for g in groups:
        if limit is not None and shown >= limit:
            break
        lines.append(f"{g.title}:")
        for f in g.findings:
            if limit is not None and shown >= limit:
                break
            lines.append(f"  {f.place}: {f.seen} → {f.read_as}")
            shown += 1
    rest = len(findings) - shown
    if findings and rest > 0:
        lines.append(f"… и ещё {plural(rest, 'место', 'места', 'мест')}.")
    return lines


def write_findings(stem: Path, findings: tuple[Finding, ...] | list[Finding]) -> list[Path]:
    """Write ``<stem>.txt`` (every place) and ``<stem>.json``; returns both paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    txt = stem.with_name(stem.name + ".txt")
    txt.write_text("\n".join(findings_lines(findings)) + "\n", encoding="utf-8")
    doc = findings_json(findings)
    js = stem.with_name(stem.name + ".json")
    js.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [txt, js]
