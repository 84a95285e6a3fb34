"""Benchmark of the attendance path (the school's regulation) end to end through the web app.

A medium demo school (~33 classes) is remote for the four weeks up to today, every lesson online
(the plan is published directly: solving is not measured here), and every class has an entry for
every remote day. Through the app (HTTP requests in process, SQLite in a temporary folder):

* a teacher opens her page (attendance forms, readiness, lesson materials) — what she waits for
  on her phone before typing three numbers;
* she saves the counts (the POST and its redirect);
* the deputy director opens the attendance page (day table and period chart);
* the deputy director downloads the XLSX for the municipality (the four weeks).

Targets (median of 5): teacher page < 1.0 s, save < 0.5 s, attendance page < 1.0 s, XLSX < 2.0 s.

    .venv/bin/python bench/bench_attendance.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from api.models import Job
from api.services import accounts, attendance, links, schools, uploads, versions
from api.settings import Settings
from planner.app.demo import build_demo_school
from planner.domain.order import parse_order
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from planner.exports.flat import write_flat
from web.app import create_app

TARGETS = {"teacher page": 1.0, "save counts": 0.5, "attendance page": 1.0, "XLSX": 2.0}
RUNS = 5
TZ = "Asia/Yekaterinburg"


def online_plan(timetable, order) -> Schedule:  # type: ignore[no-untyped-def]
    """Every lesson of the ordered classes online at its usual time."""
    items = []
    for d in order.dates(timetable.school.school_days):
        for x in timetable.lessons:
            if x.day != d.isoweekday():
                continue
            for c in x.classes:
                items.append(
                    ScheduleItem(
                        date=d, class_name=c, kind="lesson", group=x.group, format="online",
                        subject=x.subject, teacher=x.teacher, start=x.start, end=x.end,
                        screen_minutes=x.length, base=BaseRef(x.day, x.lesson),
                        lesson_no=x.lesson, classes=x.classes,
                    )
                )  # fmt: skip
    return Schedule(timetable.school.name, TZ, "bench", order.summary(), tuple(items))


def median(call: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-attendance-"))
    settings = Settings(data_dir=tmp, timezone=TZ, job_runner="inline", base_url="http://b")
    app = create_app(settings)
    today = datetime.now(ZoneInfo(TZ)).date()
    csv_path = tmp / "school.csv"
    write_flat(build_demo_school("medium", 1), csv_path)
    with app.state.session_factory() as session:
        accounts.create_admin(session, "bench", "Пароль-для-замера-1")
        token = accounts.issue_api_token(session, "bench")
        school = schools.create_school(session, "Школа замера", TZ, settings)
        upload = uploads.import_timetable(session, school, "school.csv", csv_path.read_bytes())
        timetable = schools.current_timetable(session, school)
        doc = {"classes": "all", "from": (today - timedelta(days=27)).isoformat(),
               "to": today.isoformat()}  # fmt: skip
        order = parse_order(doc, timetable)
        job = Job(id=uuid.uuid4().hex, school_id=school.id, timetable_id=upload.id,
                  status="succeeded", order_doc=doc, time_limit=1, workers=1, seed=1,
                  schedule_json=online_plan(timetable, order).dumps())  # fmt: skip
        session.add(job)
        session.commit()
        versions.publish_job(session, job, author="bench", comment="", settings=settings)
        days = attendance.entry_days(session, school)
        for d in days:
            for c in order.classes:
                counts = attendance.Counts(22, 2, 1)
                attendance.record(session, school, c, d, counts, by="bench", via="admin")
        teacher = max(timetable.teachers, key=lambda t: len(list(timetable.lessons_of_teacher(t))))
        link = next(x for x in links.list_links(session, school) if x.target == teacher)
        mine = links.teacher_classes(session, link)
        school_id, link_token = school.id, link.token
    print(f"{len(order.classes)} classes, {len(days)} remote days, "
          f"{len(order.classes) * len(days)} entries; teacher of {len(mine)} classes")  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    form = {"class_name": mine[0], "day": days[-1].isoformat(), "present": "21", "absent": "3",
            "ill": "1"}  # fmt: skip
    first, last = days[0].isoformat(), days[-1].isoformat()
    with TestClient(app) as client:

        def get(url: str, **kw: object) -> Callable[[], object]:
            def call() -> object:
                r = client.get(url, **kw)  # type: ignore[arg-type]
                assert r.status_code == 200, r.text[:300]
                return r

            return call

        def save() -> None:
            r = client.post(f"/t/{link_token}/attendance", data=form, follow_redirects=False)
            assert r.status_code == 303, r.text[:300]

        figures = {
            "teacher page": median(get(f"/t/{link_token}")),
            "save counts": median(save),
            "attendance page": median(
                get(f"/admin/schools/{school_id}/attendance", headers=headers)
            ),
            "XLSX": median(
                get(
                    f"/api/v1/schools/{school_id}/attendance.xlsx",
                    params={"from": first, "to": last},
                    headers=headers,
                )
            ),
        }
    app.state.runner.shutdown(wait=True)
    app.state.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    failed = False
    for name, seconds in figures.items():
        ok = seconds < TARGETS[name]
        failed |= not ok
        print(
            f"{name:16} {seconds:6.3f} s  (target < {TARGETS[name]:.1f} s) {'ok' if ok else 'SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
