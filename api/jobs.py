"""Rebuild jobs: the DB row is the job; a local process pool runs the solver.

The worker (:func:`run_job`) opens its own DB connection, claims the queued row, reports progress
into it, and polls the row's ``cancel_requested`` flag (turning it into the solver's stop event).
Nothing about a job lives only in memory: after a restart, :meth:`JobRunner.recover` marks rows
left ``running`` by a dead worker as failed and re-queues ``queued`` ones.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import math
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db import aware, make_engine, make_session_factory, utcnow
from api.models import Job, School, TimetableUpload
from api.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
PROGRESS_EVERY = 0.3
CANCELLED = "отменено; лучшее найденное до отмены расписание сохранено."
CANCELLED_BEFORE_PLAN = (
    "отменено до того, как решатель нашёл первый полный план; нового расписания нет. "
    "Опубликованная версия не изменилась."
)
INTERRUPTED = (
    "перестроение прервано: процесс решателя завершился (перезапуск или сбой приложения). "
    "Опубликованная версия не изменилась; запустите перестроение заново."
)


def load_function(path: str) -> Callable[..., Any]:
    """``module:function`` → the function."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _finite(value: Any) -> Any:
    """JSON has no infinities or NaN (CP-SAT reports ``-inf`` bounds before the first one)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_json"):
        value = value.to_json()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif hasattr(value, "__dict__") and not isinstance(value, (dict, list, str, int, float)):
        value = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return _finite(json.loads(json.dumps(value, default=str, ensure_ascii=False)))


def summarise(result: Any) -> dict[str, Any]:
    """The job summary of a RebuildResult: stats, counts, violations and warnings (as text)."""
    schedule = result.schedule
    lessons = [i for i in schedule.items if i.kind == "lesson"]
    summary: dict[str, Any] = {
        "classes": len({i.class_name for i in schedule.items}),
        "dates": [d.isoformat() for d in schedule.dates()],
        "lessons": len(lessons),
        "online": sum(1 for i in lessons if i.format == "online"),
        "self_study": sum(1 for i in lessons if i.format == "self_study"),
        "in_person": sum(1 for i in lessons if i.format == "in_person"),
    }
    stats = getattr(result, "stats", None)
    if stats is not None:
        summary["stats"] = _jsonable(stats)
    report = getattr(result, "report", None)
    if report is not None:
        violations = list(getattr(report, "violations", []) or [])
        warnings = list(getattr(report, "warnings", []) or [])
        summary["violations"] = [str(getattr(v, "message", v)) for v in violations]
        summary["warnings"] = [str(getattr(w, "message", w)) for w in warnings]
    return summary


class _Reporter:
    """Writes solver progress into the job row (throttled) and watches the cancel flag.

    A multi-day period is solved date by date first: those reports carry a NaN objective and the
    number of dates done in ``solutions`` (planner.engine.solver.solve_by_days); the whole-period
    phase then reports ``dates_total + n`` for its n-th plan. Reports with an objective are complete
    plans (the first may be the start plan, ``solutions == 0``).
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        job_id: str,
        time_limit: float,
        dates_total: int | None = None,
    ):
        self.factory = factory
        self.job_id = job_id
        self.time_limit = max(time_limit, 0.001)
        self.dates_total = dates_total
        self.stop = threading.Event()
        self.done = threading.Event()
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.pending: dict[str, Any] = {}
        self.last_write = 0.0
        self.reports = 0  # complete plans reported
        self.start_plan = False  # a start plan was reported before any date was done
        self.dates_done = 0

    def progress(self, p: Any) -> None:
        """The solver's progress callback (duck-typed SolveProgress)."""
        objective = getattr(p, "objective", None)
        count = int(getattr(p, "solutions", 0) or 0)
        with self.lock:
            if isinstance(objective, float) and math.isnan(objective):  # a date is done
                self.dates_done = count
                self.pending["dates_done"] = count
            else:
                self.pending.update(
                    best_objective=_number(objective),
                    best_bound=_number(getattr(p, "bound", getattr(p, "best_bound", None))),
                    solutions=self._plans(count),
                )
        if time.monotonic() - self.last_write >= PROGRESS_EVERY:
            self.flush()

    def _plans(self, count: int) -> int:
        """How many complete plans were found, from the report's ``solutions`` counter."""
        self.reports += 1
        if count == 0 and self.dates_done == 0:
            self.start_plan = True
        total = self.dates_total
        if total and self.dates_done >= total and count >= total:  # the whole-period phase
            return max(1, int(self.start_plan) + count - total)
        return count or self.reports

    def flush(self) -> None:
        with self.lock:
            values, self.pending = self.pending, {}
            self.last_write = time.monotonic()
        elapsed = time.monotonic() - self.started
        values["progress"] = min(0.99, elapsed / self.time_limit)
        values["heartbeat_at"] = utcnow()
        with self.factory() as s:
            s.execute(
                update(Job).where(Job.id == self.job_id, Job.status == "running").values(**values)
            )
            s.commit()

    def watch(self) -> None:
        """Poll the cancel flag and keep the heartbeat fresh until the solve ends."""
        while not self.done.wait(POLL_SECONDS):
            try:
                with self.factory() as s:
                    cancel = s.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
                if cancel:
                    self.stop.set()
                self.flush()
            except Exception:  # a DB hiccup must not kill the solve
                log.exception("job %s: progress write failed", self.job_id)


WATCH_PARENT_SECONDS = 0.5


def watch_parent(parent_pid: int) -> None:
    """Initializer of a pool worker: end the worker when the server process is gone.

    A thread polls ``getppid()`` (a dead parent's children are re-parented), so this holds even
    when the server was killed with SIGKILL and never shut the pool down. (Linux's
    ``PR_SET_PDEATHSIG`` is tied to the *thread* that started the worker — a request's worker
    thread that may end any time — so it is not used.)
    """

    def watch() -> None:
        while True:
            time.sleep(WATCH_PARENT_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_job(database_url: str, job_id: str, solver_function: str) -> str:
    """Run one rebuild job to its end; returns the final status. Runs inside a pool worker."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        return _run(factory, job_id, solver_function)
    finally:
        engine.dispose()


@dataclasses.dataclass(frozen=True)
class _Claimed:
    """What a worker needs of a job row it claimed (read before the session closes)."""

    upload: TimetableUpload
    school_name: str
    order_doc: Any
    time_limit: float
    workers: int
    seed: int


def _claim(factory: sessionmaker[Session], job_id: str) -> _Claimed | str:
    """Mark a queued job running in this process; its inputs, or its status if not claimed."""
    now = utcnow()
    with factory() as s:
        claimed = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued", Job.cancel_requested.is_(False))
            .values(
                status="running",
                started_at=now,
                heartbeat_at=now,
                worker_pid=os.getpid(),
                worker_host=socket.gethostname(),
            )
        ).rowcount
        s.commit()
        if not claimed:
            job = s.get(Job, job_id)
            return job.status if job else "missing"
        job = s.get(Job, job_id)
        assert job is not None
        school = s.get(School, job.school_id)
        upload = s.get(TimetableUpload, job.timetable_id)
        assert school is not None and upload is not None
        return _Claimed(upload, school.name, job.order_doc, job.time_limit, job.workers, job.seed)


def _solve(
    factory: sessionmaker[Session],
    job_id: str,
    job: _Claimed,
    reporter: _Reporter,
    solver_function: str,
) -> dict[str, Any]:
    """Read the inputs and run the solve function; the job row's final values on success."""
    from api.services import schools
    from planner.domain.order import parse_order
    from planner.domain.solving import SolveOptions

    timetable = schools.timetable_of(job.upload, job.school_name)
    order = parse_order(job.order_doc, timetable, file="приказ")
    dates = len(order.dates(timetable.school.school_days))
    if dates > 1:  # solved date by date first: the page shows how many dates are done
        reporter.dates_total = dates
        with factory() as s:
            s.execute(update(Job).where(Job.id == job_id).values(dates_total=dates))
            s.commit()
    solve = load_function(solver_function)
    options = SolveOptions(
        time_limit=job.time_limit,
        workers=job.workers,
        seed=job.seed,
        progress=reporter.progress,
        stop=reporter.stop,
    )
    result = solve(timetable, order, options)
    final = {"schedule_json": result.schedule.dumps(), "summary": summarise(result)}
    cancelled = reporter.stop.is_set()  # a cancel during the last plan keeps that plan
    final["status"] = "cancelled" if cancelled else "succeeded"
    final["message"] = CANCELLED if cancelled else None
    return final


def _failure(exc: Exception, job_id: str, stopped: bool) -> dict[str, Any]:
    """The job row's final values when the solve raised ``exc`` (``stopped``: cancel asked)."""
    from planner.domain.errors import InfeasibleOrder, InputError, SolveStopped

    if isinstance(exc, InputError):
        return {
            "status": "failed",
            "message": "приказ или расписание не приняты: исправьте ошибки ниже.",
            "problems": [dataclasses.asdict(p) for p in exc.problems],
        }
    if isinstance(exc, SolveStopped):  # stopped before the first complete plan: no verdict
        return {"status": "cancelled", "message": CANCELLED_BEFORE_PLAN}
    if isinstance(exc, InfeasibleOrder):
        return {
            "status": "failed",
            "message": f"приказ невыполним: {exc.explanation}",
            "problems": [{"file": "приказ", "message": c} for c in exc.conflicts],
        }
    log.exception("job %s failed", job_id, exc_info=exc)
    if stopped:  # the solver broke while stopping: the user asked to stop
        return {"status": "cancelled", "message": CANCELLED_BEFORE_PLAN}
    return {
        "status": "failed",
        "message": f"внутренняя ошибка перестроения ({type(exc).__name__}: {exc}). "
        "Опубликованная версия не изменилась; сообщите администратору.",
    }


def _run(factory: sessionmaker[Session], job_id: str, solver_function: str) -> str:
    claimed = _claim(factory, job_id)
    if isinstance(claimed, str):
        return claimed
    reporter = _Reporter(factory, job_id, claimed.time_limit)
    watcher = threading.Thread(target=reporter.watch, name=f"job-{job_id}-watch", daemon=True)
    watcher.start()
    try:
        final = _solve(factory, job_id, claimed, reporter, solver_function)
    except Exception as exc:
        final = _failure(exc, job_id, reporter.stop.is_set())
    finally:
        reporter.done.set()
        watcher.join()
    with factory() as s:
        with reporter.lock:
            pending = reporter.pending
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                **pending,
                **final,
                progress=1.0,
                finished_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )
        s.commit()
    return str(final["status"])


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    """Submits job rows to a local pool: processes (default), threads or inline (tests)."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]):
        self.settings = settings
        self.factory = factory
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self.futures: dict[str, Future[str]] = {}

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.settings.job_runner == "process":
                    self._executor = ProcessPoolExecutor(
                        max_workers=self.settings.job_pool_size,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=watch_parent,
                        initargs=(os.getpid(),),
                    )
                else:
                    self._executor = ThreadPoolExecutor(
                        max_workers=self.settings.job_pool_size, thread_name_prefix="planner-job"
                    )
            return self._executor

    def submit(self, job_id: str) -> None:
        args = (self.settings.database_url, job_id, self.settings.solver_function)
        if self.settings.job_runner == "inline":
            run_job(*args)
            return
        try:
            future = self._pool().submit(run_job, *args)
        except BrokenExecutor:  # a worker died earlier: start a fresh pool
            self._discard_pool()
            future = self._pool().submit(run_job, *args)
        self.futures[job_id] = future
        future.add_done_callback(lambda f, j=job_id: self._done(j, f))

    def _done(self, job_id: str, future: Future[str]) -> None:
        self.futures.pop(job_id, None)
        exc = future.exception()
        if exc is None:
            return
        # The worker process died (BrokenProcessPool) or could not start: record it.
        log.error("job %s: worker failed: %r", job_id, exc)
        if isinstance(exc, BrokenExecutor):
            self._discard_pool()
        with self.factory() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_(("queued", "running")))
                .values(
                    status="failed",
                    message=f"{INTERRUPTED} ({type(exc).__name__})",
                    finished_at=utcnow(),
                )
            )
            s.commit()

    def _discard_pool(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until a submitted job's worker returns (tests, demo)."""
        future = self.futures.get(job_id)
        if future is not None:
            with contextlib.suppress(Exception):
                future.result(timeout)

    def recover(self) -> list[str]:
        """At start-up: fail rows left running by a dead worker, re-queue queued rows."""
        host = socket.gethostname()
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_seconds)
        failed: list[str] = []
        with self.factory() as s:
            for job in s.scalars(select(Job).where(Job.status == "running")):
                same_host_dead = job.worker_host == host and not _pid_alive(job.worker_pid)
                beat = aware(job.heartbeat_at) or aware(job.started_at)
                silent = beat is None or beat < stale_before
                if same_host_dead or silent:
                    job.status = "failed"
                    job.message = INTERRUPTED
                    job.finished_at = utcnow()
                    failed.append(job.id)
            queued = list(
                s.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.created_at))
            )
            s.commit()
        for job_id in queued:
            self.submit(job_id)
        return failed

    def shutdown(self, wait: bool = True) -> None:
        """Stop the pool. ``wait=False`` (the server stopping) also ends running solves: their
        rows are marked interrupted (here, or by :meth:`recover` at the next start)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        if not wait and isinstance(executor, ProcessPoolExecutor):
            # the interpreter would otherwise wait at exit for every running solve to end
            for process in list(getattr(executor, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        executor.shutdown(wait=wait, cancel_futures=not wait)
