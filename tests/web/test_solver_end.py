"""How a rebuild's search ended, on its pages, and «Улучшать дальше»: a new job from the plan."""

from __future__ import annotations

import re

from tests.web.conftest import WEEK_FROM, WEEK_TO, Live, Published, wait_job
from tests.web.test_routes import admin_client


def test_rebuild_says_how_the_search_ended_and_continues_from_its_plan(
    live: Live, published: Published
) -> None:
    order = {"classes": "all", "from": WEEK_FROM, "to": WEEK_TO}
    with live.api() as api:
        r = api.post(f"/api/v1/schools/{published.school_id}/rebuilds",
                     json={"order": order, "time_limit": 2, "workers": 1})  # fmt: skip
        assert r.status_code == 202, r.text
        first = wait_job(api, r.json()["id"])
    assert first["status"] == "succeeded", first
    # a whole school in two seconds with one worker: not proven, so it may go on
    assert first["stop_reason"] in ("time_limit", "stall", "gap")
    assert first["can_continue"] is True
    with admin_client(live) as (c, csrf):
        page = c.get(f"/admin/rebuilds/{first['id']}").text
        said = re.search(r'<p id="solver-end" data-reason="(\w+)">(.*?)</p>', page, re.S)
        assert said is not None and said.group(1) == first["stop_reason"]
        text = " ".join(said.group(2).split())
        assert text.startswith("Поиск закончен:") and "_" not in text
        assert 'id="continue-form"' in page and "Улучшать дальше" in page
        review = c.get(f"/admin/rebuilds/{first['id']}/review").text
        assert 'id="solver-end"' in review and 'id="continue-form"' in review
        r = c.post(f"/admin/rebuilds/{first['id']}/continue", data={"csrf_token": csrf})
        assert r.status_code == 303
        new_id = r.headers["location"].rsplit("/", 1)[-1]
        assert new_id != first["id"]
    with live.api() as api:
        again = wait_job(api, new_id)
    assert again["status"] == "succeeded", again
    assert again["continue_from"] == first["id"]
    assert again["order"] == first["order"]
    # it started from the first plan: never worse
    assert again["summary"]["stats"]["objective"] <= first["summary"]["stats"]["objective"]
