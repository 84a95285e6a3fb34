"""Rebuilds on real Celery workers (``planner worker`` processes) and the machine's brokers.

The frost morning: two workers, twenty generated schools, one worker SIGKILLed mid-job; at the
end exactly one published version per school, no violation found by the independent checker, and
the killed job redone on the other worker. Then progress and cancel across processes on Redis.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from planner.domain.schedule import Schedule
from tests.api.test_municipal import settled
from tests.workers import RABBITMQ_URL, REDIS_URL, celery_queue

pytestmark = pytest.mark.slow
SCHOOLS = 20
FROST = {"reason": "frost", "title": "Телефонограмма № 15", "from": "2026-12-08",
         "to": "2026-12-09", "frost": {"temperature": -31}, "publish": "auto"}  # fmt: skip


def _app(database_url: str, data_dir: Path, broker: str, queue: str, **extra: Any):  # type: ignore[no-untyped-def]
    from api.services import accounts
    from api.settings import Settings
    from web.app import create_app

    settings = Settings(
        data_dir=data_dir, database_url=database_url, broker_url=broker, job_queue=queue,
        base_url="http://testserver", solver_time_limit=2, solver_workers=1, **extra,
    )  # fmt: skip
    app = create_app(settings)
    with app.state.session_factory() as session:
        accounts.create_admin(session, "uo-perm", "Пароль-для-тестов-1")
        token = accounts.issue_api_token(session, "uo-perm")
    return app, {"Authorization": f"Bearer {token}"}


def _timetables(tmp: Path) -> list[Path]:
    """Four generated small schools (grades 1–9), written as the flat CSV a school uploads."""
    from planner.app.demo import build_demo_school
    from planner.exports.flat import write_flat

    paths = []
    for seed in (1, 2, 4, 5):
        path = tmp / f"school-{seed}.csv"
        write_flat(build_demo_school("small", seed), path)
        paths.append(path)
    return paths


def _finished(app: Any) -> int:
    from api.models import Job

    with app.state.session_factory() as s:
        return int(s.scalar(select(func.count(Job.id)).where(Job.status == "succeeded")) or 0)


def _running_on(app: Any, worker: str) -> tuple[str, int] | None:
    """A job the named worker has just started (id, attempt), if any."""
    from api.db import aware, utcnow
    from api.models import Job

    with app.state.session_factory() as s:
        for job in s.scalars(select(Job).where(Job.status == "running")):
            started = aware(job.started_at)
            fresh = started is not None and (utcnow() - started).total_seconds() < 0.6
            if (job.worker_name or "").startswith(f"{worker}@") and fresh:
                return job.id, job.attempt
    return None


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_frost_morning_on_two_workers_survives_a_killed_worker(
    database_url: str, tmp_path: Path
) -> None:
    from api.models import Job, Version
    from api.services import rebuilds, schools, versions

    data_dir = tmp_path / "data"
    with celery_queue(RABBITMQ_URL, database_url, data_dir) as queue:
        app, headers = _app(database_url, data_dir, RABBITMQ_URL, queue.name)
        csvs = _timetables(tmp_path)
        with TestClient(app) as client, queue.worker("w1") as w1, queue.worker("w2"):
            for i in range(SCHOOLS):
                r = client.post("/api/v1/schools", json={"name": f"Школа № {i + 1}"},
                                headers=headers)  # fmt: skip
                with open(csvs[i % len(csvs)], "rb") as fh:
                    files = {"file": ("school.csv", fh)}
                    url = f"/api/v1/schools/{r.json()['id']}/timetable"
                    up = client.post(url, files=files, headers=headers)
                assert up.status_code == 201, up.text
            r = client.post("/api/v1/municipal-orders", json={"order": FROST, "time_limit": 1.5},
                            headers=headers)  # fmt: skip
            assert r.status_code == 202, r.text
            order_id = r.json()["order"]["id"]
            # kill w1 when about half the schools are done, at the start of its next job
            deadline = time.monotonic() + 120
            while _finished(app) < SCHOOLS // 2 or (victim := _running_on(app, "w1")) is None:
                assert time.monotonic() < deadline, "w1 never started a job"
                time.sleep(0.02)
            w1.kill()  # mid-job: the solve had started less than 0.6 s before
            with app.state.session_factory() as s:
                killed = s.get(Job, victim[0])
                assert (killed.status, killed.attempt) == ("running", 1), "the job ended first"
            board = settled(client, order_id, headers, timeout=300)

        statuses = {row["school"]: row["status"] for row in board["schools"]}
        assert set(statuses.values()) == {"published"}, board
        assert len(statuses) == SCHOOLS
        with app.state.session_factory() as s:
            assert s.scalar(select(func.count(Version.id))) == SCHOOLS
            per_school = s.execute(
                select(Version.school_id, func.count()).group_by(Version.school_id)
            )
            assert {n for _school, n in per_school} == {1}
            job_ids = list(s.scalars(select(Version.job_id)))
            assert len(set(job_ids)) == SCHOOLS  # no job published twice
            redone = s.get(Job, victim[0])
            assert (redone.status, redone.attempt) == ("succeeded", 2)
            assert redone.worker_name.startswith("w2@")
            assert versions.version_of_job(s, redone.id) is not None
            # the independent checker, again, on every published version
            for version in s.scalars(select(Version)):
                job = rebuilds.get_job(s, version.job_id)
                timetable = versions.version_timetable(s, version)
                order = rebuilds.validate_order(job.order_doc, timetable)
                schedule = Schedule.from_json(json.loads(version.schedule_json))
                _cat, report = versions.check_version(schedule, timetable, order)
                assert report.violations == [], (schools.get_school(s, version.school_id).name,
                                                 report.violations)  # fmt: skip
        app.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_progress_and_cancel_reach_a_worker_in_another_process_over_redis(
    database_url: str, tmp_path: Path
) -> None:
    from tests.api.util import job_when, make_school, solving

    data_dir = tmp_path / "data"
    slow = {"PLANNER_SOLVER_FUNCTION": "tests.api.standin_solver:solve_slow"}
    with celery_queue(REDIS_URL, database_url, data_dir, **slow) as queue:
        app, headers = _app(database_url, data_dir, REDIS_URL, queue.name)
        with TestClient(app) as client, queue.worker("w1"):
            school_id = make_school(client, headers)
            r = client.post(f"/api/v1/schools/{school_id}/rebuilds",
                            json={"order": {"classes": ["5А"], "from": "2026-12-07",
                                            "to": "2026-12-07"}, "time_limit": 60},
                            headers=headers)  # fmt: skip
            job_id = r.json()["id"]
            # (the progress is the share of the time limit gone: 0.0 at a plan in its first
            # 30 ms, when the worker's modules load from bytecode; it grows with the heartbeat)
            running = job_when(client, job_id, headers,
                               lambda d: solving(d) and d["progress"] > 0, timeout=60)  # fmt: skip
            assert running["progress"] < 1
            r = client.post(f"/api/v1/rebuilds/{job_id}/cancel", headers=headers)
            assert r.status_code == 200
            done = job_when(client, job_id, headers, lambda d: d["status"] == "cancelled", 20)
            assert done["has_schedule"] is True  # the best plan before the cancel is kept
        with app.state.session_factory() as s:
            from api.models import Job

            assert s.get(Job, job_id).worker_name.startswith("w1@")
        app.state.engine.dispose()


def test_a_broker_that_is_down_fails_the_job_with_a_clear_message() -> None:
    """No broker at the address: the job fails at once, saying what to check."""
    import tempfile

    from fastapi.testclient import TestClient as Client

    from tests.api.util import make_school

    with tempfile.TemporaryDirectory() as tmp:
        down = "amqp://guest:guest@127.0.0.1:1//"
        app, headers = _app(f"sqlite:///{tmp}/p.db", Path(tmp) / "data", down, "nowhere")
        with Client(app) as client:
            school_id = make_school(client, headers)
            r = client.post(f"/api/v1/schools/{school_id}/rebuilds",
                            json={"order": {"classes": ["5А"], "from": "2026-12-07",
                                            "to": "2026-12-07"}}, headers=headers)  # fmt: skip
            job = client.get(f"/api/v1/rebuilds/{r.json()['id']}", headers=headers).json()
        app.state.engine.dispose()
    assert job["status"] == "failed"
    assert job["message"].startswith(
        "очередь задач недоступна (amqp://guest:***@127.0.0.1:1//): перестроение не отправлено"
    )
