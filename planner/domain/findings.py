"""Findings of an import: what was read although the file did not say it outright.

An import is tolerant by default: it refuses a file only when nothing sensible can be read from it,
and reads everything else, listing each place where it had to decide (a row it could not read, a
missing name, a clash already in the file…) as a :class:`planner.domain.errors.Finding`.
In strict mode the same import refuses the file with every finding as a problem (nothing is
imported); *notes* (how the format itself was read: the first of A/B weeks, standard bells) do not
refuse a file.

:data:`FINDING_KINDS` gives each stable ``kind`` its Russian and English title, for grouping with
counts (:func:`group_findings`) on the upload screen, in the CLI and in the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from planner.domain.errors import Finding, InputError, Problem
from planner.domain.model import plural

#: kind → (Russian title, English title, is a note). Keys are stable: the web app, the report and
#: stored uploads refer to them.
FINDING_KINDS: dict[str, tuple[str, str, bool]] = {
    "unreadable_row": (
        "Строки, которые не удалось прочитать",
        "Rows that could not be read",
        False,
    ),
    "field_count": ("Лишние или недостающие поля в строке", "Rows with a wrong field count", False),
    "missing_name": ("Пропущенные названия", "Missing names", False),
    "names_merged": ("Разные написания одного названия", "Names written several ways", False),
    "unknown_reference": ("Ссылки на то, чего нет в файле", "References to unknown items", False),
    "duplicate": ("Повторы", "Repeated entries", False),
    "conflict": ("Противоречия в файле", "Contradictions in the file", False),
    "source_clash": ("Накладки в исходном расписании", "Clashes already in the file", False),
    "skipped": ("Пропущенные уроки", "Lessons left out", False),
    "encoding": ("Кодировка файла", "File encoding", False),
    "load_table": ("Сетка и нагрузка не совпадают", "Grid and load table disagree", False),
    "joint_lesson": ("Совместные уроки", "Joint lessons", True),
    "no_teachers": ("Нет учителей", "No teachers", True),
    "default_bells": ("Звонки по умолчанию", "Default bells", True),
    "format_note": ("Как прочитан файл", "How the file was read", True),
}

MAX_PROBLEMS = 50
#: the name of a lesson, room or class whose name is missing in the file
NO_NAME = "без названия"


def is_note(kind: str) -> bool:
    return FINDING_KINDS[kind][2]


def finding_title(kind: str, language: str = "ru") -> str:
    """The title of a finding kind for grouping (Russian, or English with ``language="en"``)."""
    ru, en, _note = FINDING_KINDS[kind]
    return en if language == "en" else ru


@dataclass(frozen=True)
class FindingGroup:
    kind: str
    title: str
    count: int
    findings: tuple[Finding, ...]
    note: bool


def group_findings(findings: tuple[Finding, ...] | list[Finding]) -> list[FindingGroup]:
    """Findings grouped by kind, in the order of :data:`FINDING_KINDS`, notes last."""
    counts = Counter(f.kind for f in findings)
    order = {kind: i for i, kind in enumerate(FINDING_KINDS)}
    groups = [
        FindingGroup(
            kind,
            finding_title(kind),
            counts[kind],
            tuple(f for f in findings if f.kind == kind),
            is_note(kind),
        )
        for kind in counts
    ]
    groups.sort(key=lambda g: (g.note, order.get(g.kind, len(order))))
    return groups


def cap_problems(problems: list[Problem], file: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS` problems and a line with the count of the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    more = plural(rest, "ошибка", "ошибки", "ошибок")
    return [*problems[:MAX_PROBLEMS], Problem(file=file, message=f"и ещё {more}")]


class Findings:
    """Collects the findings of one import; :meth:`check` refuses the file in strict mode."""

    def __init__(self, file: str, *, strict: bool = False):
        self.file = file
        self.strict = strict
        self.items: list[Finding] = []

    def add(
        self,
        kind: str,
        seen: str,
        read_as: str,
        *,
        row: int | None = None,
        column: str | None = None,
        element: str | None = None,
        file: str | None = None,
    ) -> None:
        self.items.append(
            Finding(
                kind=kind,
                file=file or self.file,
                seen=seen,
                read_as=read_as,
                row=row,
                column=column,
                element=element,
                note=is_note(kind),
            )
        )

    def extend(self, findings: list[Finding] | tuple[Finding, ...]) -> None:
        self.items.extend(findings)

    def problems(self) -> list[Problem]:
        """The findings that strict mode refuses, as problems."""
        return [f.as_problem() for f in self.items if not f.note]

    def check(self, *, sort_rows: bool = False) -> None:
        """In strict mode, raise :class:`InputError` with every finding that is not a note."""
        if not self.strict:
            return
        problems = self.problems()
        if sort_rows:
            problems.sort(key=lambda p: (p.file != self.file, p.row or 0))
        if problems:
            raise InputError(cap_problems(problems, self.file))

    def result(self) -> tuple[Finding, ...]:
        self.check()
        return tuple(self.items)


def refusing(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """The findings that strict mode refuses a file for: every one that is not a note."""
    return [f for f in findings if not f.note]


class StrictRefusal(InputError):
    """Strict mode refused a file that the tolerant import read: ``first`` is the first finding
    that is not a note, ``count`` how many there are in all. ``problems`` lists them (capped)."""

    def __init__(self, findings: list[Finding], file: str):
        self.refused = findings
        self.file = file
        self.first = findings[0]
        self.count = len(findings)
        super().__init__(cap_problems([f.as_problem() for f in findings], file))

    @property
    def summary(self) -> str:
        """``<place>: <seen> (прочитано бы как: …); и ещё N замечаний`` — one line."""
        f = self.first
        line = f"{f.place}: {f.seen} (без строгой проверки: {f.read_as})"
        rest = self.count - 1
        if rest:
            line += f"; и ещё {plural(rest, 'замечание', 'замечания', 'замечаний')}"
        return line


def check_strict(findings: tuple[Finding, ...] | list[Finding], file: str) -> None:
    """Raise :class:`StrictRefusal` when any finding is not a note (strict mode after a tolerant
    import: the same findings the tolerant import shows, the first one named)."""
    refused = refusing(findings)
    if refused:
        raise StrictRefusal(refused, file)


def findings_summary(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, object]:
    """Counts for ``schedule.json`` ``meta.import``: total, notes, and per kind."""
    counts = Counter(f.kind for f in findings)
    notes = sum(1 for f in findings if f.note)
    return {
        "findings": len(findings) - notes,
        "notes": notes,
        "by_kind": {k: counts[k] for k in FINDING_KINDS if counts[k]},
    }


def finding_json(f: Finding) -> dict[str, object]:
    return {
        "kind": f.kind,
        "file": f.file,
        "element": f.element,
        "row": f.row,
        "column": f.column,
        "place": f.place,
        "seen": f.seen,
        "read_as": f.read_as,
        "note": f.note,
    }


def findings_json(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, object]:
    """Findings as JSON (``findings.json``, the upload API): counts and groups with places."""
    return {
        **findings_summary(findings),
        "groups": [
            {
                "kind": g.kind,
                "title": g.title,
                "title_en": finding_title(g.kind, "en"),
                "count": g.count,
                "note": g.note,
                "items": [finding_json(f) for f in g.findings],
            }
            for g in group_findings(findings)
        ],
    }
