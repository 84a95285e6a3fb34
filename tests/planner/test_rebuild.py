"""``planner rebuild`` and ``planner check`` through the Typer CLI on a small school."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from planner.app.demo import build_demo_school
from planner.cli import app
from planner.domain.errors import SolveStopped
from planner.domain.order import parse_order
from planner.domain.schedule import Schedule
from planner.domain.solving import SolveOptions, SolveProgress
from planner.engine import solver
from planner.engine.naive import start_plan
from planner.engine.rebuild import solve_remote
from planner.exports.flat import write_flat
from planner.imports import load_timetable
from tests.constraints.school import small_school
from tests.paths import ASC_FIXTURES

runner = CliRunner()

ORDER = """\
classes: [1А, 5А, 7Б]
from: 2026-11-30
to: 2026-11-30
device: pc
screen_policy: home
"""


def files(tmp_path: Path, order_text: str = ORDER) -> tuple[Path, Path]:
    timetable = tmp_path / "timetable.csv"
    write_flat(small_school(), timetable)
    order = tmp_path / "order.yaml"
    order.write_text(order_text, encoding="utf-8")
    return timetable, order


def rebuild(tmp_path: Path, out: str, *extra: str, order_text: str = ORDER):
    timetable, order = files(tmp_path, order_text)
    return runner.invoke(
        app,
        ["rebuild", str(timetable), "--order", str(order), "--out", str(tmp_path / out),
         "--time-limit", "10", "--workers", "2", "--seed", "1", *extra],
    )  # fmt: skip


def test_rebuild_writes_schedule_and_summary(tmp_path: Path) -> None:
    result = rebuild(tmp_path, "out")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "schedule.json").read_text(encoding="utf-8"))
    assert doc["order"]["classes"] == ["1А", "5А", "7Б"]
    assert doc["meta"]["solver"]["status"] == "OPTIMAL"
    assert doc["meta"]["solver"]["stop_reason"] == "optimal"
    assert doc["meta"]["solver"]["stop_ru"] == "план доказанно лучший"
    lines = result.output.splitlines()
    # the import's findings first (here one note: 7Б and 9В share a lesson), then the solve
    assert lines[:3] == [
        "Замечаний при импорте нет; пояснений: 1.",
        "  Совместные уроки — 1 (пояснение)",
        "Совместные уроки:",
    ]
    assert "Перестраиваю: классов 3, дней 1, предел 10 с, потоков 2, зерно 1" in lines
    assert doc["meta"]["import"] == {
        "findings": 0, "notes": 1, "by_kind": {"joint_lesson": 1}, "source_clashes": 0,
    }  # fmt: skip
    assert "Готово за " in result.output and "(доказан оптимум)." in result.output
    assert "Поиск закончен: план доказанно лучший." in result.output
    # 7Б and 9В have «Алгебра» with Иванова at one time: read back as one joint lesson
    assert (
        "Классов на дистанте: 3; уроков онлайн: 12, самостоятельно: 5; онлайн-минут: 320." in lines
    )
    assert any(line.startswith("  ") and "план №1: штраф" in line for line in lines)
    # where the time went, for bench/bench_e2e.py: every phase, the first plan, the peak memory
    timings = json.loads((tmp_path / "out" / "timings.json").read_text(encoding="utf-8"))
    phases = timings["phases"]
    assert list(phases) == ["import", "problem", "solve", "assemble", "check", "export"]
    assert all(v >= 0 for v in phases.values())
    assert list(timings["cpu"]) == list(phases) and all(v >= 0 for v in timings["cpu"].values())
    assert sum(phases.values()) <= timings["total_s"]
    assert (
        0
        < timings["marks"]["first_plan"]
        <= phases["import"] + phases["problem"] + (phases["solve"]) + 0.01
    )
    assert timings["classes"] == 3 and timings["files"] > 10 and timings["peak_rss_mib"] > 50


def test_rebuild_is_deterministic_for_same_seed(tmp_path: Path) -> None:
    assert rebuild(tmp_path, "a").exit_code == 0
    assert rebuild(tmp_path, "b").exit_code == 0
    a = Schedule.read(tmp_path / "a" / "schedule.json")
    b = Schedule.read(tmp_path / "b" / "schedule.json")
    assert a.items == b.items


def test_rebuild_with_previous_keeps_plan(tmp_path: Path) -> None:
    assert rebuild(tmp_path, "v1").exit_code == 0
    result = rebuild(tmp_path, "v2", "--previous", str(tmp_path / "v1"))
    assert result.exit_code == 0, result.output
    v1 = Schedule.read(tmp_path / "v1" / "schedule.json")
    v2 = Schedule.read(tmp_path / "v2" / "schedule.json")
    assert v1.items == v2.items


def test_rebuild_bad_order_exits_2(tmp_path: Path) -> None:
    result = rebuild(
        tmp_path, "out", order_text="classes: [5Я]\nfrom: 2026-11-30\nto: 2026-11-30\n"
    )
    assert result.exit_code == 2
    assert "класса «5Я» нет в расписании" in result.output


def test_rebuild_missing_previous_exits_2(tmp_path: Path) -> None:
    result = rebuild(tmp_path, "out", "--previous", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "нет прошлого результата schedule.json; проверьте папку --previous." in result.output


def test_rebuild_infeasible_order_exits_3(tmp_path: Path) -> None:
    text = ORDER.replace("screen_policy: home", "screen_policy: school") + "min_online_per_day: 4\n"
    result = rebuild(tmp_path, "out", order_text=text)
    assert result.exit_code == 3
    assert "Приказ нельзя выполнить" in result.output
    assert "минимум 4 онлайн-урока в день по приказу для 1А на 30.11" in result.output
    assert not (tmp_path / "out" / "schedule.json").exists()


def test_check_passes_solver_output_and_flags_edited_file(tmp_path: Path) -> None:
    assert rebuild(tmp_path, "out").exit_code == 0
    timetable, order = tmp_path / "timetable.csv", tmp_path / "order.yaml"
    path = tmp_path / "out" / "schedule.json"
    ok = runner.invoke(
        app, ["check", str(path), "--timetable", str(timetable), "--order", str(order)]
    )
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[-1] == "Нарушений нет: проверено классов 3, дней 1."
    doc = json.loads(path.read_text(encoding="utf-8"))
    first = next(i for i in doc["items"] if i["class"] == "5А" and i.get("format") == "online")
    first["start"], first["end"] = "07:30", "08:00"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bad = runner.invoke(
        app, ["check", str(path), "--timetable", str(timetable), "--order", str(order)]
    )
    assert bad.exit_code == 1
    assert "[day_window] 5А, 30.11: урок «" in bad.output
    assert "07:30–08:00 начинается раньше 08:00 (СанПиН 1.2.3685-21, табл. 6.6)" in bad.output
    assert bad.output.splitlines()[-1].startswith("Нарушений: ")


def test_check_unreadable_schedule_exits_2(tmp_path: Path) -> None:
    timetable, order = files(tmp_path)
    path = tmp_path / "schedule.json"
    path.write_text("{}", encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(path), "--timetable", str(timetable), "--order", str(order)]
    )
    assert result.exit_code == 2
    assert "файл не читается как schedule.json" in result.output


def test_rebuild_teacher_conflict_exits_3_with_explanation(tmp_path: Path) -> None:
    from tests.planner.test_solver import squeezed_teacher

    timetable = tmp_path / "timetable.csv"
    write_flat(squeezed_teacher(), timetable)
    order = tmp_path / "order.yaml"
    order.write_text(
        "classes: [5А, 6А]\nfrom: 2026-11-30\nto: 2026-11-30\nmust_online:\n"
        "  - {class: 5А, subject: Математика}\n  - {class: 6А, subject: Математика}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["rebuild", str(timetable), "--order", str(order), "--out", str(tmp_path / "out"),
              "--time-limit", "10", "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "  • обязательный онлайн-урок по приказу: 5А «Математика»" in result.output
    assert "  • обязательный онлайн-урок по приказу: 6А «Математика»" in result.output
    assert "  • найдите замену учителю Иванова на часть очных уроков 30.11" in result.output


def _events(path: Path) -> dict[str, tuple[int, str]]:
    cal = Calendar.from_ical(path.read_bytes())
    return {
        str(e["UID"]): (int(e.get("SEQUENCE", 0)), str(e.get("STATUS", "")))
        for e in cal.walk("VEVENT")
    }


def test_rebuild_writes_exports_and_a_replan_bumps_changed_events(tmp_path: Path) -> None:
    assert rebuild(tmp_path, "v1").exit_code == 0
    v1 = tmp_path / "v1"
    assert sorted(p.name for p in v1.iterdir()) == [
        "asc.xml", "changes.json", "changes.xlsx", "chat", "epos.csv", "epos.xlsx", "feeds",
        "findings.json", "findings.txt", "report.html", "schedule.json", "timings.json",
        "versions.json",
    ]  # fmt: skip
    assert (v1 / "feeds" / "class-5a.ics").is_file()
    assert (v1 / "chat" / "5a.txt").is_file()

    stricter = ORDER.replace("screen_policy: home", "screen_policy: school")
    result = rebuild(tmp_path, "v2", "--previous", str(v1), order_text=stricter)
    assert result.exit_code == 0, result.output
    v2 = tmp_path / "v2"
    versions = json.loads((v2 / "versions.json").read_text(encoding="utf-8"))
    assert [v["number"] for v in versions["versions"]] == [1, 2]

    before = _events(v1 / "feeds" / "class-5a.ics")
    after = _events(v2 / "feeds" / "class-5a.ics")
    assert set(before) <= set(after)  # UIDs are stable; a removed lesson stays, cancelled
    assert all(seq == 0 for seq, _ in before.values())
    changed = {uid for uid in before if after[uid] != before[uid]}
    assert changed  # the school column halves the screen time: some lessons turn to self-study
    assert all(after[uid][0] == 1 for uid in changed)
    assert all(after[uid][0] == 0 for uid in set(before) - changed)


def test_rebuild_of_a_real_asc_school_passes_the_checker() -> None:
    """A real aSc export (team teaching, clubs until 20:00, 07:30 meetings) rebuilds cleanly."""
    timetable = load_timetable(ASC_FIXTURES / "Term2.xml")
    order = parse_order(
        {"classes": ["3A", "3B", "05_25"], "from": "2026-12-07", "to": "2026-12-08"}, timetable
    )
    result = solve_remote(timetable, order, SolveOptions(time_limit=5, workers=1, seed=1))
    assert result.report.violations == []
    lessons = [i for i in result.schedule.lessons() if i.class_name in order.classes]
    assert {i.format for i in lessons} == {"online", "self_study"}
    assert any(
        w.startswith("Обычное расписание (приказ его не меняет): ") for w in result.report.warnings
    )


def test_rebuild_in_place_over_an_outdir_without_versions_keeps_the_old_plan_as_version_1(
    tmp_path: Path,
) -> None:
    assert rebuild(tmp_path, "out").exit_code == 0
    out = tmp_path / "out"
    (out / "versions.json").unlink()  # an OUTDIR written before versions existed
    old = Schedule.read(out / "schedule.json")

    stricter = ORDER.replace("screen_policy: home", "screen_policy: school")
    result = rebuild(tmp_path, "out", "--previous", str(out), order_text=stricter)

    assert result.exit_code == 0, result.output
    versions = json.loads((out / "versions.json").read_text(encoding="utf-8"))["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert Schedule.from_json(versions[0]["schedule"]).items == old.items


def _demo_order(**extra: object):
    timetable = build_demo_school("small", 1)
    doc = {"classes": ["5А", "7А"], "from": "2026-12-07", "to": "2026-12-11", **extra}
    return timetable, parse_order(doc, timetable)


def test_cancel_at_once_returns_the_legal_start_plan() -> None:
    timetable, order = _demo_order()
    stop = threading.Event()
    stop.set()
    result = solve_remote(timetable, order, SolveOptions(time_limit=10, workers=1, stop=stop))
    assert (result.stats.status, result.stats.stopped) == ("FEASIBLE", True)
    assert result.report.violations == []
    assert result.stats.online_units > 0


def test_the_start_plan_is_reported_before_any_model_and_kept_when_cancelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timetable, order = _demo_order()
    seen: list[SolveProgress] = []
    reports_before_model: list[int] = []
    real_build = solver.build_model

    def build_model(*args: Any, **kwargs: Any) -> Any:
        reports_before_model.append(len(seen))
        return real_build(*args, **kwargs)

    monkeypatch.setattr(solver, "build_model", build_model)
    stop = threading.Event()

    def progress(p: SolveProgress) -> None:
        seen.append(p)
        stop.set()  # the user cancels as soon as a plan is there

    options = SolveOptions(time_limit=10, workers=1, stop=stop, progress=progress)
    result = solve_remote(timetable, order, options)
    # the first report, a complete plan with its penalty still unknown, came before any model
    assert reports_before_model[0] == 1
    assert (seen[0].solutions, math.isinf(seen[0].objective)) == (0, True)
    # the same plan, now with its penalty, is what the cancelled search keeps
    assert (seen[1].solutions, math.isfinite(seen[1].objective)) == (0, True)
    assert result.stats.stop_reason == "cancelled"
    assert result.assignment == start_plan(result.problem)
    assert result.stats.objective == seen[1].objective
    assert result.report.violations == []


def test_cancel_before_any_plan_is_not_a_verdict_on_the_order() -> None:
    # five online lessons every day: the greedy start plan cannot meet it, so no plan exists yet
    timetable, order = _demo_order(min_online_per_day=5)
    stop = threading.Event()
    stop.set()
    with pytest.raises(SolveStopped):
        solve_remote(timetable, order, SolveOptions(time_limit=10, workers=1, stop=stop))


def test_rebuild_names_the_school_given_on_the_command_line(tmp_path: Path) -> None:
    result = rebuild(tmp_path, "out", "--school", "МАОУ СОШ № 12")
    assert result.exit_code == 0, result.output
    assert Schedule.read(tmp_path / "out" / "schedule.json").school == "МАОУ СОШ № 12"
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<title>Отчёт о соответствии нормам — МАОУ СОШ № 12</title>" in report


def test_the_planner_command_exits_at_once_after_a_rebuild_with_everything_written(
    tmp_path: Path,
) -> None:
    """``planner rebuild`` as a process (the console entry, which skips the interpreter's
    teardown): exit code, every line of the summary and complete files; an error still ends
    with its message and code."""
    import subprocess
    import sys

    timetable, order = files(tmp_path)
    command = [sys.executable, "-m", "planner.cli", "rebuild", str(timetable), "--order",
               str(order), "--out", str(tmp_path / "out"), "--time-limit", "10",
               "--workers", "2"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Записано: " in done.stdout and done.stdout.endswith("\n")
    assert json.loads((tmp_path / "out" / "timings.json").read_text(encoding="utf-8"))["files"]
    assert json.loads((tmp_path / "out" / "versions.json").read_text(encoding="utf-8"))

    command[command.index(str(order))] = str(tmp_path / "нет-такого.yaml")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("Ошибка / Error:\n")


def test_a_csv_rebuild_loads_neither_pandas_nor_openpyxl_nor_the_server(tmp_path: Path) -> None:
    """Start-up: what ``planner rebuild`` of a CSV timetable imports in its own process (the
    workbooks are written by the forked half of the export)."""
    import subprocess
    import sys

    timetable, order = files(tmp_path)
    code = f"""
import sys
from planner.cli import app
try:
    app(["rebuild", {str(timetable)!r}, "--order", {str(order)!r}, "--out",
         {str(tmp_path / "out")!r}, "--time-limit", "10", "--workers", "2", "-q"])
except SystemExit as end:
    assert not end.code, end.code
names = ("pandas", "openpyxl", "fastapi", "sqlalchemy")
print(" ".join(n for n in names if n in sys.modules) or "none")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "none"
    assert (tmp_path / "out" / "epos.xlsx").is_file()


def test_a_whole_school_imports_the_export_libraries_while_it_solves() -> None:
    import sys

    from planner.app.demo import demo_orders
    from planner.app.pipeline import _importing_meanwhile, _search_bound

    timetable = build_demo_school("medium", 1)
    orders = demo_orders(timetable)
    whole = parse_order(orders["order-whole-school.yaml"], timetable)
    three = parse_order(orders["order-three-classes.yaml"], timetable)
    # a whole school searches to its stall window or limit; three classes are proven optimal
    assert (_search_bound(timetable, whole), _search_bound(timetable, three)) == (True, False)
    sys.modules.pop("tabnanny", None)
    threads = threading.active_count()
    with _importing_meanwhile(("tabnanny", "no.such.module")):
        pass
    # imported (a module that fails is left to its user), and no thread left before a fork
    assert "tabnanny" in sys.modules
    assert threading.active_count() == threads
    # what every export builds first is built beside the search too
    from planner.app.pipeline import _prepare_export
    from planner.exports.ical import vtimezone
    from planner.exports.report import _env

    vtimezone.cache_clear()
    _env.cache_clear()
    with _importing_meanwhile((), then=lambda: _prepare_export(timetable, whole)):
        pass
    assert vtimezone.cache_info().currsize >= 1
    assert _env().cache is not None and len(_env().cache) == 1  # the compiled report template
