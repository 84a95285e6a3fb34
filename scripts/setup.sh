#!/usr/bin/env bash
# Installs everything the planner and its tests need on a fresh Debian machine; safe to re-run.
#   bash scripts/setup.sh          Python venv + the package (what `planner serve` needs)
#   bash scripts/setup.sh --test   also test tools, Debian's chromium and fet/fet-data
# Python packages are installed within the pins of requirements.lock (scripts/lock.sh refreshes
# it), so a developer, CI and a deployment run the same versions.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# A stamp per content of the pins: a second run with nothing changed installs nothing (seconds,
# not half a minute). The test install includes the plain one, so its stamp serves both.
pins=.venv/.installed-$(cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
stamp=$pins-$want_test
if [ -f "$pins-1" ] && [ -x .venv/bin/planner ]; then
  stamp=$pins-1
fi
if [ ! -f "$stamp" ] || [ ! -x .venv/bin/planner ]; then
  .venv/bin/pip install -q --upgrade pip
  if [ $want_test = 1 ]; then
    .venv/bin/pip install -q -c requirements.lock -e '.[test]'
  else
    .venv/bin/pip install -q -c requirements.lock -e .
  fi
  touch "$stamp"
fi
# The planner's own modules as bytecode, as a regular install has them: an editable install has
# none, and where PYTHONDONTWRITEBYTECODE is set (CI, containers) Python never writes them, so
# every `planner rebuild` compiled its ~150 modules again (0.2-0.3 s of a 2 s target for a
# small order). A module edited later is compiled in memory again, never run stale.
.venv/bin/python -m compileall -q -j 0 planner constraints api web >/dev/null

# htmx is served by the app itself (no CDN): take it from the npm registry once.
if [ ! -f web/static/vendor/htmx.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent htmx.org@2.0.4 >/dev/null && tar xzf htmx.org-2.0.4.tgz)
    mkdir -p web/static/vendor
    cp "$tmp/package/dist/htmx.min.js" web/static/vendor/htmx.min.js
    rm -rf "$tmp"
  else
    echo "npm не найден: htmx не установлен, страницы будут работать без частичных обновлений" >&2
  fi
fi

if [ $want_test = 1 ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v fet-cl >/dev/null 2>&1 || need+=(fet)
  [ -d /usr/share/doc/fet-data/examples ] || need+=(fet-data)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      sudo apt-get update -qq
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
  fi
fi
