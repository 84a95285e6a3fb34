"""Celery workers for tests: real ``planner worker`` processes on the machine's broker.

The broker is ``PLANNER_TEST_BROKER_URL`` (default RabbitMQ at 127.0.0.1:5672, guest/guest) or
``PLANNER_TEST_REDIS_URL`` (default Redis at 127.0.0.1:6379). A test that needs one and cannot
reach it FAILS with a message saying so (never skipped). Every test uses its own queue, deleted
afterwards, so tests running at the same time on one broker do not take each other's jobs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import REPO

RABBITMQ_URL = os.environ.get("PLANNER_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_broker(url: str) -> None:
    """Fail (never skip) with a clear message when the broker cannot be reached."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        pytest.fail(
            f"брокер очереди недоступен по {url}: {exc}. Запустите RabbitMQ/Redis (README, "
            "«Обработчики Celery») или укажите PLANNER_TEST_BROKER_URL / PLANNER_TEST_REDIS_URL; "
            "тесты с обработчиками не пропускаются.",
            pytrace=False,
        )


def delete_queue(url: str, queue: str) -> None:
    from kombu import Connection

    # the queue may be gone already, or the broker went away: nothing to clean then
    with suppress(Exception), Connection(url, connect_timeout=3) as conn:
        conn.default_channel.queue_delete(queue)


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def ready(self) -> bool:
        return "ready." in self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes (as if its machine died)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@dataclass
class Queue:
    broker: str
    name: str
    env: dict[str, str]
    tmp: Path

    @contextmanager
    def worker(self, name: str, *, concurrency: int = 1, threads: int = 1) -> Iterator[Worker]:
        """A ``planner worker`` process in its own process group; stopped at the end."""
        log = self.tmp / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "planner.cli", "worker", f"--concurrency={concurrency}",
                 f"--solver-threads={threads}", f"--name={name}@%h", "--loglevel=INFO"],
                env=self.env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        worker = Worker(name, process, log)
        try:
            deadline = time.monotonic() + 60
            while not worker.ready():
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"обработчик {name} не запустился:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield worker
        finally:
            worker.kill()


@contextmanager
def celery_queue(broker: str, database_url: str, data_dir: Path, **env: str) -> Iterator[Queue]:
    """A fresh queue on ``broker`` and the environment of workers that share the test's database
    and data folder."""
    require_broker(broker)
    name = f"planner-test-{uuid.uuid4().hex[:12]}"
    worker_env = {
        **os.environ,
        "PLANNER_BROKER_URL": broker,
        "PLANNER_JOB_QUEUE": name,
        "PLANNER_DATABASE_URL": database_url,
        "PLANNER_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(REPO),
        **env,
    }
    try:
        yield Queue(broker, name, worker_env, data_dir)
    finally:
        delete_queue(broker, name)
