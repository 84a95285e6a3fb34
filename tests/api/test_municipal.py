"""Municipal orders over the JSON API: frost grades per school, problems that hold nobody back,
«publish every clean plan», a school that tightens, automatic publishing, the summary XLSX."""

from __future__ import annotations

import io
import time
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.util import DATA, make_school

DEMO_CSV = DATA.parent.parent / "web" / "data" / "demo-small.csv"  # grades 1–9, one class each
FROST: dict[str, Any] = {
    "reason": "frost",
    "title": "Телефонограмма № 15",
    "from": "2026-12-08",
    "to": "2026-12-08",
    "frost": {"temperature": -26},
}


def add_school(client: TestClient, headers: dict, name: str, csv: Any = DEMO_CSV) -> int:
    r = client.post("/api/v1/schools", json={"name": name}, headers=headers)
    assert r.status_code == 201, r.text
    school_id = int(r.json()["id"])
    if csv is not None:
        with open(csv, "rb") as fh:
            r = client.post(
                f"/api/v1/schools/{school_id}/timetable",
                files={"file": ("school.csv", fh, "text/csv")},
                headers=headers,
            )
        assert r.status_code == 201, r.text
    return school_id


def settled(client: TestClient, order_id: str, headers: dict, timeout: float = 30) -> dict:
    """The board once no school waits or solves."""
    deadline = time.monotonic() + timeout
    while True:
        board = client.get(f"/api/v1/municipal-orders/{order_id}", headers=headers).json()
        if not board["active"]:
            return board
        assert time.monotonic() < deadline, board
        time.sleep(0.05)


def states(board: dict) -> dict[str, tuple[str, str]]:
    return {row["school"]: (row["status"], row["grades"]) for row in board["schools"]}


def school_admin(client: TestClient, headers: dict, app: Any, login: str, school_id: int) -> dict:
    from api.services import accounts

    r = client.post(
        "/api/v1/municipality/admins",
        json={"login": login, "password": "Пароль-школы-1", "school_id": school_id},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    with app.state.session_factory() as session:
        return {"Authorization": f"Bearer {accounts.issue_api_token(session, login)}"}


def test_frost_order_reaches_every_school_and_a_problem_holds_nobody_back(
    client, auth_headers
) -> None:
    add_school(client, auth_headers, "Школа № 1")
    add_school(client, auth_headers, "Школа № 2")
    add_school(client, auth_headers, "Школа № 3 (5–6 классы)", DATA / "school.csv")
    add_school(client, auth_headers, "Школа № 4 без расписания", None)
    r = client.post("/api/v1/municipal-orders", json={"order": FROST}, headers=auth_headers)
    assert r.status_code == 202, r.text
    order = r.json()["order"]
    assert order["frost"]["grades"] == [1, 2, 3, 4]
    assert order["frost"]["explanation"].startswith(
        "Прогноз −26 °C: дистанционно учатся 1–4 классы (−25 °C и ниже: 1–4 кл. — Рекомендации "
        "Пермского края"
    )
    board = settled(client, order["id"], auth_headers)
    assert states(board) == {
        "Школа № 1": ("ready", "1–4"),
        "Школа № 2": ("ready", "1–4"),
        "Школа № 3 (5–6 классы)": ("not_affected", ""),
        "Школа № 4 без расписания": ("problem", ""),
    }
    problem = board["schools"][0]  # problems come first
    assert problem["school"] == "Школа № 4 без расписания"
    assert problem["reason"].startswith("у школы «Школа № 4 без расписания» ещё нет расписания")
    assert board["totals"]["classes_remote"] == 8
    assert board["totals"]["by_status"]["ready"] == 2

    r = client.post(f"/api/v1/municipal-orders/{order['id']}/publish", headers=auth_headers)
    assert r.status_code == 200, r.text
    assert sorted(p["school"] for p in r.json()["published"]) == ["Школа № 1", "Школа № 2"]
    again = client.post(f"/api/v1/municipal-orders/{order['id']}/publish", headers=auth_headers)
    assert again.json() == {"published": [], "failed": []}
    board = settled(client, order["id"], auth_headers)
    assert [r["version"] for r in board["schools"] if r["status"] == "published"] == [1, 1]


def test_listed_grades_and_a_school_order_for_every_school(client, auth_headers) -> None:
    add_school(client, auth_headers, "Школа № 1")
    add_school(client, auth_headers, "Школа № 3", DATA / "school.csv")
    listed = {"reason": "quarantine", "schools": ["Школа № 3"], "grades": [5, 7],
              "from": "2026-12-08", "to": "2026-12-09"}  # fmt: skip
    r = client.post("/api/v1/municipal-orders", json={"order": listed}, headers=auth_headers)
    assert r.status_code == 202, r.text
    assert states(settled(client, r.json()["order"]["id"], auth_headers)) == {
        "Школа № 3": ("ready", "5")
    }
    # an ordinary school order applies to every school; a school without that class has a problem
    school_order = {"classes": ["5А"], "from": "2026-12-08", "to": "2026-12-08"}
    r = client.post("/api/v1/municipal-orders", json={"order": school_order}, headers=auth_headers)
    board = settled(client, r.json()["order"]["id"], auth_headers)
    assert states(board) == {"Школа № 1": ("ready", "5"), "Школа № 3": ("ready", "5")}


def test_a_bad_order_lists_every_problem_in_russian(client, auth_headers) -> None:
    bad = {"reason": "снег", "from": "2026-12-08", "to": "завтра", "frost": {"temperature": "x"},
           "grades": [1], "schools": ["Школа № 9"], "colour": "red"}  # fmt: skip
    r = client.post("/api/v1/municipal-orders", json={"order": bad}, headers=auth_headers)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["message"] == "приказ не принят: исправьте ошибки ниже."
    assert {p["column"] for p in detail["problems"]} == {
        "colour", "reason", "to", "grades", "frost.temperature"
    }  # fmt: skip
    r = client.post(
        "/api/v1/municipal-orders",
        json={"order": {**FROST, "schools": ["Школа № 9"]}},
        headers=auth_headers,
    )
    assert r.status_code == 422
    assert r.json()["detail"]["message"] == "в муниципалитете нет школ: Школа № 9; есть: ни одной."


def test_municipal_and_school_frost_acts(client, auth_headers, app) -> None:
    one = add_school(client, auth_headers, "Школа № 1")
    add_school(client, auth_headers, "Школа № 2")
    act = {"reason": "Приказ управления образования № 12",
           "thresholds": [{"at_or_below": -27, "grades": "1-4"}]}  # fmt: skip
    r = client.put("/api/v1/municipality/frost", json=act, headers=auth_headers)
    assert r.status_code == 200, r.text
    assert r.json()["frost"]["in_force"]["rows_ru"] == ["−27 °C и ниже: 1–4 кл."]
    # the school tightens: grades 5–6 already at −26 °C (its admin does it for her school)
    headers_1 = school_admin(client, auth_headers, app, "zavuch-1", one)
    rows = {"reason": "Приказ школы № 3", "thresholds": [{"at_or_below": -26, "grades": [5, 6]}]}
    r = client.put(f"/api/v1/schools/{one}/frost", json=rows, headers=headers_1)
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/municipal-orders", json={"order": FROST}, headers=auth_headers)
    assert r.json()["order"]["frost"]["grades"] == []  # −26 °C: not cold enough for the city
    board = settled(client, r.json()["order"]["id"], auth_headers)
    assert states(board) == {"Школа № 1": ("ready", "5–6"), "Школа № 2": ("not_affected", "")}
    bad = {"reason": "Приказ", "thresholds": [{"at_or_below": -26, "grades": "1-12"}]}
    r = client.put("/api/v1/municipality/frost", json=bad, headers=auth_headers)
    assert r.status_code == 422
    assert "grades — класс 1–11" in r.json()["detail"]["message"]
    r = client.put("/api/v1/municipality/frost", json=act, headers=headers_1)
    assert r.status_code == 403


def test_school_admin_sees_her_school_and_tightens_her_part(client, auth_headers, app) -> None:
    one = add_school(client, auth_headers, "Школа № 1")
    two = add_school(client, auth_headers, "Школа № 2")
    headers_1 = school_admin(client, auth_headers, app, "zavuch-1", one)
    # the neighbouring school of her own municipality is as unknown to her as any other
    assert client.get(f"/api/v1/schools/{two}", headers=headers_1).status_code == 404
    r = client.post("/api/v1/municipal-orders", json={"order": FROST}, headers=auth_headers)
    order_id = r.json()["order"]["id"]
    settled(client, order_id, auth_headers)
    mine = client.get(f"/api/v1/municipal-orders/{order_id}", headers=headers_1).json()
    assert states(mine) == {"Школа № 1": ("ready", "1–4")}
    assert [s["name"] for s in client.get("/api/v1/schools", headers=headers_1).json()] == [
        "Школа № 1"
    ]
    r = client.post(
        f"/api/v1/municipal-orders/{order_id}/schools/{one}/tighten",
        json={"grades": [5]},
        headers=headers_1,
    )
    assert r.status_code == 200, r.text
    board = settled(client, order_id, auth_headers)
    assert states(board)["Школа № 1"] == ("ready", "1–5")
    assert [row["tightened"] for row in board["schools"] if row["school_id"] == one] == [[5]]
    # fewer grades are not a tightening: nothing changes
    r = client.post(
        f"/api/v1/municipal-orders/{order_id}/schools/{one}/tighten",
        json={"grades": [1]},
        headers=headers_1,
    )
    assert states(r.json())["Школа № 1"] == ("ready", "1–5")
    for method, path in (
        ("POST", f"/api/v1/municipal-orders/{order_id}/publish"),
        ("POST", "/api/v1/municipal-orders"),
        ("POST", "/api/v1/schools"),
    ):
        r = client.request(method, path, json={"order": FROST, "name": "x"}, headers=headers_1)
        assert r.status_code == 403, (path, r.text)
        assert "может только администратор муниципалитета" in r.json()["detail"]["message"]


def test_auto_publish_gives_one_version_per_school(client, auth_headers, app) -> None:
    add_school(client, auth_headers, "Школа № 1")
    add_school(client, auth_headers, "Школа № 2")
    r = client.post(
        "/api/v1/municipal-orders", json={"order": {**FROST, "publish": "auto"}},
        headers=auth_headers,
    )  # fmt: skip
    board = settled(client, r.json()["order"]["id"], auth_headers)
    assert {row["status"] for row in board["schools"]} == {"published"}
    # a redelivered job (the same id run again) finds its row finished: no second version
    from api.jobs import run_job

    settings = app.state.settings
    for row in board["schools"]:
        assert run_job(settings.database_url, row["job_id"], settings.solver_function) == (
            "succeeded"
        )
    for school_id in {row["school_id"] for row in board["schools"]}:
        versions = client.get(f"/api/v1/schools/{school_id}/versions", headers=auth_headers)
        assert [v["number"] for v in versions.json()] == [1]
    # pupils affected, once teachers have counted: the average class × classes remote
    assert board["totals"]["pupils"] is None
    from datetime import date

    from api.models import AttendanceEntry

    first = board["schools"][0]["school_id"]
    with app.state.session_factory() as s:
        for name, (present, absent, ill) in {"1А": (20, 3, 2), "2А": (24, 1, 0)}.items():
            s.add(AttendanceEntry(school_id=first, date=date(2026, 12, 8), class_name=name,
                                  present=present, absent=absent, ill=ill, entered_by="t",
                                  entered_via="admin"))  # fmt: skip
        s.commit()
    board = settled(client, r.json()["order"]["id"], auth_headers)
    counted = {row["school_id"]: (row["pupils"], row["present_share"]) for row in board["schools"]}
    assert counted[first] == (100, 0.88)  # 25 a class × 4 classes; 44 of 50 present
    assert board["totals"]["pupils"] == 100


def test_summary_xlsx_has_the_order_the_schools_and_the_totals(client, auth_headers) -> None:
    add_school(client, auth_headers, '=HYPERLINK("http://x")')  # a name is data, never a formula
    add_school(client, auth_headers, "Школа № 2")
    r = client.post("/api/v1/municipal-orders", json={"order": FROST}, headers=auth_headers)
    order_id = r.json()["order"]["id"]
    settled(client, order_id, auth_headers)
    r = client.get(f"/api/v1/municipal-orders/{order_id}/summary.xlsx", headers=auth_headers)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Приказ", "Школы", "Итого"]
    schools = list(wb["Школы"].iter_rows(values_only=True))
    assert schools[0][:6] == (
        "Школа", "Состояние", "Параллели", "Классов на дистанте", "Онлайн-минут", "Нарушений"
    )  # fmt: skip
    cell = wb["Школы"]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    totals = dict(list(wb["Итого"].iter_rows(values_only=True))[1:])
    assert totals["Школ"] == 2 and totals["Классов на дистанте"] == 8


def test_make_school_helper_still_works_for_the_default_municipality(client, auth_headers) -> None:
    """A single-school deployment (no municipality named) keeps working as before."""
    school_id = make_school(client, auth_headers)
    me = client.get("/api/v1/municipality", headers=auth_headers).json()
    assert me["name"] == "Муниципалитет по умолчанию"
    assert [s["id"] for s in me["schools"]] == [school_id]
