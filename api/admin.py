"""``planner admin create`` and ``planner admin token`` (called by planner/cli.py); the database
the CLI's commands on the server's data open (:func:`database`)."""

from __future__ import annotations

from api.db import make_engine, make_session_factory, upgrade
from api.problems import ApiError
from api.services import accounts, tenancy
from api.settings import Settings
from planner.domain.errors import InputError


def database(settings: Settings):  # type: ignore[no-untyped-def]
    """A session factory on the app's database (migrated first); dispose its engine after use."""
    settings.ensure_data_dir()
    upgrade(settings.database_url)
    return make_session_factory(make_engine(settings.database_url))


def create_admin(
    login: str,
    password: str,
    settings: Settings | None = None,
    *,
    municipality: str | None = None,
    school_id: int | None = None,
) -> None:
    """Create an administrator in the app's database (migrating it first): of a municipality
    (created if new; default: the default one), or of one school with ``school_id``."""
    settings = settings or Settings()
    factory = database(settings)
    try:
        with factory() as session:
            municipality_id = None
            if municipality:
                municipality_id = tenancy.municipality_named(session, municipality).id
            accounts.create_admin(
                session, login, password, municipality_id=municipality_id, school_id=school_id
            )
    except ApiError as exc:
        raise InputError.at("planner admin create", exc.message) from None
    finally:
        factory.kw["bind"].dispose()


def issue_api_token(login: str, settings: Settings | None = None) -> str:
    """Print-once API token for an administrator; the DB keeps only its hash."""
    settings = settings or Settings()
    factory = database(settings)
    try:
        with factory() as session:
            return accounts.issue_api_token(session, login)
    except ApiError as exc:
        raise InputError.at("planner admin token", exc.message) from None
    finally:
        factory.kw["bind"].dispose()
