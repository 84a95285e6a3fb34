#!/usr/bin/env bash
# The main job on the embedded defaults: the web app with the demo school (SQLite in the data
# folder, solver in a local process pool, no other service). Extra arguments go to `planner serve`,
# e.g. `bash scripts/start.sh --port 8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/planner serve --demo "$@"
