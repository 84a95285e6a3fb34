"""constraints.cpsat: CP-SAT without pandas at start-up, the real pandas when asked for."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.paths import REPO


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cp_model_solves_without_importing_pandas() -> None:
    out = _run("""
        import sys
        from constraints.cpsat import cp_model
        import constraints.base  # what the checker and the solver import
        m = cp_model.CpModel()
        x = m.new_int_var(0, 10, "x")
        m.add(x >= 3)
        m.minimize(x)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        status = solver.solve(m)
        print(solver.status_name(status), solver.value(x), "pandas" in sys.modules)
    """)
    assert out == "OPTIMAL 3 False"


def test_the_series_helpers_get_the_real_pandas() -> None:
    out = _run("""
        import sys
        from constraints.cpsat import cp_model
        import pandas as pd
        m = cp_model.CpModel()
        xs = m.new_int_var_series("x", pd.Index(range(3)), 0, 5)
        print(type(xs).__module__.split(".")[0], len(xs), cp_model.pd.Series is pd.Series)
    """)
    assert out == "pandas 3 True"
