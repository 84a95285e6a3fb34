"""Errors a person can act on: each names the file, the row or element, the column, and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the format allows."""

    file: str
    message: str  # Russian, says what is wrong and what to do
    row: int | None = None  # 1-based data row / line of the XML element
    column: str | None = None  # column header or XML attribute
    element: str | None = None  # XML element or sheet name

    @property
    def place(self) -> str:
        where = [self.file]
        if self.element:
            where.append(self.element)
        if self.row is not None:
            where.append(f"строка {self.row}")
        if self.column:
            where.append(f"столбец «{self.column}»")
        return ", ".join(where)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass(frozen=True, slots=True)
class Finding:
    """Something an import read although the file did not say it outright.

    ``kind`` is a stable key (titles in :data:`planner.domain.findings.FINDING_KINDS`); ``seen``
    says what the file has (Russian, with what to change in the file), ``read_as`` how the
    import read it. A ``note`` is a reading of the format itself (the first of A/B weeks, standard
    bells): strict mode accepts notes and refuses every other finding.
    """

    kind: str
    file: str
    seen: str
    read_as: str
    row: int | None = None  # 1-based row / line of the XML element
    column: str | None = None  # column header or XML attribute
    element: str | None = None  # XML element or sheet name
    note: bool = False

    @property
    def place(self) -> str:
        """``file, sheet, строка N, столбец «X»`` — as precise as the format allows."""
        return Problem(self.file, "", self.row, self.column, self.element).place

    def as_problem(self) -> Problem:
        """The finding as a problem of strict mode (nothing is imported)."""
        return Problem(self.file, self.seen, self.row, self.column, self.element)

    def __str__(self) -> str:
        return f"{self.place}: {self.seen} → {self.read_as}"


class PlannerError(Exception):
    """Base class of every error the planner reports to a user."""

    exit_code = 1


class InputError(PlannerError):
    """Bad input: nothing was imported. Carries every problem found (at least one)."""

    exit_code = 2

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        element: str | None = None,
    ) -> InputError:
        return cls(Problem(file=file, message=message, row=row, column=column, element=element))


class InfeasibleOrder(PlannerError):
    """The order's hard requirements cannot all be met; ``explanation`` says which and why."""

    exit_code = 3

    def __init__(self, explanation: str, conflicts: list[str] | None = None):
        self.explanation = explanation
        self.conflicts = conflicts or []
        super().__init__(explanation)


class SolveStopped(PlannerError):
    """The search was cancelled before it had any complete plan: no verdict on the order."""

    exit_code = 1

    def __init__(self) -> None:
        super().__init__(
            "Перестроение отменено до того, как решатель нашёл первый полный план; "
            "нового расписания нет, опубликованная версия не изменилась."
        )
