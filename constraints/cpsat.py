"""OR-Tools' CP-SAT model API (``cp_model``), imported without pandas.

``ortools.sat.python.cp_model`` imports pandas at its top for its ``*_series`` helpers, which the
planner never calls; pandas is a quarter of a second of every ``planner rebuild`` start (of a 2 s
budget for a small order). While ``cp_model`` is imported here, ``pandas`` is a stand-in with the
two classes its annotations name; once it is imported, its ``pd`` is a module that imports the
real pandas at its first use, so the series helpers still work. Should OR-Tools ever need more of
pandas while it is imported, the stand-in steps aside and pandas is imported as usual.

Import ``cp_model`` from here (``from constraints.cpsat import cp_model``), first in a process.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__all__ = ["cp_model"]


class _StandIn(types.ModuleType):
    """``pandas`` while ``cp_model`` is imported: ``Index`` and ``Series`` for its annotations."""

    class Index:
        pass

    class Series:
        pass

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # anything else: import cp_model with the real pandas


class _LazyPandas(types.ModuleType):
    """``cp_model.pd`` after the import: the real pandas, imported at the first attribute."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("pandas"), name)


def _import_cp_model() -> types.ModuleType:
    name = "ortools.sat.python.cp_model"
    if name in sys.modules or "pandas" in sys.modules:
        return importlib.import_module(name)
    sys.modules["pandas"] = _StandIn("pandas")
    try:
        module = importlib.import_module(name)
    except AttributeError:  # OR-Tools used more of pandas: import it as it is
        sys.modules.pop(name, None)
        sys.modules.pop("pandas", None)
        return importlib.import_module(name)
    finally:
        if isinstance(sys.modules.get("pandas"), _StandIn):
            del sys.modules["pandas"]
    if isinstance(getattr(module, "pd", None), _StandIn):
        module.pd = _LazyPandas("pandas")
    return module


if TYPE_CHECKING:
    from ortools.sat.python import cp_model
else:
    cp_model = _import_cp_model()
