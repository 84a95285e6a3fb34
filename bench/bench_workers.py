"""Benchmark: schools per hour on Celery workers — 1, then 2 worker processes (one solver thread
each) — and the ratio. Prints its figures; exits 1 below target.

What is timed is what a municipal department waits for: from sending a frost order (every grade
remote, publish: auto) to the last school published, through the JSON API, the broker
(RabbitMQ), ``planner worker`` processes and PostgreSQL — the same path as production.

Target: 2 worker processes give at least 1.5× the schools per hour of one (2 cores; the rest
of the machine must be quiet for a fair ratio: a busy machine lowers it).

    .venv/bin/python bench/bench_workers.py                  # 12 schools, 3 s per solve
    .venv/bin/python bench/bench_workers.py --schools 6 --time-limit 2
Needs PostgreSQL (PLANNER_TEST_DATABASE_URL, default the local server) and RabbitMQ
(PLANNER_TEST_BROKER_URL, default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "PLANNER_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BROKER = os.environ.get("PLANNER_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
RATIO_TARGET = 1.5


@contextmanager
def database() -> Iterator[str]:
    url = make_url(PG_URL)
    name = f"bench_workers_{uuid.uuid4().hex[:10]}"
    dsn = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
               dbname=url.database or "postgres", autocommit=True)  # fmt: skip
    with psycopg.connect(**dsn) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**dsn) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def worker(env: dict[str, str], name: str, log: Path) -> Iterator[None]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "planner.cli", "worker", "--concurrency=1",
             "--solver-threads=1", f"--name={name}@%h", "--loglevel=INFO"],
            env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while b"ready." not in log.read_bytes():  # connected to the broker, consuming
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {name} did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run(processes: int, schools: int, time_limit: float, tmp: Path) -> float:
    """Seconds from the order to the last school published, on ``processes`` workers."""
    from api.services import accounts
    from api.settings import Settings
    from planner.app.demo import build_demo_school
    from planner.exports.flat import write_flat
    from web.app import create_app

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    with database() as db, ExitStack() as stack:
        data = tmp / f"data-{processes}"
        env = {**os.environ, "PLANNER_BROKER_URL": BROKER, "PLANNER_JOB_QUEUE": queue,
               "PLANNER_DATABASE_URL": db, "PLANNER_DATA_DIR": str(data)}  # fmt: skip
        app = create_app(Settings(data_dir=data, database_url=db, broker_url=BROKER,
                                  job_queue=queue))  # fmt: skip
        with app.state.session_factory() as s:
            accounts.create_admin(s, "bench", "Пароль-для-замера-1")
            headers = {"Authorization": f"Bearer {accounts.issue_api_token(s, 'bench')}"}
        client = stack.enter_context(TestClient(app))
        csvs = []
        for seed in (1, 2, 4, 5):
            path = tmp / f"school-{seed}.csv"
            write_flat(build_demo_school("small", seed), path)
            csvs.append(path.read_bytes())
        for i in range(schools):
            sid = client.post("/api/v1/schools", json={"name": f"Школа № {i + 1}"},
                              headers=headers).json()["id"]  # fmt: skip
            upload = {"file": ("s.csv", csvs[i % len(csvs)])}
            client.post(f"/api/v1/schools/{sid}/timetable", files=upload, headers=headers)
        for k in range(processes):
            stack.enter_context(worker(env, f"w{k + 1}", tmp / f"w{processes}-{k + 1}.log"))
        order = {"reason": "frost", "from": "2026-12-08", "to": "2026-12-08",
                 "frost": {"temperature": -31}, "publish": "auto"}  # fmt: skip
        t0 = time.perf_counter()
        r = client.post("/api/v1/municipal-orders", json={"order": order, "time_limit": time_limit},
                        headers=headers)  # fmt: skip
        order_id = r.json()["order"]["id"]
        while True:
            board = client.get(f"/api/v1/municipal-orders/{order_id}", headers=headers).json()
            if not board["active"]:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        published = board["totals"]["by_status"]["published"]
        if published != schools:
            raise SystemExit(f"only {published} of {schools} schools published: {board}")
        app.state.engine.dispose()
    from kombu import Connection

    with suppress(Exception), Connection(BROKER) as conn:  # the workers are gone: drop the queue
        conn.default_channel.queue_delete(queue)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians are shown")
    args = parser.parse_args()
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        for _ in range(args.repeat):
            for processes in (1, 2):
                times[processes].append(run(processes, args.schools, args.time_limit, Path(tmp)))
    one, two = statistics.median(times[1]), statistics.median(times[2])
    sph1, sph2 = args.schools / one * 3600, args.schools / two * 3600
    ratio = sph2 / sph1
    print(f"schools: {args.schools}, solver time limit {args.time_limit:g} s, 1 thread per solve")
    print(f"1 worker process : {one:6.1f} s  → {sph1:6.0f} schools/hour")
    print(f"2 worker processes: {two:6.1f} s  → {sph2:6.0f} schools/hour")
    print(f"ratio: {ratio:.2f} (target ≥ {RATIO_TARGET}); medians of {args.repeat} runs: "
          f"1 → {', '.join(f'{t:.1f}' for t in times[1])} s, "
          f"2 → {', '.join(f'{t:.1f}' for t in times[2])} s")  # fmt: skip
    return 0 if ratio >= RATIO_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
