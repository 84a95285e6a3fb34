"""The ``planner`` command: the composition root. Help is Russian first, English after the slash.

It calls the application layer (:mod:`planner.app.pipeline`, :mod:`planner.app.demo`); it is the
one module above ``web`` and ``api``, which it imports only to start the server, to manage
administrators and to print the regulation's figures from the server's database (``attendance``,
``readiness``; ``lint-imports`` checks it). Exit codes: 0 success, 1 violations found (``check``),
2 bad input, 3 the order cannot be met.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner.domain.errors import InputError, PlannerError
from planner.domain.solving import DEFAULT_GAP_TARGET, DEFAULT_TIME_LIMIT

app = typer.Typer(
    name="planner",
    help=(
        "Планировщик дистанционного расписания с проверкой СанПиН.\n\n"
        "Distance-lesson timetable planner with Russian hygiene-norm checks."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
admin_app = typer.Typer(
    help="Администраторы и API-токены / Administrators and API tokens.",
    no_args_is_help=True,
)
app.add_typer(admin_app, name="admin")
attendance_app = typer.Typer(
    help="Посещаемость дистанционных дней, только числа (п. 2.3, 2.6 Положения) / "
    "Attendance of remote days, counts only.",
    no_args_is_help=True,
)
app.add_typer(attendance_app, name="attendance")
readiness_app = typer.Typer(
    help="Готовность классов к дистанционным урокам (п. 3.2–3.3 Положения) / Class readiness.",
    no_args_is_help=True,
)
app.add_typer(readiness_app, name="readiness")


SCHOOL_OPTION = typer.Option(
    "--school",
    help="Название школы, если его нет в файле (CSV/XLSX) / School name where the file has none",
)


STRICT_OPTION = typer.Option(
    "--strict",
    help=(
        "Строгая проверка: отказать при первом замечании импорта (код 2) / Refuse the file at "
        "the first import finding (exit 2)"
    ),
)
LOAD_TABLE_OPTION = typer.Option(
    "--load-table",
    help=(
        "Нагрузка к сетке-шахматке: CSV/XLSX со столбцами класс, предмет, группа, учитель / "
        "Load table for a Russian grid (class, subject, group, teacher)"
    ),
)
BELLS_OPTION = typer.Option(
    "--bells",
    help=(
        "Звонки для файла без своих звонков: CSV/XLSX со столбцами урок, начало, конец "
        "(необязательно смена, классы) / Bells for a file that has none"
    ),
)


class Size(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"
    city = "city"


def _fail(exc: Exception) -> typer.Exit:
    """Print a user error and give its exit code (a bad norm override is bad input: 2)."""
    from planner.domain.findings import StrictRefusal

    message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    if isinstance(exc, StrictRefusal):
        message = (
            "строгая проверка (--strict): файл не принят из-за замечаний импорта.\n"
            f"Первое: {exc.summary}.\n"
            "Без --strict файл читается, а замечания выводятся списком."
        )
    typer.echo(f"Ошибка / Error:\n{message}", err=True)
    return typer.Exit(getattr(exc, "exit_code", 2))


@app.command()
def convert(
    input: Annotated[
        Path, typer.Argument(help="Расписание: .csv, .xlsx, aSc .xml, FET .fet / Timetable file")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Куда записать: .csv или .xlsx / Output flat file")
    ],
    school: Annotated[str | None, SCHOOL_OPTION] = None,
    strict: Annotated[bool, STRICT_OPTION] = False,
    load_table: Annotated[Path | None, LOAD_TABLE_OPTION] = None,
    bells: Annotated[Path | None, BELLS_OPTION] = None,
) -> None:
    """Перевести расписание в плоский формат (CSV/XLSX) / Convert a timetable to the flat format.

    Импорт терпимый: всё, что можно прочитать, читается, а замечания (место в файле, что
    увидено, как прочитано) выводятся по видам и записываются рядом с результатом в
    <имя>.findings.txt и .findings.json. --strict отказывает при первом замечании.

    The import is tolerant: findings are printed by kind and written next to the output.
    """
    from planner.app.pipeline import convert_file, report_findings

    try:
        timetable = convert_file(
            input, out, school, strict=strict, load_table=load_table, bells=bells
        )
    except PlannerError as exc:
        raise _fail(exc) from None
    typer.echo(
        f"Записано / written: {out} — классов {len(timetable.classes)}, "
        f"уроков {len(timetable.lessons)}, учителей {len(timetable.teachers)}"
    )
    stem = out.with_name(f"{out.stem}.findings") if timetable.findings else None
    report_findings(typer.echo, timetable, stem)


@app.command("demo-school")
def demo_school(
    outdir: Annotated[Path, typer.Argument(help="Папка для файлов / Output folder")],
    size: Annotated[
        Size,
        typer.Option(
            help=(
                "small (9 классов), medium (~33), large (~55), city (165 классов, ~5 800 уроков: "
                "нерегулярная большая школа для тестов и замеров / irregular large school)"
            )
        ),
    ] = Size.medium,
    seed: Annotated[int, typer.Option(help="Зерно генератора / Random seed")] = 1,
) -> None:
    """Создать демонстрационную школу и два приказа / Write a demo school and two example orders.

    --size city: три корпуса по 55 классов, день второго корпуса с 07:40, элективы (2–3 урока в
    одной клетке класса на группах), классный час без учителя, несколько накладок учителей в
    самом файле. Одно зерно — одна и та же школа (timetable.csv, timetable.xlsx, приказы).

    --size city: three buildings of 55 classes, a 07:40 day, elective groups sharing class-slots,
    lessons without a teacher, a few double bookings in the source; deterministic for a seed.
    """
    from planner.app.demo import write_demo_school

    paths = write_demo_school(outdir, size=size.value, seed=seed)
    for path in paths:
        typer.echo(str(path))


@app.command()
def rebuild(
    timetable: Annotated[Path, typer.Argument(help="Обычное расписание / Regular timetable file")],
    order: Annotated[Path, typer.Option("--order", help="Приказ (YAML/JSON) / Quarantine order")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Папка результата / Output folder")],
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Прошлый опубликованный результат / Last published OUTDIR"),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            help="Предел поиска, секунд: потолок, обычно поиск кончается раньше / "
            "Search ceiling, seconds",
        ),
    ] = DEFAULT_TIME_LIMIT,
    workers: Annotated[
        int, typer.Option("--workers", help="Потоков решателя / Solver workers")
    ] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Зерно решателя / Solver seed")] = 1,
    gap: Annotated[
        float,
        typer.Option(
            "--gap",
            help="Остановиться, когда доказано, что до лучшего возможного не больше стольких "
            "процентов (поиск одним потоком и даты целой школы: поиск в несколько потоков "
            "кончается только оптимумом или пределом, чтобы план повторялся) / Stop at this "
            "proven gap, "
            "percent (one-worker searches and the dates of a whole school)",
        ),
    ] = 100 * DEFAULT_GAP_TARGET,
    stall: Annotated[
        float | None,
        typer.Option(
            "--stall",
            help="Остановиться, если столько секунд нет улучшений (по умолчанию — по размеру "
            "задачи, 0 — не останавливаться; только поиск одним потоком) / Stop after this many "
            "seconds without a better plan (default: by size; 0: never; one-worker searches)",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Без хода решения / No progress")
    ] = False,
    school: Annotated[str | None, SCHOOL_OPTION] = None,
    strict: Annotated[bool, STRICT_OPTION] = False,
    load_table: Annotated[Path | None, LOAD_TABLE_OPTION] = None,
    bells: Annotated[Path | None, BELLS_OPTION] = None,
    readiness: Annotated[
        Path | None,
        typer.Option(
            "--readiness",
            help="Готовность классов (YAML/JSON, п. 3.2–3.3 Положения): предупреждения и раздел "
            "отчёта / Readiness checklists of the classes: warnings and a report section",
        ),
    ] = None,
) -> None:
    """Перестроить расписание для дистанционного режима / Rebuild the timetable for remote mode.

    Замечания импорта выводятся по видам и записываются в OUTDIR/findings.txt и findings.json,
    их число — в schedule.json (meta.import), список — в report.html.

    Import findings are printed, written to OUTDIR/findings.txt|json, counted in schedule.json.
    """
    from constraints.catalogue import CatalogueError
    from planner.app.pipeline import rebuild_files
    from planner.domain.solving import SolveOptions

    global _exit_now
    _exit_now = True  # rebuild_files joins its threads and closes its files before returning
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed,
                           gap_target=max(0.0, gap) / 100, stall=stall)  # fmt: skip
    try:
        code = rebuild_files(
            timetable, order, out, options, previous=previous,
            echo=None if quiet else typer.echo, school=school, strict=strict,
            load_table=load_table, bells=bells, findings_echo=typer.echo,
            readiness_path=readiness,
        )  # fmt: skip
    except (PlannerError, CatalogueError) as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


@app.command()
def check(
    schedule: Annotated[Path, typer.Argument(help="schedule.json")],
    timetable: Annotated[Path, typer.Option("--timetable", help="Обычное расписание / Timetable")],
    order: Annotated[Path, typer.Option("--order", help="Приказ / Quarantine order")],
    load_table: Annotated[Path | None, LOAD_TABLE_OPTION] = None,
    bells: Annotated[Path | None, BELLS_OPTION] = None,
) -> None:
    """Проверить готовое расписание по всем нормам / Check a schedule against every rule."""
    from constraints.catalogue import CatalogueError
    from planner.app.pipeline import check_files

    try:
        code = check_files(
            schedule, timetable, order, echo=typer.echo, load_table=load_table, bells=bells
        )
    except (PlannerError, CatalogueError) as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


@app.command()
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Загрузить демо-школу / Load the demo school")
    ] = False,
    host: Annotated[str, typer.Option(help="Адрес / Host")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Порт / Port")] = 8000,
) -> None:
    """Запустить веб-приложение / Start the web app (SQLite by default)."""
    from web.app import serve as serve_app

    serve_app(demo=demo, host=host, port=port)


@app.command()
def batch(
    schools_dir: Annotated[
        Path, typer.Argument(help="Папка: по файлу расписания на школу / One timetable per school")
    ],
    order: Annotated[
        Path,
        typer.Option("--order", help="Муниципальный приказ или приказ школы / Municipal order"),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Папка результата / Output folder")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Секунд на школу / Seconds per school")
    ] = 30.0,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Школ одновременно / Schools at once (pool)")
    ] = 2,
    solver_threads: Annotated[
        int, typer.Option("--solver-threads", help="Потоков на школу / Solver threads per school")
    ] = 1,
) -> None:
    """Перестроить расписания всех школ по одному приказу / Rebuild every school for one order.

    Без PLANNER_BROKER_URL — встроенный пул процессов; с ним — обработчики Celery (planner
    worker) и общая база PLANNER_DATABASE_URL. / The embedded pool, or Celery workers.
    """
    from api.batch import BatchOptions, run_batch

    options = BatchOptions(time_limit=time_limit, jobs=jobs, solver_threads=solver_threads)
    try:
        code = run_batch(schools_dir, order, out, options)
    except PlannerError as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Процессов-решателей / Worker processes")
    ] = 1,
    queues: Annotated[
        str,
        typer.Option(
            "--queues",
            "-Q",
            help="Очереди через запятую (по умолчанию PLANNER_JOB_QUEUE) / Queues, comma-separated",
        ),
    ] = "",
    solver_threads: Annotated[
        int,
        typer.Option(
            "--solver-threads",
            help="Потоков CP-SAT на одно решение (0 — ядра / процессы) / Solver threads per solve",
        ),
    ] = 0,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Имя обработчика, например w1@%h / Worker node name"),
    ] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="DEBUG, INFO, WARNING")] = "INFO",
) -> None:
    """Запустить обработчик перестроений (Celery) / Start a rebuild worker (Celery).

    Нужны PLANNER_BROKER_URL (RabbitMQ или Redis) и общая с веб-приложением база
    PLANNER_DATABASE_URL. / Needs PLANNER_BROKER_URL and the web app's PLANNER_DATABASE_URL.
    """
    import os

    from api.queue import start_worker
    from api.settings import get_settings

    settings = get_settings()
    if not settings.broker_url:
        typer.echo(
            "Ошибка / Error:\nPLANNER_BROKER_URL не задан: укажите брокер, например "
            "amqp://guest:guest@127.0.0.1:5672// (RabbitMQ) или redis://127.0.0.1:6379/0, и ту же "
            "базу PLANNER_DATABASE_URL, что у веб-приложения.",
            err=True,
        )
        raise typer.Exit(2)
    concurrency = max(1, concurrency)
    threads = solver_threads or max(1, (os.cpu_count() or 1) // concurrency)
    start_worker(
        settings, concurrency=concurrency, solver_threads=threads, name=name, loglevel=loglevel,
        queues=[q.strip() for q in (queues or settings.job_queue).split(",") if q.strip()],
    )  # fmt: skip


@admin_app.command("create")
def admin_create(
    login: Annotated[str, typer.Argument(help="Логин / Login")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="Пароль / Password"
        ),
    ],
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            help="Муниципалитет (создаётся, если его нет) / Municipality, created if new",
        ),
    ] = None,
    school: Annotated[
        int | None,
        typer.Option("--school", help="Номер школы: администратор одной школы / School id"),
    ] = None,
) -> None:
    """Создать администратора муниципалитета или школы / Create an administrator."""
    from api.admin import create_admin

    try:
        create_admin(login, password, municipality=municipality, school_id=school)
    except InputError as exc:
        raise _fail(exc) from None
    typer.echo(f"Администратор «{login}» создан / administrator created.")


@admin_app.command("token")
def admin_token(
    login: Annotated[str, typer.Argument(help="Логин / Login")],
) -> None:
    """Выпустить API-токен администратора / Print a new API token for an administrator."""
    from api.admin import issue_api_token

    try:
        typer.echo(issue_api_token(login))
    except InputError as exc:
        raise _fail(exc) from None


SCHOOL_ID = typer.Option("--school", help="Номер школы в веб-приложении / School id")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(InputError.at(option, f"«{value}» — не дата; пишите 2026-12-07.")) from None


@attendance_app.command("day")
def attendance_day(
    school: Annotated[int, SCHOOL_ID],
    day: Annotated[
        str | None, typer.Option("--date", help="День (ГГГГ-ММ-ДД) / Day; default: the latest")
    ] = None,
) -> None:
    """Таблица дня: классы × на уроках / отсутствовали / болеют / Day table of a school."""
    from api.regulation_cli import attendance_day as day_table

    try:
        typer.echo(day_table(school, _day(day, "--date")))
    except InputError as exc:
        raise _fail(exc) from None


@attendance_app.command("export")
def attendance_export(
    school: Annotated[int, SCHOOL_ID],
    out: Annotated[Path, typer.Option("--out", "-o", help="Файл .xlsx / Output XLSX")],
    date_from: Annotated[str | None, typer.Option("--from", help="С / From (ГГГГ-ММ-ДД)")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="По / To (ГГГГ-ММ-ДД)")] = None,
) -> None:
    """XLSX для муниципалитета / The attendance XLSX for the municipality."""
    from api.regulation_cli import attendance_export as export

    try:
        path = export(school, _day(date_from, "--from"), _day(date_to, "--to"), out)
    except InputError as exc:
        raise _fail(exc) from None
    typer.echo(f"Записано / written: {path}")


@attendance_app.command("totals")
def attendance_totals(
    school: Annotated[list[int], typer.Option("--school", help="Номера школ / School ids")],
    date_from: Annotated[str, typer.Option("--from", help="С / From (ГГГГ-ММ-ДД)")],
    date_to: Annotated[str, typer.Option("--to", help="По / To (ГГГГ-ММ-ДД)")],
) -> None:
    """Итоги по школам за период (JSON) / Totals of schools over a period (JSON)."""
    import json

    from api.regulation_cli import attendance_totals as totals

    first, last = _day(date_from, "--from"), _day(date_to, "--to")
    assert first is not None and last is not None
    try:
        rows = totals(school, first, last)
    except InputError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))


@readiness_app.command("show")
def readiness_show(school: Annotated[int, SCHOOL_ID]) -> None:
    """Готовность каждого класса и чего не хватает / Each class's readiness."""
    from api.regulation_cli import readiness_table

    try:
        typer.echo(readiness_table(school))
    except InputError as exc:
        raise _fail(exc) from None


#: set by a command after which the process may end without the interpreter's teardown
_exit_now = False


def main() -> None:
    """The console entry (``planner``): :data:`app`, and after ``planner rebuild`` an immediate
    exit. Tearing the interpreter down frees a rebuild's objects one by one (~0.2 s of a 2 s
    budget for a small order); its files are closed by then, so only the terminal is flushed.
    Other commands (the server and its worker processes above all) end as usual."""
    try:
        app()
    except SystemExit as end:
        if not _exit_now:
            raise
        code = end.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
            code = 1
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)


if __name__ == "__main__":
    main()
