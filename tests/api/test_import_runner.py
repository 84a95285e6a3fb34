"""Uploaded files are read in a child process: its answer, its refusals, its time limit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from api.import_runner import ImportRunner
from planner.app.pipeline import ImportSummary, inspect_files
from planner.domain.errors import InputError
from planner.domain.findings import StrictRefusal
from tests.paths import DATA


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def die() -> None:
    os._exit(9)  # as the system's out-of-memory killer would end it


def test_a_child_process_reads_the_file_and_answers_a_summary() -> None:
    runner = ImportRunner("process", timeout=60)
    source = DATA / "asc" / "asc2008-cp1251.xml"
    summary = runner.run(inspect_files, source, "Школа", file=source.name)
    assert isinstance(summary, ImportSummary)
    assert (summary.classes, summary.lessons) == (("5А", "6Б"), 3)
    assert {f.kind for f in summary.findings} >= {"encoding", "skipped"}
    assert runner.run(pid) != os.getpid()  # it really ran elsewhere


def test_refusals_come_back_as_they_were_raised(tmp_path: Path) -> None:
    runner = ImportRunner("process", timeout=60)
    source = DATA / "asc" / "asc2008-cp1251.xml"
    with pytest.raises(StrictRefusal) as strict:
        runner.run(inspect_files, source, "Школа", strict=True, file=source.name)
    assert (strict.value.count, strict.value.first.file) == (3, source.name)
    bad = tmp_path / "bad.csv"
    bad.write_text("день,урок\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        runner.run(inspect_files, bad, "Школа", file=bad.name)
    assert refused.value.problems[0].file == "bad.csv"


def test_a_child_over_the_time_limit_is_killed_and_the_file_refused() -> None:
    runner = ImportRunner("process", timeout=1)
    t0 = time.perf_counter()
    with pytest.raises(InputError) as refused:
        runner.run(sleep, 30, file="медленный.xlsx")
    assert time.perf_counter() - t0 < 10
    [problem] = refused.value.problems
    assert problem.file == "медленный.xlsx"
    assert problem.message.startswith("файл читается слишком долго (больше 1 с)")


def test_a_child_that_dies_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(InputError) as refused:
        ImportRunner("process", timeout=60).run(die, file="странный.csv")
    assert refused.value.problems[0].message.startswith("файл не удалось прочитать")
