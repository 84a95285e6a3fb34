"""The school's regulation on the pages, over HTTP: a teacher's attendance, readiness and lesson
materials by her link; the deputy director's day table, corrections and readiness; phones refused
by the order form; and no pupil's name on any page, export, log or table."""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.conftest import DEMO_CSV, Live, wait_job
from tests.web.test_routes import admin_client

TZ = ZoneInfo("Asia/Yekaterinburg")
TEACHER = "Пепеляев П.Л."  # teaches 5А, 7А and 8А of the small demo school
ITEM_3_3 = "п. 3.3 Положения об использовании ИКОП «Сферум»"
PUPIL = "Петров Петя"  # a pupil's name someone might try to enter


def anchor(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class Remote:
    school_id: int
    tokens: dict[tuple[str, str], str]
    items: list[dict[str, Any]]  # the teacher's items (JSON API)
    job_id: str
    version: int

    def token(self, kind: str, target: str) -> str:
        return self.tokens[(kind, target)]

    def remote_days(self) -> list[date]:
        """Days up to today with a lesson of the teacher in 5А, newest first."""
        today = datetime.now(TZ).date()
        days = {date.fromisoformat(i["date"]) for i in self.items if i["class"] == "5А"}
        return sorted((d for d in days if d <= today), reverse=True)


@pytest.fixture(scope="module")
def remote(live: Live) -> Remote:
    """The small demo school with 5А and 7А remote for the past week up to today."""
    today = datetime.now(TZ).date()
    with live.api() as api:
        sid = api.post("/api/v1/schools", json={"name": "Школа регламента"}).json()["id"]
        r = api.post(
            f"/api/v1/schools/{sid}/timetable",
            files={"file": ("demo-small.csv", DEMO_CSV.read_bytes(), "text/csv")},
        )
        assert r.status_code == 201, r.text
        order = {
            "classes": ["5А", "7А"],
            "from": (today - timedelta(days=6)).isoformat(),
            "to": today.isoformat(),
        }
        r = api.post(
            f"/api/v1/schools/{sid}/rebuilds", json={"order": order, "time_limit": 2, "workers": 1}
        )
        job = wait_job(api, r.json()["id"])
        assert job["status"] == "succeeded", job
        version = api.post(f"/api/v1/rebuilds/{job['id']}/publish", json={}).json()["number"]
        links = api.get(f"/api/v1/schools/{sid}/links").json()
        tokens = {(x["kind"], x["target"]): x["token"] for x in links if not x["with_calls"]}
        items = api.get(f"/api/v1/public/{tokens[('teacher', TEACHER)]}").json()["items"]
    return Remote(sid, tokens, items, job["id"], version)


def test_teacher_enters_attendance_by_her_page_and_other_classes_are_404(
    live: Live, remote: Remote
) -> None:
    token = remote.token("teacher", TEACHER)
    day = remote.remote_days()[0]
    with httpx.Client(base_url=live.url) as c:
        page = c.get(f"/t/{token}").text
        assert 'id="attendance"' in page and "<legend>Класс 5А</legend>" in page
        data = {
            "class_name": "5А",
            "day": day.isoformat(),
            "present": "21",
            "absent": "3",
            "ill": "1",
            "absent_names": PUPIL,
        }
        r = c.post(f"/t/{token}/attendance", data=data)
        where = anchor("att-5А")
        assert (r.status_code, r.headers["location"]) == (
            303,
            f"/t/{token}?done=1&at={where}#s-{where}",
        )
        page = c.get(r.headers["location"]).text
        assert 'id="reg-saved"' in page
        assert re.search(
            r"Внесено за [^:]+: 21 / 3 / 1 — Пепеляев П\.Л\., \d\d\.\d\d\.\d{4} \d\d:\d\d", page
        )
        # a class he does not teach: the 404 page; a bad number: the error beside the form
        r = c.post(f"/t/{token}/attendance", data={**data, "class_name": "9А"})
        assert r.status_code == 404 and "нельзя вносить данные класса «9А»" in r.text
        r = c.post(f"/t/{token}/attendance", data={**data, "present": "много"})
        assert r.status_code == 422 and 'id="reg-error"' in r.text
        # a class link cannot post
        r = c.post(f"/t/{remote.token('class', '5А')}/attendance", data=data)
        assert r.status_code == 404


def test_deputy_sees_the_day_table_corrects_and_downloads_the_xlsx(
    live: Live, remote: Remote
) -> None:
    token = remote.token("teacher", TEACHER)
    day = remote.remote_days()[1]  # the other tests enter the latest day
    with httpx.Client(base_url=live.url) as c:
        for name, counts in (("5А", ("20", "1", "1")), ("7А", ("20", "2", "2"))):
            data = dict(zip(("present", "absent", "ill"), counts, strict=True))
            r = c.post(
                f"/t/{token}/attendance", data={"class_name": name, "day": day.isoformat(), **data}
            )
            assert r.status_code == 303
    with admin_client(live) as (c, csrf):
        base = f"/admin/schools/{remote.school_id}/attendance"
        r = c.post(
            base,
            data={
                "csrf_token": csrf,
                "class_name": "7А",
                "day": day.isoformat(),
                "present": "19",
                "absent": "3",
                "ill": "2",
            },
        )
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        assert 'id="attendance-saved"' in page
        row = re.search(r'<tr data-class="7А">(.*?)</tr>', page, re.S)
        assert row is not None
        assert re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["19", "3", "2", "24"]
        assert "Исправлений: 1" in row.group(1) and "19 / 3 / 2" in row.group(1)
        assert "20 / 2 / 2 — Пепеляев П.Л." in row.group(1)
        foot = re.search(r'<tr id="day-totals">(.*?)</tr>', page, re.S)
        assert foot is not None
        assert re.findall(r'<td class="num">(\d+)</td>', foot.group(1)) == ["39", "4", "3", "46"]
        xlsx = c.get(f"/api/v1/schools/{remote.school_id}/attendance.xlsx")
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content))["По дням"]
        days = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
        assert days[day.strftime("%d.%m.%Y")] == (39, 4, 3, 46, 2, 2)


def test_readiness_by_teacher_and_deputy_warns_the_review(live: Live, remote: Remote) -> None:
    token = remote.token("teacher", TEACHER)
    yesterday = (datetime.now(TZ).date() - timedelta(days=1)).isoformat()
    with httpx.Client(base_url=live.url) as c:
        r = c.post(
            f"/t/{token}/readiness",
            data={
                "class_name": "5А",
                "chat_linked": "1",
                "families_total": "25",
                "families_joined": "25",
                "last_test_call": yesterday,
                "families_without_device": "0",
            },
        )
        assert r.status_code == 303
        r = c.post(
            f"/t/{token}/readiness",
            data={"class_name": "5А", "families_total": "25", "families_joined": "30"},
        )
        assert r.status_code == 422 and "больше, чем семей в классе" in r.text
    with admin_client(live) as (c, csrf):
        r = c.post(
            f"/admin/schools/{remote.school_id}/readiness",
            data={
                "csrf_token": csrf,
                "class_name": "7А",
                "chat_linked": "1",
                "families_total": "24",
                "families_joined": "24",
                "families_without_device": "3",
            },
        )
        assert r.status_code == 303
        page = c.get(f"/admin/schools/{remote.school_id}/readiness").text
        assert '<tr data-class="5А" data-ready="yes">' in page
        assert '<tr data-class="7А" data-ready="no">' in page
        order = c.get(f"/admin/schools/{remote.school_id}/order").text
        assert re.search(r'<span class="tag not-ready" data-readiness="7А"', order)
        review = c.get(f"/admin/rebuilds/{remote.job_id}/review").text
        warnings = re.search(
            r'<ul class="warnings" id="readiness-warnings">(.*?)</ul>', review, re.S
        )
        assert warnings is not None
        assert "7А не готов к дистанционным урокам" in warnings.group(1)
        assert "пробного подключения ещё не было" in warnings.group(1)
        assert "5А" not in warnings.group(1)
    # the teacher sees how many families of 7А cannot join, beside her lessons' materials
    with httpx.Client(base_url=live.url) as c:
        page = c.get(f"/t/{token}").text
        assert 'не могут подключиться семей: <strong class="cannot-join">3</strong>' in page
        assert "Не могут подключиться семей (7А): 3" in page


def test_order_form_offers_no_phone_and_refuses_one_with_the_regulation_item(
    live: Live, remote: Remote
) -> None:
    with admin_client(live) as (c, csrf):
        page = c.get(f"/admin/schools/{remote.school_id}/order").text
        select = re.search(r'<select id="device" name="device">(.*?)</select>', page, re.S)
        assert select is not None
        assert re.findall(r'<option value="(\w+)"', select.group(1)) == ["pc", "laptop", "tablet"]
        assert ITEM_3_3 in page  # the rule is said beside the choice
        r = c.post(
            f"/admin/schools/{remote.school_id}/order",
            data={
                "csrf_token": csrf,
                "classes": "5А",
                "from": "2026-12-07",
                "to": "2026-12-08",
                "device": "phone",
            },
        )
        assert r.status_code == 422
        assert 'id="order-error"' in r.text and ITEM_3_3 in r.text


def test_recording_and_assignment_on_the_parent_page_without_javascript(
    live: Live, remote: Remote
) -> None:
    token = remote.token("teacher", TEACHER)
    lesson = next(i for i in remote.items if i["class"] == "5А" and i["format"] == "online")
    page = httpx.get(f"{live.url}/t/{token}").text
    slots = [html.unescape(s) for s in re.findall(r'name="slot" value="([^"]+)"', page)]
    slot = next(
        s for s in slots if s.startswith(lesson["date"] + "|5А|") and f"|{lesson['subject']}|" in s
    )
    with httpx.Client(base_url=live.url) as c:
        r = c.post(
            f"/t/{token}/materials",
            data={
                "slot": slot,
                "recording_url": "https://disk.example/r5",
                "assignment": "Стр. 45, № 3",
                "assignment_url": "",
            },
        )
        assert r.status_code == 303, r.text
        parents = c.get(f"/c/{remote.token('class', '5А')}").text
        assert (
            '<a class="recording" href="https://disk.example/r5" rel="noopener noreferrer">'
            "Запись урока</a>" in parents
        )
        assert '<span class="assignment">Задание: Стр. 45, № 3</span>' in parents
        assert "Если не получается подключиться" in parents
        assert "<script" not in parents.split("</head>")[1]  # no script in the page body


@pytest.fixture
def all_logs() -> Iterator[list[str]]:
    """Every log record of the process (app, uvicorn, SQLAlchemy) while the test runs."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    loggers = [
        logging.getLogger(n)
        for n in (
            "",
            "uvicorn",
            "uvicorn.access",
            "uvicorn.error",
            "sqlalchemy",
            "api",
            "web",
            "planner",
        )
    ]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield lines
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_no_page_export_log_or_table_holds_a_pupils_name(
    live: Live, remote: Remote, all_logs: list[str]
) -> None:
    token = remote.token("teacher", TEACHER)
    day = remote.remote_days()[0].isoformat()
    with httpx.Client(base_url=live.url) as c:
        # tries to hand over names: as extra form fields and JSON fields
        c.post(
            f"/t/{token}/attendance",
            data={
                "class_name": "5А",
                "day": day,
                "present": "22",
                "absent": "2",
                "ill": "1",
                "ill_names": PUPIL,
            },
        )
        r = c.put(
            f"/api/v1/public/{token}/attendance",
            json={
                "class_name": "5А",
                "date": day,
                "present": 22,
                "absent": 2,
                "ill": 1,
                "pupils": [PUPIL],
            },
        )
        assert r.status_code == 422 and PUPIL not in r.text
        r = c.put(
            f"/api/v1/public/{token}/readiness",
            json={"class_name": "5А", "families_total": 25, "without_device_names": [PUPIL]},
        )
        assert r.status_code == 422 and PUPIL not in r.text
        texts = [
            c.get(f"/t/{token}").text,
            c.get(f"/c/{remote.token('class', '5А')}").text,
            c.get(f"/api/v1/public/{remote.token('class', '5А')}").text,
        ]
    with admin_client(live) as (c, _csrf):
        sid = remote.school_id
        for path in (
            f"/admin/schools/{sid}/attendance",
            f"/admin/schools/{sid}/readiness",
            f"/admin/schools/{sid}/downloads",
            f"/admin/rebuilds/{remote.job_id}/review",
            f"/api/v1/schools/{sid}/attendance",
            f"/api/v1/schools/{sid}/readiness",
            f"/api/v1/schools/{sid}/chat-messages",
            f"/api/v1/schools/{sid}/epos.csv",
            f"/api/v1/schools/{sid}/versions/{remote.version}",
        ):
            r = c.get(path)
            assert r.status_code == 200, path
            texts.append(r.text)
        files = c.get(f"/api/v1/schools/{sid}/versions/{remote.version}").json()["files"]
        for name in files:
            if not name.endswith(".xlsx"):
                texts.append(
                    c.get(f"/api/v1/schools/{sid}/versions/{remote.version}/files/{name}").text
                )
        for path in (f"/api/v1/schools/{sid}/attendance.xlsx", f"/api/v1/schools/{sid}/epos.xlsx"):
            wb = load_workbook(io.BytesIO(c.get(path).content))
            texts.extend(
                str(v)
                for ws in wb
                for row in ws.iter_rows(values_only=True)
                for v in row
                if v is not None
            )
    with live.app.state.engine.connect() as conn:
        from api.models import Base

        for table in Base.metadata.sorted_tables:
            texts.extend(str(row) for row in conn.execute(table.select()))
    assert all_logs, "the log capture saw nothing"
    leaks = [t for t in [*texts, *all_logs] if "Петров" in t or "Петя" in t]
    assert leaks == []


@pytest.mark.browser
def test_browser_teacher_enters_attendance_on_a_phone_and_the_deputy_sees_the_day_table(
    live: Live, remote: Remote, browser: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    from tests.web.test_browser import PHONE, _login, assert_accessible

    day = remote.remote_days()[-1]  # the oldest: the other tests enter the newer days
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    page = ctx.new_page()
    page.goto(f"{live.url}/t/{remote.token('teacher', TEACHER)}")
    form = page.locator("form.att-form").filter(has=page.get_by_text("Класс 7А"))
    form.get_by_label("День").select_option(day.isoformat())
    form.get_by_label("На уроках").fill("22")
    form.get_by_label("Отсутствовали").fill("1")
    form.get_by_label("Болеют").fill("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "teacher-attendance-phone.png"))
    assert_accessible(page)
    form.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#reg-saved")).to_have_text("Сохранено.")
    page.screenshot(path=str(artifacts / "teacher-attendance-saved.png"), full_page=True)
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()
    _login(page, live)
    page.goto(f"{live.url}/admin/schools/{remote.school_id}")
    page.get_by_role("link", name="Посещаемость").click()
    page.get_by_role("link", name=re.compile(day.strftime("%d.%m"))).first.click()
    row = page.locator("#day-table tbody tr[data-class='7А']")
    expect(row.locator("td.num")).to_have_text(["22", "1", "2", "25"])
    expect(row.locator("td").nth(4)).to_contain_text("Пепеляев П.Л. (по ссылке учителя)")
    expect(page.locator("#day-table tbody tr.missing[data-class='5А']")).to_contain_text(
        "не внесено"
    )
    expect(page.locator("#attendance-missing")).to_have_text("Не внесено: 5А")
    expect(page.locator("#period-chart g")).not_to_have_count(0)
    page.screenshot(path=str(artifacts / "deputy-attendance.png"), full_page=True)
    assert_accessible(page)
    ctx.close()
