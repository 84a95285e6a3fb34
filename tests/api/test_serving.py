"""Feeds and token pages are rendered once per version and answered from the stored bytes.

A 304 (and a repeated 200) costs no render and no history read, also after a restart; a new
version, a call link, a revoked link and another process's change are seen (api/serving.py,
api/services/served.py, docs/serving.md).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.api.util import ORDER_BOTH, make_school, published


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts feed renders, page renders, history reads and token look-ups."""
    import api.feeds
    import api.services.links
    import api.services.versions
    import web.routes.public

    seen: Counter[str] = Counter()

    def counting(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(api.feeds, "build_token_feed", counting("feed", api.feeds.build_token_feed))
    monkeypatch.setattr(
        api.services.versions, "history_of", counting("history", api.services.versions.history_of)
    )
    monkeypatch.setattr(web.routes.public, "render", counting("page", web.routes.public.render))
    monkeypatch.setattr(
        api.services.links,
        "resolve_token",
        counting("resolve", api.services.links.resolve_token),
    )
    return seen


def _links(client: TestClient, school_id: int, headers: dict[str, str]) -> dict[Any, Any]:
    rows = client.get(f"/api/v1/schools/{school_id}/links", headers=headers).json()
    return {(x["kind"], x["target"]): x for x in rows}


@pytest.fixture
def school(client, auth_headers) -> dict[Any, Any]:  # type: ignore[no-untyped-def]
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers, ORDER_BOTH)
    return {"id": school_id, "links": _links(client, school_id, auth_headers)}


def test_feed_304_and_200_without_render_or_history_read(client, school, counts) -> None:
    token = school["links"][("teacher", "Иванова И.И.")]["token"]
    first = client.get(f"/feeds/{token}.ics")
    assert first.status_code == 200
    assert counts["feed"] == 1 and counts["history"] == 1
    etag = first.headers["etag"]
    for _ in range(5):
        r = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        assert r.status_code == 304 and r.headers["etag"] == etag and r.content == b""
        again = client.get(f"/feeds/{token}.ics")
        assert again.status_code == 200 and again.content == first.content
        assert again.headers["last-modified"] == first.headers["last-modified"]
    assert counts["feed"] == 1 and counts["history"] == 1  # no render, no history read
    assert counts["resolve"] == 1  # answered from memory, before routing and the database


def test_class_page_304_without_render(client, school, counts) -> None:
    token = school["links"][("class", "5А")]["token"]
    first = client.get(f"/c/{token}")
    assert first.status_code == 200 and "5А" in first.text
    assert counts["page"] == 1
    etag = first.headers["etag"]
    assert client.get(f"/c/{token}", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/c/{token}").content == first.content
    # the English page and the htmx block are other bodies, each rendered once
    en = client.get(f"/c/{token}?lang=en")
    assert en.status_code == 200 and en.headers["etag"] != etag
    assert en.cookies.get("lang") == "en"
    client.cookies.set("lang", "en")
    assert (
        client.get(f"/c/{token}", headers={"If-None-Match": en.headers["etag"]}).status_code == 304
    )
    block = client.get(f"/c/{token}", headers={"HX-Request": "true"})
    assert block.status_code == 200 and "<html" not in block.text
    assert client.get(f"/c/{token}", headers={"HX-Request": "true"}).content == block.content
    assert counts["page"] == 3


def test_teacher_page_stored_until_a_call_link_changes(client, school, counts) -> None:
    links = school["links"]
    teacher = links[("teacher", "Иванова И.И.")]["token"]
    klass = links[("class", "5А")]["token"]
    page = client.get(f"/t/{teacher}")
    class_feed = client.get(f"/feeds/{klass}.ics")
    teacher_feed = client.get(f"/feeds/{teacher}.ics")
    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-cache"
    assert (
        client.get(f"/t/{teacher}", headers={"If-None-Match": page.headers["etag"]}).status_code
        == 304
    )
    assert (counts["page"], counts["feed"]) == (1, 2)
    r = client.put(
        f"/api/v1/public/{teacher}/call-links",
        json={"class_name": "5А", "url": "https://sferum.ru/?call_link=serving1"},
    )
    assert r.status_code == 200
    after = client.get(f"/t/{teacher}")
    assert "serving1" in after.text and after.headers["etag"] != page.headers["etag"]
    assert "serving1" in client.get(f"/feeds/{teacher}.ics").text
    # a class feed without call links does not depend on them: not rendered again
    assert client.get(f"/feeds/{klass}.ics").headers["etag"] == class_feed.headers["etag"]
    assert (counts["page"], counts["feed"]) == (2, 3)
    assert teacher_feed.status_code == 200


def test_new_version_and_revoked_link_seen_at_once(client, auth_headers, school, counts) -> None:
    link = school["links"][("class", "6А")]
    token = link["token"]
    first = client.get(f"/feeds/{token}.ics")
    page = client.get(f"/c/{token}")
    published(client, school["id"], auth_headers)  # another version: 6А back in school
    second = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert client.get(f"/c/{token}").headers["etag"] != page.headers["etag"]
    assert counts["feed"] == 2 and counts["page"] == 2
    r = client.post(f"/api/v1/links/{link['id']}/revoke", headers=auth_headers)
    assert r.status_code == 200
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert client.get(f"/c/{token}").status_code == 404
    assert client.get(f"/feeds/{token}.ics", headers={"If-None-Match": "*"}).status_code == 404


def test_stored_bodies_survive_a_restart(app, client, school, counts, api_settings) -> None:
    from web.app import create_app

    token = school["links"][("teacher", "Петрова А.С.")]["token"]
    etag = client.get(f"/feeds/{token}.ics").headers["etag"]
    page_etag = client.get(f"/t/{token}").headers["etag"]
    app.state.serving.clear()  # a new process starts with an empty memory
    again = create_app(api_settings)
    try:
        with TestClient(again) as fresh:
            r = fresh.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
            assert r.status_code == 304
            assert fresh.get(f"/t/{token}", headers={"If-None-Match": page_etag}).status_code == 304
    finally:
        again.state.runner.shutdown(wait=True)
    assert counts["feed"] == 1 and counts["history"] == 1 and counts["page"] == 1


def test_another_process_change_reaches_the_memory_by_the_poll(app, client, school, counts) -> None:
    """A change committed by another process (here: straight into the database) is seen at the
    next poll of the serve generations; until then the memory may answer."""
    token = school["links"][("class", "6А")]["token"]
    client.get(f"/feeds/{token}.ics")
    assert counts["resolve"] == 1
    with app.state.engine.begin() as conn:  # another process revokes the link
        conn.execute(
            text("UPDATE links SET revoked_at = CURRENT_TIMESTAMP WHERE token = :t"), {"t": token}
        )
        conn.execute(text("UPDATE schools SET serve_gen = serve_gen + 1"))
    deadline = time.monotonic() + 3 * app.state.settings.serve_poll_seconds + 2
    while client.get(f"/feeds/{token}.ics").status_code == 200:
        assert time.monotonic() < deadline, "the poll never saw the other process's change"
        time.sleep(0.05)
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_teachers_data_re_renders_only_the_pages_that_show_it(
    client, auth_headers, school, counts
) -> None:
    """A recording re-renders the class page (parents see it); a readiness checklist only the
    teacher's page; neither touches the class feed."""
    from planner.domain.schedule import Schedule

    links = school["links"]
    teacher = links[("teacher", "Иванова И.И.")]["token"]
    klass = links[("class", "5А")]["token"]
    doc = client.get(f"/api/v1/schools/{school['id']}/versions/1", headers=auth_headers).json()
    item = next(
        i
        for i in Schedule.from_json(doc["schedule"]).items
        if i.kind == "lesson" and i.class_name == "5А" and i.format == "online"
        and "Иванова И.И." in (i.teacher or "")
    )  # fmt: skip
    page, tpage = client.get(f"/c/{klass}"), client.get(f"/t/{teacher}")
    feed = client.get(f"/feeds/{klass}.ics")
    assert (counts["page"], counts["feed"]) == (2, 1)
    r = client.put(
        f"/api/v1/public/{teacher}/readiness",
        json={"class_name": "5А", "families_total": 25, "families_joined": 20},
    )
    assert r.status_code == 200, r.text
    assert client.get(f"/c/{klass}").headers["etag"] == page.headers["etag"]
    assert client.get(f"/t/{teacher}").headers["etag"] != tpage.headers["etag"]
    assert counts["page"] == 3
    r = client.put(
        f"/api/v1/public/{teacher}/materials",
        json={"slot": item.slot_key, "recording_url": "https://disk.yandex.ru/rec-serving"},
    )
    assert r.status_code == 200, r.text
    assert "rec-serving" in client.get(f"/c/{klass}").text
    assert client.get(f"/feeds/{klass}.ics").headers["etag"] == feed.headers["etag"]
    assert (counts["page"], counts["feed"]) == (4, 1)
