from __future__ import annotations

from email.utils import format_datetime

import pytest

from tests.api.util import ORDER_BOTH, make_school, published


def _links(client, school_id, headers):  # type: ignore[no-untyped-def]
    links = client.get(f"/api/v1/schools/{school_id}/links", headers=headers).json()
    return {(x["kind"], x["target"]): x for x in links}


def test_links_listed_per_class_and_teacher(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    links = _links(client, school_id, auth_headers)
    assert sorted(links) == [
        ("class", "5А"), ("class", "6А"),
        ("teacher", "Иванова И.И."), ("teacher", "Петрова А.С."), ("teacher", "Сидоров П.П."),
    ]  # fmt: skip
    link = links[("class", "5А")]
    token = link["token"]
    assert len(token) == 32  # secrets.token_urlsafe(24): 192 bits
    assert link["page_url"] == f"http://testserver/c/{token}"
    assert link["feed_url"] == f"http://testserver/feeds/{token}.ics"
    assert link["with_calls"] is False
    teacher = links[("teacher", "Иванова И.И.")]
    assert teacher["page_url"] == f"http://testserver/t/{teacher['token']}"
    assert len({x["token"] for x in links.values()}) == 5


def test_revoked_token_is_404(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    link = _links(client, school_id, auth_headers)[("class", "5А")]
    assert client.get(f"/feeds/{link['token']}.ics").status_code == 200
    assert client.get(f"/api/v1/public/{link['token']}").status_code == 200
    r = client.post(f"/api/v1/links/{link['id']}/revoke", headers=auth_headers)
    assert r.status_code == 200 and r.json()["revoked"] is True
    for url in (f"/feeds/{link['token']}.ics", f"/api/v1/public/{link['token']}"):
        r = client.get(url)
        assert r.status_code == 404
        assert r.json()["detail"]["message"] == (
            "ссылка недействительна: её отозвали или заменили; попросите новую в школе."
        )
    assert ("class", "5А") not in _links(client, school_id, auth_headers)
    every = client.get(
        f"/api/v1/schools/{school_id}/links?include_revoked=true", headers=auth_headers
    ).json()
    assert [x["revoked"] for x in every if x["id"] == link["id"]] == [True]


def test_rotated_token_old_404_new_200(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    old = _links(client, school_id, auth_headers)[("teacher", "Иванова И.И.")]
    r = client.post(f"/api/v1/links/{old['id']}/rotate", headers=auth_headers)
    assert r.status_code == 200
    new = r.json()
    assert new["token"] != old["token"] and new["target"] == "Иванова И.И."
    assert client.get(f"/feeds/{old['token']}.ics").status_code == 404
    assert client.get(f"/feeds/{new['token']}.ics").status_code == 200
    assert _links(client, school_id, auth_headers)[("teacher", "Иванова И.И.")]["id"] == new["id"]
    r = client.post(f"/api/v1/links/{old['id']}/rotate", headers=auth_headers)
    assert r.status_code == 409
    assert client.post("/api/v1/links/9999/revoke", headers=auth_headers).status_code == 404


def test_feed_etag_last_modified_and_304(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    token = _links(client, school_id, auth_headers)[("class", "5А")]["token"]
    r = client.get(f"/feeds/{token}.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = client.get(f"/feeds/{token}.ics")
    assert again.content == r.content and again.headers["etag"] == etag
    r304 = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b""
    assert r304.headers["etag"] == etag
    r304 = client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": modified})
    assert r304.status_code == 304
    head = client.head(f"/feeds/{token}.ics")
    assert head.status_code == 200 and head.headers["etag"] == etag and head.content == b""
    r = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": '"other"'})
    assert r.status_code == 200
    old = format_datetime(
        __import__("datetime").datetime(2020, 1, 1, tzinfo=__import__("datetime").UTC), usegmt=True
    )
    assert client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": old}).status_code == 200


def test_feed_content_valid_and_without_call_links(client, auth_headers) -> None:
    import vobject

    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers, ORDER_BOTH)
    links = _links(client, school_id, auth_headers)
    teacher = links[("teacher", "Иванова И.И.")]["token"]
    r = client.put(
        f"/api/v1/public/{teacher}/call-links",
        json={"class_name": "5А", "url": "https://sferum.ru/?call_link=abc123"},
    )
    assert r.status_code == 200
    assert r.json() == {
        "class_name": "5А", "slot": "", "url": "https://sferum.ru/?call_link=abc123",
    }  # fmt: skip
    class_feed = client.get(f"/feeds/{links[('class', '5А')]['token']}.ics").text
    cal = vobject.readOne(class_feed)
    cal.validate(raiseException=True)
    assert len(cal.vevent_list) == 7
    assert "call_link" not in class_feed
    summaries = sorted(e.summary.value for e in cal.vevent_list)
    assert summaries[0] == "История, 5А, онлайн"
    assert summaries.count("Математика, 5А, онлайн") == 3
    assert "TZID=Asia/Yekaterinburg" in class_feed and "BEGIN:VTIMEZONE" in class_feed
    public = client.get(f"/api/v1/public/{links[('class', '5А')]['token']}").json()
    assert public["with_calls"] is False
    assert all("call_url" not in i for i in public["items"])
    # the teacher's own feed carries the link for 5А lessons, not for 6А
    teacher_feed = client.get(f"/feeds/{teacher}.ics").text.replace("\r\n ", "")
    vobject.readOne(teacher_feed).validate(raiseException=True)
    assert teacher_feed.count("URL:https://sferum.ru/?call_link=abc123") == 3
    # a class link issued with call links shows it
    r = client.post(
        f"/api/v1/schools/{school_id}/links",
        json={"kind": "class", "target": "5А", "with_calls": True},
        headers=auth_headers,
    )
    assert r.status_code == 201 and r.json()["with_calls"] is True
    private = client.get(f"/feeds/{r.json()['token']}.ics").text.replace("\r\n ", "")
    assert private.count("URL:https://sferum.ru/?call_link=abc123") == 3
    doc = client.get(f"/api/v1/public/{r.json()['token']}").json()
    assert sum(1 for i in doc["items"] if i.get("call_url")) == 3


def test_call_link_rules(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    links = _links(client, school_id, auth_headers)
    teacher = links[("teacher", "Сидоров П.П.")]["token"]
    url = f"/api/v1/public/{teacher}/call-links"
    r = client.put(url, json={"class_name": "7Б", "url": "https://sferum.ru/?call_link=x"})
    assert r.status_code == 422
    assert r.json()["detail"]["message"] == (
        "у учителя «Сидоров П.П.» нет уроков в классе «7Б»; есть: 5А, 6А."
    )
    r = client.put(url, json={"class_name": "5А", "url": "javascript:alert(1)"})
    assert r.status_code == 422
    assert r.json()["detail"]["message"].startswith("«javascript:alert(1)» — не ссылка на звонок")
    r = client.put(url, json={"class_name": "5А", "url": "https://vk.com/call/join/abc"})
    assert r.status_code == 200
    r = client.put(url, json={"class_name": "5А", "url": ""})
    assert r.json()["url"] is None
    # a class token cannot set call links
    class_token = links[("class", "5А")]["token"]
    r = client.put(
        f"/api/v1/public/{class_token}/call-links",
        json={"class_name": "5А", "url": "https://sferum.ru/?call_link=x"},
    )
    assert r.status_code == 404


def test_feed_before_any_publication_is_empty_calendar(client, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    token = _links(client, school_id, auth_headers)[("class", "6А")]["token"]
    r = client.get(f"/feeds/{token}.ics")
    assert r.status_code == 200
    assert "BEGIN:VCALENDAR" in r.text and "BEGIN:VEVENT" not in r.text


@pytest.mark.parametrize(
    ("url", "loopback"),
    [("http://127.0.0.1:8000", True), ("http://localhost:8000", True), ("http://[::1]:8000", True),
     ("http://0.0.0.0:8000", True), ("http://192.168.1.10:8000", False),
     ("https://school.example.ru", False)],
)  # fmt: skip
def test_links_address_warns_on_a_loopback_address(url: str, loopback: bool) -> None:
    from api.services.links import public_address
    from api.settings import Settings

    address = public_address(Settings(base_url=url))
    assert address["loopback"] is loopback
    assert (address["warning"] is not None) is loopback
    assert "--host 0.0.0.0" in address["howto"] and "PLANNER_BASE_URL" in address["howto"]
