"""Tenancy: who sees what. One rule, here; every route reaches it through one guard.

A municipality owns schools. Its municipal administrator sees every school of it; a school
administrator sees only her school; nobody sees anything of another municipality. An id of
something outside the administrator's :class:`Scope` is answered exactly like an id that does not
exist (404, the same message), so a neighbour cannot even learn that it exists.

:data:`OWNERS` maps each id a route may carry in its path or query (``school_id``, ``job_id``,
``link_id``, ``order_id``) to the owner of the row it names; :func:`api.deps.tenant_guard` (an
app-wide dependency) checks every such id of every request against the administrator's scope
before the route runs, so a new route is covered by naming its parameters like the others — the
tenancy test enumerates the app's routes and fails on a parameter this table does not know. Lists
(schools, orders) are filtered by :meth:`Scope.schools`; ids that come in a request body are
checked by :func:`school_in_scope`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.models import Admin, Job, Link, Municipality, MunicipalOrder, School
from api.problems import Forbidden, NotFound

DEFAULT_MUNICIPALITY = "Муниципалитет по умолчанию"  # the migration's name for existing data

#: the message of an unknown (or foreign) id, per parameter
MISSING = {
    "school_id": "школы с номером {} нет; проверьте адрес.",
    "job_id": "перестроения {} нет; проверьте номер задачи.",
    "link_id": "ссылки № {} нет.",
    "order_id": "муниципального приказа {} нет; проверьте адрес.",
}


def missing(param: str, value: Any) -> NotFound:
    return NotFound(MISSING[param].format(value))


@dataclass(frozen=True)
class Scope:
    """What an administrator may see: her municipality, and her school if she is a school's."""

    municipality_id: int
    school_id: int | None  # None: a municipal administrator (every school of the municipality)
    login: str

    @property
    def municipal(self) -> bool:
        return self.school_id is None

    def allows(self, municipality_id: int, school_id: int | None) -> bool:
        """Whether a row owned by this municipality (and school, if any) is visible."""
        if municipality_id != self.municipality_id:
            return False
        return self.school_id is None or school_id is None or school_id == self.school_id

    def schools(self, query: Select[Any]) -> Select[Any]:
        """``query`` over School narrowed to the schools in scope."""
        query = query.where(School.municipality_id == self.municipality_id)
        if self.school_id is not None:
            query = query.where(School.id == self.school_id)
        return query

    def require_municipal(self, what: str) -> None:
        """Only a municipal administrator does ``what`` (a school's gets 403 saying so)."""
        if not self.municipal:
            raise Forbidden(f"{what} может только администратор муниципалитета.")


def scope_of(admin: Admin) -> Scope:
    return Scope(admin.municipality_id, admin.school_id, admin.login)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _school_owner(session: Session, school_id: Any) -> tuple[int, int | None] | None:
    school = session.get(School, school_id)
    return (school.municipality_id, school.id) if school else None


def _owner_via_school(model: Any) -> Callable[[Session, Any], tuple[int, int | None] | None]:
    def owner(session: Session, key: Any) -> tuple[int, int | None] | None:
        row = session.execute(
            select(School.municipality_id, School.id)
            .join(model, model.school_id == School.id)
            .where(model.id == key)
        ).first()
        return (row[0], row[1]) if row else None

    return owner


def _order_owner(session: Session, order_id: Any) -> tuple[int, int | None] | None:
    order = session.get(MunicipalOrder, order_id)
    return (order.municipality_id, None) if order else None


#: path/query parameter → (the id's type, the (municipality, school) that owns the row it names)
OWNERS: dict[
    str, tuple[Callable[[Any], Any], Callable[[Session, Any], tuple[int, int | None] | None]]
] = {
    "school_id": (_int, _school_owner),
    "job_id": (str, _owner_via_school(Job)),
    "link_id": (_int, _owner_via_school(Link)),
    "order_id": (str, _order_owner),
}


def check(session: Session, scope: Scope, param: str, value: Any) -> None:
    """404 (as for an unknown id) unless the row ``param=value`` names is in ``scope``.

    A value of the wrong type (``/schools/abc``) is left to the route's validation (422).
    """
    parse, owner_of = OWNERS[param]
    key = parse(value)
    if key is None:
        return
    owner = owner_of(session, key)
    if owner is None or not scope.allows(*owner):
        raise missing(param, value)


def school_in_scope(session: Session, scope: Scope, school_id: Any) -> School:
    """A school named in a request body: the school, or 404 as for an unknown one."""
    check(session, scope, "school_id", school_id)
    school = session.get(School, int(school_id))
    assert school is not None
    return school


def default_municipality(session: Session) -> Municipality:
    """The municipality of a deployment that never named one (created on first use)."""
    return municipality_named(session, DEFAULT_MUNICIPALITY)


def municipality_named(session: Session, name: str, territory: str = "perm-krai") -> Municipality:
    """The municipality of this name, created (with its territory's frost thresholds) if new."""
    name = name.strip()
    found = session.scalar(select(Municipality).where(Municipality.name == name))
    if found is None:
        found = Municipality(name=name, territory=territory)
        session.add(found)
        session.flush()
    return found


def get_municipality(session: Session, scope: Scope) -> Municipality:
    found = session.get(Municipality, scope.municipality_id)
    assert found is not None  # admins.municipality_id is a foreign key
    return found
