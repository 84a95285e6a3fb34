"""scripts/setup.sh is quick when nothing changed: a second start installs nothing.

The script runs in a copy of the repository's layout with a stand-in venv whose ``pip`` only
writes down that it was called (no network, no real install)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO

FAKE_PIP = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/../../pip.log"
touch "$(dirname "$0")/planner" && chmod +x "$(dirname "$0")/planner"
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _checkout(tmp: Path) -> tuple[Path, dict[str, str]]:
    root = tmp / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", root / "scripts" / "setup.sh")
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(REPO / name, root / name)
    (root / "web" / "static" / "vendor").mkdir(parents=True)
    (root / "web" / "static" / "vendor" / "htmx.min.js").write_text("//", encoding="utf-8")
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    _executable(venv / "python", "#!/bin/sh\nexit 0\n")
    _executable(venv / "pip", FAKE_PIP)
    tools = tmp / "tools"  # what --test looks for, present: no apt-get
    tools.mkdir()
    for tool in ("chromium", "fet-cl", "sudo", "apt-get"):
        _executable(tools / tool, "#!/bin/sh\nexit 0\n")
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}
    return root, env


def _setup(root: Path, env: dict[str, str], *args: str) -> int:
    """Runs setup.sh; returns how many times it called pip."""
    log = root / "pip.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    subprocess.run(["bash", "scripts/setup.sh", *args], cwd=root, env=env, check=True)
    return len(log.read_text().splitlines()) - before if log.exists() else 0


def test_a_second_setup_installs_nothing(tmp_path: Path) -> None:
    root, env = _checkout(tmp_path)
    assert _setup(root, env) > 0  # the first start installs
    assert _setup(root, env) == 0  # the second is a no-op


def test_a_start_after_the_test_install_installs_nothing(tmp_path: Path) -> None:
    root, env = _checkout(tmp_path)
    assert _setup(root, env, "--test") > 0
    assert _setup(root, env) == 0  # start.sh after test.sh: the test install covers it
    (root / "requirements.lock").write_text("changed==1\n", encoding="utf-8")
    assert _setup(root, env) > 0  # changed pins: installed again


def test_readme_says_the_demo_password_is_printed_at_start() -> None:
    head = (REPO / "README.md").read_text(encoding="utf-8").split("## ", 1)[0]
    assert "Пароль администратора `demo`" not in head.replace("\n", " ")
    assert "логин `demo` и пароль" in head and "печатаются" in head


def test_setup_compiles_the_planners_own_modules(tmp_path: Path) -> None:
    # an editable install has no bytecode of the planner's modules, and with
    # PYTHONDONTWRITEBYTECODE (CI, containers) Python never writes any: setup compiles them
    root, env = _checkout(tmp_path)
    (root / ".venv" / "bin" / "python").unlink()
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    for package in ("planner", "constraints", "api", "web"):
        (root / package).mkdir(exist_ok=True)
        (root / package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    _setup(root, {**env, "PYTHONDONTWRITEBYTECODE": "1"})
    for package in ("planner", "constraints", "api", "web"):
        assert list((root / package / "__pycache__").glob("module.*.pyc")), package
