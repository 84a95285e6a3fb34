"""The pages in headless chromium: the deputy director's walk from upload to publish, the parents'
page on a phone (also with JavaScript off) and the teachers' page. Screenshots: ``artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    DEMO_CSV,
    WEEK_FROM,
    WEEK_TO,
    Live,
    Published,
)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
HTMX_IDLE = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.ariaLabel)
  .map(el => el.outerHTML)"""


def assert_accessible(page: Page) -> None:
    """Every form control has a label, and the page says its language."""
    assert page.evaluate(UNLABELLED) == []
    assert page.locator("html").get_attribute("lang") in ("ru", "en")


def watch_csp(page: Page) -> list[str]:
    """What the Content-Security-Policy blocked on this page (chromium reports it as a console
    error): inline scripts or styles, foreign assets. Tests assert the list stays empty."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return blocked


def _login(page: Page, live: Live) -> None:
    page.goto(live.url + "/admin")
    expect(page).to_have_url(live.url + "/login?next=%2Fadmin")
    assert_accessible(page)
    page.get_by_label("Логин").fill(ADMIN_LOGIN)
    page.get_by_label("Пароль").fill(ADMIN_PASSWORD)
    page.get_by_label("Пароль").press("Enter")  # keyboard submission
    expect(page).to_have_url(live.url + "/admin")


def test_deputy_director_walks_from_upload_to_publish(
    live: Live, browser: Any, artifacts: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()
    blocked = watch_csp(page)
    _login(page, live)
    page.get_by_label("Название школы").fill("Школа из браузера")
    page.get_by_role("button", name="Создать").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Школа из браузера")
    school_url = page.url

    # a broken file: the errors are shown inline, with file, row and column
    page.get_by_label("Файл расписания (CSV, XLSX, aSc XML, FET)").set_input_files(
        {"name": "broken.csv", "mimeType": "text/csv",
         "buffer": "день,урок,начало,конец,класс,предмет,учитель\nПн,один,08:00,08:45,5А,Математика,Иванова И.И.\n".encode()}  # noqa: E501
    )  # fmt: skip
    page.get_by_role("button", name="Проверить файл").click()
    row = page.locator("#upload-error table.problems tbody tr").first
    expect(row.locator("td")).to_have_text(
        ["broken.csv", "2", "урок", "", re.compile("«один» — номер урока")]
    )
    page.screenshot(path=str(artifacts / "admin-1-upload-error.png"), full_page=True)
    assert_accessible(page)

    page.get_by_label("Файл расписания (CSV, XLSX, aSc XML, FET)").set_input_files(DEMO_CSV)
    page.get_by_role("button", name="Проверить файл").click()
    # the preview: what was read, no findings; only «Загрузить» makes it the school's
    expect(page.locator("#read-counts")).to_contain_text("Классов: 9")
    expect(page.locator("#no-findings")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Загрузить").click()
    expect(page.locator("#uploaded")).to_have_text("Расписание загружено.")
    expect(page.locator("#grid table.grid caption")).to_have_text("1А")
    page.get_by_label("Класс").select_option("5А")  # htmx swaps the grid
    expect(page.locator("#grid table.grid caption")).to_have_text("5А")
    page.wait_for_function(HTMX_IDLE)
    page.locator("#by").select_option("teacher")
    expect(page.locator("#grid label[for=target]")).to_have_text("Учитель")
    page.screenshot(path=str(artifacts / "admin-2-base-grid.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Новый приказ →").click()
    page.get_by_label("5 — все классы параллели").check()
    expect(page.get_by_label("5А", exact=True)).to_be_checked()  # the parallel ticks its classes
    page.get_by_label("7А", exact=True).check()
    page.get_by_label("С", exact=True).fill(WEEK_FROM)
    page.get_by_label("По", exact=True).fill(WEEK_TO)
    page.get_by_label("Устройство").select_option("laptop")
    page.get_by_label("Норма", exact=True).first.select_option("day.online_end_not_after")
    page.get_by_label("Новое значение").first.fill("17:00")
    page.get_by_label("Основание (номер и дата приказа)").first.fill("Приказ № 45 от 28.11.2026")
    page.get_by_label("Лимит времени решателя, с").fill("2")
    page.screenshot(path=str(artifacts / "admin-3-order.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Перестроить").click()

    expect(page).to_have_url(re.compile(r"/admin/rebuilds/[0-9a-f]{32}$"))
    expect(page.locator("#job-progress")).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-4-progress.png"))
    # htmx polls every second; the link appears without a reload
    expect(page.locator("#review-link")).to_be_visible(timeout=60_000)
    expect(page.locator("#job-status")).to_have_text("готово")
    page.locator("#review-link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Проверка результата")
    expect(page.locator("svg.timeline")).to_have_count(2)
    expect(page.locator("svg.chart rect")).to_have_count(2)
    page.locator("#warnings-line").click()  # the warnings open from their one line
    local_act = page.locator("#warnings li").filter(has_text="Приказ № 45 от 28.11.2026")
    expect(local_act.first).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-5-review.png"), full_page=True)
    assert_accessible(page)
    review_url = page.url
    page.goto(review_url + "?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    page.screenshot(path=str(artifacts / "admin-5-review-en.png"), full_page=True)
    page.goto(review_url + "?lang=ru")
    page.get_by_role("link", name=re.compile("^Вт, 08.12")).click()  # htmx swaps the day
    expect(page.locator("#chart-h")).to_have_text("Онлайн-минуты и предел — Вт, 08.12")
    expect(page).to_have_url(re.compile(r"review\?day=2026-12-08$"))

    page.get_by_label("Комментарий к версии").fill("Карантин 5А, 5Б, 7А")
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.locator("#published")).to_have_text("Опубликовано: версия 1")
    expect(page.locator("#links-table tr[data-kind=class]")).to_have_count(9)
    page.locator("#links-table details.qr-small summary").first.click()
    expect(page.locator("#links-table .qr-code svg").first).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-6-links.png"), full_page=True)
    assert_accessible(page)
    asked: list[str] = []  # «Отозвать» asks first (web/static/pages.js); «no» sends nothing
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Отозвать").first.click()
    expect(page.locator("#links-table tr[data-kind=class]")).to_have_count(9)
    assert asked == ["Отозвать ссылку? Она перестанет открываться."]
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Отозвать").first).to_be_hidden()
    page.screenshot(path=str(artifacts / "admin-6-links-print.png"), full_page=True)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Выгрузки").click()
    expect(page.locator("textarea.message")).to_have_count(2)
    expect(page.get_by_role("link", name="epos.csv")).to_be_visible()
    expect(page.get_by_role("link", name="changes.xlsx")).to_be_visible()
    expect(page.locator("tbody tr th").first).to_have_text("1")
    page.screenshot(path=str(artifacts / "admin-7-downloads.png"), full_page=True)
    assert_accessible(page)

    # a second rebuild, cancelled from its progress page
    page.goto(school_url + "/order")
    for grade in range(1, 10):  # the whole school: far from optimal within the limit
        page.get_by_label(f"{grade} — все классы параллели").check()
    page.get_by_label("С", exact=True).fill(WEEK_FROM)
    page.get_by_label("По", exact=True).fill(WEEK_TO)
    page.get_by_label("Лимит времени решателя, с").fill("120")
    page.get_by_role("button", name="Перестроить").click()
    # cancel once a first plan is there (the best plan so far is kept)
    expect(page.locator("#job-solutions")).not_to_have_text("0", timeout=30_000)
    page.locator("#progress form button").click()  # «Отменить» (or «Остановить и взять…»)
    expect(page.locator("#progress")).not_to_have_attribute(
        "data-status", re.compile("queued|running"), timeout=30_000
    )
    page.screenshot(path=str(artifacts / "admin-8-cancelled.png"))
    expect(page.locator("#job-status")).to_have_text("отменено")
    page.locator("#review-link").click()  # the plan kept at the cancel opens for review
    expect(page.locator("#cancelled-note")).to_be_visible()
    assert blocked == []
    ctx.close()


def test_parent_page_on_a_phone(live: Live, published: Published, browser: Any, artifacts: Path):
    token = published.link("class", "5А")["token"]
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    page = ctx.new_page()
    blocked = watch_csp(page)
    page.goto(f"{live.url}/c/{token}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#focus-h")).to_have_text("Ближайший учебный день: Пн, 07.12")
    expect(page.locator("#week section.day")).to_have_count(5)
    expect(page.locator(".focus .badge.f-online").first).to_have_text("онлайн")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "parent-phone.png"))
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "parent-phone-full.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    page.screenshot(path=str(artifacts / "parent-print.png"), full_page=True)
    page.goto(f"{live.url}/c/{token}?lang=en")
    expect(page.locator("#week-h")).to_have_text("Week")
    assert blocked == []
    ctx.close()


def test_parent_page_without_javascript(
    live: Live, published: Published, browser: Any, artifacts: Path
) -> None:
    token = published.link("class", "7А")["token"]
    ctx = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{live.url}/c/{token}")
    expect(page.locator("#focus-h")).to_have_text("Ближайший учебный день: Пн, 07.12")
    expect(page.locator(".focus li.item.k-lesson").first).to_be_visible()
    expect(page.locator("#updated")).to_contain_text("обновлено в")
    page.screenshot(path=str(artifacts / "parent-no-js.png"), full_page=True)
    ctx.close()


def test_teacher_page_subscribe_and_call_link(
    live: Live, published: Published, browser: Any, artifacts: Path
) -> None:
    teacher = next(
        i["teacher"]
        for i in published.items
        if i["kind"] == "lesson" and i.get("format") == "online" and i.get("teacher")
    )
    token = published.link("teacher", teacher)["token"]
    host = live.url.split("://", 1)[1]
    ctx = browser.new_context(viewport=PHONE, is_mobile=True)
    page = ctx.new_page()
    blocked = watch_csp(page)
    page.goto(f"{live.url}/t/{token}")
    expect(page.locator("h1")).to_have_text(f"Мои уроки: {teacher}")
    expect(page.locator("#webcal")).to_have_attribute("href", f"webcal://{host}/feeds/{token}.ics")
    expect(page.locator("#google")).to_have_attribute(
        "href", f"https://calendar.google.com/calendar/r?cid=webcal://{host}/feeds/{token}.ics"
    )
    expect(page.locator("#feed-url")).to_have_value(f"{live.url}/feeds/{token}.ics")
    page.locator("#feed-url").focus()  # selected whole, ready to copy (web/static/pages.js)
    assert page.evaluate(
        "(e => e.selectionEnd - e.selectionStart === e.value.length)"
        "(document.getElementById('feed-url'))"
    )
    page.get_by_label("Класс 5А: Ссылка на звонок").fill("https://sferum.ru/?call_link=Abc-123")
    page.locator("form.call-form").filter(has=page.get_by_label("Класс 5А: Ссылка на звонок")) \
        .get_by_role("button", name="Сохранить").click()  # fmt: skip
    expect(page.locator("#call-saved")).to_have_text("Ссылка сохранена.")
    expect(page.locator("#call-warning")).to_have_count(0)
    expect(page.locator("a.call").first).to_have_attribute(
        "href", "https://sferum.ru/?call_link=Abc-123"
    )
    page.screenshot(path=str(artifacts / "teacher-phone.png"))
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "teacher-phone-full.png"), full_page=True)
    feed = page.request.get(f"{live.url}/feeds/{token}.ics").text()
    assert "https://sferum.ru/?call_link=Abc-123" in feed
    # the parents' page of 5А without call-link rights does not show it
    page.goto(f"{live.url}/c/{published.link('class', '5А')['token']}")
    expect(page.locator("#week")).to_be_visible()
    assert "call_link" not in page.content()
    expect(page.locator("a.call")).to_have_count(0)
    assert blocked == []
    ctx.close()


def test_municipal_dashboard_refreshes_live_and_publishes_every_clean_plan(
    live: Live, browser: Any, artifacts: Path
) -> None:
    names = ("Гимназия на морозе", "Лицей на морозе")
    ids = []
    with live.api() as api:
        for name in names:
            sid = api.post("/api/v1/schools", json={"name": name}).json()["id"]
            upload = {"file": ("demo-small.csv", DEMO_CSV.read_bytes(), "text/csv")}
            r = api.post(f"/api/v1/schools/{sid}/timetable", files=upload)
            assert r.status_code == 201, r.text
            ids.append(sid)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = ctx.new_page()
    _login(page, live)
    page.get_by_role("link", name="Муниципалитет").click()
    expect(page.locator("#frost-rows li")).to_have_text(
        ["−25 °C и ниже: 1–4 кл.", "−28 °C и ниже: 1–9 кл.", "−30 °C и ниже: 1–11 кл."]
    )
    assert_accessible(page)
    page.get_by_label("Документ (телефонограмма, приказ)").fill("Телефонограмма № 15")
    page.get_by_label("С", exact=True).fill(WEEK_FROM)
    page.get_by_label("По", exact=True).fill(WEEK_FROM)
    page.get_by_label("Температура, °C").fill("-29")
    for name in names:
        page.get_by_label(name).check()
    page.screenshot(path=str(artifacts / "municipal-1-order.png"), full_page=True)
    page.get_by_role("button", name="Отправить школам").click()
    expect(page.locator("#frost-explanation")).to_contain_text(
        "Прогноз −29 °C: дистанционно учатся 1–9 классы"
    )
    board = page.locator("#board")
    expect(board).to_have_attribute("data-active", "true")
    page.screenshot(path=str(artifacts / "municipal-2-solving.png"), full_page=True)
    # htmx polls the board: both schools become ready without a reload
    expect(board).to_have_attribute("data-active", "false", timeout=60_000)
    for sid in ids:
        expect(page.locator(f'tr[data-school="{sid}"]')).to_have_attribute("data-status", "ready")
    expect(page.locator("#classes-remote")).to_have_text("18")
    assert_accessible(page)
    page.get_by_role("button", name="Опубликовать все готовые планы без нарушений").click()
    expect(page.locator("#published")).to_have_text("Опубликовано планов: 2.")
    for sid in ids:
        row = page.locator(f'tr[data-school="{sid}"]')
        expect(row).to_have_attribute("data-status", "published")
        expect(row).to_contain_text("версия 1")
    page.screenshot(path=str(artifacts / "municipal-3-published.png"), full_page=True)
    ctx.close()
