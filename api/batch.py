"""``planner batch``: a municipal order for a folder of schools, without the web app.

One timetable file per school in ``SCHOOLS_DIR`` (any supported format; the school is named after
the file). The order is a municipal order or an ordinary school order (applied to every school).
The run goes through the same services as the web app — a municipality, its schools, the order's
targets, one rebuild job per school — on the embedded process pool, or on Celery workers when
``PLANNER_BROKER_URL`` is set (then the database must be the one the workers use:
``PLANNER_DATABASE_URL``). Without a broker the database is a fresh SQLite file in ``OUTDIR``.

Writes ``OUTDIR/<school>/`` (the export bundle of each ready school: schedule.json, ЭПОС, calendars,
report…) and ``OUTDIR/summary.xlsx`` (the municipal summary); prints a progress bar per school and
overall, and a summary table at the end. Exit code 0 when every school is ready (or not
affected), 1 when some school has a problem (the others are written all the same), 2 on bad input.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from api.db import make_engine, make_session_factory, upgrade
from api.jobs import make_runner
from api.models import MunicipalTarget, School
from api.problems import ApiError
from api.services import municipal, rebuilds, schools, tenancy, uploads, versions
from api.services.tenancy import Scope
from api.settings import Settings
from planner.app import pipeline
from planner.app.municipal import STATUS_RU
from planner.domain.errors import InputError, Problem
from planner.domain.schedule import Schedule
from planner.exports.slugs import slugify
from planner.imports import FORMATS

POLL_SECONDS = 0.3
AUTHOR = "planner batch"


@dataclass(frozen=True)
class BatchOptions:
    time_limit: float = 30.0
    jobs: int = 2  # processes of the embedded pool
    solver_threads: int = 1


def _read_order(path: Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.at(str(path), "файл приказа не найден.") from None
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError.at(str(path), f"файл приказа не читается как YAML/JSON: {exc}") from None
    return json.loads(json.dumps(doc, default=str))  # YAML dates as the ISO text JSON keeps


def _settings(outdir: Path, options: BatchOptions) -> Settings:
    base = Settings()
    shared = base.broker_url and os.environ.get("PLANNER_DATABASE_URL")
    if base.broker_url and not shared:
        raise InputError.at(
            "PLANNER_DATABASE_URL",
            "с обработчиками Celery (PLANNER_BROKER_URL) нужна общая с ними база: укажите "
            "PLANNER_DATABASE_URL, ту же, что у `planner worker`.",
        )
    database = base.database_url if shared else f"sqlite:///{outdir / 'batch.db'}"
    if not shared:
        (outdir / "batch.db").unlink(missing_ok=True)
    return base.model_copy(
        update={
            "database_url": database,
            "data_dir": outdir / ".planner" if not shared else base.data_dir,
            "job_runner": "process",
            "job_pool_size": max(1, options.jobs),
            "solver_workers": max(1, options.solver_threads),
            "solver_time_limit": options.time_limit,
        }
    )


def _import_schools(
    session: Any, scope: Scope, schools_dir: Path, settings: Settings
) -> dict[str, str]:
    """Create (or reuse) a school per timetable file and import it; the import problems."""
    files = sorted(p for p in Path(schools_dir).iterdir() if p.suffix.lower() in FORMATS)
    if not files:
        raise InputError.at(
            str(schools_dir), "в папке нет файлов расписания (.csv, .xlsx, .xml, .fet)."
        )
    by_name = {s.name: s for s in schools.list_schools(session, scope)}
    failed: dict[str, str] = {}
    for path in files:
        name = path.stem
        school = by_name.get(name) or schools.create_school(
            session, name, None, settings, municipality_id=scope.municipality_id
        )
        try:
            uploads.import_timetable(session, school, path.name, path.read_bytes())
        except ApiError as exc:
            session.rollback()
            first = exc.problems[0]["message"] if exc.problems else ""
            failed[name] = f"файл «{path.name}» не прочитан: {first or exc.message}"
    return failed


def _export(session: Any, row: dict[str, Any], outdir: Path) -> str | None:
    """Write the export bundle of one ready school; its folder name (None on failure)."""
    job = rebuilds.get_job(session, row["job_id"])
    school = schools.get_school(session, row["school_id"])
    upload = schools.current_upload(session, school)
    timetable = schools.timetable_of(upload, school.name)
    order = rebuilds.validate_order(job.order_doc, timetable)
    schedule = Schedule.from_json(json.loads(job.schedule_json or "{}"))
    catalogue, report = versions.check_version(schedule, timetable, order)
    folder = outdir / (slugify(school.name, fallback=f"school-{school.id}"))
    folder.mkdir(parents=True, exist_ok=True)
    schedule.write(folder / "schedule.json")
    pipeline.export_bundle(folder, schedule, timetable, order, catalogue, report, None)
    return folder.name


def run_batch(
    schools_dir: Path,
    order_path: Path,
    outdir: Path,
    options: BatchOptions = BatchOptions(),
    *,
    console: Console | None = None,
) -> int:
    """``planner batch``; raises InputError (exit 2) for an unreadable order or folder."""
    console = console or Console()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    doc = _read_order(Path(order_path))
    settings = _settings(outdir, options)
    settings.ensure_data_dir()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    runner = make_runner(settings, factory)
    try:
        with factory() as session:
            municipality = tenancy.municipality_named(session, f"Пакет: {Path(schools_dir).name}")
            session.commit()
            scope = Scope(municipality.id, None, AUTHOR)
            failed = _import_schools(session, scope, Path(schools_dir), settings)
            try:
                row, jobs = municipal.create_order(
                    session, scope, doc, settings, author=AUTHOR,
                    time_limit=options.time_limit, workers=options.solver_threads,
                )  # fmt: skip
            except ApiError as exc:
                problems = [Problem(**{**p, "file": p.get("file") or str(order_path)})
                            for p in exc.problems]  # fmt: skip
                raise InputError(problems or Problem(str(order_path), exc.message)) from None
            _note_import_failures(session, row.id, failed)
            order_id = row.id
        for job_id in jobs:
            runner.submit(job_id)
        board = _follow(factory, order_id, scope, console)
        with factory() as session:
            row = municipal.get_order(session, order_id)
            written = {}
            for school in board["schools"]:
                if school["status"] in ("ready", "published"):
                    written[school["school_id"]] = _export(session, school, outdir)
            (outdir / "summary.xlsx").write_bytes(municipal.summary_xlsx(session, row, scope))
        _print_summary(console, board, written, outdir)
    finally:
        runner.shutdown(wait=True)
        engine.dispose()
    bad = [s for s in board["schools"] if s["status"] not in ("ready", "published", "not_affected")]
    return 1 if bad else 0


def _note_import_failures(session: Any, order_id: str, failed: dict[str, str]) -> None:
    """A school whose file was not read: its target says why (not «no timetable»)."""
    query = (
        select(MunicipalTarget, School)
        .join(School, School.id == MunicipalTarget.school_id)
        .where(MunicipalTarget.order_id == order_id)
    )
    for target, school in session.execute(query):
        if school.name in failed:
            target.state, target.message = "problem", failed[school.name]
    session.commit()


def _follow(factory: Any, order_id: str, scope: Scope, console: Console) -> dict[str, Any]:
    """Progress bars (one per school, one overall) until no school waits or solves."""
    with factory() as session:
        board = municipal.board(session, municipal.get_order(session, order_id), scope)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[state]}"),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        total = len(board["schools"])
        overall = progress.add_task("Все школы", total=total, state="")
        tasks: dict[int, TaskID] = {
            s["school_id"]: progress.add_task(f"  {s['school']}", total=1.0, state="")
            for s in board["schools"]
        }
        while True:
            with factory() as session:
                board = municipal.board(session, municipal.get_order(session, order_id), scope)
            done = 0
            for s in board["schools"]:
                finished = s["status"] not in ("waiting", "solving")
                done += finished
                value = 1.0 if finished else (s["progress"] or 0.0)
                progress.update(tasks[s["school_id"]], completed=value, state=s["status_ru"])
            progress.update(overall, completed=done, state=f"{done} из {total}")
            if not board["active"]:
                return board
            time.sleep(POLL_SECONDS)


def _print_summary(
    console: Console, board: dict[str, Any], written: dict[int, str | None], outdir: Path
) -> None:
    table = Table(title="Итог по школам")
    for title in ("Школа", "Классов на дистанте", "Онлайн-минут", "Нарушений", "Состояние"):
        table.add_column(title, justify="right" if title[0] in "КОН" else "left")
    for s in board["schools"]:
        state = STATUS_RU[s["status"]]
        if s["reason"]:
            state += f": {s['reason']}"
        if written.get(s["school_id"]):
            state += f" → {written[s['school_id']]}/"
        table.add_row(s["school"], str(s["classes_remote"]), str(s["online_minutes"]),
                      str(s["violations"]), state)  # fmt: skip
    console.print(table)
    t = board["totals"]
    console.print(
        f"Школ: {t['schools']}; классов на дистанте: {t['classes_remote']}; онлайн-минут: "
        f"{t['online_minutes']}. Сводка: {outdir / 'summary.xlsx'}"
    )
