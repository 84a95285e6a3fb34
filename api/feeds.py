"""The ICS feed of a class or teacher token link, byte-stable so ETag/304 work.

Built with :mod:`planner.exports.ical` (the same UIDs, SEQUENCE/DTSTAMP rules, summaries and health
lines as the published ``feeds/*.ics`` files; self-study only in class feeds). Call links the
teachers set (table ``call_links``) are applied to every version before the events are computed;
they reach a class feed only when the link was issued with call links.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from api.models import Link, Version
from api.services.link_views import LinkView
from api.services.served import Rendered
from api.serving import last_modified_header, source_key
from planner.domain.schedule import Schedule

FEED_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE = "private, max-age=300"


def feed_variant() -> str:
    """The stored body's variant: one feed per link, by the code that renders it."""
    return f"feed:{source_key()}"


def with_calls(link: Link) -> bool:
    """Whether the link's feed and page show the teachers' call links."""
    return link.kind == "teacher" or link.with_calls


def feed_shows(link: Link) -> tuple[str, ...]:
    """The teachers' data a link's feed shows (its stored body is re-rendered when it changes):
    call links, when the link grants them."""
    return ("calls",) if with_calls(link) else ()


def build_token_feed(view: LinkView, history: Any, timetable: Any = None) -> bytes:
    """The feed of a token link with :mod:`planner.exports.ical` (same UIDs and texts as the
    published ``feeds/*.ics`` files), with the teachers' call links applied when granted."""
    from api.services.link_views import apply_call_links
    from planner.engine.versions import VersionHistory
    from planner.exports import ical as px

    if not len(history):
        return px.build_calendar(
            px.Feed(view.link.kind, view.link.target, ""), [], view.school.timezone
        )

    def patched(s: Schedule) -> Schedule:
        return s.with_items(apply_call_links(s.items, view.calls, keep=view.with_calls))

    with_calls = VersionHistory(
        tuple(replace(v, schedule=patched(v.schedule)) for v in history.versions)
    )
    return px.render_feed(
        view.link.kind,
        view.link.target,
        with_calls,
        timetable,
        now=history.latest.published_at,
        private_class_links=view.with_calls,
    )


def render_token_feed(session: Session, link: Link, version: Version | None) -> Rendered:
    """Render the feed of a link (the slow part: reads every published version)."""
    from api.services import link_views, versions

    view = link_views.link_view(session, link, version)
    upto = version.id if version is not None else -1  # not a version published meanwhile
    history = versions.history_of(
        [v for v in versions.list_versions(session, view.school) if v.id <= upto]
    )
    timetable = versions.version_timetable(session, version) if version is not None else None
    body = build_token_feed(view, history, timetable)
    return Rendered(
        body=body,
        media_type=FEED_TYPE,
        last_modified=view.last_modified,
        headers={
            "Last-Modified": last_modified_header(view.last_modified),
            "Cache-Control": FEED_CACHE,
        },
    )
