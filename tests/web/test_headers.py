"""Security headers on every kind of answer (api/headers.py), and templates without inline code."""

from __future__ import annotations

import re

from tests.api.util import ADMIN_LOGIN, ADMIN_PASSWORD, make_school, published
from tests.paths import REPO

SELF_ONLY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
}


def _check(r, referrer: str, what: str) -> None:  # type: ignore[no-untyped-def]
    csp = {d.strip() for d in r.headers["content-security-policy"].split(";")}
    assert csp >= SELF_ONLY, what
    assert r.headers["x-frame-options"] == "DENY", what
    assert r.headers["x-content-type-options"] == "nosniff", what
    assert r.headers["referrer-policy"] == referrer, what
    assert "strict-transport-security" not in r.headers, what  # plain http


def test_security_headers_on_every_page_type(client, admin, auth_headers) -> None:
    school_id = make_school(client, auth_headers)
    published(client, school_id, auth_headers)
    links = client.get(f"/api/v1/schools/{school_id}/links", headers=auth_headers).json()
    klass = next(x["token"] for x in links if x["kind"] == "class")
    teacher = next(x["token"] for x in links if x["kind"] == "teacher")
    html = {"Accept": "text/html"}

    anonymous = [
        ("/login", "same-origin"),
        ("/admin", "same-origin"),  # 303 to the login page
        ("/static/style.css", "same-origin"),
        ("/static/pages.js", "same-origin"),
        ("/healthz", "same-origin"),
        ("/api/v1/schools", "same-origin"),  # 401 JSON
        ("/no-such-page", "same-origin"),  # 404 HTML page
        ("/openapi.json", "same-origin"),
        (f"/c/{klass}", "no-referrer"),
        (f"/t/{teacher}", "no-referrer"),
        (f"/feeds/{klass}.ics", "no-referrer"),
        (f"/api/v1/public/{klass}", "no-referrer"),
        ("/c/revoked-or-unknown-token-000000", "no-referrer"),  # 404 page
    ]
    for path, referrer in anonymous:
        r = client.get(path, headers=html, follow_redirects=False)
        _check(r, referrer, path)
        if path.startswith(("/c/", "/t/", "/feeds/")) and r.status_code == 200:
            again = client.get(path, headers={**html, "If-None-Match": r.headers["etag"]})
            assert again.status_code == 304  # answered from memory, before the routes
            _check(again, referrer, path + " 304")
    docs = client.get("/docs")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert docs.headers["x-frame-options"] == "DENY"

    r = client.post("/api/v1/auth/login", json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    base = f"/admin/schools/{school_id}"
    for path in ("/admin", base, f"{base}/links", f"{base}/order", f"{base}/downloads"):
        r = client.get(path, headers=html)
        assert r.status_code == 200, path
        _check(r, "same-origin", path)


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style() -> None:
    """The policy allows scripts and styles from files only: none may be written inline."""
    found = []
    for path in sorted((REPO / "web" / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.name}:{line}: {what}")
    assert found == []
