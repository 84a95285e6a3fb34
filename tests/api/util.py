"""Helpers of the API tests: a school with the small timetable, orders, waiting for jobs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

FINISHED = ("succeeded", "failed", "cancelled")
ADMIN_LOGIN = "zavuch"  # the `admin` fixture of tests/conftest.py
ADMIN_PASSWORD = "Пароль-для-тестов-1"
DATA = Path(__file__).parent / "data"
ORDER_5A: dict[str, Any] = {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-11"}
ORDER_BOTH: dict[str, Any] = {"classes": ["5А", "6А"], "from": "2026-12-07", "to": "2026-12-11"}


def make_school(
    client: TestClient, headers: dict[str, str], csv: str = "school.csv", name: str = "Школа № 1"
) -> int:
    r = client.post("/api/v1/schools", json={"name": name}, headers=headers)
    assert r.status_code == 201, r.text
    school_id = r.json()["id"]
    with open(DATA / csv, "rb") as fh:
        r = client.post(
            f"/api/v1/schools/{school_id}/timetable",
            files={"file": (csv, fh, "text/csv")},
            headers=headers,
        )
    assert r.status_code == 201, r.text
    return int(school_id)


def job_when(
    client: TestClient,
    job_id: str,
    headers: dict[str, str],
    ready: Callable[[dict[str, Any]], bool],
    timeout: float = 20,
) -> dict[str, Any]:
    """Poll the job's JSON until ``ready`` says so; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        doc = client.get(f"/api/v1/rebuilds/{job_id}", headers=headers).json()
        if ready(doc):
            return doc
        assert time.monotonic() < deadline, f"job still {doc['status']}: {doc}"
        time.sleep(0.05)


def solving(doc: dict[str, Any]) -> bool:
    """The worker runs the job and has reported a plan."""
    return bool(doc["status"] == "running" and doc["solutions"] > 0)


def wait_job(client: TestClient, job_id: str, headers: dict[str, str], timeout: float = 60) -> dict:
    return job_when(client, job_id, headers, lambda d: d["status"] in FINISHED, timeout)


def rebuild(
    client: TestClient, school_id: int, headers: dict[str, str], order: dict | None = None
) -> dict:
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": order or ORDER_5A, "time_limit": 2, "workers": 1},
        headers=headers,
    )
    assert r.status_code == 202, r.text
    return wait_job(client, r.json()["id"], headers)


def published(
    client: TestClient, school_id: int, headers: dict[str, str], order: dict | None = None
) -> dict:
    job = rebuild(client, school_id, headers, order)
    assert job["status"] == "succeeded", job
    r = client.post(
        f"/api/v1/rebuilds/{job['id']}/publish", json={"comment": "тест"}, headers=headers
    )
    assert r.status_code == 201, r.text
    return r.json()
