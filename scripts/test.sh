#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what it needs, then runs pytest.
# PostgreSQL: PLANNER_TEST_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
mkdir -p artifacts
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # the layer contracts in pyproject.toml ([tool.importlinter])
.venv/bin/python scripts/audit.py  # known vulnerabilities in requirements.lock (pip-audit)
exec .venv/bin/pytest -n 2 "$@"
