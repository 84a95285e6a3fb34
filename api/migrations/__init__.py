"""Alembic migrations of the web app (a package so wheels ship them)."""
