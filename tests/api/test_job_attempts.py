"""A job is idempotent by its id: a second delivery waits while its worker lives, takes the row over
as the next attempt when that worker is dead, and never runs a finished job again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from api.db import utcnow
from api.jobs import BUSY, WorkerInfo, run_job
from api.models import Job
from tests.api.util import ORDER_5A, make_school


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_redelivery_waits_for_a_live_worker_and_takes_over_from_a_dead_one(
    app, client, auth_headers
) -> None:
    from api.services import rebuilds, schools

    settings = app.state.settings
    school_id = make_school(client, auth_headers)
    with app.state.session_factory() as s:
        school = schools.get_school(s, school_id)
        job = rebuilds.create_job(s, school, ORDER_5A, settings, author="t", time_limit=1)
        job.status, job.attempt = "running", 1  # claimed by a worker of this host, still alive
        job.started_at = job.heartbeat_at = utcnow()
        job.worker_host, job.worker_pid, job.worker_name = socket.gethostname(), os.getpid(), "w1"
        s.commit()
        job_id = job.id
    args = (settings.database_url, job_id, settings.solver_function)
    assert run_job(*args, WorkerInfo(name="w2")) == BUSY
    with app.state.session_factory() as s:
        row = s.get(Job, job_id)
        row.worker_pid = _dead_pid()  # the worker was killed
        s.commit()
    assert run_job(*args, WorkerInfo(name="w2", threads=3)) == "succeeded"
    with app.state.session_factory() as s:
        row = s.get(Job, job_id)
        assert (row.status, row.attempt, row.worker_name, row.workers) == (
            "succeeded", 2, "w2", 3
        )  # fmt: skip
    assert run_job(*args, WorkerInfo(name="w3")) == "succeeded"  # finished: not run again
    with app.state.session_factory() as s:
        assert s.get(Job, job_id).attempt == 2


def test_a_dead_worker_of_a_cancelled_job_leaves_it_cancelled(app, client, auth_headers) -> None:
    from api.services import rebuilds, schools

    settings = app.state.settings
    school_id = make_school(client, auth_headers)
    with app.state.session_factory() as s:
        job = rebuilds.create_job(s, schools.get_school(s, school_id), ORDER_5A, settings,
                                  author="t")  # fmt: skip
        job.status, job.attempt, job.cancel_requested = "running", 1, True
        job.worker_host, job.worker_pid = socket.gethostname(), _dead_pid()
        s.commit()
        job_id = job.id
    assert run_job(settings.database_url, job_id, settings.solver_function) == "cancelled"
    with app.state.session_factory() as s:
        assert s.get(Job, job_id).message.startswith("отменено; обработчик, решавший задачу")
