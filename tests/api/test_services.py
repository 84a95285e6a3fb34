"""``api.services`` functions that the HTML pages call directly."""

from __future__ import annotations

from api.services import versions
from planner.domain.order import parse_order
from planner.imports import load_timetable
from tests.api.standin_solver import _schedule
from tests.api.util import DATA


def test_check_version_checks_the_schedule_against_the_orders_norms() -> None:
    timetable = load_timetable(DATA / "school.csv")
    order = parse_order(
        {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-07"}, timetable, file="приказ"
    )
    catalogue, report = versions.check_version(_schedule(timetable, order), timetable, order)
    assert type(catalogue).__name__ == "NormCatalogue"
    # the stand-in keeps 45-minute lessons online: the 5th grade's online limit is 30 minutes
    assert [v.message for v in report.violations] == [
        "5А, 07.12: онлайн-урок «Математика» 08:00–08:45 — 45 мин при норме 30 "
        "(СанПиН 1.2.3685-21, табл. 6.8)",
        "5А, 07.12: онлайн-урок «Русский язык» 08:55–09:40 — 45 мин при норме 30 "
        "(СанПиН 1.2.3685-21, табл. 6.8)",
    ]
    assert {v.rule for v in report.violations} == {"online_lesson_length"}


def test_list_links_pages_in_class_order(app, api_settings) -> None:
    """A city school has thousands of links: a page of the links list is a slice of one order."""
    from api import security
    from api.models import Link
    from api.services import links, schools, tenancy

    with app.state.session_factory() as session:
        school = schools.create_school(
            session,
            "Большая школа",
            None,
            api_settings,
            municipality_id=tenancy.default_municipality(session).id,
        )
        for i in (11, 2, 10, 1):
            session.add(Link(school_id=school.id, kind="class", target=f"{i}А",
                             token=security.link_token()))  # fmt: skip
        session.add(Link(school_id=school.id, kind="teacher", target="Иванова И.И.",
                         token=security.link_token()))  # fmt: skip
        session.commit()
        every = [x.target for x in links.list_links(session, school)]
        assert every == ["1А", "2А", "10А", "11А", "Иванова И.И."]
        page = links.list_links(session, school, offset=2, limit=2)
        assert [x.target for x in page] == ["10А", "11А"]
        assert [x.target for x in links.list_links(session, school, offset=4)] == ["Иванова И.И."]
