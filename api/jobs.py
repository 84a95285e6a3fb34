"""Rebuild jobs: the DB row is the job; a local process pool or Celery workers run the solver.

The worker (:func:`run_job`) opens its own DB connection, claims the row, reports progress into
it, and polls the row's ``cancel_requested`` flag (turning it into the solver's stop event) — so
progress and cancel work wherever the worker runs. Nothing about a job lives only in memory.

A job is idempotent by its id. Each claim is one ``attempt``: a queued row is claimed once; a row
left ``running`` by a dead worker (its process gone on this host, or its heartbeat silent for
``job_stale_seconds``) is taken over by the next delivery of the job as the next attempt, and only
the current attempt's writes count; a finished row is never run again. A clean plan of a job with
``publish_when_clean`` is published by the worker, and a job gives at most one version
(``versions.job_id`` is unique), so a redelivered job never produces two.

:class:`JobRunner` submits to the embedded pool (the default); :mod:`api.queue` has the Celery
runner behind the same interface (:func:`make_runner` picks it when ``PLANNER_BROKER_URL`` is set).
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
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db import aware, make_engine, make_session_factory, utcnow
from api.models import Job, School, TimetableUpload
from api.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
PROGRESS_EVERY = 0.3
CANCELLED = (
    "отменено; лучшее найденное до отмены расписание сохранено: его можно посмотреть и "
    "опубликовать."
)
CANCELLED_BEFORE_PLAN = (
    "отменено до того, как решатель нашёл первый полный план; нового расписания нет. "
    "Опубликованная версия не изменилась."
)
INTERRUPTED = (
    "перестроение прервано: процесс решателя завершился (перезапуск или сбой приложения). "
    "Опубликованная версия не изменилась; запустите перестроение заново."
)
CANCELLED_WITH_WORKER = (
    "отменено; обработчик, решавший задачу, остановился раньше, чем сохранил план. "
    "Опубликованная версия не изменилась."
)
AUTO_PUBLISHED = "Опубликовано автоматически: независимая проверка не нашла нарушений."
#: what :func:`run_job` answers when another live worker runs the job (the caller retries later)
BUSY = "busy"


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
        # the municipal dashboard's totals: classes of the order, screen minutes online
        "remote_classes": len(schedule.order.get("classes") or []),
        "online_minutes": schedule.online_minutes(),
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


#: what a progress report may carry of the best plan, for the deputy's progress page
LIVE_FIGURES = ("online_minutes", "subjects_without_contact")


def _live_figures(p: Any) -> dict[str, int]:
    """The best plan's online minutes and subjects without an online lesson, if the progress
    report carries them (optional attributes of SolveProgress)."""
    out = {}
    for name in LIVE_FIGURES:
        value = getattr(p, name, None)
        if isinstance(value, (int, float)) and math.isfinite(value):
            out[name] = int(value)
    return out


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
        attempt: int = 0,
    ):
        self.factory = factory
        self.job_id = job_id
        self.attempt = attempt
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
                live = _live_figures(p)
                if live:  # the best plan's own figures, when the solver reports them
                    self.pending["summary"] = {"live": live}
        if time.monotonic() - self.last_write >= PROGRESS_EVERY:
            self.flush()

    def _plans(self, count: int) -> int:
        """How many complete plans were found, from the report's ``solutions`` counter."""
        start = count == 0 and self.dates_done == 0
        # the start plan comes twice: before the model is built (no objective yet), then with
        # its objective — one plan
        if not (start and self.start_plan):
            self.reports += 1
        if start:
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
            s.execute(update(Job).where(*mine(self.job_id, self.attempt)).values(**values))
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
    """End a pool worker when the server process is gone (part of :func:`start_worker`).

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


def start_worker(parent_pid: int, solver_function: str) -> None:
    """Initializer of a pool worker: watch the server (:func:`watch_parent`) and import what a
    job needs (the solver, the job's services), so that the first rebuild after the server
    starts does not wait for OR-Tools to import (about 2 s of the first plan on this machine).

    It runs in every worker the pool starts, whichever worker then takes which task. A failed
    import is only logged: the job that needs the solver reports it, while an initializer that
    raised would break the pool for every job."""
    watch_parent(parent_pid)
    try:
        load_function(solver_function)
        importlib.import_module("api.services.schools")
        importlib.import_module("planner.domain.order")
    except Exception:
        log.exception("solver pool warm-up failed")


def started() -> None:
    """Task that only makes the pool start a worker (its initializer does the work)."""


def mine(job_id: str, attempt: int) -> tuple[Any, ...]:
    """The WHERE clause of a write by this attempt: a superseded attempt writes nothing."""
    return (Job.id == job_id, Job.status == "running", Job.attempt == attempt)


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """Who runs a job: threads per solve (``None``: the job's own), a name, where to publish."""

    threads: int | None = None
    name: str | None = None
    data_dir: str | None = None
    stale_seconds: float = 60.0


def run_job(
    database_url: str, job_id: str, solver_function: str, worker: WorkerInfo | None = None
) -> str:
    """Run one rebuild job to its end; returns the final status (or :data:`BUSY`).

    Runs inside a pool worker or a Celery worker; safe to call again for the same job (a
    redelivery): a finished job is not run again, a job a live worker runs answers ``busy``.
    """
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        return _run(factory, job_id, solver_function, worker or WorkerInfo())
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
    attempt: int
    # «Улучшать дальше»: the plan (schedule.json text) of the job this one continues from
    start_from: str | None = None


def _owner_gone(job: Job, stale_seconds: float) -> bool:
    """The worker that claimed a running row is dead: its process is gone (same host) or its
    heartbeat has been silent for ``stale_seconds`` (any host)."""
    same_host_dead = job.worker_host == socket.gethostname() and not _pid_alive(job.worker_pid)
    beat = aware(job.heartbeat_at) or aware(job.started_at)
    silent = beat is None or beat < utcnow() - timedelta(seconds=stale_seconds)
    return same_host_dead or silent


def _claim(factory: sessionmaker[Session], job_id: str, worker: WorkerInfo) -> _Claimed | str:
    """Claim the job for this process: a queued row, or a running row whose worker is dead.

    Returns its inputs, or a status when not claimed: the finished row's status, ``missing``, or
    :data:`BUSY` (a live worker runs it).
    """
    now = utcnow()
    with factory() as s:
        job = s.get(Job, job_id)
        if job is None:
            return "missing"
        if job.status == "running":
            if not _owner_gone(job, worker.stale_seconds):
                return BUSY
            if job.cancel_requested:  # asked to stop, and its worker died: nothing to go on with
                s.execute(
                    update(Job)
                    .where(*mine(job_id, job.attempt))
                    .values(status="cancelled", message=CANCELLED_WITH_WORKER, finished_at=now)
                )
                s.commit()
                return "cancelled"
            log.warning("job %s: worker %s is gone; taking over", job_id, job.worker_name)
            condition: tuple[Any, ...] = mine(job_id, job.attempt)
        else:
            condition = (Job.id == job_id, Job.status == "queued", Job.cancel_requested.is_(False))
        values: dict[str, Any] = {
            "status": "running",
            "attempt": job.attempt + 1,
            "started_at": now,
            "heartbeat_at": now,
            "worker_pid": os.getpid(),
            "worker_host": socket.gethostname(),
            "worker_name": worker.name or f"{socket.gethostname()}:{os.getpid()}",
        }
        if worker.threads:  # the worker's configuration wins: N workers on N cores do not fight
            values["workers"] = worker.threads
        claimed = s.execute(update(Job).where(*condition).values(**values)).rowcount
        s.commit()
        s.expire_all()
        if not claimed:  # another delivery claimed it first, or it finished or was cancelled
            job = s.get(Job, job_id)
            assert job is not None
            return BUSY if job.status == "running" else job.status
        job = s.get(Job, job_id)
        assert job is not None
        school = s.get(School, job.school_id)
        upload = s.get(TimetableUpload, job.timetable_id)
        assert school is not None and upload is not None
        start_from = None
        if job.continue_from:
            earlier = s.get(Job, job.continue_from)
            start_from = earlier.schedule_json if earlier is not None else None
        return _Claimed(
            upload,
            school.name,
            job.order_doc,
            job.time_limit,
            job.workers,
            job.seed,
            job.attempt,
            start_from,
        )


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

    started = time.perf_counter()
    timetable = schools.timetable_of(job.upload, job.school_name)
    order = parse_order(job.order_doc, timetable, file="приказ")
    read_s = time.perf_counter() - started
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
    if job.start_from is not None:  # «Улучшать дальше»: from the earlier plan, never worse
        from planner.domain.schedule import Schedule

        start = Schedule.from_json(json.loads(job.start_from))
        result = solve(timetable, order, options, start_from=start)
    else:
        result = solve(timetable, order, options)
    final = {"schedule_json": result.schedule.dumps(), "summary": summarise(result)}
    timings = getattr(result, "timings", None)
    if timings is not None:  # where the time went, for bench/bench_e2e.py
        doc = timings.to_json()
        doc["phases"] = {"import": round(read_s, 4), **doc["phases"]}
        doc["job_s"] = round(time.perf_counter() - started, 4)
        final["summary"]["timings"] = doc
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
        log.info("job %s infeasible: %s", job_id, ", ".join(exc.conflicts))
        return {
            "status": "failed",
            # the explanation names each requirement in words and what to do; the conflicts are
            # the solver's internal keys and stay in the log
            "message": f"приказ невыполним: {exc.explanation}",
            "problems": [],
        }
    from constraints.catalogue import CatalogueError

    if isinstance(exc, CatalogueError):  # a norm the order's classes need is not described
        log.error("job %s: norm catalogue: %s", job_id, exc.message)
        return {
            "status": "failed",
            "message": "перестроить не удалось: в файлах норм нет значения, нужного этому "
            "приказу. Опубликованная версия не изменилась. Задайте норму в «Значениях "
            "локального акта» приказа или сообщите администратору номер перестроения "
            f"{job_id[:8]} — подробности в журнале сервера.",
        }
    log.exception("job %s failed", job_id, exc_info=exc)
    if stopped:  # the solver broke while stopping: the user asked to stop
        return {"status": "cancelled", "message": CANCELLED_BEFORE_PLAN}
    # the cause goes to the server log (above), not to the page: the user can only report it
    return {
        "status": "failed",
        "message": "перестроение прервалось из-за сбоя программы. Опубликованная версия не "
        f"изменилась. Попробуйте ещё раз; если повторится, сообщите администратору номер "
        f"перестроения {job_id[:8]} — подробности в журнале сервера.",
    }


def _run(
    factory: sessionmaker[Session], job_id: str, solver_function: str, worker: WorkerInfo
) -> str:
    claimed = _claim(factory, job_id, worker)
    if isinstance(claimed, str):
        if claimed == "succeeded":  # a redelivery after the plan was saved: publish if asked
            _publish_if_clean(factory, job_id, worker)
        return claimed
    reporter = _Reporter(factory, job_id, claimed.time_limit, attempt=claimed.attempt)
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
        # the live figures of a search give way to the plan's summary (none without a plan)
        values = {**pending, "summary": None, **final}
        written = s.execute(
            update(Job)
            .where(*mine(job_id, claimed.attempt))
            .values(
                **values,
                progress=1.0,
                finished_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        ).rowcount
        s.commit()
    if not written:  # superseded by a later attempt (this worker was taken for dead)
        log.warning("job %s: attempt %d superseded; result dropped", job_id, claimed.attempt)
        return "superseded"
    if final["status"] == "succeeded":
        _publish_if_clean(factory, job_id, worker)
    return str(final["status"])


def _publish_if_clean(factory: sessionmaker[Session], job_id: str, worker: WorkerInfo) -> None:
    """Publish a finished job marked ``publish_when_clean`` when the checker found nothing.

    Idempotent: publishing a job that already has its version returns that version.
    """
    from api.services import versions
    from api.settings import Settings

    with factory() as s:
        job = s.get(Job, job_id)
        if job is None or not job.publish_when_clean or job.status != "succeeded":
            return
        if (job.summary or {}).get("violations"):
            return
        settings = Settings(data_dir=worker.data_dir) if worker.data_dir else Settings()
        try:
            versions.publish_job(
                s, job, author=job.created_by or "планировщик", comment=AUTO_PUBLISHED,
                settings=settings,
            )  # fmt: skip
        except Exception:  # the plan stays ready for review: a person publishes it
            log.exception("job %s: automatic publishing failed", job_id)


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


class Runner(Protocol):
    """What the app submits jobs to: the embedded pool or Celery (api.queue.make_runner)."""

    def submit(self, job_id: str) -> None: ...
    def wait(self, job_id: str, timeout: float | None = None) -> None: ...
    def recover(self) -> list[str]: ...
    def warm(self) -> None: ...
    def shutdown(self, wait: bool = True) -> None: ...


class JobRunner:
    """Submits job rows to a local pool: processes (default), threads or inline (tests)."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]):
        self.settings = settings
        self.factory = factory
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self.futures: dict[str, Future[str]] = {}
        self.worker = WorkerInfo(
            data_dir=str(settings.data_dir), stale_seconds=settings.job_stale_seconds
        )

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.settings.job_runner == "process":
                    self._executor = ProcessPoolExecutor(
                        max_workers=self.settings.job_pool_size,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=start_worker,
                        initargs=(os.getpid(), self.settings.solver_function),
                    )
                else:
                    self._executor = ThreadPoolExecutor(
                        max_workers=self.settings.job_pool_size, thread_name_prefix="planner-job"
                    )
            return self._executor

    def submit(self, job_id: str) -> None:
        args = (self.settings.database_url, job_id, self.settings.solver_function, self.worker)
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
        failed: list[str] = []
        with self.factory() as s:
            for job in s.scalars(select(Job).where(Job.status == "running")):
                if _owner_gone(job, self.settings.job_stale_seconds):
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

    def warm(self) -> None:
        """At start-up: start the process pool's workers now; each imports the solver in its
        initializer (:func:`start_worker`). Threads and inline runs need nothing."""
        if self.settings.job_runner != "process":
            return
        pool = self._pool()
        for _ in range(max(1, self.settings.job_pool_size)):
            # a spawning pool starts a worker for each task that finds no worker idle
            pool.submit(started)

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


def make_runner(settings: Settings, factory: sessionmaker[Session]) -> Runner:
    """Celery when ``PLANNER_BROKER_URL`` is set, else the embedded pool (the default; Celery is
    not even imported then)."""
    if settings.broker_url:
        from api.queue import CeleryRunner

        return CeleryRunner(settings, factory)
    return JobRunner(settings, factory)
