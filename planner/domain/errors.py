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

    def __str__(self) -> str:
        where = [self.file]
        if self.element:
            where.append(self.element)
        if self.row is not None:
            where.append(f"строка {self.row}")
        if self.column:
            where.append(f"столбец «{self.column}»")
        return f"{', '.join(where)}: {self.message}"


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
