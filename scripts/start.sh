#!/usr/bin/env bash
# The main job on the embedded defaults: the demo school, converted and rebuilt for remote mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=${1:-out/demo}
.venv/bin/planner demo-school "$out/school"
.venv/bin/planner convert "$out/school/timetable.csv" --out "$out/timetable.xlsx"
