from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from api.db import alembic_config, make_engine, upgrade
from api.models import Base


def test_migrations_match_the_models(database_url) -> None:
    upgrade(database_url)
    upgrade(database_url)  # a second run is a no-op
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    assert diff == []
    assert version == ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def test_existing_schools_and_admins_move_into_the_default_municipality(database_url) -> None:
    """A deployment from before municipalities keeps working: one default municipality owns its
    schools, its administrators become municipal administrators."""
    from alembic import command
    from sqlalchemy import text

    from api.db import alembic_config

    command.upgrade(alembic_config(database_url), "0003")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO schools (name, timezone, created_at) "
                              "VALUES ('Школа № 1', 'UTC', CURRENT_TIMESTAMP)"))  # fmt: skip
            conn.execute(text("INSERT INTO admins (login, password_hash, created_at) "
                              "VALUES ('zavuch', 'x', CURRENT_TIMESTAMP)"))  # fmt: skip
        upgrade(database_url)
        with engine.connect() as conn:
            municipalities = conn.execute(text("SELECT id, name FROM municipalities")).all()
            school = conn.execute(text("SELECT municipality_id FROM schools")).scalar_one()
            admin = conn.execute(text("SELECT municipality_id, school_id FROM admins")).one()
            # a new municipality after the migrated one gets a fresh id (sequences are right)
            conn.execute(text("INSERT INTO municipalities (name, territory, created_at) "
                              "VALUES ('Город Б', 'perm-krai', CURRENT_TIMESTAMP)"))  # fmt: skip
    finally:
        engine.dispose()
    assert [name for _id, name in municipalities] == ["Муниципалитет по умолчанию"]
    assert school == municipalities[0][0]
    assert tuple(admin) == (municipalities[0][0], None)
