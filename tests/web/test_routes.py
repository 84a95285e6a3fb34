"""HTML routes over HTTP against the live server: access control, tokens, privacy, caching, i18n."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import FormData

from tests.web.conftest import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    DEMO_CSV,
    WEEK_FROM,
    WEEK_TO,
    Live,
    Published,
    wait_job,
)
from web import i18n, views
from web.app import PAGE_ROUTERS
from web.routes.rebuilds import order_from_form

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
DUMMY = {"school_id": "1", "job_id": "0" * 32, "link_id": "1", "action": "revoke",
         "order_id": "0" * 32, "upload_id": "1"}  # fmt: skip


@contextmanager
def admin_client(live: Live) -> Iterator[tuple[httpx.Client, str]]:
    """A browser-like client logged in through the login form, and its CSRF token."""
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield _login(c)


def _login(c: httpx.Client) -> tuple[httpx.Client, str]:
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    r = c.post(
        "/login",
        data={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "csrf_token": token.group(1)},
    )
    assert r.status_code == 303, r.text
    return c, c.cookies["planner_csrf"]


def admin_routes() -> list[tuple[str, str]]:
    out = []
    for route in (r for router in PAGE_ROUTERS for r in router.routes):
        path = getattr(route, "path", "")
        if path.startswith("/admin") or path == "/logout":
            out.extend((m, path) for m in sorted(route.methods - {"HEAD"}))
    return out


def test_admin_routes_are_all_listed() -> None:
    assert admin_routes() == [
        ("POST", "/logout"),
        ("GET", "/admin"),
        ("POST", "/admin/schools"),
        ("GET", "/admin/schools/{school_id}"),
        ("POST", "/admin/schools/{school_id}/timetable"),
        ("GET", "/admin/schools/{school_id}/uploads/{upload_id}"),
        ("POST", "/admin/schools/{school_id}/uploads/{upload_id}/confirm"),
        ("POST", "/admin/schools/{school_id}/uploads/{upload_id}/load"),
        ("GET", "/admin/schools/{school_id}/order"),
        ("POST", "/admin/schools/{school_id}/order"),
        ("GET", "/admin/rebuilds/{job_id}"),
        ("POST", "/admin/rebuilds/{job_id}/cancel"),
        ("GET", "/admin/rebuilds/{job_id}/review"),
        ("POST", "/admin/rebuilds/{job_id}/publish"),
        ("GET", "/admin/schools/{school_id}/links"),
        ("GET", "/admin/schools/{school_id}/links/sheets"),
        ("GET", "/admin/schools/{school_id}/chat"),
        ("POST", "/admin/schools/{school_id}/links"),
        ("POST", "/admin/links/{link_id}/{action}"),
        ("GET", "/admin/schools/{school_id}/downloads"),
        ("GET", "/admin/municipality"),
        ("POST", "/admin/municipality/orders"),
        ("GET", "/admin/municipality/orders/{order_id}"),
        ("POST", "/admin/municipality/orders/{order_id}/publish"),
        ("POST", "/admin/municipality/orders/{order_id}/schools/{school_id}/tighten"),
        ("GET", "/admin/schools/{school_id}/attendance"),
        ("POST", "/admin/schools/{school_id}/attendance"),
        ("GET", "/admin/schools/{school_id}/readiness"),
        ("POST", "/admin/schools/{school_id}/readiness"),
    ]


@pytest.mark.parametrize(("method", "path"), admin_routes())
def test_anonymous_user_is_sent_to_login(live: Live, method: str, path: str) -> None:
    url = path.format(**DUMMY)
    with httpx.Client(base_url=live.url) as c:
        r = c.request(method, url, data={"csrf_token": "x"} if method == "POST" else None)
    expected = "/login?next=" + (url.replace("/", "%2F") if method == "GET" else "%2Fadmin")
    assert (r.status_code, r.headers["location"]) == (303, expected)


def test_anonymous_htmx_request_is_told_to_go_to_login(live: Live) -> None:
    with httpx.Client(base_url=live.url) as c:
        r = c.get(f"/admin/rebuilds/{'0' * 32}", headers={"HX-Request": "true"})
    assert (r.status_code, r.headers["hx-redirect"]) == (
        401, "/login?next=%2Fadmin%2Frebuilds%2F" + "0" * 32
    )  # fmt: skip


def test_admin_route_with_api_token_of_nobody_is_refused(live: Live) -> None:
    with httpx.Client(base_url=live.url) as c:
        r = c.get("/admin", headers={"Authorization": "Bearer plt_nope"})
    assert r.status_code == 401


def test_login_form_without_its_csrf_cookie_is_refused(live: Live) -> None:
    with httpx.Client(base_url=live.url) as c:
        r = c.post("/login", data={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD,
                                   "csrf_token": "forged"})  # fmt: skip
    assert r.status_code == 403
    assert "Сессия истекла или форма устарела: обновите страницу и войдите снова." in r.text
    assert "planner_session" not in r.cookies


def test_login_with_a_wrong_password_says_so(live: Live) -> None:
    with httpx.Client(base_url=live.url) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
        assert token is not None
        r = c.post("/login", data={"login": ADMIN_LOGIN, "password": "не тот пароль",
                                   "csrf_token": token.group(1)})  # fmt: skip
    assert r.status_code == 401
    assert '<p class="error" role="alert">Неверный логин или пароль.</p>' in r.text


def test_login_then_logout(live: Live) -> None:
    with admin_client(live) as (c, csrf):
        assert c.get("/admin").status_code == 200
        r = c.get("/login?next=/admin/schools/1")
        assert (r.status_code, r.headers["location"]) == (303, "/admin/schools/1")
        assert c.get("/login?next=//evil.example").headers["location"] == "/admin"
        assert c.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
        r = c.post("/logout", data={"csrf_token": csrf})
        assert (r.status_code, r.headers["location"]) == (303, "/login")
        assert c.get("/admin").status_code == 303


MESSY = (
    "день,урок,начало,конец,класс,предмет,учитель\n"
    "Пн,1,08:00,08:45,5А,Математика,Иванова И.И.\n"
    "Пн,один,08:50,09:35,5А,Русский язык,Иванова И.И.\n"
    "Пн,2,08:55,09:40,5А,,Петрова А.А.\n"
)


def _new_school(c: httpx.Client, csrf: str, name: str) -> str:
    r = c.post("/admin/schools", data={"name": name, "csrf_token": csrf})
    assert r.status_code == 303
    return str(r.headers["location"])


def test_upload_shows_a_preview_with_findings_before_anything_changes(live: Live) -> None:
    with admin_client(live) as (c, csrf):
        school = _new_school(c, csrf, "Школа с замечаниями")
        r = c.post(f"{school}/timetable", data={"csrf_token": csrf},
                   files={"file": ("messy.csv", MESSY.encode(), "text/csv")})  # fmt: skip
        assert r.status_code == 303
        preview = r.headers["location"]
        assert re.fullmatch(r"/admin/schools/\d+/uploads/\d+", preview)
        page = c.get(preview).text
        # nothing is the school's yet
        assert "Сначала загрузите расписание." in c.get(school).text
        r = c.post(f"{preview}/confirm", data={"csrf_token": csrf})
        assert (r.status_code, r.headers["location"]) == (303, f"{school}?uploaded=1")
        after = c.get(r.headers["location"]).text
        later = c.get(preview).text
    assert "Классов: <strong>1</strong>" in page and "Уроков: <strong>2</strong>" in page
    assert "Замечаний: <strong>2</strong>" in page
    # grouped by kind with counts, each group opening to its places, in plain Russian
    assert "<summary>Строки, которые не удалось прочитать — <strong>1</strong></summary>" in page
    assert "<summary>Пропущенные названия — <strong>1</strong></summary>" in page
    assert "<td>messy.csv, строка 3, столбец «урок»</td>" in page
    assert "unreadable_row" not in page and "missing_name" not in page  # no internal keys
    assert 'id="confirm"' in page
    assert 'id="uploaded"' in after and "Замечания при импорте текущего расписания: 2" in after
    # the findings stay with the upload: the same page lists them later
    assert "Это текущее расписание школы." in later and 'id="confirm"' not in later
    assert "<td>messy.csv, строка 3, столбец «урок»</td>" in later


def test_strict_upload_refuses_at_the_first_finding_with_file_row_column(live: Live) -> None:
    with admin_client(live) as (c, csrf):
        school = _new_school(c, csrf, "Школа строгая")
        r = c.post(f"{school}/timetable", data={"csrf_token": csrf, "strict": "true"},
                   files={"file": ("bad.csv", MESSY.encode(), "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert 'id="upload-error"' in r.text
    assert "строгая проверка: расписание из «bad.csv» не загружено" in r.text
    assert "Первое: bad.csv, строка 3, столбец «урок»: «один» — номер урока" in r.text
    assert "и ещё 1 замечание" in r.text
    assert (
        "<tr><td>bad.csv</td><td>3</td>\n  <td>урок</td><td></td><td>«один» — номер урока должен "
        "быть целым положительным числом (1, 2, 3…)</td></tr>"
    ) in r.text
    assert 'id="strict" checked' in r.text  # the form keeps the choice


def test_grid_without_load_table_asks_for_it_and_reads_it_on_the_preview(live: Live) -> None:
    from tests.paths import DATA

    grid = (DATA / "grid" / "school-grid.xlsx").read_bytes()
    load = (DATA / "grid" / "school-load.xlsx").read_bytes()
    with admin_client(live) as (c, csrf):
        school = _new_school(c, csrf, "Школа с шахматкой")
        r = c.post(
            f"{school}/timetable",
            data={"csrf_token": csrf, "bell_start": "08:30", "bell_lesson": "40",
                  "bell_break": "10", "bell_big_break": "15", "bell_big_after": "2"},
            files={"file": ("сетка.xlsx", grid)},
        )  # fmt: skip
        assert r.status_code == 303, r.text
        first = c.get(r.headers["location"]).text
        r = c.post(f"{r.headers['location']}/load", data={"csrf_token": csrf},
                   files={"load_table": ("нагрузка.xlsx", load)})  # fmt: skip
        assert r.status_code == 303, r.text
        second = c.get(r.headers["location"]).text
        c.post(f"{r.headers['location']}/confirm", data={"csrf_token": csrf})
        form = c.get(school).text
    assert 'id="need-load"' in first and "Учителей: <strong>0</strong>" in first
    assert "невозможны проверка накладок учителей и календари учителей" in first
    assert "начало 08:30, уроки по 40 мин, перемены 10 мин, после 2-го урока — 15 мин" in first
    assert 'id="need-load"' not in second and "Учителей: <strong>0</strong>" not in second
    assert "и нагрузки «нагрузка.xlsx»" in second
    # the bells entered once are kept with the school: the next upload form has them
    assert 'name="bell_start" type="time" value="08:30"' in form
    assert 'name="bell_big_after" value="2"' in form


def test_order_form_refuses_an_order_without_classes(live: Live, published: Published) -> None:
    with admin_client(live) as (c, csrf):
        r = c.post(f"/admin/schools/{published.school_id}/order",
                   data={"csrf_token": csrf, "from": "2026-12-07", "to": "2026-12-11"})  # fmt: skip
    assert r.status_code == 422
    assert 'id="order-error"' in r.text
    # the form's own label and what to do, no YAML advice to someone who used checkboxes
    assert "<strong>Классы</strong>: отметьте, кто переходит на дистанционное обучение" in r.text
    assert "{grades" not in r.text and "all или" not in r.text


def _order_error(text: str) -> str:
    start = text.index('id="order-error"')
    return text[start : text.index("</div>", start)]


def test_order_form_errors_name_the_form_labels_once(live: Live, published: Published) -> None:
    with admin_client(live) as (c, csrf):
        r = c.post(f"/admin/schools/{published.school_id}/order",
                   data={"csrf_token": csrf, "classes": "5А", "from": "2026-12-11",
                         "to": "2026-12-07", "min_online_per_day": "два"})  # fmt: skip
    assert r.status_code == 422
    box = _order_error(r.text)
    assert box.count("Приказ не принят") == 1 and "приказ не принят" not in box
    assert "<strong>Минимум онлайн-уроков в день (необязательно)</strong>: введите целое" in box
    assert "Столбец" not in box and "min_online_per_day" not in box
    with admin_client(live) as (c, csrf):
        r = c.post(f"/admin/schools/{published.school_id}/order",
                   data={"csrf_token": csrf, "classes": "5А", "from": "2026-12-11",
                         "to": "2026-12-07"})  # fmt: skip
    box = _order_error(r.text)
    assert "<strong>По</strong>: дата окончания 2026-12-07 раньше даты начала" in box
    assert "<td>to</td>" not in box


def test_order_form_offers_local_act_norms_and_refuses_a_bad_value_before_a_job(
    live: Live, published: Published
) -> None:
    with live.api() as api:
        before = len(api.get(f"/api/v1/schools/{published.school_id}/rebuilds").json())
    with admin_client(live) as (c, csrf):
        page = c.get(f"/admin/schools/{published.school_id}/order").text
        # chosen from a list: Russian name, the value in force, its source — no key to type
        offered = "Окончание онлайн-уроков не позднее — сейчас 18:00 (СП 2.4.3648-20, п. 3.5.2)"
        assert offered in page
        assert 'name="override_key" placeholder' not in page
        r = c.post(f"/admin/schools/{published.school_id}/order",
                   data={"csrf_token": csrf, "classes": "5А", "from": WEEK_FROM, "to": WEEK_TO,
                         "override_key": "day.online_end_not_after", "override_value": "пять",
                         "override_reason": "Приказ № 45"})  # fmt: skip
    assert r.status_code == 422
    box = _order_error(r.text)
    assert (
        "<strong>Значения локального акта, «Окончание онлайн-уроков не позднее»</strong>: "
        "«пять» не подходит: нужно время ЧЧ:ММ, например 17:00." in box
    )
    assert "day.online_end_not_after" not in box and "CatalogueError" not in r.text
    assert 'value="пять"' in r.text  # what was typed stays in the field
    with live.api() as api:
        assert len(api.get(f"/api/v1/schools/{published.school_id}/rebuilds").json()) == before


def test_order_from_form_expands_parallels_and_keeps_overrides() -> None:
    from datetime import date

    from constraints.catalogue import override_choices

    choices = {c.key: c for c in override_choices(date(2026, 12, 7))}
    form = FormData(
        [("grades", "5"), ("classes", "7А"), ("classes", "5А"), ("from", "2026-12-07"),
         ("to", "2026-12-11"), ("device", "tablet"), ("screen_policy", "school"),
         ("holidays", "2026-12-09, 2026-12-10"), ("min_online_per_day", "2"),
         ("override_key", "day.online_end_not_after"), ("override_value", "17:00"),
         ("override_reason", "Приказ № 45"), ("override_key", "break.big_after_lessons"),
         ("override_value", "3, 4"), ("override_reason", "Приказ № 46"), ("override_key", ""),
         ("override_value", ""), ("override_reason", "")]
    )  # fmt: skip
    sent = order_from_form(form, ["5А", "5Б", "6А", "7А"], choices)
    assert sent.problems == []
    assert sent.doc == {
        "classes": ["5А", "5Б", "7А"],
        "from": "2026-12-07",
        "to": "2026-12-11",
        "device": "tablet",
        "screen_policy": "school",
        "min_online_per_day": 2,
        "holidays": ["2026-12-09", "2026-12-10"],
        "overrides": {
            "day.online_end_not_after": {"value": "17:00", "reason": "Приказ № 45"},
            "break.big_after_lessons": {"value": [3, 4], "reason": "Приказ № 46"},
        },
    }


def test_order_from_form_whole_school_is_one_choice() -> None:
    form = FormData([("whole_school", "1"), ("from", "2026-12-07"), ("to", "2026-12-11")])
    sent = order_from_form(form, ["5А", "5Б", "6А"])
    assert (sent.doc["classes"], sent.problems, sent.whole_school) == ("all", [], True)


def _online_teacher(published: Published) -> str:
    return next(
        i["teacher"].split(",")[0].strip()
        for i in published.items
        if i["kind"] == "lesson" and i.get("format") == "online" and i.get("teacher")
    )


def test_call_link_shows_only_on_pages_whose_token_grants_it(
    live: Live, published: Published
) -> None:
    teacher = published.link("teacher", _online_teacher(published))
    plain = published.link("class", "5А")
    url = "https://vk.com/call/join/TeSt-Link_5a"
    with httpx.Client(base_url=live.url) as c:
        r = c.post(f"/t/{teacher['token']}/calls", data={"class_name": "5А", "url": url})
        where = hashlib.sha1("5А".encode()).hexdigest()[:10]
        assert (r.status_code, r.headers["location"]) == (
            303, f"/t/{teacher['token']}?saved=1&at={where}#s-{where}"
        )  # fmt: skip
        assert f'href="{url}"' in c.get(f"/t/{teacher['token']}").text
        page = c.get(f"/c/{plain['token']}").text
        assert "vk.com" not in page and "call/join" not in page
        with live.api() as api:
            body = {"kind": "class", "target": "5А", "with_calls": True}
            granted = api.post(f"/api/v1/schools/{published.school_id}/links", json=body).json()
        page = c.get(f"/c/{granted['token']}").text
        assert f'<a class="call" href="{url}" rel="noopener noreferrer">Подключиться</a>' in page
        # the plain page stays without it
        assert "call/join" not in c.get(f"/c/{plain['token']}").text


def test_teacher_call_link_must_be_https_and_unknown_hosts_get_a_warning(
    live: Live, published: Published
) -> None:
    teacher = published.link("teacher", _online_teacher(published))
    with httpx.Client(base_url=live.url) as c:
        r = c.post(f"/t/{teacher['token']}/calls",
                   data={"class_name": "5А", "url": "http://vk.com/call/join/abc"})  # fmt: skip
        assert r.status_code == 422
        assert (
            '<p class="error" role="alert" id="call-error">«http://vk.com/call/join/abc» — не '
            "ссылка на звонок; вставьте ссылку целиком, начиная с https:// (например "
            "https://sferum.ru/?call_link=…).</p>"
        ) in r.text
        r = c.post(f"/t/{teacher['token']}/calls",
                   data={"class_name": "7А", "url": "https://meet.example.org/room"})  # fmt: skip
        assert r.headers["location"].split("&at=")[0] == f"/t/{teacher['token']}?saved=1&warn=1"
        page = c.get(r.headers["location"]).text
        assert 'id="call-warning"' in page
        r = c.post(f"/t/{teacher['token']}/calls", data={"class_name": "7А", "url": ""})
        assert r.headers["location"].split("&at=")[0] == f"/t/{teacher['token']}?saved=0"


def test_revoked_and_unknown_tokens_get_404(live: Live, published: Published) -> None:
    with live.api() as api:
        link = api.post(f"/api/v1/schools/{published.school_id}/links",
                        json={"kind": "class", "target": "7А"}).json()  # fmt: skip
        with httpx.Client(base_url=live.url) as c:
            assert c.get(f"/c/{link['token']}").status_code == 200
            api.post(f"/api/v1/links/{link['id']}/revoke")
            r = c.get(f"/c/{link['token']}")
            assert r.status_code == 404
            assert "её отозвали или заменили" in r.text
            assert c.get("/c/no-such-token").status_code == 404
            assert c.get("/t/no-such-token").status_code == 404
            teacher = published.link("teacher", _online_teacher(published))
            assert c.get(f"/c/{teacher['token']}").status_code == 404


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _error_page(r: httpx.Response) -> tuple[int, str, str, str]:
    """Status, title, message and back link of an HTML error page."""
    assert r.headers["content-type"] == "text/html; charset=utf-8", r.text
    title = re.search(r"<h1>(.*?)</h1>", r.text)
    message = re.search(r'<p class="error" role="alert">(.*?)</p>', r.text, re.S)
    back = re.search(r'<a id="back-link" href="([^"]*)">← (.*?)</a>', r.text)
    assert title and message and back, r.text
    return r.status_code, title.group(1), message.group(1), f"{back.group(2)} {back.group(1)}"


def test_browser_gets_html_error_pages_and_api_clients_keep_json(
    live: Live, published: Published
) -> None:
    with admin_client(live) as (c, _csrf):
        assert _error_page(c.get("/admin/schools/999", headers=BROWSER)) == (
            404, "Страница не найдена", "Школы с номером 999 нет; проверьте адрес.",
            "К списку школ /admin",
        )  # fmt: skip
        came_from = {**BROWSER, "Referer": f"{live.url}/admin?lang=ru"}
        r = c.post("/admin/schools", data={"name": "X", "csrf_token": "stale"}, headers=came_from)
        assert _error_page(r) == (
            403, "Запрос отклонён",
            "Запрос отклонён: форма устарела или открыта в другом входе. Обновите страницу и "
            "отправьте её снова.",
            "Назад /admin?lang=ru",
        )  # fmt: skip
        r = c.get("/admin/rebuilds/nope?lang=en", headers=BROWSER)
        assert _error_page(r)[1:] == (
            "Page not found", "Перестроения nope нет; проверьте номер задачи.",
            "To the schools /admin",
        )  # fmt: skip
        c.cookies.set("lang", "ru")
        r = c.get("/admin/schools/abc", headers=BROWSER)
        assert _error_page(r) == (
            422, "Данные не приняты", "Запрос не принят: исправьте поля, перечисленные ниже.",
            "К списку школ /admin",
        )  # fmt: skip
        assert "<td>path.school_id</td>" in r.text and "<td>нужно целое число.</td>" in r.text
        # htmx and JSON callers keep the JSON error
        r = c.get("/admin/schools/999", headers={**BROWSER, "HX-Request": "true"})
        assert r.json()["detail"]["message"] == "школы с номером 999 нет; проверьте адрес."
        assert c.get("/admin/schools/999").json()["detail"]["message"] == (
            "школы с номером 999 нет; проверьте адрес."
        )
    with live.api() as api:
        r = api.get("/api/v1/schools/999", headers=BROWSER)
        assert (r.status_code, r.json()["detail"]["message"]) == (
            404, "школы с номером 999 нет; проверьте адрес."
        )  # fmt: skip
    with httpx.Client(base_url=live.url) as anon:
        assert _error_page(anon.get("/c/no-such-token", headers=BROWSER)) == (
            404, "Страница не найдена",
            "Ссылка недействительна: её отозвали или заменили. Попросите новую в школе.",
            "На главную /",
        )  # fmt: skip
        assert _error_page(anon.get("/c/no-such-token/week", headers=BROWSER)) == (
            404, "Страница не найдена", "Адрес не найден; проверьте ссылку.", "На главную /",
        )  # fmt: skip
        assert _error_page(anon.get("/feeds/no-such-token.ics", headers=BROWSER))[:2] == (
            404, "Страница не найдена",
        )  # fmt: skip
        r = anon.get("/feeds/no-such-token.ics")  # a calendar app
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"


def test_links_page_revoke_and_rotate(live: Live, published: Published) -> None:
    with admin_client(live) as (c, csrf), live.api() as api:
        link = api.post(f"/api/v1/schools/{published.school_id}/links",
                        json={"kind": "class", "target": "8А"}).json()  # fmt: skip
        r = c.post(f"/admin/links/{link['id']}/rotate", data={"csrf_token": csrf})
        assert (r.status_code, r.headers["location"]) == (
            303, f"/admin/schools/{published.school_id}/links"
        )  # fmt: skip
        assert c.get(f"/c/{link['token']}").status_code == 404
        r = c.post(f"/admin/links/{link['id']}/rotate", data={"csrf_token": csrf})
        assert r.status_code == 409
        assert (
            '<p class="error" role="alert">ссылка уже отозвана; выпустите новую для этого класса '
            "или учителя.</p>"
        ) in r.text
        r = c.post(f"/admin/links/{link['id']}/delete", data={"csrf_token": csrf})
        assert r.status_code == 404
        assert (
            r.json()["detail"]["message"]
            == "действия «delete» со ссылкой нет; есть revoke и rotate."
        )


def test_parent_page_etag_and_cache_control(live: Live, published: Published) -> None:
    token = published.link("class", "7А")["token"]
    with httpx.Client(base_url=live.url) as c:
        r = c.get(f"/c/{token}")
        assert r.status_code == 200
        assert r.headers["cache-control"] == "private, no-cache"
        again = c.get(f"/c/{token}", headers={"If-None-Match": r.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")
        assert c.get(f"/c/{token}", headers={"If-None-Match": '"old"'}).status_code == 200


def test_parent_page_shows_the_week_without_names_of_pupils(
    live: Live, published: Published
) -> None:
    token = published.link("class", "5А")["token"]
    with httpx.Client(base_url=live.url) as c:
        page = c.get(f"/c/{token}").text
    assert '<html lang="ru">' in page
    assert re.search(r'<p class="updated" id="updated">обновлено в \d\d:\d\d \(', page)
    for d in ("07.12", "08.12", "09.12", "10.12", "11.12"):
        assert f"{d}</h3>" in page
    assert "Ближайший учебный день" in page
    assert "самостоятельно" in page and "онлайн" in page
    assert "<script" not in page.split("</head>")[1]


def test_parent_page_highlights_what_changed_since_the_previous_version(live: Live) -> None:
    with live.api() as api:
        sid = api.post("/api/v1/schools", json={"name": "Школа с двумя версиями"}).json()["id"]
        upload = {"file": ("demo-small.csv", DEMO_CSV.read_bytes(), "text/csv")}
        r = api.post(f"/api/v1/schools/{sid}/timetable", files=upload)
        assert r.status_code == 201, r.text
        for device in ("pc", "tablet"):  # tablet: shorter screen time, lessons change
            order = {"classes": ["6А"], "from": WEEK_FROM, "to": WEEK_TO, "device": device}
            job = api.post(f"/api/v1/schools/{sid}/rebuilds",
                           json={"order": order, "time_limit": 2, "workers": 1}).json()  # fmt: skip
            assert wait_job(api, job["id"])["status"] == "succeeded"
            r = api.post(f"/api/v1/rebuilds/{job['id']}/publish", json={"comment": device})
            assert r.status_code == 201, r.text
        links = api.get(f"/api/v1/schools/{sid}/links").json()
    token = next(x["token"] for x in links if x["kind"] == "class" and x["target"] == "6А")
    with httpx.Client(base_url=live.url) as c:
        page = c.get(f"/c/{token}").text
    assert "· Версия 2" in page
    changed = re.findall(r'<li class="item k-lesson f-\w+ changed">', page)
    assert len(changed) > 0
    assert page.count('<span class="changed-tag">изменено</span>') == len(changed)
    # and what it was: the previous lesson with its time and format
    was = re.findall(r'<small class="was">было: ([^<]+)</small>', page)
    assert len(was) == len(changed)
    assert all(re.search(r"\d\d:\d\d–\d\d:\d\d|самостоятельно", w) for w in was), was


def test_english_is_switchable_and_remembered(live: Live, published: Published) -> None:
    token = published.link("class", "5А")["token"]
    with httpx.Client(base_url=live.url) as c:
        r = c.get(f"/c/{token}?lang=en")
        assert '<html lang="en">' in r.text and ">Week</h2>" in r.text
        assert r.cookies["lang"] == "en"
        assert '<html lang="en">' in c.get(f"/c/{token}").text
        assert '<html lang="ru">' in c.get(f"/c/{token}?lang=ru").text


def test_htmx_request_gets_only_the_progress_block(live: Live, published: Published) -> None:
    with admin_client(live) as (c, _csrf), live.api() as api:
        job = api.get(f"/api/v1/schools/{published.school_id}/rebuilds").json()[0]
        r = c.get(f"/admin/rebuilds/{job['id']}", headers={"HX-Request": "true"})
        full = c.get(f"/admin/rebuilds/{job['id']}")
    assert r.text.lstrip().startswith('<section id="progress"')
    assert "<html" not in r.text
    assert full.text.startswith("<!doctype html>")


def _running_job(live: Live, school_id: int, **values: object) -> str:
    """A job row as a worker leaves it while solving (no worker runs it)."""
    import uuid

    from api.models import Job, School
    from api.services import schools

    with live.app.state.session_factory() as s:
        upload = schools.current_upload(s, s.get(School, school_id))
        job = Job(id=uuid.uuid4().hex, school_id=school_id, timetable_id=upload.id,
                  order_doc={"classes": ["5А"], "from": WEEK_FROM, "to": WEEK_TO},
                  time_limit=30, workers=1, seed=1, status="running", **values)  # fmt: skip
        s.add(job)
        s.commit()
        return job.id


def test_progress_shows_the_dates_solved_then_the_whole_period(
    live: Live, published: Published
) -> None:
    from api.models import Job

    job_id = _running_job(live, published.school_id, best_objective=500.0, solutions=1,
                          dates_done=2, dates_total=5)  # fmt: skip
    try:
        with admin_client(live) as (c, _csrf):
            days = c.get(f"/admin/rebuilds/{job_id}", headers={"HX-Request": "true"}).text
            days_en = c.get(f"/admin/rebuilds/{job_id}?lang=en").text
            c.cookies.set("lang", "ru")
            with live.app.state.session_factory() as s:
                s.get(Job, job_id).dates_done = 5
                s.get(Job, job_id).best_objective = 420.0
                s.get(Job, job_id).best_bound = 300.0
                s.commit()
            period = c.get(f"/admin/rebuilds/{job_id}", headers={"HX-Request": "true"}).text
    finally:
        with live.app.state.session_factory() as s:
            s.get(Job, job_id).status = "failed"
            s.commit()
    assert '<dd id="job-phase">по дням: решено дат 2 из 5</dd>' in days
    assert '<progress id="job-dates" max="5" value="2">' in days
    assert '<dd id="job-solutions">1</dd>' in days
    assert 'id="job-gap"' not in days  # no bound yet: nothing to say how good the plan is
    assert '<dd id="job-phase">date by date: dates solved 2 of 5</dd>' in days_en
    assert '<dd id="job-phase">весь период</dd>' in period
    assert 'id="job-dates"' not in period
    # 420 against a bound of 300: the plan may still be 29 % off, so no «можно остановить»
    assert '<dd id="job-gap">не больше 29 %</dd>' in period
    assert 'id="good-enough"' not in period


def test_every_translatable_text_has_english() -> None:
    found = set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'_\("([^"]+)"\)', text)) | set(re.findall(r"_\('([^']+)'\)", text))
        # the plural filter's word for one and for many are translated
        for one, _few, many in re.findall(r'plural\("([^"]+)", "([^"]+)", "([^"]+)"\)', text):
            found |= {one, many}
    from api.services.rebuilds import STATUS_RU
    from planner.domain.order import DEVICE_RU, POLICY_RU
    from planner.engine.changes import CHANGE_RU
    from web.pages import NOT_FOUND_MESSAGES

    found |= set(STATUS_RU.values()) | set(DEVICE_RU.values()) | set(POLICY_RU.values())
    found |= set(views.FORMAT_LABEL.values()) | set(NOT_FOUND_MESSAGES.values())
    found |= set(CHANGE_RU.values()) | {label for label, _ in views.FILE_GROUPS} | {"Прочее"}
    from api.services.municipal import PUBLISH_RU
    from planner.app.municipal import STATUS_RU as MUNICIPAL_STATUS_RU
    from planner.domain.municipal import REASON_RU

    found |= set(MUNICIPAL_STATUS_RU.values()) | set(REASON_RU.values()) | set(PUBLISH_RU.values())
    found |= {"перемена", "гимнастика для глаз", "физкультминутка", "динамическая пауза"}
    from api.services.attendance import VIA_RU

    found |= set(VIA_RU.values())
    from constraints.checker import WARNING_KINDS

    found |= {text for _kind, _prefix, *texts in WARNING_KINDS for text in texts}
    assert len(found) > 100
    assert sorted(found - set(i18n.EN)) == []


@pytest.mark.parametrize(
    ("url", "known"),
    [
        ("https://vk.com/call/join/AbC_123", True),
        ("https://vk.ru/call/join/AbC_123", True),
        ("https://sferum.ru/?call_link=AbC_123", True),
        ("https://vk.com/call/join/", False),
        ("https://sferum.ru/?p=1", False),
        ("http://vk.com/call/join/AbC", False),
        ("https://meet.example.org/x", False),
    ],
)
def test_known_call_links(url: str, known: bool) -> None:
    assert views.is_known_call_url(url) is known


def test_group_files_puts_exports_under_headings() -> None:
    files = ["versions.json", "feeds/class-5a.ics", "epos.xlsx", "chat/5a.txt", "epos.csv",
             "changes.xlsx", "report.html", "asc.xml"]  # fmt: skip
    assert views.group_files(files) == [
        ("ЭПОС", ["epos.csv", "epos.xlsx"]),
        ("Лист замен", ["changes.xlsx"]),
        ("Отчёт о нормах", ["report.html"]),
        ("Сообщения в чаты", ["chat/5a.txt"]),
        ("Календари", ["feeds/class-5a.ics"]),
        ("Прочее", ["asc.xml", "versions.json"]),
    ]


def test_demo_fixture_is_the_small_demo_school() -> None:
    head = DEMO_CSV.read_text(encoding="utf-8-sig").splitlines()[0]
    assert head == "день,урок,начало,конец,класс,группа,предмет,учитель,кабинет,смена"


def test_review_page_links_the_findings_of_the_timetable_it_started_from(
    live: Live, published: Published
) -> None:
    with live.api() as api:  # other tests rebuild this school too: its first job will do
        job = api.get(f"/api/v1/schools/{published.school_id}/rebuilds").json()[-1]
    with admin_client(live) as (c, _csrf):
        review = c.get(f"/admin/rebuilds/{job['id']}/review").text
        found = re.search(
            r'<p id="import-findings"><a href="([^"]+)">Замечаний: (\d+)</a></p>', review
        )
        assert found is not None
        upload = c.get(found.group(1)).text
    assert re.fullmatch(rf"/admin/schools/{published.school_id}/uploads/\d+", found.group(1))
    assert found.group(2) == "0" and 'id="no-findings"' in upload


def test_links_page_shows_the_address_warns_on_loopback_and_finds_a_class(
    live: Live, published: Published
) -> None:
    base = f"/admin/schools/{published.school_id}/links"
    with admin_client(live) as (c, _csrf):
        page = c.get(base).text
        assert f'<code id="address-url">{live.url}</code>' in page
        assert 'id="address-warning"' in page and "planner serve --host 0.0.0.0" in page
        assert "PLANNER_BASE_URL" in page
        # a compact table with a copy button per link, found by the search (also without JS)
        with live.api() as api:
            active = [x for x in api.get(base.replace("/admin", "/api/v1")).json()
                      if not x["revoked"]]  # fmt: skip
        rows = re.findall(r'<tr id="link-\d+" data-kind="(\w+)" data-target="([^"]+)"', page)
        assert len(rows) == len(active) > 0
        assert page.count('data-copy="') == 2 * len(active)
        found = c.get(base, params={"q": "5а"}).text
        shown = re.findall(r'data-target="([^"]+)"', found.split('id="links-table"')[1])
        assert set(shown) == {"5А"} and f"Найдено: {len(shown)}." in found


def test_issuing_a_link_is_confirmed_at_the_top(live: Live, published: Published) -> None:
    base = f"/admin/schools/{published.school_id}/links"
    with admin_client(live) as (c, csrf):
        page = c.get(base).text
        assert page.index('id="issue-form"') < page.index('id="links-table"')
        r = c.post(base, data={"csrf_token": csrf, "target": "6А", "with_calls": "1"})
        assert r.status_code == 303
        link_id = re.search(r"issued=(\d+)", r.headers["location"]).group(1)
        page = c.get(r.headers["location"]).text
    assert (
        '<p class="ok" role="status" id="issued">Выпущена новая ссылка: 6А — со ссылками на '
        "звонки." in page
    )
    assert (
        f'<tr id="link-{link_id}" data-kind="class" data-target="6А" class="just-issued">' in page
    )


def test_print_sheets_one_class_per_page_with_its_qr_code(live: Live, published: Published) -> None:
    with live.api() as api:
        active = [x for x in api.get(f"/api/v1/schools/{published.school_id}/links").json()
                  if not x["revoked"] and x["kind"] == "class"]  # fmt: skip
    with admin_client(live) as (c, _csrf):
        one = c.get(f"/admin/schools/{published.school_id}/links/sheets", params={"target": "5А"})
        every = c.get(f"/admin/schools/{published.school_id}/links/sheets").text
    mine = [x for x in active if x["target"] == "5А"]
    assert one.status_code == 200
    assert one.text.count('<section class="sheet"') == len(mine) > 0
    assert all(x["page_url"] in one.text for x in mine) and "<svg" in one.text
    assert every.count('<section class="sheet"') == len(active)


def test_chat_page_has_a_copy_button_per_part(live: Live, published: Published) -> None:
    with admin_client(live) as (c, _csrf):
        page = c.get(f"/admin/schools/{published.school_id}/chat").text
    sections = page.count('<section class="card chat"')
    assert sections == 2  # 5А and 7А of the published order
    assert page.count("data-copy-from=") == page.count("<textarea")
    assert page.count("<textarea") >= sections
