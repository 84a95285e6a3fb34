"""Tenancy on EVERY route of the app: an administrator of municipality A gets 404 for each school,
job, version, link and order of municipality B, exactly as for an id that does not exist.

The routes are enumerated from the app itself (JSON API and pages), so a route added later is
covered without touching this test — unless it names its ids in a way the tenancy guard does not
know, and then this test fails and says which parameter to add to api.services.tenancy.OWNERS.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.services.tenancy import OWNERS
from tests.api.util import DATA, wait_job

#: parameters that are not ids of a tenant's rows: they only narrow an id the route also has
SUBORDINATE = {"number", "name", "action", "day", "kind", "class_name", "upload_id"}
#: token routes: the unguessable token is the authorisation (parents, teachers, calendars)
TOKEN = {"token"}
#: files anyone may fetch (the stylesheet, htmx)
PUBLIC_PATHS = {"/static/{name:path}"}
SCHOOL_B = "Школа Б — чужая"
PASSWORD = "Пароль-для-тестов-1"


def _token(app: Any, login: str, **kw: Any) -> dict[str, str]:
    from api.services import accounts, tenancy

    with app.state.session_factory() as session:
        if "municipality" in kw:
            kw["municipality_id"] = tenancy.municipality_named(session, kw.pop("municipality")).id
        accounts.create_admin(session, login, PASSWORD, **kw)
        return {"Authorization": f"Bearer {accounts.issue_api_token(session, login)}"}


@pytest.fixture
def two_municipalities(app: Any, client: TestClient) -> dict[str, Any]:
    """Municipality B with a school, a job, a published version, links and an order; A with a
    school, its municipal administrator and the school's administrator."""
    b = _token(app, "uo-b", municipality="Город Б")
    school_b = client.post("/api/v1/schools", json={"name": SCHOOL_B}, headers=b).json()["id"]
    with open(DATA / "school.csv", "rb") as fh:
        upload_b = client.post(f"/api/v1/schools/{school_b}/timetable",
                               files={"file": ("s.csv", fh)}, headers=b).json()["id"]  # fmt: skip
    order = {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-08"}
    job = client.post(f"/api/v1/schools/{school_b}/rebuilds", json={"order": order}, headers=b)
    job_b = wait_job(client, job.json()["id"], b)["id"]
    version = client.post(f"/api/v1/rebuilds/{job_b}/publish", headers=b).json()
    links_b = client.get(f"/api/v1/schools/{school_b}/links", headers=b).json()
    flu = {"reason": "quarantine", "from": "2026-12-08", "to": "2026-12-08", "grades": [5, 6]}
    order_b = client.post("/api/v1/municipal-orders", json={"order": flu}, headers=b).json()
    a = _token(app, "uo-a", municipality="Город А")
    school_a = client.post("/api/v1/schools", json={"name": "Школа А"}, headers=a).json()["id"]
    return {
        "values": {
            "school_id": school_b, "job_id": job_b, "link_id": links_b[0]["id"],
            "order_id": order_b["order"]["id"], "number": version["number"],
            "name": version["files"][0], "action": "revoke", "day": "2026-12-07", "kind": "csv",
            "class_name": "5А", "upload_id": upload_b,
        },
        "secrets": [SCHOOL_B, job_b, order_b["order"]["id"], *(x["token"] for x in links_b)],
        "municipal_a": a,
        "school_a": _token(app, "zavuch-a", school_id=school_a),
        "b": b,
    }  # fmt: skip


def _routes(app: Any) -> list[tuple[str, str, list[str]]]:
    """(method, path, path parameters) of every route of the app, included routers too."""
    out = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path is None:
            continue
        params = re.findall(r"{(\w+)(?::\w+)?}", context.path)
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, context.path, params))
    assert len(out) > 40, out
    return out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_id_a_route_takes_is_known_to_the_tenancy_guard(app: Any) -> None:
    """A route's ids are owner ids the guard checks, narrowing parameters, or a token."""
    for method, path, params in _routes(app):
        if path in PUBLIC_PATHS:
            continue
        unknown = set(params) - set(OWNERS) - SUBORDINATE - TOKEN
        assert not unknown, (
            f"{method} {path}: parameter {sorted(unknown)} is not checked for tenancy; name it "
            "like the others or add it to api.services.tenancy.OWNERS"
        )
        if set(params) & SUBORDINATE:
            assert set(params) & set(OWNERS), f"{method} {path}: no owner id for {params}"
        if set(params) & TOKEN:
            assert not set(params) & set(OWNERS), f"{method} {path}: a token and an owner id"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("who", ["school_a", "municipal_a"])
def test_administrators_of_a_get_404_for_everything_of_b_on_every_route(
    app: Any, client: TestClient, two_municipalities: dict[str, Any], who: str
) -> None:
    data = two_municipalities
    headers = data[who]
    values = data["values"]
    checked = 0
    for method, path, params in _routes(app):
        if not set(params) & set(OWNERS):
            continue
        url = path.replace("{name:path}", "{name}").format(**values)
        r = client.request(method, url, headers=headers)
        assert r.status_code == 404, (who, method, path, r.status_code, r.text[:300])
        assert not any(secret in r.text for secret in data["secrets"][:1]), (method, path)
        # the answer is the one of an id that does not exist: nothing tells B's rows exist
        unknown = {**values, "school_id": 999999, "job_id": "f" * 32, "link_id": 999999,
                   "order_id": "e" * 32}  # fmt: skip
        missing = client.request(method, path.replace("{name:path}", "{name}").format(**unknown),
                                 headers=headers)  # fmt: skip
        assert missing.status_code == 404
        if r.headers.get("content-type", "").startswith("application/json"):
            owner = next(p for p in params if p in OWNERS)
            assert r.json()["detail"]["message"] == OWNERS_MESSAGE(owner, values[owner])
        checked += 1
    assert checked >= 25  # the JSON API and the pages together


def OWNERS_MESSAGE(param: str, value: Any) -> str:
    from api.services.tenancy import MISSING

    return MISSING[param].format(value)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("who", ["school_a", "municipal_a"])
def test_lists_and_pages_without_ids_show_nothing_of_b(
    app: Any, client: TestClient, two_municipalities: dict[str, Any], who: str
) -> None:
    data = two_municipalities
    headers = data[who]
    for method, path, params in _routes(app):
        if params or method != "GET" or path.startswith(("/static", "/login")):
            continue
        r = client.get(path, headers=headers)
        assert r.status_code < 500, (path, r.text[:300])
        leaked = [s for s in data["secrets"] if s in r.text]
        assert leaked == [], (who, path, leaked)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ids_of_b_in_a_request_body_are_unknown_too(
    client: TestClient, two_municipalities: dict[str, Any]
) -> None:
    data = two_municipalities
    a, values = data["municipal_a"], data["values"]
    order = {"reason": "quarantine", "from": "2026-12-08", "to": "2026-12-08", "grades": [5],
             "schools": [SCHOOL_B]}  # fmt: skip
    r = client.post("/api/v1/municipal-orders", json={"order": order}, headers=a)
    assert r.status_code == 422
    assert r.json()["detail"]["message"] == (
        f"в муниципалитете нет школ: {SCHOOL_B}; есть: Школа А."
    )
    order["schools"] = [values["school_id"]]
    assert (
        client.post("/api/v1/municipal-orders", json={"order": order}, headers=a).status_code == 422
    )
    r = client.post(
        "/api/v1/municipality/admins",
        json={"login": "spy", "password": PASSWORD, "school_id": values["school_id"]},
        headers=a,
    )
    assert r.status_code == 404
    # and B still sees its own things
    assert (
        client.get(f"/api/v1/schools/{values['school_id']}", headers=data["b"]).status_code == 200
    )
