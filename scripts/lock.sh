#!/usr/bin/env bash
# Refreshes requirements.lock: every package (and version) the planner and its tests install,
# resolved from pyproject.toml in a clean venv. scripts/setup.sh installs within these pins, so
# CI tests exactly the locked set; scripts/test.sh audits it with pip-audit.
#   bash scripts/lock.sh            resolve anew (newest versions allowed by pyproject.toml)
# Then run `bash scripts/test.sh` and commit requirements.lock with the change that needed it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip
"$tmp/venv/bin/pip" install -q -e '.[test]'
{
  echo "# Locked dependencies of the planner and its tests (Python $("$tmp/venv/bin/python" -c 'import platform; print(platform.python_version())'))."
  echo "# Made by scripts/lock.sh from pyproject.toml; installed by scripts/setup.sh; audited by"
  echo "# scripts/test.sh (pip-audit). Do not edit by hand: change pyproject.toml, run scripts/lock.sh."
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v -i '^remote-planner' | LC_ALL=C sort -f
} > requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
