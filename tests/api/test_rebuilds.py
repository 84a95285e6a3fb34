from __future__ import annotations

import socket
import subprocess
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.api.util import (
    ORDER_5A,
    ORDER_BOTH,
    job_when,
    make_school,
    published,
    rebuild,
    solving,
    wait_job,
)

STANDIN = "tests.api.standin_solver"


def test_rebuild_lifecycle_succeeds(client, app, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": ORDER_5A, "time_limit": 2, "workers": 1},
        headers=auth_headers,
    )
    assert r.status_code == 202
    first = r.json()
    assert first["status"] in ("queued", "running", "succeeded")
    assert first["created_by"] == "zavuch"
    job = wait_job(client, first["id"], auth_headers)
    assert job["status"] == "succeeded"
    assert job["status_ru"] == "готово"
    assert job["progress"] == 1.0
    assert job["best_objective"] == 12.0
    assert job["best_bound"] == 4.0
    assert job["has_schedule"] is True
    assert job["summary"]["online"] == 7  # 5А has 7 lessons a week
    assert job["summary"]["in_person"] == 7
    assert job["summary"]["dates"] == [
        "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11",
    ]  # fmt: skip
    assert job["summary"]["violations"] == []
    assert job["started_at"] and job["finished_at"]
    listed = client.get(f"/api/v1/schools/{school_id}/rebuilds", headers=auth_headers).json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_rebuild_with_bad_order_is_422(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": {"classes": ["9Я"], "from": "2026-12-07", "to": "2026-12-11"}},
        headers=auth_headers,
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["message"] == "приказ не принят: исправьте ошибки ниже и отправьте снова."
    assert detail["problems"][0]["file"] == "приказ"
    assert detail["problems"][0]["column"] == "classes"
    assert "9Я" in detail["problems"][0]["message"]


def test_rebuild_without_timetable_is_409(client, auth_headers) -> None:
    school_id = client.post(
        "/api/v1/schools", json={"name": "Пустая"}, headers=auth_headers
    ).json()["id"]
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds", json={"order": ORDER_5A}, headers=auth_headers
    )
    assert r.status_code == 409
    assert r.json()["detail"]["message"].startswith("у школы «Пустая» ещё нет расписания")


def test_unknown_job_is_404(client, auth_headers) -> None:
    r = client.get("/api/v1/rebuilds/nope", headers=auth_headers)
    assert r.status_code == 404
    assert r.json()["detail"]["message"] == "перестроения nope нет; проверьте номер задачи."


def test_cancel_running_job(client, app, auth_headers) -> None:
    app.state.settings.solver_function = f"{STANDIN}:solve_slow"
    school_id = make_school(client, auth_headers)
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds", json={"order": ORDER_5A}, headers=auth_headers
    )
    job_id = r.json()["id"]
    doc = job_when(client, job_id, auth_headers, solving)  # the worker reported progress
    assert doc["best_objective"] is not None and doc["best_objective"] < 100
    # what the progress page shows a deputy: the best plan's figures while the search runs
    doc = job_when(client, job_id, auth_headers, lambda d: d["figures"]["online_minutes"])
    assert doc["figures"]["online_minutes"] > 600
    assert doc["figures"]["subjects_without_contact"] == 2
    assert doc["figures"]["good_enough"] is False  # 99 against a bound of 1: far from proven
    r = client.post(f"/api/v1/rebuilds/{job_id}/cancel", headers=auth_headers)
    assert r.status_code == 200
    assert r.json()["cancel_requested"] is True
    job = wait_job(client, job_id, auth_headers)
    assert job["status"] == "cancelled"
    assert job["message"] == (
        "отменено; лучшее найденное до отмены расписание сохранено: его можно посмотреть и "
        "опубликовать."
    )
    assert (job["has_schedule"], job["reviewable"]) == (True, True)
    # the kept plan's own figures replace the live ones
    assert job["figures"]["online_minutes"] == job["summary"]["online_minutes"]
    assert "live" not in job["summary"]
    r = client.post(f"/api/v1/rebuilds/{job_id}/cancel", headers=auth_headers)
    assert r.status_code == 409
    # the plan kept at the cancel is published like a finished one
    r = client.post(f"/api/v1/rebuilds/{job_id}/publish", headers=auth_headers)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1


def test_cancel_queued_job(app, auth_headers, client) -> None:
    from api.models import Job, School, TimetableUpload
    from api.services import schools

    school_id = make_school(client, auth_headers)
    with app.state.session_factory() as s:
        school = s.get(School, school_id)
        upload = schools.current_upload(s, school)
        job = Job(
            id=uuid.uuid4().hex, school_id=school_id, timetable_id=upload.id, order_doc=ORDER_5A,
            time_limit=2, workers=1, seed=1,
        )  # fmt: skip
        s.add(job)
        s.commit()
        assert isinstance(upload, TimetableUpload)
    r = client.post(f"/api/v1/rebuilds/{job.id}/cancel", headers=auth_headers)
    assert r.json()["status"] == "cancelled"
    assert r.json()["message"] == "отменено до начала решения."
    # a worker that picks it up later does nothing
    from api.jobs import run_job

    assert run_job(app.state.settings.database_url, job.id, f"{STANDIN}:solve_remote") == (
        "cancelled"
    )


def test_failed_rebuild_keeps_published_version_serving(client, app, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    version = published(client, school_id, auth_headers)
    assert version["number"] == 1
    link = next(
        x
        for x in client.get(f"/api/v1/schools/{school_id}/links", headers=auth_headers).json()
        if x["kind"] == "class" and x["target"] == "5А"
    )
    before = client.get(f"/api/v1/public/{link['token']}").json()
    app.state.settings.solver_function = f"{STANDIN}:solve_infeasible"
    job = rebuild(client, school_id, auth_headers, ORDER_BOTH)
    assert job["status"] == "failed"
    assert job["message"] == (
        "приказ невыполним: 5А: математика должна быть онлайн, но в этот день у класса нет места."
    )
    assert job["problems"] == []  # the solver's internal keys are not shown to anyone
    app.state.settings.solver_function = f"{STANDIN}:solve_crash"
    job = rebuild(client, school_id, auth_headers, ORDER_BOTH)
    assert job["status"] == "failed"
    # the page says what happened and what to do; the code's exception stays in the server log
    assert job["message"].startswith("перестроение прервалось из-за сбоя программы.")
    assert job["id"][:8] in job["message"]
    assert "RuntimeError" not in job["message"] and "сбой решателя" not in job["message"]
    app.state.settings.solver_function = f"{STANDIN}:solve_catalogue_gap"
    job = rebuild(client, school_id, auth_headers, ORDER_BOTH)
    assert job["status"] == "failed"
    assert job["message"].startswith("перестроить не удалось: в файлах норм нет значения")
    assert "lesson.max_minutes" not in job["message"] and "CatalogueError" not in job["message"]
    school = client.get(f"/api/v1/schools/{school_id}", headers=auth_headers).json()
    assert school["published_version"] == 1
    assert client.get(f"/api/v1/public/{link['token']}").json() == before
    assert before["version"] == 1 and len(before["items"]) == 7


@pytest.mark.parametrize("solver", ["solve_no_plan_yet", "solve_breaks_when_stopped"])
def test_cancel_before_the_first_plan_is_cancelled_and_keeps_the_version(
    client, app, auth_headers, solver: str
) -> None:
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    link = next(
        x
        for x in client.get(f"/api/v1/schools/{school_id}/links", headers=auth_headers).json()
        if x["kind"] == "class" and x["target"] == "5А"
    )
    before = client.get(f"/api/v1/public/{link['token']}").json()
    app.state.settings.solver_function = f"{STANDIN}:{solver}"
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": ORDER_BOTH, "time_limit": 120},
        headers=auth_headers,
    )
    job_id = r.json()["id"]
    job_when(client, job_id, auth_headers, lambda d: d["status"] == "running")
    assert client.post(f"/api/v1/rebuilds/{job_id}/cancel", headers=auth_headers).status_code == 200
    job = wait_job(client, job_id, auth_headers)
    assert (job["status"], job["status_ru"]) == ("cancelled", "отменено")
    assert job["message"] == (
        "отменено до того, как решатель нашёл первый полный план; нового расписания нет. "
        "Опубликованная версия не изменилась."
    )
    assert job["problems"] == []
    assert (job["has_schedule"], job["reviewable"]) == (False, False)
    r = client.post(f"/api/v1/rebuilds/{job_id}/publish", headers=auth_headers)
    assert r.status_code == 409
    assert r.json()["detail"]["message"] == (
        "публиковать можно только перестроение с планом (готовое или отменённое после первого "
        "найденного плана); это — «отменено», плана в нём нет."
    )
    school = client.get(f"/api/v1/schools/{school_id}", headers=auth_headers).json()
    assert school["published_version"] == 1
    assert client.get(f"/api/v1/public/{link['token']}").json() == before


def test_no_plan_without_cancel_is_still_an_error(client, app, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    app.state.settings.solver_function = f"{STANDIN}:solve_gives_up"
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": ORDER_5A, "time_limit": 1},
        headers=auth_headers,
    )
    job = wait_job(client, r.json()["id"], auth_headers)  # the solver gives up on its own
    assert job["status"] == "failed"
    assert job["message"] == (
        "приказ невыполним: Решатель не нашёл ни одного плана за 1 с (статус UNKNOWN). "
        "Увеличьте --time-limit или уменьшите обязательные требования приказа."
    )


def test_multi_day_job_reports_dates_then_the_whole_period(client, app, auth_headers) -> None:
    from tests.api.standin_solver import GATES

    for gate in GATES:
        gate.clear()
    app.state.settings.solver_function = f"{STANDIN}:solve_dates"
    school_id = make_school(client, auth_headers)
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds", json={"order": ORDER_5A}, headers=auth_headers
    )
    job_id = r.json()["id"]
    try:
        doc = job_when(client, job_id, auth_headers, lambda d: d["dates_done"] == 2)
        assert {k: doc[k] for k in FIGURES} == {
            "status": "running",
            "phase": "days",
            "phase_ru": "по дням: решено дат 2 из 5",
            "dates_done": 2,
            "dates_total": 5,
            "best_objective": 500.0,  # the start plan
            "best_bound": None,  # the dates' bounds are not a bound of the whole period
            "solutions": 1,
        }
        GATES[0].set()
        doc = job_when(client, job_id, auth_headers, lambda d: d["best_objective"] == 420.0)
        assert {k: doc[k] for k in FIGURES} == {
            "status": "running",
            "phase": "period",
            "phase_ru": "весь период",
            "dates_done": 5,
            "dates_total": 5,
            "best_objective": 420.0,
            "best_bound": 300.0,
            "solutions": 2,
        }
    finally:
        GATES[1].set()
        GATES[0].set()
    job = wait_job(client, job_id, auth_headers)
    assert {k: job[k] for k in FIGURES} == {
        "status": "succeeded",
        "phase": None,
        "phase_ru": None,
        "dates_done": 5,
        "dates_total": 5,
        "best_objective": 410.0,
        "best_bound": 305.0,
        "solutions": 3,
    }


def test_single_day_job_has_no_date_phase(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    one_day = {**ORDER_5A, "to": ORDER_5A["from"]}
    job = rebuild(client, school_id, auth_headers, one_day)
    assert (job["status"], job["dates_done"], job["dates_total"], job["solutions"]) == (
        "succeeded", None, None, 1,
    )  # fmt: skip


FIGURES = ("status", "phase", "phase_ru", "dates_done", "dates_total", "best_objective",
           "best_bound", "solutions")  # fmt: skip


def test_publish_creates_immutable_versions(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    v1 = published(client, school_id, auth_headers, ORDER_5A)
    assert (v1["number"], v1["author"], v1["comment"]) == (1, "zavuch", "тест")
    assert v1["content_hash"].startswith("sha256:")
    v1_full = client.get(f"/api/v1/schools/{school_id}/versions/1", headers=auth_headers).json()
    # the same draft again: nothing to publish
    job = rebuild(client, school_id, auth_headers, ORDER_5A)
    r = client.post(f"/api/v1/rebuilds/{job['id']}/publish", headers=auth_headers)
    assert r.status_code == 409
    assert r.json()["detail"]["message"] == (
        "черновик совпадает с опубликованной версией 1; публиковать нечего."
    )
    v2 = published(client, school_id, auth_headers, ORDER_BOTH)
    assert v2["number"] == 2
    versions = client.get(f"/api/v1/schools/{school_id}/versions", headers=auth_headers).json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0] == v1
    again = client.get(f"/api/v1/schools/{school_id}/versions/1", headers=auth_headers).json()
    assert again == v1_full
    online = [i for i in again["schedule"]["items"] if i["format"] == "online"]
    assert {i["class"] for i in online} == {"5А"}
    r = client.get(f"/api/v1/schools/{school_id}/versions/3", headers=auth_headers)
    assert r.status_code == 404
    assert r.json()["detail"]["message"] == "у школы «Школа № 1» нет опубликованной версии № 3."


def test_version_files_endpoint(client, app, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    version = published(client, school_id, auth_headers)
    url = f"/api/v1/schools/{school_id}/versions/1/files"
    import importlib.util

    if importlib.util.find_spec("planner.exports.bundle") is not None:
        assert "report.html" in version["files"], version["files_message"]
        name = "report.html"
        r = client.get(f"{url}/{name}", headers=auth_headers)
        assert r.status_code == 200
        path = app.state.settings.data_dir / "schools" / str(school_id) / "versions" / "1" / name
        assert r.content == path.read_bytes()
    else:
        assert version["files"] == []
        assert version["files_message"] == (
            "файлы выгрузки недоступны в этой сборке (нет planner.exports.bundle)."
        )
    r = client.get(f"{url}/%2e%2e%2f%2e%2e%2fsecret_key", headers=auth_headers)
    assert r.status_code == 404
    r = client.get(f"{url}/nope.txt", headers=auth_headers)
    assert r.status_code == 404
    assert r.json()["detail"]["message"].startswith("в версии № 1 нет файла «nope.txt»")


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_restart_marks_stale_running_job_and_requeues_queued(app, client, auth_headers) -> None:
    from api.models import Job, School
    from api.services import schools
    from web.app import create_app

    school_id = make_school(client, auth_headers)
    with app.state.session_factory() as s:
        upload = schools.current_upload(s, s.get(School, school_id))
        stale = Job(
            id=uuid.uuid4().hex, school_id=school_id, timetable_id=upload.id, order_doc=ORDER_5A,
            time_limit=2, workers=1, seed=1, status="running", worker_pid=_dead_pid(),
            worker_host=socket.gethostname(),
        )  # fmt: skip
        queued = Job(
            id=uuid.uuid4().hex, school_id=school_id, timetable_id=upload.id, order_doc=ORDER_5A,
            time_limit=2, workers=1, seed=1, status="queued",
        )  # fmt: skip
        s.add_all([stale, queued])
        s.commit()
    restarted = create_app(app.state.settings)
    try:
        with TestClient(restarted) as c2:
            doc = c2.get(f"/api/v1/rebuilds/{stale.id}", headers=auth_headers).json()
            assert doc["status"] == "failed"
            assert doc["message"].startswith("перестроение прервано: процесс решателя завершился")
            assert wait_job(c2, queued.id, auth_headers)["status"] == "succeeded"
    finally:
        restarted.state.runner.shutdown()
        restarted.state.engine.dispose()


def test_job_runs_in_real_process_pool(client, app, auth_headers) -> None:
    import os

    app.state.settings.job_runner = "process"
    school_id = make_school(client, auth_headers)
    job = rebuild(client, school_id, auth_headers, ORDER_5A)
    assert job["status"] == "succeeded"
    with app.state.session_factory() as s:
        from api.models import Job

        row = s.get(Job, job["id"])
        assert row.worker_pid is not None and row.worker_pid != os.getpid()


def test_same_file_for_two_schools_keeps_each_school_name(client, auth_headers) -> None:
    from tests.api.util import DATA

    first = make_school(client, auth_headers)
    second = client.post("/api/v1/schools", json={"name": "Гимназия № 2"}, headers=auth_headers)
    second_id = second.json()["id"]
    r = client.post(
        f"/api/v1/schools/{second_id}/timetable",
        files={"file": ("school.csv", (DATA / "school.csv").read_bytes(), "text/csv")},
        headers=auth_headers,
    )
    assert r.status_code == 201
    published(client, first, auth_headers)
    published(client, second_id, auth_headers)
    names = [
        client.get(f"/api/v1/schools/{sid}/versions/1", headers=auth_headers).json()["schedule"][
            "school"
        ]
        for sid in (first, second_id)
    ]
    assert names == ["Школа № 1", "Гимназия № 2"]


def test_cancel_through_real_process_pool(client, app, auth_headers) -> None:
    app.state.settings.job_runner = "process"
    app.state.settings.solver_function = f"{STANDIN}:solve_slow"
    school_id = make_school(client, auth_headers)
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds", json={"order": ORDER_5A}, headers=auth_headers
    )
    job_id = r.json()["id"]
    job_when(client, job_id, auth_headers, solving, timeout=30)  # the worker process writes it
    assert client.post(f"/api/v1/rebuilds/{job_id}/cancel", headers=auth_headers).status_code == 200
    job = wait_job(client, job_id, auth_headers)
    assert job["status"] == "cancelled"
    assert job["has_schedule"] is True


def test_dead_worker_process_fails_the_job_and_the_pool_recovers(client, app, auth_headers):
    app.state.settings.job_runner = "process"
    app.state.settings.solver_function = f"{STANDIN}:solve_die"
    school_id = make_school(client, auth_headers)
    job = rebuild(client, school_id, auth_headers, ORDER_5A)
    assert job["status"] == "failed"
    assert job["message"] == (
        "перестроение прервано: процесс решателя завершился (перезапуск или сбой приложения). "
        "Опубликованная версия не изменилась; запустите перестроение заново. (BrokenProcessPool)"
    )
    app.state.settings.solver_function = f"{STANDIN}:solve_remote"
    assert rebuild(client, school_id, auth_headers, ORDER_5A)["status"] == "succeeded"


def test_rebuild_with_the_real_solver(client, app, auth_headers) -> None:
    app.state.settings.solver_function = "planner.app.pipeline:solve"
    school_id = make_school(client, auth_headers)
    job = rebuild(client, school_id, auth_headers, ORDER_5A)
    assert job["status"] == "succeeded", job
    assert job["summary"]["stats"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert job["summary"]["violations"] == []
    assert job["summary"]["online"] + job["summary"]["self_study"] == 7
    assert job["best_objective"] == job["summary"]["stats"]["objective"]
    # the week is solved date by date first, then as a whole
    assert (job["dates_done"], job["dates_total"], job["phase"]) == (5, 5, None)
    assert job["summary"]["stats"]["phases"].startswith("по дням (5)")
    assert job["solutions"] >= 1
    # where the job's time went (bench/bench_e2e.py reads it): reading the inputs, then the steps
    timings = job["summary"]["timings"]
    assert list(timings["phases"]) == ["import", "problem", "solve", "assemble", "check"]
    assert 0 < timings["marks"]["first_plan"] <= timings["total_s"] <= timings["job_s"]
    version = client.post(f"/api/v1/rebuilds/{job['id']}/publish", headers=auth_headers).json()
    assert version["number"] == 1
    assert "report.html" in version["files"], version["files_message"]
    r = client.get(
        f"/api/v1/schools/{school_id}/versions/1/files/report.html", headers=auth_headers
    )
    assert r.status_code == 200 and "5А" in r.text


def test_a_version_row_cannot_be_updated(client, app, auth_headers) -> None:
    from sqlalchemy import select

    from api.models import Version

    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    with app.state.session_factory() as s:
        version = s.scalar(select(Version))
        version.comment = "переписано"
        with pytest.raises(ValueError, match="опубликованная версия № 1 не изменяется"):
            s.commit()


@pytest.mark.parametrize(
    ("override", "column", "said"),
    [
        ({"online_end_not_after_x": {"value": "17:00", "reason": "Приказ № 45"}},
         "overrides.online_end_not_after_x", "неизвестный параметр норм"),
        ({"day.online_end_not_after": {"value": "пять", "reason": "Приказ № 45"}},
         "overrides.day.online_end_not_after", "значение 'пять' неверно"),
    ],
)  # fmt: skip
def test_a_wrong_local_act_value_is_refused_before_any_job_starts(
    client, auth_headers, override: dict, column: str, said: str
) -> None:
    school_id = make_school(client, auth_headers)
    order = {**ORDER_5A, "overrides": override}
    r = client.post(
        f"/api/v1/schools/{school_id}/rebuilds",
        json={"order": order, "time_limit": 2, "workers": 1},
        headers=auth_headers,
    )
    assert r.status_code == 422, r.text
    [problem] = r.json()["detail"]["problems"]
    assert problem["column"] == column and said in problem["message"]
    assert "CatalogueError" not in r.text
    jobs = client.get(f"/api/v1/schools/{school_id}/rebuilds", headers=auth_headers).json()
    assert jobs == []
