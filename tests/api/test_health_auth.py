from __future__ import annotations

from tests.api.util import ADMIN_LOGIN, ADMIN_PASSWORD


def login(client, password=ADMIN_PASSWORD, login=ADMIN_LOGIN):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"login": login, "password": password})


def test_healthz(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_anonymous_gets_401_on_every_admin_endpoint(client, admin) -> None:
    calls = [
        ("get", "/api/v1/schools"),
        ("post", "/api/v1/schools"),
        ("get", "/api/v1/schools/1"),
        ("post", "/api/v1/schools/1/timetable"),
        ("post", "/api/v1/schools/1/rebuilds"),
        ("get", "/api/v1/schools/1/rebuilds"),
        ("get", "/api/v1/rebuilds/abc"),
        ("post", "/api/v1/rebuilds/abc/cancel"),
        ("post", "/api/v1/rebuilds/abc/publish"),
        ("get", "/api/v1/schools/1/versions"),
        ("get", "/api/v1/schools/1/versions/1"),
        ("get", "/api/v1/schools/1/versions/1/files/epos.csv"),
        ("get", "/api/v1/schools/1/links"),
        ("post", "/api/v1/schools/1/links"),
        ("post", "/api/v1/links/1/revoke"),
        ("post", "/api/v1/links/1/rotate"),
        ("get", "/api/v1/auth/me"),
        ("post", "/api/v1/auth/logout"),
    ]
    for method, url in calls:
        r = getattr(client, method)(url)
        assert r.status_code == 401, (method, url, r.status_code, r.text)
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json() == {
            "detail": {
                "message": "нужен вход: войдите в приложение или передайте API-токен в "
                "заголовке Authorization: Bearer <токен>.",
                "problems": [],
            }
        }


def test_bad_bearer_token_is_401(client, admin) -> None:
    r = client.get("/api/v1/schools", headers={"Authorization": "Bearer plt_nope"})
    assert r.status_code == 401
    assert r.json()["detail"]["message"].startswith("API-токен не принят")
    r = client.get("/api/v1/schools", headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401
    assert r.json()["detail"]["message"] == "заголовок Authorization должен быть «Bearer <токен>»."


def test_api_token_works_and_only_its_hash_is_stored(client, app, api_token, auth_headers) -> None:
    from sqlalchemy import select

    from api.models import ApiToken
    from api.security import token_hash

    r = client.get("/api/v1/auth/me", headers=auth_headers)
    assert r.json() == {"login": ADMIN_LOGIN, "via": "token", "csrf_token": None}
    with app.state.session_factory() as s:
        stored = s.scalars(select(ApiToken.token_hash)).all()
    assert stored == [token_hash(api_token)]
    assert api_token not in stored


def test_login_sets_session_cookie_with_flags(client, admin) -> None:
    r = login(client)
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert r.json()["login"] == ADMIN_LOGIN
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("planner_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=lax" in session_cookie
    assert "Secure" not in session_cookie  # plain http test server
    csrf_cookie = next(c for c in cookies if c.startswith("planner_csrf="))
    assert f"planner_csrf={csrf}" in csrf_cookie and "HttpOnly" not in csrf_cookie
    me = client.get("/api/v1/auth/me").json()
    assert me == {"login": ADMIN_LOGIN, "via": "session", "csrf_token": csrf}


def test_cookie_is_secure_behind_tls_proxy(api_settings) -> None:
    """X-Forwarded-Proto counts only from a trusted proxy (PLANNER_TRUSTED_PROXIES)."""
    from fastapi.testclient import TestClient

    from api.services import accounts
    from web.app import create_app

    for trusted, secure in (("", False), ("testclient", True)):  # TestClient's peer address
        api_settings.trusted_proxies = trusted
        app = create_app(api_settings)
        with app.state.session_factory() as session:
            if trusted == "":
                accounts.create_admin(session, ADMIN_LOGIN, ADMIN_PASSWORD)
        with TestClient(app) as client:
            r = client.post(
                "/api/v1/auth/login",
                json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD},
                headers={"X-Forwarded-Proto": "https"},
            )
        app.state.runner.shutdown(wait=True)
        app.state.engine.dispose()
        session_cookie = next(
            c for c in r.headers.get_list("set-cookie") if c.startswith("planner_session=")
        )
        assert ("Secure" in session_cookie) is secure, trusted
        assert ("strict-transport-security" in r.headers) is secure


def test_wrong_password_is_401(client, admin) -> None:
    r = login(client, password="не-тот-пароль")
    assert r.status_code == 401
    assert r.json() == {"detail": {"message": "неверный логин или пароль.", "problems": []}}


def test_rate_limit_after_failed_logins(client, admin) -> None:
    # login_max_failures=3 in the test settings
    for _ in range(3):
        assert login(client, password="не-тот-пароль").status_code == 401
    r = login(client)  # even the right password is refused now
    assert r.status_code == 429
    assert r.json()["detail"]["message"] == (
        f"слишком много неудачных попыток входа для «{ADMIN_LOGIN}»; подождите 15 мин. "
        "и попробуйте снова или попросите другого администратора сменить пароль."
    )
    # another login from the same IP is not blocked
    assert login(client, login="other", password="x").status_code == 401


def test_csrf_rejects_form_post_without_token(client, admin) -> None:
    csrf = login(client).json()["csrf_token"]
    r = client.post("/api/v1/schools", json={"name": "Школа"})
    assert r.status_code == 403
    assert r.json()["detail"]["message"] == (
        "запрос отклонён: форма устарела или открыта в другом входе. Обновите страницу и "
        "отправьте её снова."
    )
    r = client.post("/api/v1/auth/logout", data={"something": "1"})
    assert r.status_code == 403
    r = client.post("/api/v1/auth/logout", data={"csrf_token": "wrong"})
    assert r.status_code == 403
    r = client.post("/api/v1/schools", json={"name": "Школа"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    r = client.post("/api/v1/auth/logout", data={"csrf_token": csrf})
    assert r.status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401


def test_login_accepts_only_json(client, admin) -> None:
    r = client.post("/api/v1/auth/login", data={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD})
    assert r.status_code == 422


def test_expired_session_is_401(client, app, admin) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from api.db import utcnow
    from api.models import WebSession

    assert login(client).status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200
    with app.state.session_factory() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert client.get("/api/v1/auth/me").status_code == 401
    with app.state.session_factory() as s:
        assert s.query(WebSession).count() == 0


def test_request_validation_errors_are_listed(client, auth_headers) -> None:
    r = client.post(
        "/api/v1/schools", json={"timezone": "Asia/Yekaterinburg"}, headers=auth_headers
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["message"] == "запрос не принят: исправьте поля, перечисленные ниже."
    assert [(p["file"], p["column"], p["message"]) for p in detail["problems"]] == [
        ("запрос", "name", "обязательное поле: заполните его.")
    ]
    r = client.get("/api/v1/schools/abc", headers=auth_headers)
    assert [(p["column"], p["message"]) for p in r.json()["detail"]["problems"]] == [
        ("path.school_id", "нужно целое число.")
    ]
    r = client.post("/api/v1/schools", json={"name": "Ш" * 301}, headers=auth_headers)
    assert [p["message"] for p in r.json()["detail"]["problems"]] == [
        "слишком длинно: не больше 300 символов."
    ]


def test_openapi_docs(client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/v1/rebuilds/{job_id}/cancel"]["post"]["operationId"] == (
        "rebuilds-cancel_rebuild"
    )
    for path in (
        "/healthz",
        "/api/v1/schools",
        "/api/v1/schools/{school_id}/timetable",
        "/api/v1/schools/{school_id}/rebuilds",
        "/api/v1/rebuilds/{job_id}",
        "/api/v1/rebuilds/{job_id}/cancel",
        "/api/v1/rebuilds/{job_id}/publish",
        "/api/v1/schools/{school_id}/versions",
        "/api/v1/schools/{school_id}/versions/{number}/files/{name}",
        "/api/v1/schools/{school_id}/links",
        "/api/v1/links/{link_id}/revoke",
        "/api/v1/links/{link_id}/rotate",
        "/api/v1/public/{token}/call-links",
        "/feeds/{token}.ics",
    ):
        assert path in paths, path


def test_unknown_path_is_json_404(client) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.json() == {"detail": {"message": "адрес не найден; проверьте ссылку.", "problems": []}}


def test_access_log_redacts_link_tokens() -> None:
    import logging

    from api.main import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/feeds/AbCdEfGhIjKlMnOpQrStUvWxYz012345.ics", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /feeds/….ics HTTP/1.1" 200'
