"""A calm review (issue 12): summary first, warnings in one line, a class at a time, progress in
the deputy's figures, a cancelled plan kept for review, print, local times, Russian plurals."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Live, Published, rebuilt_school
from tests.web.test_browser import _login, watch_csp
from tests.web.test_routes import _running_job, admin_client
from web import views

STYLE = Path(__file__).resolve().parents[2] / "web" / "static" / "style.css"
SCHOOL_ZONE = ZoneInfo("Asia/Yekaterinburg")
ALL_CLASSES = ["1А", "2А", "3А", "4А", "5А", "6А", "7А", "8А", "9А"]


@dataclass
class WholeSchool:
    school_id: int
    job_id: str


@pytest.fixture(scope="module")
def whole_school(live: Live) -> WholeSchool:
    """The small demo school (9 classes, 264 lessons) and a finished rebuild of all of it."""
    with live.api() as api:
        sid, job = rebuilt_school(api, "Школа целиком", ALL_CLASSES, time_limit=3, timeout=120)
    return WholeSchool(sid, job["id"])


def _timelines(page: str) -> list[str]:
    return re.findall(r'<svg class="timeline"[^>]*aria-label="([^,"]+),', page)


def _job_of(live: Live, published: Published) -> str:
    with live.api() as api:
        jobs = api.get(f"/api/v1/schools/{published.school_id}/rebuilds").json()
    return next(j["id"] for j in jobs if j["status"] == "succeeded")


def test_review_opens_with_a_summary_and_the_warnings_in_one_line(
    live: Live, published: Published
) -> None:
    with admin_client(live) as (c, _csrf):
        page = c.get(f"/admin/rebuilds/{_job_of(live, published)}/review").text
    # the summary comes before the day's charts and timelines
    assert page.index('id="summary"') < page.index('id="chart-h"') < page.index('id="tl-h"')
    assert re.search(r'<dd id="sum-classes">2</dd>', page)
    # the warnings: one line with the count and «подробнее», closed by default
    line = re.search(r'<summary id="warnings-line">Предупреждения: (\d+) · (.*?)</summary>', page)
    assert line, page
    assert int(line.group(1)) >= 5 and "подробнее" in line.group(2)
    assert "значения норм, не сверенные с официальным текстом — " in line.group(2)
    assert '<details class="warnings-more" id="warnings">' in page  # not open
    details = page.split('id="warnings">')[1].split("</details>")[0]
    assert '<section class="warning-group" data-kind="low_confidence">' in details
    assert "Расписание построено по этим значениям и ничего не нарушает" in details
    # nothing of the catalogue's keys or YAML sections on the page
    assert "(overrides)" not in page
    assert not re.search(r"\((?:day|lesson|health|eso|difficulty)\.[a-z_.]+\)", page)
    # and a print button
    assert 'data-print id="print-review"' in page


def test_review_of_a_whole_school_shows_one_parallel_at_a_time(
    live: Live, whole_school: WholeSchool
) -> None:
    url = f"/admin/rebuilds/{whole_school.job_id}/review"
    with admin_client(live) as (c, _csrf):
        first = c.get(url).text
        one = c.get(url, params={"day": "2026-12-08", "class": "7А"}).text
        grade = c.get(url, params={"grade": "5"}, headers={"HX-Request": "true"}).text
        everything = c.get(url, params={"all": "1"}).text
    assert _timelines(first) == ["1А"]  # a 9-class order opens on its first parallel
    nav = first.split('id="classes-nav"')[1].split("</nav>")[0]
    assert re.findall(r">(\d+А)</a>", nav) == ALL_CLASSES
    assert "все (9)" in nav
    assert _timelines(one) == ["7А"]
    assert '<p class="muted" id="shown-classes">Показаны: 7А</p>' in one
    # the day tabs keep the choice of class
    assert 'href="?day=2026-12-09&amp;class=7%D0%90"' in one
    assert grade.lstrip().startswith('<div id="day">')  # htmx: only the day block
    assert _timelines(grade) == ["5А"]
    assert _timelines(everything) == ALL_CLASSES
    # the summary counts the whole order, whatever the day view shows
    assert '<dd id="sum-classes">9</dd>' in first and '<dd id="sum-classes">9</dd>' in one


def test_the_timeline_legend_names_every_colour(live: Live, whole_school: WholeSchool) -> None:
    with admin_client(live) as (c, _csrf):
        page = c.get(f"/admin/rebuilds/{whole_school.job_id}/review", params={"all": "1"}).text
    legend = page.split('id="timeline-legend">')[1].split("</p>")[0]
    pairs = re.findall(r'<span class="sw ([a-z_-]+)"></span> ([^<]+)', legend)
    shown = [(css, label.strip()) for css, label in pairs]
    assert dict(shown)["k-dynamic_pause"] == "динамическая пауза"
    assert [css for css, _label in shown] == [css for css, _label in views.TIMELINE_LEGEND]
    timelines = re.findall(r'<svg class="timeline".*?</svg>', page, re.S)
    drawn = {css for svg in timelines for css in re.findall(r'<rect [^>]*class="([^"]+)"', svg)}
    assert "k-dynamic_pause" in drawn, drawn  # 1А–4А have their dynamic pause
    assert drawn <= {css for css, _label in shown}
    css = STYLE.read_text(encoding="utf-8")
    for name, _label in views.TIMELINE_LEGEND:
        assert f".sw.{name} " in css, name


def test_progress_speaks_the_deputys_language(live: Live, published: Published) -> None:
    from api.models import Job

    live_figures = {"online_minutes": 1840, "subjects_without_contact": 1}
    job_id = _running_job(live, published.school_id, best_objective=1030.0, best_bound=1000.0,
                          solutions=4, summary={"live": live_figures})  # fmt: skip
    try:
        with admin_client(live) as (c, _csrf):
            page = c.get(f"/admin/rebuilds/{job_id}").text
    finally:
        with live.app.state.session_factory() as s:
            s.get(Job, job_id).status = "failed"
            s.commit()
    assert "Лучшее значение цели" not in page and "Оценка снизу" not in page
    assert '<dd id="job-solutions">4</dd>' in page
    assert '<dd id="job-online-minutes">1840</dd>' in page
    assert '<dd id="job-no-contact">1</dd>' in page
    assert '<dd id="job-gap">не больше 3 %</dd>' in page
    assert '<p class="ok" id="good-enough">Можно остановить: план уже хороший.' in page
    assert ">Остановить и взять этот план</button>" in page


def test_a_cancelled_job_keeps_its_plan_for_review_and_publishing(
    live: Live, whole_school: WholeSchool
) -> None:
    from api.jobs import CANCELLED
    from api.models import Job

    with live.app.state.session_factory() as s:
        done = s.get(Job, whole_school.job_id)
        job = Job(id=uuid.uuid4().hex, school_id=done.school_id, timetable_id=done.timetable_id,
                  order_doc=done.order_doc, time_limit=30, workers=1, seed=1, status="cancelled",
                  cancel_requested=True, message=CANCELLED, solutions=3,
                  schedule_json=done.schedule_json, summary=done.summary)  # fmt: skip
        s.add(job)
        s.commit()
        job_id = job.id
    with admin_client(live) as (c, csrf):
        progress = c.get(f"/admin/rebuilds/{job_id}").text
        review = c.get(f"/admin/rebuilds/{job_id}/review")
        form = {"csrf_token": csrf, "comment": "взяли до конца поиска"}
        published = c.post(f"/admin/rebuilds/{job_id}/publish", data=form)
    assert "его можно посмотреть и опубликовать" in progress
    assert f'id="review-link" href="/admin/rebuilds/{job_id}/review"' in progress
    assert review.status_code == 200
    assert 'id="cancelled-note"' in review.text
    assert published.status_code == 303, published.text
    assert re.fullmatch(
        rf"/admin/schools/{whole_school.school_id}/links\?published=\d+",
        published.headers["location"],
    )


def _local(value: Any) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(SCHOOL_ZONE)


def test_downloads_and_rebuild_list_show_the_schools_time(live: Live, published: Published) -> None:
    from api.models import Job, Version

    with live.app.state.session_factory() as s:
        version = s.query(Version).filter_by(school_id=published.school_id).first()
        job = s.query(Job).filter_by(school_id=published.school_id).first()
        published_at, created_at = _local(version.published_at), _local(job.created_at)
    with admin_client(live) as (c, _csrf):
        downloads = c.get(f"/admin/schools/{published.school_id}/downloads").text
        order = c.get(f"/admin/schools/{published.school_id}/order").text
    assert f'<td class="published-at">{published_at:%d.%m.%Y %H:%M}</td>' in downloads
    assert f"{created_at:%d.%m %H:%M}</a>" in order
    assert "UTC" not in downloads and "UTC" not in order


def test_report_opens_in_the_browser_to_print(live: Live, published: Published) -> None:
    from api.headers import REPORT_CSP

    with admin_client(live) as (c, _csrf):
        downloads = c.get(f"/admin/schools/{published.school_id}/downloads").text
        link = re.search(r'<a href="([^"]+/files/report\.html)"([^>]*)>', downloads)
        assert link, downloads
        r = c.get(link.group(1))
    assert " download" not in link.group(2) and 'target="_blank"' in link.group(2)
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("inline")
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == REPORT_CSP


def test_counts_take_the_russian_plural(live: Live, published: Published) -> None:
    with admin_client(live) as (c, _csrf):
        schools = c.get("/admin").text
        school = c.get(f"/admin/schools/{published.school_id}").text
    for page in (schools, school):
        assert re.search(r"9 классов, 264 урока,\s+\d+ учител", page)  # never «264 уроков»
        assert "264 уроков" not in page


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [("ru", 1, "1 урок"), ("ru", 264, "264 урока"), ("ru", 1174, "1174 урока"),
     ("ru", 11, "11 уроков"), ("ru", 21, "21 урок"), ("en", 1, "1 lesson"),
     ("en", 264, "264 lessons")],
)  # fmt: skip
def test_the_plural_filter(lang: str, n: int, text: str) -> None:
    from web.pages import templates

    template = templates.env.from_string('{{ n|plural("урок", "урока", "уроков") }}')
    assert template.render(n=n, lang=lang) == text


@pytest.mark.browser
def test_review_in_chromium_is_short_prints_without_controls_and_report_keeps_its_styles(
    live: Live, whole_school: WholeSchool, published: Published, browser: Any, artifacts: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked = watch_csp(page)
    try:
        _login(page, live)
        url = f"{live.url}/admin/rebuilds/{whole_school.job_id}/review"
        page.goto(url + "?all=1")
        every = page.evaluate("document.documentElement.scrollHeight")
        page.goto(url)
        height = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(path=str(artifacts / "review-whole-school.png"), full_page=True)
        # a class from the navigation, swapped in by htmx
        page.locator("#classes-nav").get_by_role("link", name="8А", exact=True).click()
        expect(page.locator("#shown-classes")).to_have_text("Показаны: 8А")
        expect(page).to_have_url(re.compile(r"class=8"))
        page.locator("#warnings-line").click()
        expect(page.locator('.warning-group[data-kind="low_confidence"] p')).to_be_visible()
        page.emulate_media(media="print")
        assert not page.locator("#publish").is_visible()
        assert not page.locator("#print-review").is_visible()
        assert not page.locator("#classes-nav").is_visible()
        assert page.locator("#summary").is_visible()
        page.screenshot(path=str(artifacts / "review-print.png"), full_page=True)
        page.emulate_media(media="screen")
        # the report opens as a page with its own styles (its CSP allows its inline style)
        page.goto(f"{live.url}/admin/schools/{published.school_id}/downloads")
        with page.context.expect_page() as opened:
            page.locator("a.report-link").first.click()
        tab = opened.value
        tab.wait_for_load_state()
        size = tab.evaluate("getComputedStyle(document.querySelector('h1')).fontSize")
        assert size == "21.3333px"  # 16pt: the report's inline style applied
        tab.screenshot(path=str(artifacts / "report-inline.png"))
        tab.close()
    finally:
        page.close()
    assert height < every / 2, (height, every)
    assert height < 6000, height
    assert blocked == []
