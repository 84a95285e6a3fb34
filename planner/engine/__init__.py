"""The engine: the CP-SAT solver, the hand plan, the health timeline, the solve step of a
rebuild, changes, versions and clashes. Built on ``constraints`` and ``planner.domain``."""
