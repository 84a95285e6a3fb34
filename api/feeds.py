"""The ICS feed of a class or teacher token link, byte-stable so ETag/304 work.

Built with :mod:`planner.exports.ical` (the same UIDs, SEQUENCE/DTSTAMP rules, summaries and health
lines as the published ``feeds/*.ics`` files; self-study only in class feeds). Call links the
teachers set (table ``call_links``) are applied to every version before the events are computed;
they reach a class feed only when the link was issued with call links.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from api.services.link_views import LinkView
from planner.domain.schedule import Schedule


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


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
