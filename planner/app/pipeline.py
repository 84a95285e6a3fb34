"""The steps of a rebuild that the CLI and the web app share: import → solve → check → export.

``planner rebuild`` (:func:`rebuild_files`) and ``planner check`` (:func:`check_files`) run them on
files; the web app's jobs and services call :func:`import_upload`, :func:`solve`, :func:`check`
and :func:`export_bundle` on what its database holds.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from constraints.catalogue import NormCatalogue
from constraints.checker import CheckReport, check_schedule
from planner.domain.bells import BellPlan
from planner.domain.errors import Finding, InputError
from planner.domain.findings import StrictRefusal, check_strict
from planner.domain.model import Timetable, sort_class_names
from planner.domain.order import QuarantineOrder, load_order
from planner.domain.regulation import Readiness, load_readiness, readiness_warnings
from planner.domain.schedule import Schedule
from planner.domain.solving import SolveOptions, SolveProgress
from planner.domain.timings import Timings
from planner.engine.rebuild import RebuildResult, load_catalogue, solve_remote
from planner.engine.solver import SMALL_DAY_UNITS
from planner.engine.versions import VersionHistory
from planner.exports.bundle import load_previous_history, write_bundle
from planner.exports.findings import (
    TERMINAL_PLACES,
    findings_headline,
    findings_lines,
    write_findings,
)
from planner.exports.flat import write_flat
from planner.exports.ical import prepare_zone
from planner.exports.report import prepare_report
from planner.imports import detect_format, load_timetable, safe_filename

__all__ = [
    "ImportSummary",
    "check",
    "check_files",
    "convert_file",
    "export_bundle",
    "import_files",
    "import_upload",
    "inspect_files",
    "load_inputs",
    "read_timetable",
    "rebuild_files",
    "report_findings",
    "solve",
]

Echo = Callable[[str], Any]
log = logging.getLogger(__name__)


# -- the steps ------------------------------------------------------------------------------------

#: what a user reads when an importer fails in a way it did not foresee (a hostile or broken file)
UNREADABLE = (
    "файл не удалось прочитать: он повреждён или это не расписание. Откройте его в программе, "
    "которой он сделан, сохраните заново и загрузите снова."
)


def read_timetable(
    path: Path,
    *,
    school: str | None = None,
    strict: bool = False,
    load_table: Path | None = None,
    bells: Path | BellPlan | None = None,
) -> Timetable:
    """The tolerant import of a file the user gave (the CLI and the web upload read alike).

    Findings are in ``timetable.findings``; ``strict`` refuses the file at the first finding
    that is not a note (:class:`StrictRefusal`: its place, what was seen and how many more).
    Anything an importer did not foresee is a clean :class:`InputError` too, never a traceback.
    """
    path = Path(path)
    try:
        timetable = load_timetable(
            path, school_name=school, strict=False, load_table=load_table, bells=bells
        )
    except InputError:
        raise
    except Exception:  # a hostile file must end in a message, not a traceback
        log.warning("import of %s failed", path.name, exc_info=True)
        raise InputError.at(path.name, UNREADABLE) from None
    # findings name the files without their folders (aSc and FET give the whole path)
    names = {str(p): p.name for p in (path, load_table) if isinstance(p, Path)}
    findings = tuple(replace(f, file=names.get(f.file, f.file)) for f in timetable.findings)
    if load_table is not None and detect_format(path) != "flat":  # only a grid has a load table
        findings += (
            Finding(
                kind="format_note", file=Path(load_table).name, seen="приложена таблица нагрузки",
                read_as="не использована: учителя берутся из файла расписания (нагрузка нужна "
                "только сетке-шахматке)", note=True,
            ),
        )  # fmt: skip
    if strict:
        check_strict(findings, path.name)
    return replace(timetable, findings=findings)


def import_files(
    path: Path,
    school_name: str,
    *,
    strict: bool = False,
    load_table: Path | None = None,
    bells: BellPlan | None = None,
) -> Timetable:
    """Read uploaded files saved under their own (safe) names in a folder of their own: findings
    and problems name the files without the folder."""
    try:
        return read_timetable(
            path, school=school_name, strict=strict, load_table=load_table, bells=bells
        )
    except StrictRefusal:
        raise
    except InputError as exc:
        names = {str(p): p.name for p in (path, load_table) if p is not None}
        problems = [replace(p, file=names.get(p.file, p.file)) for p in exc.problems]
        raise InputError(problems) from None


@dataclass(frozen=True)
class ImportSummary:
    """What an upload's preview shows of a read timetable: small enough to pass between processes
    (the web app reads uploads in a process of its own)."""

    classes: tuple[str, ...]
    teachers: tuple[str, ...]
    lessons: int
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, timetable: Timetable) -> ImportSummary:
        return cls(
            tuple(sort_class_names(timetable.classes)),
            tuple(sorted(timetable.teachers)),
            len(timetable.lessons),
            timetable.findings,
        )


def inspect_files(
    path: Path,
    school_name: str,
    *,
    strict: bool = False,
    load_table: Path | None = None,
    bells: BellPlan | None = None,
) -> ImportSummary:
    """:func:`import_files`, summarised for the preview of an upload."""
    return ImportSummary.of(
        import_files(path, school_name, strict=strict, load_table=load_table, bells=bells)
    )


def import_upload(
    filename: str,
    content: bytes,
    school_name: str,
    *,
    strict: bool = False,
    load_table: tuple[str, bytes] | None = None,
    bells: BellPlan | None = None,
) -> Timetable:
    """Run the importers on uploaded bytes (and an optional load table file ``(name, bytes)``),
    as :func:`import_files` does on saved files."""
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        path = Path(tmp) / (safe_filename(filename) or "timetable")
        path.write_bytes(content)
        load_path: Path | None = None
        if load_table is not None:
            (Path(tmp) / "load").mkdir()
            load_path = Path(tmp) / "load" / (safe_filename(load_table[0]) or "load.csv")
            load_path.write_bytes(load_table[1])
        return import_files(path, school_name, strict=strict, load_table=load_path, bells=bells)


def solve(
    timetable: Timetable,
    order: QuarantineOrder,
    options: SolveOptions = SolveOptions(),
    *,
    previous: Schedule | None = None,
    start_from: Schedule | None = None,
    timings: Timings | None = None,
) -> RebuildResult:
    """Rebuild the order's period and check the result (see :func:`solve_remote`);
    ``start_from``: the plan «Улучшать дальше» continues from; the result's ``timings`` say
    where the time went."""
    return solve_remote(
        timetable, order, options, previous=previous, start_from=start_from, timings=timings
    )


def check(
    schedule: Schedule, timetable: Timetable, order: QuarantineOrder
) -> tuple[NormCatalogue, CheckReport]:
    """The order's norm catalogue (with its local-act overrides) and the independent check of
    ``schedule`` against it: what the review page shows and what the export bundle cites."""
    catalogue = load_catalogue(order)
    return catalogue, check_schedule(schedule, timetable, order, catalogue)


def export_bundle(
    outdir: Path,
    schedule: Schedule,
    timetable: Timetable,
    order: QuarantineOrder,
    catalogue: NormCatalogue,
    report: CheckReport,
    history: VersionHistory | None,
    *,
    now: datetime | None = None,
    readiness: list[Readiness] | None = None,
    parallel: bool = False,
    with_schedule: bool = False,
) -> list[Path]:
    """Publish ``schedule`` after ``history`` and write every export file into ``outdir``
    (``readiness``: of the order's classes, recorded in the report; ``parallel``: half of the
    files by a forked process, for the CLI; ``with_schedule``: ``schedule.json`` too — see
    :func:`write_bundle`)."""
    return write_bundle(outdir, schedule, timetable, order, catalogue, report, history, now=now,
                        readiness=readiness, parallel=parallel,
                        with_schedule=with_schedule)  # fmt: skip


# -- on files: ``planner convert``, ``planner rebuild`` and ``planner check`` ----------------------


def convert_file(
    source: Path,
    out: Path,
    school: str | None = None,
    *,
    strict: bool = False,
    load_table: Path | None = None,
    bells: Path | None = None,
) -> Timetable:
    """``planner convert``: any timetable file → the flat CSV/XLSX; the timetable read."""
    timetable = read_timetable(
        source, school=school, strict=strict, load_table=load_table, bells=bells
    )
    write_flat(timetable, out)
    return timetable


def load_inputs(
    timetable_path: Path,
    order_path: Path,
    school: str | None = None,
    *,
    strict: bool = False,
    load_table: Path | None = None,
    bells: Path | None = None,
) -> tuple[Timetable, QuarantineOrder]:
    """The timetable file (any format, tolerant) and the order file validated against it."""
    timetable = read_timetable(
        Path(timetable_path), school=school, strict=strict, load_table=load_table, bells=bells
    )
    order = load_order(Path(order_path), timetable)
    return timetable, order


def report_findings(say: Echo, timetable: Timetable, stem: Path | None) -> list[Path]:
    """Print the import's findings (grouped, places capped) and write the full list to
    ``<stem>.txt``/``<stem>.json`` (when there are findings, or always for a rebuild folder)."""
    findings = timetable.findings
    paths = write_findings(stem, findings) if stem is not None else []
    lines = findings_lines(findings, limit=TERMINAL_PLACES)
    for line in lines:
        say(line)
    if paths and len(findings) > TERMINAL_PLACES:
        say(f"Полный список: {paths[0]} (и {paths[1].name}).")
    return paths


def _previous_history(previous: Path | None) -> VersionHistory | None:
    """The version history of a ``--previous`` folder (None without one)."""
    if previous is None:
        return None
    path = Path(previous) / "schedule.json"
    try:
        history = load_previous_history(previous)
    except (ValueError, KeyError) as exc:
        raise InputError.at(
            str(path), f"прошлый schedule.json не читается ({exc}); укажите другую папку."
        ) from None
    if history is None or history.latest is None:
        raise InputError.at(
            str(path), "нет прошлого результата schedule.json; проверьте папку --previous."
        )
    return history


def _progress_printer(say: Echo, n_days: int) -> Callable[[SolveProgress], None]:
    """The CLI's progress lines: the start plan, each date done, each better plan."""

    def on_progress(p: SolveProgress) -> None:
        if p.solutions == 0:
            if math.isinf(p.objective):  # reported before the model: its penalty comes next
                say(f"  {p.elapsed:6.2f} с  стартовый план готов (законный), считаю штраф")
                return
            say(f"  {p.elapsed:6.2f} с  стартовый план: штраф {p.objective:,.0f}".replace(",", " "))
            return
        if p.objective != p.objective:  # NaN: a date of a multi-day period is done
            say(f"  {p.elapsed:6.2f} с  решено дат: {p.solutions} из {n_days}")
            return
        say(
            f"  {p.elapsed:6.2f} с  план №{p.solutions}: штраф {p.objective:,.0f}, "
            f"граница {p.bound:,.0f}, разрыв {p.gap:.1%}".replace(",", " ")
        )

    return on_progress


def _summary(
    say: Echo, result: RebuildResult, order: QuarantineOrder, seconds: float, out: Path, files: int
) -> int:
    """Print what was done; 1 when the independent check disagrees with the model, else 0."""
    s = result.stats
    lessons = [i for i in result.schedule.lessons() if i.class_name in set(order.classes)]
    n_online = sum(1 for i in lessons if i.format == "online")
    n_self = sum(1 for i in lessons if i.format == "self_study")
    if s.status == "OPTIMAL" and not s.gap:
        gap = "доказан оптимум"
    elif s.gap is None:
        gap = "разрыв до оптимума не доказан"
    else:
        gap = f"доказанный разрыв до оптимума не больше {s.gap:.1%}"
    say(f"Готово за {seconds:.1f} с ({gap}).")
    if s.stop_ru:  # why the search ended: optimum, gap target, stall window or time limit
        say(f"Поиск закончен: {s.stop_ru}.")
    if s.hand_online_minutes is not None:
        say(f"Ручной план (первые уроки онлайн до предела): онлайн-минут {s.hand_online_minutes}, "
            f"предметов с онлайн-уроком {s.hand_subjects}; этот план — {s.online_minutes} и "
            f"{s.subjects_online}.")  # fmt: skip
    say(f"Классов на дистанте: {len(order.classes)}; уроков онлайн: {n_online}, "
        f"самостоятельно: {n_self}; онлайн-минут: {s.online_minutes}.")  # fmt: skip
    say(f"Записано: {out / 'schedule.json'} и ещё файлов: {files} (ЭПОС, календари, отчёт)")
    for w in result.report.warnings:
        say(f"Внимание: {w}")
    if result.report.violations:  # the checker disagrees with the model: say so loudly
        say("ОШИБКА: независимая проверка нашла нарушения:")
        for v in result.report.violations:
            say(f"  [{v.rule}] {v.message}")
        return 1
    return 0


def rebuild_files(
    timetable_path: Path,
    order_path: Path,
    out: Path,
    options: SolveOptions,
    *,
    previous: Path | None = None,
    echo: Echo | None = None,
    school: str | None = None,
    strict: bool = False,
    load_table: Path | None = None,
    bells: Path | None = None,
    findings_echo: Echo | None = None,
    readiness_path: Path | None = None,
    timings: Timings | None = None,
) -> int:
    """``planner rebuild``: 0 on success; raises InputError (2) or InfeasibleOrder (3).

    ``school`` names the school where the file does not (a flat CSV/XLSX: else its file name);
    ``strict``, ``load_table`` and ``bells`` as in :func:`read_timetable`. The import's findings
    are printed through ``findings_echo`` (default ``echo``) and written to ``findings.txt`` and
    ``findings.json`` in ``out``. ``options.progress`` is replaced by the printed progress when
    ``echo`` is given. ``readiness_path``: the classes' readiness checklists (YAML/JSON); a class
    that is not ready is a warning (the school decides) and the report records the readiness.
    Where the time went (``timings``: a fresh one by default) is written to ``timings.json``.
    """
    say: Echo = echo or (lambda _s: None)
    timings = timings if timings is not None else Timings()
    with timings.phase("import"):
        timetable, order = load_inputs(
            timetable_path, order_path, school, strict=strict, load_table=load_table, bells=bells
        )
    readiness = load_readiness(readiness_path, order.classes) if readiness_path else None
    for warning in readiness_warnings(readiness or []):
        say(f"Внимание: {warning}")
    # read before anything is written: ``--out`` may be the ``--previous`` folder itself
    history = _previous_history(previous)
    report_findings(findings_echo or say, timetable, Path(out) / "findings")
    catalogue = load_catalogue(order)
    t0 = time.perf_counter()
    n_days = len(order.dates(timetable.school.school_days))
    say(f"Перестраиваю: классов {len(order.classes)}, дней {n_days}, "
        f"предел {options.time_limit:g} с, потоков {options.workers}, "
        f"зерно {options.seed}")  # fmt: skip
    if echo is not None:
        options = replace(options, progress=_progress_printer(say, n_days))
    large = _search_bound(timetable, order)
    prepare = partial(_prepare_export, timetable, order) if large else None
    with _importing_meanwhile(EXPORT_LIBRARIES if large else (), then=prepare):
        result = solve_remote(
            timetable, order, options, catalogue=catalogue,
            previous=history.latest.schedule if history and history.latest else None,
            timings=timings,
        )  # fmt: skip
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with timings.phase("export"):
        # publish as the next version after --previous's and write every export
        exported = export_bundle(
            out, result.schedule, timetable, order, catalogue, result.report, history,
            readiness=readiness, with_schedule=True,
            parallel=True,  # the CLI's solver threads are done: fork is safe
        )  # fmt: skip
    write_timings(out / "timings.json", timings, len(order.classes), len(exported))
    return _summary(say, result, order, time.perf_counter() - t0, out, len(exported) - 1)


#: what the export imports (the forked half's workbooks, the report): imported while the solver
#: searches, the export's halves do not wait for it after the fork (the feeds need icalendar only
#: for a zone with daylight time, :func:`planner.exports.ical.vtimezone`)
EXPORT_LIBRARIES = ("openpyxl.workbook.workbook", "openpyxl.writer.excel", "jinja2")


def _prepare_export(timetable: Timetable, order: QuarantineOrder) -> None:
    """What every export builds first, built beforehand: the feeds' ``VTIMEZONE`` for the order's
    years and the report's compiled template."""
    prepare_zone(timetable.school.timezone, order.date_from.year, order.date_to.year)
    prepare_report()


def _search_bound(timetable: Timetable, order: QuarantineOrder) -> bool:
    """The order's solve searches to its stall window or time limit: some date has
    ``SMALL_DAY_UNITS`` lessons of the order's classes or more (a large date, see
    :func:`planner.engine.solver.solve_by_days`). Work done beside such a search costs the user
    no time; a small order is solved to its proven optimum, and the same work beside it would
    slow it down (measured on a busy machine: three classes, 0.3–0.6 s more of solve for about
    0.1 s less of export)."""
    dates = order.dates(timetable.school.school_days)
    return any(
        sum(1 for c in order.classes for _ in timetable.lessons_of_class(c, d.isoweekday()))
        >= SMALL_DAY_UNITS
        for d in dates
    )


@contextmanager
def _importing_meanwhile(
    modules: tuple[str, ...], then: Callable[[], None] | None = None
) -> Iterator[None]:
    """Import ``modules`` in a thread while the block runs (CP-SAT searches without the GIL),
    then call ``then`` (:func:`_prepare_export`); the thread is joined before the
    block's result is used: the export forks with no other thread left. An import (or ``then``)
    that fails here is left to the export to raise."""

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the export imports it again and says why
                log.debug("import of %s before the export failed", name, exc_info=True)
        if then is not None:
            try:
                then()
            except Exception:  # the export builds it again and says why
                log.debug("preparing the export before it failed", exc_info=True)

    thread = threading.Thread(target=load, name="export-imports", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def write_timings(path: Path, timings: Timings, classes: int, files: int) -> None:
    """``timings.json``: seconds per phase, the first plan's mark, the process's peak memory
    (not part of the published bundle: it changes on every run)."""
    doc = timings.to_json()
    doc["classes"] = classes
    doc["files"] = files
    doc["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def check_files(schedule_path: Path, timetable_path: Path, order_path: Path, *,
                echo: Echo | None, load_table: Path | None = None,
                bells: Path | None = None) -> int:  # fmt: skip
    """``planner check``: 1 if any violation, 0 otherwise (the timetable read as the rebuild
    read it: tolerant, with the same load table and bells)."""
    say: Echo = echo or (lambda _s: None)
    timetable, order = load_inputs(timetable_path, order_path, load_table=load_table, bells=bells)
    say(findings_headline(timetable.findings))
    try:
        schedule = Schedule.read(Path(schedule_path))
    except FileNotFoundError:
        raise InputError.at(str(schedule_path), "файл расписания не найден.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError.at(
            str(schedule_path), f"файл не читается как schedule.json ({exc})."
        ) from None
    _catalogue, report = check(schedule, timetable, order)
    for w in report.warnings:
        say(f"Внимание: {w}")
    for v in report.violations:
        say(f"[{v.rule}] {v.message}")
    if report.violations:
        say(f"Нарушений: {len(report.violations)}.")
        return 1
    say(f"Нарушений нет: проверено классов {len(order.classes)}, "
        f"дней {len(order.dates(timetable.school.school_days))}.")  # fmt: skip
    return 0
