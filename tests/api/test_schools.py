from __future__ import annotations

from tests.api.util import DATA, make_school


def test_create_and_list_schools(client, auth_headers) -> None:
    r = client.post("/api/v1/schools", json={"name": " Школа № 7 "}, headers=auth_headers)
    assert r.status_code == 201
    school = r.json()
    assert school == {
        "id": school["id"],
        "name": "Школа № 7",
        "timezone": "Asia/Yekaterinburg",
        "timetable": None,
        "published_version": None,
    }
    assert client.get("/api/v1/schools", headers=auth_headers).json() == [school]
    assert client.get(f"/api/v1/schools/{school['id']}", headers=auth_headers).json() == school


def test_create_school_with_bad_timezone(client, auth_headers) -> None:
    r = client.post(
        "/api/v1/schools", json={"name": "Школа", "timezone": "Europe/Perm"}, headers=auth_headers
    )
    assert r.status_code == 422
    assert r.json()["detail"] == {
        "message": "неизвестный часовой пояс «Europe/Perm»; укажите, например, Asia/Yekaterinburg.",
        "problems": [],
    }


def test_missing_school_is_404(client, auth_headers) -> None:
    r = client.get("/api/v1/schools/999", headers=auth_headers)
    assert r.status_code == 404
    assert r.json()["detail"]["message"] == "школы с номером 999 нет; проверьте адрес."


def test_upload_timetable(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    school = client.get(f"/api/v1/schools/{school_id}", headers=auth_headers).json()
    tt = school["timetable"]
    assert (tt["filename"], tt["classes"], tt["lessons"], tt["teachers"]) == (
        "school.csv", 2, 14, 3,
    )  # fmt: skip


def test_upload_with_an_empty_subject_reads_it_with_a_finding(client, auth_headers) -> None:
    r = client.post("/api/v1/schools", json={"name": "Школа"}, headers=auth_headers)
    school_id = r.json()["id"]
    text = (DATA / "school.csv").read_text(encoding="utf-8")
    bad = text.replace("Пн,2,08:55,09:40,5А,,Русский язык", "Пн,2,08:55,09:40,5А,,")
    r = client.post(
        f"/api/v1/schools/{school_id}/timetable",
        files={"file": ("плохое.csv", bad.encode("utf-8"), "text/csv")},
        headers=auth_headers,
    )
    assert r.status_code == 201, r.text
    [group] = r.json()["findings"]["groups"]
    [item] = group["items"]
    assert (group["kind"], item["file"], item["row"], item["column"]) == (
        "missing_name", "плохое.csv", 3, "предмет",
    )  # fmt: skip
    assert r.json()["lessons"] == 14  # the lesson is kept, named «без названия»


def test_upload_unknown_format(client, auth_headers) -> None:
    r = client.post("/api/v1/schools", json={"name": "Школа"}, headers=auth_headers)
    r = client.post(
        f"/api/v1/schools/{r.json()['id']}/timetable",
        files={"file": ("расписание.pdf", b"%PDF", "application/pdf")},
        headers=auth_headers,
    )
    assert r.status_code == 422
    assert r.json()["detail"]["problems"][0]["file"] == "расписание.pdf"
    assert r.json()["detail"]["problems"][0]["message"].startswith("неизвестный формат «.pdf»")


def test_upload_over_the_size_limit_is_refused(client, auth_headers, monkeypatch) -> None:
    import planner.imports

    monkeypatch.setattr(planner.imports, "MAX_INPUT_BYTES", 100)
    r = client.post("/api/v1/schools", json={"name": "Школа"}, headers=auth_headers)
    r = client.post(
        f"/api/v1/schools/{r.json()['id']}/timetable",
        files={"file": ("большое.csv", b"x" * 101, "text/csv")},
        headers=auth_headers,
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["message"] == (
        "«большое.csv»: файл больше 100 байт; это не похоже на расписание школы."
    )
    assert detail["problems"][0]["file"] == "большое.csv"


def test_upload_without_csrf_in_session_is_rejected(client, admin) -> None:
    from tests.api.util import ADMIN_LOGIN, ADMIN_PASSWORD

    csrf = client.post(
        "/api/v1/auth/login", json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD}
    ).json()["csrf_token"]
    school_id = client.post(
        "/api/v1/schools", json={"name": "Школа"}, headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    content = (DATA / "school.csv").read_bytes()
    r = client.post(
        f"/api/v1/schools/{school_id}/timetable", files={"file": ("school.csv", content)}
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/schools/{school_id}/timetable",
        files={"file": ("school.csv", content)},
        data={"csrf_token": csrf},
    )
    assert r.status_code == 201
