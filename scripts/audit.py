"""Known vulnerabilities in the locked dependencies (requirements.lock), by pip-audit against
PyPI's advisory data (its per-release JSON API). Run by scripts/test.sh, so by CI.

    .venv/bin/python scripts/audit.py          exit 1: a locked package has a known vulnerability
                                               (upgrade it: pyproject.toml, then scripts/lock.sh)

When the advisory service cannot be asked (no network, or a mirror without the JSON API), the
packages it could not audit are named in a warning and the exit is 0: a missing answer is not a
vulnerability, and CI must not stop on a network outage. PLANNER_AUDIT_STRICT=1 makes that exit 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def verdict(report: dict[str, Any] | None, *, strict: bool, error: str = "") -> tuple[int, str]:
    """The exit code and the text to print for a pip-audit JSON report (None: no report)."""
    if report is None:
        text = f"pip-audit: служба уязвимостей недоступна / advisory service unreachable: {error}"
        return (1 if strict else 0), text
    deps = report.get("dependencies", [])
    lines = []
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for d in vulnerable:
        for v in d["vulns"]:
            fixed = ", ".join(v.get("fix_versions") or []) or "нет исправления / no fix yet"
            lines.append(
                f"УЯЗВИМОСТЬ / VULNERABLE: {d['name']}=={d.get('version', '?')}: {v['id']} "
                f"(исправлено в / fixed in: {fixed})"
            )
    lines.append(
        f"pip-audit: {len(deps) - len(skipped)} of {len(deps)} locked packages audited, "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:8]) + (" …" if len(skipped) > 8 else "")
        lines.append(
            f"pip-audit: ВНИМАНИЕ / WARNING: {len(skipped)} not audited, the advisory service "
            f"gave no data for them: {names}"
        )
    code = 1 if vulnerable or (strict and skipped) else 0
    return code, "\n".join(lines)


def run_pip_audit(lock: Path) -> tuple[dict[str, Any] | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "pip-audit"), "-r", str(lock), "--no-deps",
             "--disable-pip", "--progress-spinner", "off", "-f", "json", "-o", str(out)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        try:
            return json.loads(out.read_text(encoding="utf-8")), ""
        except (OSError, ValueError):
            return None, (done.stderr.strip() or done.stdout.strip())[-400:]


def main() -> int:
    report, error = run_pip_audit(ROOT / "requirements.lock")
    code, text = verdict(report, strict=os.environ.get("PLANNER_AUDIT_STRICT") == "1", error=error)
    print(text, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
