"""The school's regulation in the JSON API: attendance counts by teacher links (items 2.3, 2.6),
readiness of classes (3.2–3.3), no phones (3.3), the self-study materials of lessons (3.7)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tests.api.util import make_school, published, rebuild

TZ = ZoneInfo("Asia/Yekaterinburg")  # the test settings' (and so the schools') zone
ITEM_3_3 = "п. 3.3 Положения об использовании ИКОП «Сферум»"


def school_today() -> date:
    return datetime.now(TZ).date()


def weekdays_up_to_today(n: int) -> list[date]:
    """The last ``n`` weekdays up to the school's today, oldest first."""
    out, d = [], school_today()
    while len(out) < n:
        if d.isoweekday() <= 5:
            out.append(d)
        d -= timedelta(days=1)
    return out[::-1]


@dataclass
class School:
    id: int
    tokens: dict[tuple[str, str], str]
    link_ids: dict[tuple[str, str], int]
    days: list[date]  # two remote days up to today

    def token(self, kind: str, target: str) -> str:
        return self.tokens[(kind, target)]


def remote_school(client: Any, headers: dict[str, str], name: str = "Школа № 1") -> School:
    """5А (Иванова, Петрова, Сидоров) and 7А (only Орлова) remote for the last two weeks."""
    sid = make_school(client, headers, "school-7a.csv", name)
    order = {
        "classes": ["5А", "7А"],
        "from": (school_today() - timedelta(days=13)).isoformat(),
        "to": school_today().isoformat(),
    }
    published(client, sid, headers, order)
    rows = client.get(f"/api/v1/schools/{sid}/links", headers=headers).json()
    tokens = {(x["kind"], x["target"]): x["token"] for x in rows if not x["with_calls"]}
    ids = {(x["kind"], x["target"]): x["id"] for x in rows if not x["with_calls"]}
    return School(sid, tokens, ids, weekdays_up_to_today(2))


def counts(class_name: str, day: date, present: int, absent: int, ill: int) -> dict[str, Any]:
    return {
        "class_name": class_name,
        "date": day.isoformat(),
        "present": present,
        "absent": absent,
        "ill": ill,
    }


def test_attendance_by_teacher_link_valid_revoked_and_wrong_class_is_404(
    client, auth_headers
) -> None:
    s = remote_school(client, auth_headers)
    day = s.days[-1]
    url = f"/api/v1/public/{s.token('teacher', 'Иванова И.И.')}/attendance"
    r = client.put(url, json=counts("5А", day, 20, 3, 2))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["total"], doc["entered_by"], doc["entered_via"]) == (
        25,
        "Иванова И.И.",
        "teacher_link",
    )
    assert doc["entered_at"].endswith("+05:00")  # shown in the school's time
    # a class she does not teach, an unknown class, a class link: 404
    orlova = f"/api/v1/public/{s.token('teacher', 'Орлова Е.В.')}/attendance"
    assert client.put(orlova, json=counts("5А", day, 1, 0, 0)).status_code == 404
    assert client.put(url, json=counts("9Я", day, 1, 0, 0)).status_code == 404
    class_url = f"/api/v1/public/{s.token('class', '5А')}/attendance"
    assert client.put(class_url, json=counts("5А", day, 1, 0, 0)).status_code == 404
    # her class that is not remote, a day that has not come: refused with the reason
    r = client.put(url, json=counts("6А", day, 20, 0, 0))
    assert r.status_code == 422 and "нет дистанционных уроков" in r.json()["detail"]["message"]
    r = client.put(url, json=counts("5А", school_today() + timedelta(days=1), 20, 0, 0))
    assert r.status_code == 422 and "ещё не наступило" in r.json()["detail"]["message"]
    # numbers only: a list of pupils is refused, and the names go nowhere
    body = {**counts("5А", day, 20, 3, 2), "absent_pupils": ["Петров Петя"]}
    r = client.put(url, json=body)
    assert r.status_code == 422 and "Петров" not in r.text
    # revoked: 404
    link_id = s.link_ids[("teacher", "Иванова И.И.")]
    assert client.post(f"/api/v1/links/{link_id}/revoke", headers=auth_headers).status_code == 200
    assert client.put(url, json=counts("5А", day, 20, 3, 2)).status_code == 404


def test_day_table_period_totals_history_and_xlsx_add_up(client, auth_headers) -> None:
    from api.services import attendance

    s = remote_school(client, auth_headers)
    first, day = s.days
    ivanova = f"/api/v1/public/{s.token('teacher', 'Иванова И.И.')}/attendance"
    orlova = f"/api/v1/public/{s.token('teacher', 'Орлова Е.В.')}/attendance"
    assert client.put(ivanova, json=counts("5А", day, 20, 3, 2)).status_code == 200
    assert client.put(orlova, json=counts("7А", day, 18, 1, 4)).status_code == 200
    assert client.put(ivanova, json=counts("5А", first, 24, 1, 0)).status_code == 200
    # the deputy director corrects 5А: the teacher's entry stays in the history
    r = client.put(
        f"/api/v1/schools/{s.id}/attendance", json=counts("5А", day, 21, 2, 2), headers=auth_headers
    )
    assert r.status_code == 200 and r.json()["entered_by"] == "zavuch"
    r = client.get(
        f"/api/v1/schools/{s.id}/attendance/history",
        params={"class_name": "5А", "date": day.isoformat()},
        headers=auth_headers,
    )
    assert [(e["present"], e["entered_via"]) for e in r.json()] == [
        (21, "admin"),
        (20, "teacher_link"),
    ]

    table = client.get(
        f"/api/v1/schools/{s.id}/attendance", params={"date": day.isoformat()}, headers=auth_headers
    ).json()
    rows = {r["class_name"]: r for r in table["rows"]}
    assert (rows["5А"]["present"], rows["5А"]["corrections"], rows["5А"]["entered_by"]) == (
        21,
        1,
        "zavuch",
    )
    assert table["totals"] == {
        "present": 39,
        "absent": 3,
        "ill": 6,
        "total": 48,
        "entered": 2,
        "expected": 2,
    }
    assert table["missing"] == []
    earlier = client.get(
        f"/api/v1/schools/{s.id}/attendance",
        params={"date": first.isoformat()},
        headers=auth_headers,
    ).json()
    assert earlier["missing"] == ["7А"] and earlier["totals"]["entered"] == 1

    period = {"from": first.isoformat(), "to": day.isoformat()}
    per_day = client.get(
        f"/api/v1/schools/{s.id}/attendance/period", params=period, headers=auth_headers
    ).json()
    assert [
        (d["date"], d["present"], d["total"], d["entered"], d["expected"])
        for d in per_day
        if d["date"] in period.values()
    ] == [(first.isoformat(), 24, 25, 1, 2), (day.isoformat(), 39, 48, 2, 2)]
    totals = client.get(
        f"/api/v1/schools/{s.id}/attendance/totals", params=period, headers=auth_headers
    ).json()
    assert (totals["present"], totals["total"], totals["entered"], totals["missing"]) == (
        63,
        73,
        3,
        1,
    )

    # the municipality's sum over schools: a second school without entries counts its gaps
    other = remote_school(client, auth_headers, "Школа № 2")
    with client.app.state.session_factory() as session:
        both = attendance.totals(session, [other.id, s.id], first, day)
    assert [(t["school_id"], t["present"], t["missing"]) for t in both] == [
        (other.id, 0, 4),
        (s.id, 63, 1),
    ]

    r = client.get(f"/api/v1/schools/{s.id}/attendance.xlsx", params=period, headers=auth_headers)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(r.content))
    days = [row for row in wb["По дням"].iter_rows(min_row=5, values_only=True) if row[0]]
    assert days[-1] == ("Итого", 63, 4, 6, 73, 3, 4)
    assert (first.strftime("%d.%m.%Y"), 24, 1, 0, 25, 1, 2) in days
    classes = list(wb["По классам"].iter_rows(min_row=4, values_only=True))
    assert (first.strftime("%d.%m.%Y"), "7А", None, None, None, None, "не внесено") == classes[1][
        :7
    ]
    assert classes[2][:8] == (
        day.strftime("%d.%m.%Y"),
        "5А",
        21,
        2,
        2,
        25,
        "zavuch",
        "администратор",
    )


def test_lesson_joins_and_materials_reach_the_parent_view_chat_and_epos(
    client, auth_headers
) -> None:
    s = remote_school(client, auth_headers)
    teacher = s.token("teacher", "Иванова И.И.")
    mine = client.get(f"/api/v1/public/{teacher}").json()["items"]
    lesson = [i for i in mine if i["class"] == "5А" and i["date"] <= s.days[-1].isoformat()][-1]
    day = date.fromisoformat(lesson["date"])
    slot = "|".join(
        (
            lesson["date"],
            "5А",
            "",
            "lesson",
            f"{lesson['base']['day']}:{lesson['base']['lesson']}",
            lesson["subject"],
            "",
        )
    )
    r = client.put(f"/api/v1/public/{teacher}/lesson-attendance", json={"slot": slot, "joined": 19})
    assert r.status_code == 200, r.text
    table = client.get(
        f"/api/v1/schools/{s.id}/attendance", params={"date": day.isoformat()}, headers=auth_headers
    ).json()
    row = next(r for r in table["rows"] if r["class_name"] == "5А")
    assert row["joined"] == [{"subject": lesson["subject"], "joined": 19}]
    assert row["missing"] is True  # joins of a lesson are not the class's day entry

    url = f"/api/v1/public/{teacher}/materials"
    body = {
        "slot": slot,
        "recording_url": "https://disk.example/rec-1",
        "assignment": "§12, упр. 3",
        "assignment_url": "https://myschool.edu.ru/r/1",
    }
    r = client.put(url, json=body)
    assert r.status_code == 200 and r.json()["class_name"] == "5А", r.text
    assert client.put(url, json={**body, "recording_url": "http://x.example/1"}).status_code == 422
    orlova = s.token("teacher", "Орлова Е.В.")
    assert client.put(f"/api/v1/public/{orlova}/materials", json=body).status_code == 404
    parents = client.get(f"/api/v1/public/{s.token('class', '5А')}").json()["items"]
    shown = [i for i in parents if i.get("recording_url")]
    assert [(i["recording_url"], i["assignment"]) for i in shown] == [
        ("https://disk.example/rec-1", "§12, упр. 3")
    ]

    messages = client.get(f"/api/v1/schools/{s.id}/chat-messages", headers=auth_headers).json()
    text = next(m["text"] for m in messages if m["class_name"] == "5А")
    assert (
        "если не получается подключиться — запись урока: https://disk.example/rec-1; "
        "задание: §12, упр. 3 https://myschool.edu.ru/r/1"
    ) in text
    r = client.get(f"/api/v1/schools/{s.id}/epos.csv", headers=auth_headers)
    assert r.status_code == 200
    rows = list(csv.DictReader(r.content.decode("utf-8-sig").splitlines()))
    [row] = [x for x in rows if x["homework"]]
    assert (row["class"], row["date"], row["subject"]) == ("5А", day.isoformat(), lesson["subject"])
    assert (
        row["topic"] == "Если не получается подключиться: запись урока https://disk.example/rec-1"
    )
    # removing: every field empty
    assert client.put(url, json={"slot": slot}).json()["recording_url"] is None
    parents = client.get(f"/api/v1/public/{s.token('class', '5А')}").json()["items"]
    assert not any(i.get("recording_url") for i in parents)


def test_readiness_warns_the_order_and_is_recorded_at_publication(
    client, auth_headers, api_settings
) -> None:
    s = remote_school(client, auth_headers)
    listed = client.get(f"/api/v1/schools/{s.id}/readiness", headers=auth_headers).json()
    assert [(r["class"], r["filled"], r["ready"]) for r in listed] == [
        ("5А", False, False),
        ("6А", False, False),
        ("7А", False, False),
    ]
    ready = {
        "chat_linked": True,
        "families_total": 25,
        "families_joined": 25,
        "last_test_call": (school_today() - timedelta(days=1)).isoformat(),
        "families_without_device": 0,
    }
    teacher = f"/api/v1/public/{s.token('teacher', 'Иванова И.И.')}/readiness"
    r = client.put(teacher, json={"class_name": "5А", **ready})
    assert r.status_code == 200 and r.json()["ready"] is True, r.text
    assert r.json()["updated_by"] == "Иванова И.И."
    orlova = f"/api/v1/public/{s.token('teacher', 'Орлова Е.В.')}/readiness"
    assert client.put(orlova, json={"class_name": "5А", **ready}).status_code == 404
    r = client.put(teacher, json={"class_name": "5А", **ready, "families_joined": 26})
    assert r.status_code == 422
    partial = {
        "chat_linked": True,
        "families_total": 25,
        "families_joined": 20,
        "families_without_device": 2,
    }
    r = client.put(f"/api/v1/schools/{s.id}/readiness/7А", json=partial, headers=auth_headers)
    assert r.status_code == 200 and r.json()["cannot_join"] == 2
    assert r.json()["missing"] == [
        "к чату присоединились не все семьи: 20 из 25",
        "пробного подключения ещё не было",
        "нет компьютера, ноутбука или планшета с камерой и микрофоном у семей: 2",
    ]

    order = {"classes": ["5А", "7А"], "from": s.days[0].isoformat(), "to": s.days[1].isoformat()}
    job = rebuild(client, s.id, auth_headers, order)
    [warning] = job["readiness_warnings"]
    assert warning.startswith("7А не готов к дистанционным урокам (п. 3.2–3.3 Положения")
    r = client.post(f"/api/v1/rebuilds/{job['id']}/publish", json={}, headers=auth_headers)
    assert r.status_code == 201, r.text
    version = r.json()
    assert [(x["class"], x["ready"]) for x in version["readiness"]] == [("5А", True), ("7А", False)]
    report = client.get(
        f"/api/v1/schools/{s.id}/versions/{version['number']}/files/report.html",
        headers=auth_headers,
    ).text
    assert 'id="readiness"' in report
    assert '<tr data-class="7А" data-ready="no">' in report
    assert "к чату присоединились не все семьи: 20 из 25" in report
    warnings = report.split('<ul id="warnings">')[1].split("</ul>")[0]
    assert f"<li>{warning}</li>" in warnings
    assert '<td id="not-ready-total"><span class="bad">1</span> (7А)</td>' in report


def test_phone_is_refused_with_the_regulation_item(client, auth_headers) -> None:
    sid = make_school(client, auth_headers)
    for device in ("phone", "телефон", "смартфон"):
        order = {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-08", "device": device}
        r = client.post(
            f"/api/v1/schools/{sid}/rebuilds", json={"order": order}, headers=auth_headers
        )
        assert r.status_code == 422
        [problem] = r.json()["detail"]["problems"]
        assert problem["column"] == "device" and ITEM_3_3 in problem["message"]
