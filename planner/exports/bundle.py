"""Everything ``planner rebuild`` (and publishing in the web app) writes into OUTDIR.

=========================  ======================================================================
``versions.json``          the version history, this schedule as its latest version
``changes.json``           changes against the regular timetable and since the previous version
``feeds/*.ics``            iCalendar feeds per teacher and per class (:mod:`planner.exports.ical`)
``epos.csv``/``.xlsx``     every lesson occurrence for ЭПОС (:mod:`planner.exports.epos`)
``changes.xlsx``           the printable «лист замен» (:mod:`planner.exports.changes_xlsx`)
``asc.xml``                the remote week as aSc Timetables 2012 XML (first week of the period)
``report.html``            the compliance report (:mod:`planner.exports.report`)
``chat/<class>.txt``       messages for the class chats (:mod:`planner.exports.chat`)
=========================  ======================================================================

``history`` is the published history: from the CLI's ``--previous`` folder (the schedule is then
published here as the next version) or from the web app (the schedule already is its latest
version). Without history the schedule becomes version 1.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from planner.domain import jsontext
from planner.domain.errors import PlannerError
from planner.domain.model import BaseLesson, SchoolClass, Timetable, sort_class_names
from planner.domain.order import QuarantineOrder
from planner.domain.regulation import Readiness
from planner.domain.schedule import Schedule
from planner.engine.changes import ChangeSet, diff_against_base, diff_schedules
from planner.engine.versions import (
    PublishedVersion,
    PublishError,
    VersionHistory,
    content_hash,
    is_published,
    publish,
)

from .chat import write_chat_messages
from .common import is_primary
from .epos import epos_rows, write_epos_csv, write_epos_xlsx
from .ical import write_feeds
from .report import render_report, write_report
from .slugs import assign_slugs

CLI_AUTHOR = "planner rebuild (командная строка)"
_P = ParamSpec("_P")
_R = TypeVar("_R")


def first_week(schedule: Schedule, timetable: Timetable) -> Timetable:
    """The period's first week of the schedule as a weekly :class:`Timetable`.

    Timed lessons only (online and in class), at their new times and lesson numbers; self-study
    lessons have no time in the remote day and are left out. A combined lesson stays one lesson.
    """
    dates = schedule.dates()
    if not dates:
        raise ValueError("the schedule has no dates")
    end = dates[0] + timedelta(days=7)
    lessons: list[BaseLesson] = []
    for item in schedule.lessons():
        if item.date >= end or item.start is None or item.end is None or not is_primary(item):
            continue
        number = item.lesson_no or (item.base.lesson if item.base else 1)
        lessons.append(
            BaseLesson(
                day=item.date.isoweekday(),
                lesson=number,
                start=item.start,
                end=item.end,
                classes=item.classes or (item.class_name,),
                subject=item.subject or "Урок",
                teachers=tuple(t.strip() for t in (item.teacher or "").split(",") if t.strip()),
                group=item.group,
                room=item.room if item.format == "in_person" else None,
            )
        )
    names = sort_class_names({c for lesson in lessons for c in lesson.classes})  # same bytes
    classes = {
        name: (
            SchoolClass(
                name=name,
                grade=timetable.classes[name].grade,
                shift=timetable.classes[name].shift,
                subgroups=timetable.classes[name].subgroups,
            )
            if name in timetable.classes
            else SchoolClass.from_name(name)
        )
        for name in names
    }
    return Timetable(
        school=timetable.school,
        classes=classes,
        lessons=tuple(lessons),
        source=f"дистанционное расписание, неделя с {dates[0]:%d.%m.%Y}",
    )


def load_previous_history(previous_dir: Path | None) -> VersionHistory | None:
    """The history of a previous OUTDIR (``--previous``): its ``versions.json``.

    An OUTDIR written before versions existed has only ``schedule.json``: it becomes version 1,
    published when the file was last written. No folder → ``None``.
    """
    if previous_dir is None:
        return None
    previous_dir = Path(previous_dir)
    versions = previous_dir / "versions.json"
    if versions.is_file():
        return VersionHistory.read(versions)
    schedule_path = previous_dir / "schedule.json"
    if not schedule_path.is_file():
        return None
    schedule = Schedule.read(schedule_path)
    when = datetime.fromtimestamp(schedule_path.stat().st_mtime, UTC).replace(microsecond=0)
    version = PublishedVersion(
        1, when, "неизвестно (результат без versions.json)", "", schedule, content_hash(schedule)
    )
    return VersionHistory((version,))


def _period(order: QuarantineOrder) -> str:
    return f"с {order.date_from:%d.%m.%Y} по {order.date_to:%d.%m.%Y}"


def _collector_paused(write: Callable[_P, _R]) -> Callable[_P, _R]:
    """``write`` with the cyclic garbage collector off while it runs.

    An export allocates hundreds of thousands of short-lived objects beside a large, live history
    of schedules, and every collection walks that history again: a quarter of the export time of
    a ~170-class school. Reference counting frees the temporaries as before; the few cycles (the
    workbooks) are collected once the collector is back on, also after an error.
    """

    @functools.wraps(write)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return write(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


#: the content hash of a first version until the half writing versions.json works it out
_HASH_LATER = "sha256:later"


@_collector_paused
def write_bundle(
    outdir: Path,
    schedule: Schedule,
    timetable: Timetable,
    order: QuarantineOrder,
    catalogue: Any,
    check_report: Any,
    history: VersionHistory | None,
    *,
    now: datetime | None = None,
    author: str = CLI_AUTHOR,
    readiness: list[Readiness] | None = None,
    parallel: bool = False,
    with_schedule: bool = False,
) -> list[Path]:
    """Write every export of ``schedule`` into ``outdir``; returns the paths written.

    ``readiness``: the order's classes' readiness at publication, recorded in ``report.html``.
    ``parallel``: half of the files are written by a forked child process meanwhile (the same
    bytes; for a process that may fork — the CLI — on a machine with more than one core).
    ``with_schedule``: ``schedule.json`` too, first in the paths (``planner rebuild``'s OUTDIR).
    """
    now = now or datetime.now(UTC)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    history = history or VersionHistory()
    # A first version is compared with nothing: its content hash (0.14 s of a city school) is
    # only written into versions.json, so the half that writes it works it out after the fork.
    hash_later = history.latest is None
    if history.latest is None or history.latest.schedule is not schedule:
        comment = f"Приказ: {', '.join(order.classes)} {_period(order)}"
        try:  # publish hashes the schedule; hashing it first to compare would do it twice
            history = publish(schedule, history, author=author, comment=comment, now=now,
                              digest=_HASH_LATER if hash_later else None)  # fmt: skip
        except PublishError:
            if not is_published(schedule, history):  # refused for another reason
                raise
    latest = history.latest
    assert latest is not None
    previous = history.previous_of(latest.number)

    # The diffs are worked out after the fork, by the half that needs them first (the child's
    # half: changes.json and the workbooks; the chat texts only need ``since``): before the fork
    # they would be work neither half can share.
    @functools.cache
    def against_base() -> ChangeSet:
        return diff_against_base(schedule, timetable)

    @functools.cache
    def since() -> ChangeSet | None:
        return diff_schedules(previous.schedule, schedule) if previous else None

    def versions() -> list[Path]:
        written = []
        if with_schedule:
            schedule.write(outdir / "schedule.json")  # its text, reused by versions.json
            written.append(outdir / "schedule.json")
        hashed = history
        if hash_later:
            last = replace(latest, content_hash=content_hash(schedule))
            hashed = VersionHistory((*history.versions[:-1], last))
        hashed.write(outdir / "versions.json")  # the schedules' own texts, re-indented
        return [*written, outdir / "versions.json"]

    def changes() -> list[Path]:
        since_previous = since()
        changes_doc = {
            "version": latest.number,
            "previous_version": previous.number if previous else None,
            "against_base": against_base().to_json(),
            "since_previous": since_previous.to_json() if since_previous is not None else None,
        }
        text = jsontext.dumps(changes_doc) + "\n"
        (outdir / "changes.json").write_text(text, encoding="utf-8")
        return [outdir / "changes.json"]

    def feeds() -> list[Path]:
        return write_feeds(outdir / "feeds", schedule, timetable, history, now=now)

    def spreadsheets() -> list[Path]:
        from .changes_xlsx import write_changes_xlsx  # openpyxl: not before it is needed

        rows = epos_rows(schedule, against_base(), timetable)
        title = f"{schedule.school} — ЭПОС"
        return [
            write_epos_csv(outdir / "epos.csv", rows),
            write_epos_xlsx(outdir / "epos.xlsx", rows, title=title),
            write_changes_xlsx(
                outdir / "changes.xlsx",
                against_base(),
                school=schedule.school,
                period=_period(order),
                since_previous=since(),
                previous_number=previous.number if previous else None,
            ),
        ]

    def asc() -> list[Path]:
        asc_path = _write_asc(outdir / "asc.xml", schedule, timetable)
        return [asc_path] if asc_path else []

    def report() -> list[Path]:
        html = render_report(
            schedule, order, catalogue, check_report, now=latest.published_at,
            version=latest.number, findings=timetable.findings, readiness=readiness,
        )  # fmt: skip
        return [write_report(outdir / "report.html", html)]

    def chats() -> list[Path]:
        slugs = assign_slugs(schedule.class_names())
        return write_chat_messages(
            outdir / "chat",
            schedule,
            slugs=slugs,
            timetable=timetable,
            since_previous=since(),
            version=latest.number if previous else None,
            classes=[c for c in order.classes if c in slugs],
        )

    # Each half imports its own libraries after the fork (the child openpyxl, the report's half
    # jinja2), not at start-up. The smaller jobs, largest first, go to whichever
    # half is free first: the child's fixed cost (openpyxl) weighs most in a small school, the
    # feeds in a large one.
    here = [versions, feeds]
    there = [changes, spreadsheets]
    either = [report, asc, chats]
    if parallel and _can_fork():
        mine, theirs, shared = _run_beside(here, there, either)
    else:
        mine, theirs, shared = (
            [job() for job in here],
            [job() for job in there],
            [job() for job in either],
        )
    version_paths, feed_paths = mine
    changes_path, sheets = theirs
    report_path, asc_path, chat_paths = shared
    return [*version_paths, *changes_path, *feed_paths, *sheets, *asc_path, *report_path,
            *chat_paths]  # fmt: skip


def _can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _run_beside(
    here: list[Callable[[], list[Path]]],
    there: list[Callable[[], list[Path]]],
    either: list[Callable[[], list[Path]]],
) -> tuple[list[list[Path]], list[list[Path]], list[list[Path]]]:
    """Run ``there`` in a forked child while this process runs ``here``; then each takes the jobs
    of ``either`` that the other has not taken yet. The results of the three lists, in order.

    Only for a process that forks safely (the CLI: no other threads left at export time). The
    jobs of ``either`` are one byte each in a pipe that both processes read (a read of one byte
    is atomic: each job is taken once). The child sends its results — or its error, raised
    here — through a pipe and ends without cleaning up (its files are closed by then).
    """
    queue_r, queue_w = os.pipe()
    os.write(queue_w, bytes(range(len(either))))
    os.close(queue_w)  # an empty queue then reads as the end of the file

    def take() -> dict[int, list[Path]]:
        taken: dict[int, list[Path]] = {}
        while job := os.read(queue_r, 1):
            taken[job[0]] = either[job[0]]()
        return taken

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its work shows in the files it writes
        os.close(read_end)
        try:
            outcome: tuple[str, Any] = ("ok", ([job() for job in there], take()))
        except BaseException as exc:  # any error goes back to the parent
            outcome = ("error", exc)
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an error that does not pickle
            data = pickle.dumps(("error", RuntimeError(repr(outcome[1]))))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write_end)
    try:
        mine = [job() for job in here]
        shared = take()
    finally:
        os.close(queue_r)
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
    try:
        status, value = pickle.loads(data)
    except Exception:  # killed (out of memory, a signal): a message, not a traceback
        raise PlannerError(
            "выгрузка не закончена: второй процесс выгрузки прервался (не хватило памяти?). "
            "Запустите перестроение ещё раз."
        ) from None
    if status != "ok":
        raise value
    theirs, taken = value
    shared.update(taken)
    return mine, theirs, [shared[k] for k in range(len(either))]


def _write_asc(path: Path, schedule: Schedule, timetable: Timetable) -> Path | None:
    week = first_week(schedule, timetable)
    if not week.lessons:
        return None
    try:
        from planner.exports.asc import write_asc
    except ImportError:  # the aSc writer is optional in a partial build; the rest still goes out
        return None
    write_asc(week, path)
    return path
