"""Rebuild jobs on Celery workers: used when ``PLANNER_BROKER_URL`` is set.

The broker (RabbitMQ ``amqp://…`` or Redis ``redis://…``) carries only job ids; the job's row in
the project's database is its input, its progress and its result (Celery keeps no results).
:class:`CeleryRunner` has the interface of the embedded pool's :class:`api.jobs.JobRunner`
(``submit``, ``wait``, ``recover``, ``shutdown``), so the API and the pages do not know which one
runs; ``planner worker`` starts a worker (:func:`start_worker`).

Crash safety: a message is acknowledged only after the job ran (``task_acks_late``), one at a time
per worker process (prefetch 1); a worker that dies (SIGKILL, a lost machine) leaves its message
unacknowledged and the broker gives it to another worker — RabbitMQ at once, Redis after
``PLANNER_BROKER_VISIBILITY_TIMEOUT``. The redelivered job takes the row over as its next attempt
(:func:`api.jobs.run_job`); while the first worker still looks alive the task waits and retries.
Cancel is the row's ``cancel_requested`` flag, which the worker running the job polls — on any
machine. Each solve uses the worker's ``--solver-threads``.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db import utcnow
from api.jobs import BUSY, WorkerInfo, run_job
from api.models import Job
from api.settings import Settings

log = logging.getLogger(__name__)

TASK = "planner.rebuild"
BUSY_RETRY_SECONDS = 2.0
UNREACHABLE = (
    "очередь задач недоступна ({url}): перестроение не отправлено обработчикам. Проверьте, что "
    "брокер (RabbitMQ или Redis) запущен и PLANNER_BROKER_URL верен, и запустите перестроение "
    "заново. Опубликованная версия не изменилась."
)

#: the configuration of this worker process (set by :func:`start_worker` before the pool forks)
_WORKER: dict[str, Any] = {}


def redact(url: str) -> str:
    """A broker URL without its password, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"


def make_celery(settings: Settings) -> Celery:
    """The Celery app of a broker URL: late acks, redelivery, no result backend."""
    app = Celery("planner", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,  # a pool process that dies: the message goes back
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,  # one job at a time per process; the rest stay queued
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_ignore_result=True,  # the job row is the result
        task_default_queue=settings.job_queue,
        task_create_missing_queues=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
        enable_utc=True,
    )

    @app.task(name=TASK, bind=True, max_retries=None, acks_late=True)
    def rebuild(task: Any, job_id: str) -> str:
        worker = _WORKER.get("settings") or Settings()
        info = WorkerInfo(
            threads=_WORKER.get("threads"),
            name=task.request.hostname,
            data_dir=str(worker.data_dir),
            stale_seconds=worker.job_stale_seconds,
        )
        status = run_job(worker.database_url, job_id, worker.solver_function, info)
        if status == BUSY:  # another live worker runs it (a duplicate or an early redelivery)
            raise task.retry(countdown=BUSY_RETRY_SECONDS)
        return status

    return app


class CeleryRunner:
    """Sends job ids to the broker; the same interface as :class:`api.jobs.JobRunner`."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]):
        self.settings = settings
        self.factory = factory
        self.celery = make_celery(settings)

    def submit(self, job_id: str) -> None:
        """Queue the job (its id is the task id: a second submission is harmless)."""
        try:
            self.celery.send_task(
                TASK,
                args=[job_id],
                task_id=job_id,
                queue=self.settings.job_queue,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
            )
        except Exception as exc:  # the broker is down: say so on the job
            log.error("job %s: broker unreachable: %r", job_id, exc)
            with self.factory() as s:
                s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "queued")
                    .values(
                        status="failed",
                        message=UNREACHABLE.format(url=redact(self.settings.broker_url)),
                        finished_at=utcnow(),
                    )
                )
                s.commit()

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until the job's row is finished (tests, the demo, ``planner batch``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            with self.factory() as s:
                status = s.scalar(select(Job.status).where(Job.id == job_id))
            if status not in ("queued", "running"):
                return
            time.sleep(0.2)

    def recover(self) -> list[str]:
        """At start-up: send queued rows again (the broker may have lost them) and re-queue rows
        whose worker has been silent too long. Duplicates are harmless (idempotent job ids)."""
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_seconds)
        with self.factory() as s:
            s.execute(
                update(Job)
                .where(Job.status == "running", Job.heartbeat_at < stale_before)
                .values(status="queued")
            )
            queued = list(
                s.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.created_at))
            )
            s.commit()
        for job_id in queued:
            self.submit(job_id)
        return []

    def warm(self) -> None:
        """Nothing to do: a ``planner worker`` process imports the solver when it starts."""

    def shutdown(self, wait: bool = True) -> None:
        self.celery.close()


def start_worker(
    settings: Settings,
    *,
    concurrency: int,
    queues: list[str],
    solver_threads: int,
    name: str | None = None,
    loglevel: str = "INFO",
) -> None:
    """``planner worker``: a Celery worker of ``concurrency`` processes, each solve on
    ``solver_threads`` threads (so N processes × threads ≈ the cores of the machine)."""
    _WORKER.update(settings=settings, threads=max(1, solver_threads))
    # import the solver and the exports once, before the pool forks: no process pays it per job
    import api.services.versions  # noqa: F401
    import planner.app.pipeline  # noqa: F401

    app = make_celery(settings)
    argv = [
        "worker",
        f"--concurrency={max(1, concurrency)}",
        f"--queues={','.join(queues)}",
        f"--loglevel={loglevel}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if name:
        argv.append(f"--hostname={name}")
    app.worker_main(argv)
