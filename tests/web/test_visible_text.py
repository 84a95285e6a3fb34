"""No code identifier on any screen: every page, as every kind of user, in both languages.

The pages are rendered by the live server in the states a school meets: a finished rebuild with
warnings, a running one, an infeasible order, a cancelled job (with and without a plan), import
findings, a municipal order, the parents' and the teacher's pages, and the error pages 404, 403
and 422. Their visible text (text nodes, and the attributes a user sees: title, placeholder,
aria-label, alt, button values) must contain no ``snake_case`` key and no English exception name
or traceback.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest

from tests.web.conftest import ADMIN_PASSWORD, WEEK_FROM, Live, Published, wait_job
from tests.web.test_routes import MESSY, _running_job

#: a key of the code: ``min_online_per_day``, the ``per_lesson`` of ``eso.per_lesson``
SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/])")
#: a class of the code: ``CatalogueError``, ``ValueError``, ``RuntimeException``, a traceback
EXCEPTION = re.compile(r"\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|Traceback)\b")
#: addresses are not text a user reads as words (tokens in them may hold «_»)
ADDRESS = re.compile(r"(?:https?://|/)\S*")
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "label")
HIDDEN_TAGS = ("script", "style", "template")


class _Visible(HTMLParser):
    """The text a user can see (or hear from a screen reader) on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        values = dict(attrs)
        self.parts.extend(str(values[a]) for a in SEEN_ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return [ADDRESS.sub(" ", part) for part in parser.parts]


def identifiers(html: str) -> list[str]:
    """Every code identifier in the visible text, with the words around it."""
    found = []
    for part in visible_text(html):
        for pattern in (SNAKE, EXCEPTION):
            for m in pattern.finditer(part):
                found.append(part[max(0, m.start() - 40) : m.end() + 40].strip())
    return found


@dataclass
class Scene:
    """Every page to look at: (who, address, expected status)."""

    pages: list[tuple[str, str, int]] = field(default_factory=list)
    posts: list[tuple[str, str, dict[str, str], int]] = field(default_factory=list)


def _job_row(live: Live, school_id: int, **values: object) -> str:
    from api.models import Job, School
    from api.services import schools

    with live.app.state.session_factory() as s:
        upload = schools.current_upload(s, s.get(School, school_id))
        order = {"classes": ["5А"], "from": WEEK_FROM, "to": WEEK_FROM}
        job = Job(id=uuid.uuid4().hex, school_id=school_id, timetable_id=upload.id,
                  **{"order_doc": order, **values}, time_limit=30, workers=1, seed=1)  # fmt: skip
        s.add(job)
        s.commit()
        return job.id


@pytest.fixture(scope="module")
def scene(live: Live, published: Published) -> Iterator[Scene]:
    from api.jobs import CANCELLED, CANCELLED_BEFORE_PLAN
    from api.models import Job
    from api.services import accounts

    sid = published.school_id
    with live.api() as api:
        jobs = api.get(f"/api/v1/schools/{sid}/rebuilds").json()
        done = next(j["id"] for j in jobs if j["status"] == "succeeded")
        # an order the norms cannot meet: five online lessons for a third grade in school hours
        r = api.post(f"/api/v1/schools/{sid}/rebuilds", json={"order": {
            "classes": ["3А"], "from": WEEK_FROM, "to": WEEK_FROM, "min_online_per_day": 5,
            "screen_policy": "school"}, "time_limit": 5, "workers": 1})  # fmt: skip
        assert r.status_code == 202, r.text
        infeasible = wait_job(api, r.json()["id"], timeout=120)
        assert infeasible["status"] == "failed", infeasible
        # a municipal order for frost, one day: every school gets its rebuild
        r = api.post("/api/v1/municipal-orders", json={"order": {
            "reason": "frost", "title": "Телефонограмма № 15", "from": WEEK_FROM,
            "to": WEEK_FROM, "frost": {"temperature": -26}}, "time_limit": 2})  # fmt: skip
        assert r.status_code == 202, r.text
        municipal = r.json()["order"]["id"]
    with live.app.state.session_factory() as s:
        plan = s.get(Job, done)
        schedule_json, summary, plan_order = plan.schedule_json, plan.summary, plan.order_doc
        deputy = f"zam-{uuid.uuid4().hex[:6]}"
        accounts.create_admin(s, deputy, ADMIN_PASSWORD, school_id=sid)
    running = _running_job(live, sid, best_objective=420.0, best_bound=400.0, solutions=3,
                           dates_done=5, dates_total=5)  # fmt: skip
    kept = _job_row(live, sid, status="cancelled", cancel_requested=True, message=CANCELLED,
                    schedule_json=schedule_json, summary=summary, solutions=2,
                    order_doc=plan_order)  # fmt: skip
    nothing = _job_row(live, sid, status="cancelled", cancel_requested=True,
                       message=CANCELLED_BEFORE_PLAN)  # fmt: skip
    class_link = published.link("class", "5А")["token"]
    teacher = next(x for x in published.links if x["kind"] == "teacher")["token"]
    school = f"/admin/schools/{sid}"
    scene = Scene()
    scene.pages += [
        (deputy, "/admin", 200),
        (deputy, school, 200),
        (deputy, f"{school}/order", 200),
        (deputy, f"/admin/rebuilds/{done}", 200),
        (deputy, f"/admin/rebuilds/{done}/review", 200),
        (deputy, f"/admin/rebuilds/{done}/review?all=1&day=2026-12-08", 200),
        (deputy, f"/admin/rebuilds/{running}", 200),
        (deputy, f"/admin/rebuilds/{infeasible['id']}", 200),
        (deputy, f"/admin/rebuilds/{kept}", 200),
        (deputy, f"/admin/rebuilds/{kept}/review", 200),
        (deputy, f"/admin/rebuilds/{nothing}", 200),
        (deputy, f"{school}/links", 200),
        (deputy, f"{school}/links/sheets", 200),
        (deputy, f"{school}/chat", 200),
        (deputy, f"{school}/downloads", 200),
        (deputy, f"/api/v1/schools/{sid}/versions/1/files/report.html", 200),  # opens to print
        (deputy, f"{school}/readiness", 200),
        (deputy, f"{school}/attendance", 200),
        (deputy, "/admin/schools/999999", 404),  # not hers / unknown
        (deputy, f"/admin/rebuilds/{done}/review?class={'Я' * 60}", 422),
        ("zavuch", "/admin", 200),
        ("zavuch", "/admin/municipality", 200),
        ("zavuch", f"/admin/municipality/orders/{municipal}", 200),
        ("parent", f"/c/{class_link}", 200),
        ("parent", "/c/no-such-token", 404),
        ("teacher", f"/t/{teacher}", 200),
        ("anyone", "/login", 200),
        ("anyone", "/", 303),  # to the start page
        ("anyone", "/no/such/page", 404),
    ]
    scene.posts += [
        # a form without its CSRF token
        (deputy, f"{school}/order", {"csrf_token": "forged"}, 403),
        # an order with no classes and no dates: the form comes back with what to fix
        (deputy, f"{school}/order", {}, 422),
        # an upload with findings: its preview
        ("zavuch", "preview", {}, 200),
    ]
    yield scene
    with live.app.state.session_factory() as s:
        s.get(Job, running).status = "failed"
        s.commit()


def _client(live: Live, who: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=live.url, timeout=60)
    if who in ("parent", "teacher", "anyone"):
        return c, ""
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    r = c.post("/login", data={"login": who, "password": ADMIN_PASSWORD,
                               "csrf_token": token.group(1)})  # fmt: skip
    assert r.status_code == 303, r.text
    return c, c.cookies["planner_csrf"]


def _pages(live: Live, scene: Scene, lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    clients: dict[str, tuple[httpx.Client, str]] = {}
    try:
        for who, url, status in scene.pages:
            c, _csrf = clients.setdefault(who, _client(live, who))
            sep = "&" if "?" in url else "?"
            r = c.get(f"{url}{sep}lang={lang}", headers={"Accept": "text/html"})
            assert r.status_code == status, (who, url, r.status_code)
            out[f"{who} GET {url}"] = r.text
        for who, url, data, status in scene.posts:
            c, csrf = clients.setdefault(who, _client(live, who))
            c.cookies.set("lang", lang)
            if url == "preview":
                r = c.post(
                    "/admin/schools", data={"name": "Школа с замечаниями", "csrf_token": csrf}
                )
                school = r.headers["location"]
                r = c.post(f"{school}/timetable", data={"csrf_token": csrf},
                           files={"file": ("messy.csv", MESSY.encode(), "text/csv")})  # fmt: skip
                url = r.headers["location"]  # the upload's preview page
                r = c.get(url)
            else:
                form = {"csrf_token": csrf, **data}
                r = c.post(url, data=form, headers={"Accept": "text/html"})
            assert r.status_code == status, (who, url, r.status_code, r.text[:300])
            out[f"{who} {r.request.method} {url} ({status})"] = r.text
    finally:
        for c, _csrf in clients.values():
            c.close()
    return out


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan itself: it sees keys and exception names in text and seen attributes, not in
    addresses, class names or scripts."""
    page = (
        '<p class="k-dynamic_pause">уменьшите min_online_per_day</p>'
        '<p title="CatalogueError: нет">ок</p><a href="/c/ab_cd">https://x.ru/a_b</a>'
        "<script>var some_name = 1;</script><p>Traceback (most recent call last)</p>"
    )
    assert [re.sub(r"\s+", " ", x) for x in identifiers(page)] == [
        "уменьшите min_online_per_day",
        "CatalogueError: нет",
        "Traceback (most recent call last)",
    ]
    assert identifiers("<p>5А, 07.12: 3 урока; report.html; ЭПОС (epos.csv)</p>") == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_code_identifier_on_any_page(live: Live, scene: Scene, lang: str) -> None:
    pages = _pages(live, scene, lang)
    assert len(pages) == len(scene.pages) + len(scene.posts)
    found = {name: ids for name, html in pages.items() if (ids := identifiers(html))}
    assert found == {}, "\n".join(f"{name}: {ids}" for name, ids in found.items())


def test_the_scene_has_what_the_issue_lists(live: Live, scene: Scene) -> None:
    """The pages scanned do show the states they stand for (else the scan proves little)."""
    pages = _pages(live, scene, "ru")
    text = "\n".join(pages.values())
    assert "Предупреждения: " in text  # a finished rebuild with warnings
    assert "приказ невыполним" in text  # the infeasible order
    assert "его можно посмотреть и опубликовать" in text  # cancelled with a plan
    assert "нового расписания нет" in text  # cancelled before any plan
    assert "Замечаний: <strong>2</strong>" in text  # import findings
    assert "Запрос отклонён" in text  # the 403 page
    assert "Страница не найдена" in text  # a 404 page
    assert "Данные не приняты" in text  # the 422 page


def test_every_page_route_is_scanned(live: Live, scene: Scene) -> None:
    """A new page joins the scan: each GET page route has an address in the scene."""
    from web.app import PAGE_ROUTERS

    scanned = [
        url.split("?")[0] for url in (key.split(" ")[2] for key in _pages(live, scene, "ru"))
    ]
    routes = [
        route.path
        for router in PAGE_ROUTERS
        for route in router.routes
        if "GET" in getattr(route, "methods", set()) and not route.path.startswith("/static/")
    ]
    missing = [
        path
        for path in routes
        if not any(re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url) for url in scanned)
    ]
    assert missing == []
