"""A new user's first hour, in headless chromium against the app as ``scripts/start.sh`` starts it:
the demo school, the password printed at start, a whole-school order by one choice, rebuild,
review, publish, the links page (address warning on loopback, search, copy buttons) and a parent's
phone showing what a changed lesson was. Screenshots: ``artifacts/first-contact-*.png``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.paths import REPO
from tests.web.conftest import WEEK_FROM, WEEK_TO, _free_port

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LOGIN_LINE = re.compile(r"Вход администратора: (\S+)/\s+логин: (\S+)\s+пароль: (\S+)")
CLASS_LINE = re.compile(r"^\s+(\S+): (http://\S+/c/[A-Za-z0-9_-]+) · ")


@dataclass
class Started:
    url: str
    login: str
    password: str
    output: list[str]  # what start.sh printed up to the server's start

    def class_links(self) -> dict[str, str]:
        return {m.group(1): m.group(2) for line in self.output if (m := CLASS_LINE.match(line))}


def _read_until_login(out: IO[str], deadline: float) -> list[str]:
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = out.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if LOGIN_LINE.search(line):
            return lines
    raise AssertionError("start.sh не напечатал вход администратора:\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """``bash scripts/start.sh --port P`` with a fresh data folder (the demo school is loaded and
    published with the real solver), as a new user runs it."""
    port = _free_port()
    env = {
        **os.environ,
        "PLANNER_DATA_DIR": str(tmp_path_factory.mktemp("first-contact")),
        "PLANNER_SOLVER_TIME_LIMIT": "5",
        "PLANNER_SOLVER_WORKERS": "2",
        "PLANNER_JOB_POOL_SIZE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    for key in ("PLANNER_BASE_URL", "PLANNER_DATABASE_URL"):
        env.pop(key, None)
    proc = subprocess.Popen(
        ["bash", "scripts/start.sh", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = _read_until_login(proc.stdout, time.monotonic() + 180)
        login = LOGIN_LINE.search(lines[-1])
        assert login is not None
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        yield Started(url, login.group(2), login.group(3), lines)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group: start.sh execs the server
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_start_prints_the_login_last_and_the_loopback_warning(started: Started) -> None:
    text = "\n".join(started.output)
    assert started.login == "demo" and len(started.password) >= 12
    # the login comes after every link (in view when the links have scrolled by)
    last_link = max(i for i, line in enumerate(started.output) if "/c/" in line or "/t/" in line)
    assert LOGIN_LINE.search(started.output[-1]) and len(started.output) - 1 > last_link
    assert set(started.class_links()) >= {"5А", "9А"}
    assert "Внимание: Ссылки ведут на http://127.0.0.1:" in text
    assert "planner serve --host 0.0.0.0" in text and "PLANNER_BASE_URL" in text


def test_first_contact_walk_from_start_to_a_parents_phone(
    started: Started, browser: Any, artifacts: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=started.url)
    page = ctx.new_page()
    page.goto(started.url + "/")
    page.get_by_label("Логин").fill(started.login)
    page.get_by_label("Пароль").fill(started.password)  # the password start.sh printed
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(started.url + "/admin")
    page.screenshot(path=str(artifacts / "first-contact-1-schools.png"), full_page=True)

    page.locator("a[href^='/admin/schools/']").first.click()
    page.get_by_role("link", name="Новый приказ →").click()
    page.get_by_label("Вся школа").check()  # one choice for the whole school
    expect(page.get_by_label("9А", exact=True)).to_be_checked()
    page.get_by_label("С", exact=True).fill(WEEK_FROM)
    page.get_by_label("По", exact=True).fill(WEEK_TO)
    page.get_by_label("Лимит времени решателя, с").fill("5")
    page.screenshot(path=str(artifacts / "first-contact-2-order.png"), full_page=True)
    page.get_by_role("button", name="Перестроить").click()

    expect(page).to_have_url(re.compile(r"/admin/rebuilds/[0-9a-f]{32}$"))
    expect(page.locator("#review-link")).to_be_visible(timeout=120_000)
    page.screenshot(path=str(artifacts / "first-contact-3-rebuilt.png"), full_page=True)
    page.locator("#review-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверка результата")
    page.screenshot(path=str(artifacts / "first-contact-4-review.png"))
    page.get_by_label("Комментарий к версии").fill("Вся школа на дистанте")
    page.get_by_role("button", name="Опубликовать").click()

    expect(page.locator("#published")).to_have_text("Опубликовано: версия 2")
    warning = page.locator("#address-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("127.0.0.1")
    expect(warning).to_contain_text("--host 0.0.0.0")
    page.screenshot(path=str(artifacts / "first-contact-5-links.png"), full_page=True)
    rows = page.locator("#links-table tbody tr")
    assert rows.count() > 20  # classes and teachers
    # a compact table: one line a link (38 classes and 68 teachers fit in a few screens)
    table = page.locator("#links-table tbody").bounding_box()
    assert table is not None and table["height"] / rows.count() <= 45
    page.get_by_label("Найти класс или учителя").fill("5А")  # filters as one types
    visible = page.locator("#links-table tbody tr:visible")
    expect(visible).to_have_count(1)
    expect(visible.first).to_have_attribute("data-target", "5А")
    copy = visible.first.get_by_role("button", name="Копировать ссылку 5А")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text("Скопировано ✓")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(started.url) + r"/c/[A-Za-z0-9_-]{32}", copied)
    page.screenshot(path=str(artifacts / "first-contact-6-links-search.png"), full_page=True)
    ctx.close()

    # a parent's phone: a lesson of a class of the first version changed, and says what it was
    phone = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True)
    parent = phone.new_page()
    shown = None
    for name in ("5А", "7Б", "7А", "9А"):
        url = started.class_links().get(name)
        if url is None:
            continue
        parent.goto(url)
        if parent.locator(".was").count():
            shown = name
            break
    assert shown is not None, "no changed lesson with «было» on the first version's classes"
    was = parent.locator(".was").first
    expect(was).to_contain_text(re.compile(r"^было: .+"))
    was.scroll_into_view_if_needed()
    parent.screenshot(path=str(artifacts / "first-contact-7-parent-phone.png"))
    width = parent.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    phone.close()
