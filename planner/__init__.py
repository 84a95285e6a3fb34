"""The planner: domain, engine, adapters (imports, exports), application layer and CLI.

This package imports none of its submodules (see docs/architecture.md).
"""
