"""report.html: rendered by headless Chromium, numbers equal the checker's, offline, A4."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import sync_playwright

from constraints.catalogue import NormCatalogue
from constraints.checker import check_schedule
from planner.domain.order import Override, QuarantineOrder
from planner.exports.report import render_report, write_report
from tests.browser import launch_chromium
from tests.paths import ARTIFACTS

from .school import order, remote_schedule, school_timetable

NOW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def real_report(o: QuarantineOrder | None = None):
    o = o or order()
    cat = NormCatalogue.load(on=o.date_from, overrides=o.overrides)
    rep = check_schedule(remote_schedule(), school_timetable(), o, cat)
    return o, cat, rep


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    o, cat, rep = real_report()
    html = render_report(remote_schedule(), o, cat, rep, now=NOW, version=2)
    path = write_report(tmp_path_factory.mktemp("report") / "report.html", html)
    return path, html, rep, cat


@pytest.mark.browser
def test_report_renders_in_chromium_and_numbers_equal_the_checker(rendered):
    path, _html, rep, _cat = rendered
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1300})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            rows = page.eval_on_selector_all(
                "tr[data-class]",
                """rows => rows.map(r => [r.dataset.class, r.dataset.date,
                    +r.querySelector('td.online').textContent,
                    +r.dataset.capHome, +r.dataset.capSchool,
                    r.querySelector('td.caps').textContent.trim(),
                    r.querySelectorAll('svg rect.fill').length])""",
            )
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
        finally:
            browser.close()
    expected = sorted(
        (d.class_name, d.date.isoformat(), d.online_minutes, d.cap_home, d.cap_school,
         f"{d.cap_home} / {d.cap_school}", 2)
        for d in rep.days
    )  # fmt: skip
    assert sorted(map(tuple, rows)) == expected
    assert len(rows) == 12
    assert requests == [path.as_uri()]  # offline: nothing else is fetched
    assert pdf.startswith(b"%PDF") and (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_report_content(rendered):
    _path, html, rep, cat = rendered
    assert "<h1>Отчёт о соответствии дистанционного расписания" in html
    assert "@page { size: A4;" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    assert f"<code>{cat.name}</code>" in html
    assert "с 01.12.2026 по 08.12.2026" in html
    assert 'id="no-violations"' in html
    assert html.count(" data-key=") == len(cat.all_norms())
    for w in rep.warnings:
        assert f"<li>{w}</li>" in html.replace("&#34;", '"').replace("&#39;", "'")
    # 5А on 01.12: 90 online minutes, over the «в школе» cap of 60, under «дома» 120
    row = re.search(r'<tr data-class="5А" data-date="2026-12-01"[^>]*>(.*?)</tr>', html, re.S)
    assert row and 'data-online="90"' in row.group(0)
    assert "● дома: 90/120" in row.group(1) and "в школе: 90/60 (для сведения)" in row.group(1)
    # the order chose «дома»: the «в школе» column is information, never drawn as a breach
    assert 'fill="#c8102e"' not in row.group(1)
    assert row.group(1).count('class="fill info"') == 1
    assert row.group(1).count('class="fill judged"') == 1
    assert "превышением это не считается" in html.split('id="bars-legend"')[1].split("</p>")[0]
    assert "<td>30, 30, 30</td>" in row.group(1) and "<td>20, 95</td>" in row.group(1)


def test_report_lists_overrides_with_reasons():
    o = order()
    o = QuarantineOrder(
        classes=o.classes,
        date_from=o.date_from,
        date_to=o.date_to,
        overrides={
            "online_end_not_after": Override("17:00", "Приказ № 45 от 28.11.2026"),
        },
    )
    o, cat, rep = real_report(o)
    html = render_report(remote_schedule(), o, cat, rep, now=NOW)
    section = html.split('<table id="overrides">')[1].split("</table>")[0]
    assert "17:00" in section and "Приказ № 45 от 28.11.2026" in section


@dataclass
class StubViolation:
    rule: str
    message: str
    citation: str
    class_name: str | None = None
    date: date | None = None


@dataclass
class StubReport:
    violations: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    days: list = field(default_factory=list)


def test_report_shows_violations_when_there_are_some():
    _o, cat, rep = real_report()
    bad = StubReport(
        violations=[
            StubViolation(
                "daily_screen_time",
                "5А, 01.12: 150 мин онлайн при лимите 120.",
                "СанПиН 1.2.3685-21, табл. 6.8",
                "5А",
                date(2026, 12, 1),
            )
        ],
        warnings=rep.warnings,
        days=rep.days,
    )
    html = render_report(remote_schedule(), order(), cat, bad, now=NOW)
    section = html.split('<table id="violations">')[1].split("</table>")[0]
    # the rule by its Russian title, never by its id
    assert "<td>Экранное время за день не больше суммарной нормы ЭСО</td>" in section
    assert "daily_screen_time</td>" not in section and "<code>" not in section
    assert "<td>01.12.2026</td>" in section
    assert '<td id="violations-total"><span class="bad">1</span></td>' in html
    first_warning = rep.warnings[0]
    assert f"<li>{first_warning}</li>" in html.replace("&#34;", '"').replace("&#39;", "'")


def test_report_judges_the_column_the_order_chose():
    """With «в школе» chosen, the same 90 minutes over its cap of 60 are a breach (red), and the
    «дома» column is the information."""
    base = order()
    o = QuarantineOrder(classes=base.classes, date_from=base.date_from, date_to=base.date_to,
                        screen_policy="school")  # fmt: skip
    o, cat, rep = real_report(o)
    html = render_report(remote_schedule(), o, cat, rep, now=NOW)
    row = re.search(r'<tr data-class="5А" data-date="2026-12-01"[^>]*>(.*?)</tr>', html, re.S)
    assert row
    assert "дома: 90/120 (для сведения)" in row.group(1) and "● в школе: 90/60" in row.group(1)
    assert row.group(1).count('class="fill judged over"') == 1
    assert row.group(1).count('fill="#c8102e"') == 1


def test_the_precompiled_template_is_the_template_compiled(monkeypatch):
    """``_report_template.py`` is report.html as jinja2 compiles it (regenerate it with
    scripts/compile_report_template.py); a stale one is not used, and the bytes are the same."""
    from pathlib import Path

    from planner.exports import _report_template, report

    assert Path(_report_template.__file__).read_text(encoding="utf-8") == (
        report.template_module_text()
    )
    o, cat, rep = real_report()
    report._env.cache_clear()
    assert report._env().get_template(report.TEMPLATE).filename == _report_template.__file__
    html = render_report(remote_schedule(), o, cat, rep, now=NOW, version=2)
    monkeypatch.setattr(_report_template, "STAMP", "another template")
    report._env.cache_clear()
    try:
        template = report._env().get_template(report.TEMPLATE)
        assert template.filename.endswith("report.html")  # compiled from the template itself
        assert render_report(remote_schedule(), o, cat, rep, now=NOW, version=2) == html
    finally:
        report._env.cache_clear()
