"""scripts/audit.py: a known vulnerability fails CI; an unreachable advisory service warns."""

from __future__ import annotations

import importlib.util
import re

from tests.paths import REPO

spec = importlib.util.spec_from_file_location("audit", REPO / "scripts" / "audit.py")
assert spec and spec.loader
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "anyio", "version": "4.16.0", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
}
SKIPPED = {"name": "six", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_a_vulnerable_pin_fails() -> None:
    code, text = audit.verdict({"dependencies": [CLEAN, VULNERABLE]}, strict=False)
    assert code == 1
    assert "jinja2==3.1.2: GHSA-h5c8-rqwp-cp95" in text and "3.1.3" in text


def test_clean_lock_passes() -> None:
    code, text = audit.verdict({"dependencies": [CLEAN]}, strict=True)
    assert code == 0 and "1 of 1 locked packages audited, 0 with" in text


def test_unreachable_service_warns_unless_strict() -> None:
    for report in ({"dependencies": [CLEAN, SKIPPED]}, None):
        code, text = audit.verdict(report, strict=False, error="connection refused")
        assert code == 0 and ("WARNING" in text or "unreachable" in text)
        assert audit.verdict(report, strict=True, error="connection refused")[0] == 1


def test_every_locked_package_is_pinned() -> None:
    lines = [x for x in (REPO / "requirements.lock").read_text().splitlines() if x and x[0] != "#"]
    assert lines and all("==" in x for x in lines)
    names = {re.sub(r"[-_.]+", "-", x.split("==")[0]).lower() for x in lines}
    assert {"fastapi", "uvicorn", "sqlalchemy", "pip-audit", "schemathesis"} <= names
