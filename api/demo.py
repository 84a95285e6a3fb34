"""``planner serve --demo``: the small demo school with a published remote version.

Creates (or reuses) the administrator ``demo`` with a new random password printed once, the demo
school with its timetable, rebuilds the three-classes order with the real solver, publishes it,
and returns the text to print: the class and teacher links, then login and password.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select

from api import security
from api.jobs import run_job
from api.models import Admin, School
from api.services import accounts, links, rebuilds, schools, tenancy, uploads, versions
from api.settings import Settings

DEMO_LOGIN = "demo"
DEMO_SIZE = "small"
DEMO_SEED = 1
DEMO_ORDER = "order-three-classes.yaml"


def _demo_admin(session, password: str) -> None:  # type: ignore[no-untyped-def]
    admin = session.scalar(select(Admin).where(Admin.login == DEMO_LOGIN))
    if admin is None:
        accounts.create_admin(session, DEMO_LOGIN, password)
    else:  # a new password on every demo start: it is printed once
        admin.password_hash = security.hash_password(password)
        session.commit()


def load_demo(app: FastAPI, *, time_limit: float | None = None) -> str:
    """Load the demo into the app's database; returns the text ``planner serve --demo`` prints."""
    from planner.app.demo import build_demo_school, demo_orders
    from planner.exports.flat import write_flat

    settings: Settings = app.state.settings
    factory = app.state.session_factory
    password = secrets.token_urlsafe(12)
    timetable = build_demo_school(DEMO_SIZE, DEMO_SEED)
    with tempfile.TemporaryDirectory(prefix="planner-demo-") as tmp:
        path = Path(tmp) / "demo-school.xlsx"
        write_flat(timetable, path)
        content = path.read_bytes()
    order = demo_orders(timetable)[DEMO_ORDER]
    with factory() as session:
        _demo_admin(session, password)
        school = session.scalar(select(School).where(School.name == timetable.school.name))
        if school is None:
            school = schools.create_school(
                session, timetable.school.name, timetable.school.timezone, settings,
                municipality_id=tenancy.default_municipality(session).id,
            )  # fmt: skip
            uploads.import_timetable(session, school, path.name, content)
        version = schools.latest_version(session, school)
        if version is None:
            job = rebuilds.create_job(
                session, school, order, settings, author=DEMO_LOGIN,
                time_limit=time_limit or min(settings.solver_time_limit, 20.0),
            )  # fmt: skip
            run_job(settings.database_url, job.id, settings.solver_function)
            job = rebuilds.get_job(session, job.id)
            if job.status != "succeeded":
                raise RuntimeError(f"демо-перестроение не удалось: {job.message}")
            version = versions.publish_job(
                session, job, author=DEMO_LOGIN,
                comment="Демо: три класса на дистанционном обучении", settings=settings,
            )  # fmt: skip
        issued = links.list_links(session, school)
        lines = [
            f"Демо-школа: {school.name} (версия № {version.number} опубликована)",
            "Ссылки классов (страница · календарь):",
        ]
        kind = "class"
        for link in issued:
            if link.kind != kind:
                kind = link.kind
                lines.append("Ссылки учителей (страница · календарь):")
            urls = links.link_urls(link, settings)
            lines.append(f"  {link.target}: {urls['page_url']} · {urls['feed_url']}")
    # the login last, where the terminal leaves it in view after the links scrolled by
    lines += [
        "",
        f"Вход администратора: {settings.base_url}/  логин: {DEMO_LOGIN}  пароль: {password}",
        "(пароль показан один раз; при следующем запуске --demo он будет другим)",
    ]
    return "\n".join(lines)
