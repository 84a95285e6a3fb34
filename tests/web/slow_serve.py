"""``planner serve`` (web.app.serve, as the CLI runs it) with one extra route that keeps a worker
thread busy for two minutes: what a long page computation looks like to the server's shutdown.

    python tests/web/slow_serve.py PORT
"""

from __future__ import annotations

import sys
import time
from typing import Any

import web.app

_create_app = web.app.create_app


def create_app(settings: Any = None) -> Any:
    app = _create_app(settings)

    @app.get("/test-slow")
    def slow() -> dict[str, str]:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            time.sleep(0.05)
        return {"status": "done"}

    return app


if __name__ == "__main__":
    web.app.create_app = create_app
    web.app.serve(port=int(sys.argv[1]))
