"""Token feeds and pages served at the cost of static files (see ``docs/serving.md``).

Two levels keep the rendered bytes of a link's feed or page:

* the ``served`` table (:class:`api.models.Served`, read and written by
  :mod:`api.services.served`): survives restarts, shared by every process of the app; a row says
  what it was rendered from (version, call-link generation, valid-until);
* :class:`Memory`, this process's copy of those bodies, answered by the ASGI middleware
  :class:`ServeFromMemory` before any routing, thread hop or database read — while the school's
  ``serve_gen`` is the one the body was stored with.

Every change of what a link shows (a publish, a revoked or rotated link, a call link) adds 1 to
the school's ``serve_gen`` (:func:`api.services.schools.touch_served`). This process learns it at
commit (the ``after_commit`` hook below); other processes learn it from :class:`Poller`, which
reads every school's generation every ``PLANNER_SERVE_POLL_SECONDS``. Without a fresh poll the
memory answers nothing and every request takes the route (database) path.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: ``session.info`` key: (school id, new serve_gen) changed in this transaction
BUMPS = "served_bumps"
ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("api", "web", "planner", "constraints", "data")
SOURCE_SUFFIXES = {".py", ".html", ".yaml", ".yml", ".css", ".js", ".json", ".po"}


@lru_cache(maxsize=1)
def source_key() -> str:
    """A hash of the code and templates that render feeds and pages: after an upgrade, stored
    bodies rendered by the old code are not served (their variant names another key)."""
    digest = hashlib.sha256()
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if (
                path.suffix in SOURCE_SUFFIXES
                and path.is_file()
                and "__pycache__" not in path.parts
            ):
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Body:
    """A rendered feed or page, ready to answer: bytes, ETag, headers, and what it is valid for."""

    school_id: int
    gen: int  # the school's serve_gen when the body was checked against the database
    etag: str
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]  # Cache-Control, Vary, Last-Modified, …
    last_modified: datetime | None  # for If-Modified-Since (feeds)
    expires: float | None  # epoch seconds (pages show «today»); None: until the generation moves

    def not_modified(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """Whether the client's copy is current (If-None-Match first, as RFC 9110 says)."""
        if if_none_match is not None:
            tags = [t.strip() for t in if_none_match.split(",")]
            return self.etag in tags or "*" in tags
        if if_modified_since is not None and self.last_modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return since.tzinfo is not None and self.last_modified <= since
        return False

    def header_list(self, *, with_type: bool) -> list[tuple[bytes, bytes]]:
        out = [(b"etag", self.etag.encode("latin-1"))]
        out += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        if with_type:
            out.append((b"content-type", self.media_type.encode("latin-1")))
        return out


def last_modified_header(value: datetime) -> str:
    return format_datetime(value, usegmt=True)


class Memory:
    """This process's bodies of one database, keyed by (path, variant), at most ``max_bytes``.

    A body is answered only while its school's known generation equals the body's and the poller
    (or a commit in this process) has spoken within ``3 × poll_seconds``.
    """

    def __init__(self, max_bytes: int, poll_seconds: float):
        self.max_bytes = max_bytes
        self.poll_seconds = poll_seconds
        self._bodies: OrderedDict[tuple[str, str], Body] = OrderedDict()
        self._bytes = 0
        self._known: dict[int, int] = {}
        self._lock = threading.Lock()
        self.polled_at = float("-inf")  # time.monotonic() of the last complete poll

    def get(self, key: tuple[str, str]) -> Body | None:
        if time.monotonic() - self.polled_at > 3 * self.poll_seconds:
            return None
        with self._lock:
            body = self._bodies.get(key)
            if body is None:
                return None
            if self._known.get(body.school_id) != body.gen or (
                body.expires is not None and time.time() >= body.expires
            ):
                self._drop(key)
                return None
            self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: Body) -> None:
        size = len(body.body)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if self._known.get(body.school_id, -1) > body.gen:
                return  # already out of date
            self._drop(key)
            self._bodies[key] = body
            self._bytes += size
            while self._bytes > self.max_bytes and self._bodies:
                self._drop(next(iter(self._bodies)))

    def _drop(self, key: tuple[str, str]) -> None:
        old = self._bodies.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)

    def saw(self, school_id: int, gen: int) -> None:
        """A committed generation of a school (they only grow: keep the largest seen)."""
        with self._lock:
            if gen > self._known.get(school_id, -1):
                self._known[school_id] = gen

    def saw_all(self, rows: Iterable[tuple[int, int]]) -> None:
        for school_id, gen in rows:
            self.saw(school_id, gen)
        self.polled_at = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._bytes = 0


_MEMORIES: dict[str, Memory] = {}
_MEMORIES_LOCK = threading.Lock()


def _url_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def memory_for(engine: Engine, max_bytes: int = 64 << 20, poll_seconds: float = 0.5) -> Memory:
    """The process's memory of one database (apps on the same database share it)."""
    with _MEMORIES_LOCK:
        key = _url_key(engine)
        memory = _MEMORIES.get(key)
        if memory is None:
            memory = _MEMORIES[key] = Memory(max_bytes, poll_seconds)
        return memory


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Tell this process's memory the generations a committed transaction moved."""
    bumps = session.info.pop(BUMPS, None)
    if not bumps:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _MEMORIES_LOCK:
        memory = _MEMORIES.get(_url_key(engine))
    if memory is not None:
        for school_id, gen in bumps:
            memory.saw(school_id, gen)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(BUMPS, None)


class Poller:
    """Reads every school's ``serve_gen`` every ``poll_seconds`` into the memory (a thread)."""

    def __init__(self, engine: Engine, memory: Memory):
        self.engine = engine
        self.memory = memory
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> None:
        from api.models import School

        with self.engine.connect() as conn:
            rows = conn.execute(select(School.id, School.serve_gen)).all()
        self.memory.saw_all((int(i), int(g)) for i, g in rows)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # the database is away: the memory goes quiet (stale poll)
                log.warning("serve generations not read", exc_info=True)
            self._stop.wait(self.memory.poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="serve-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


#: a path prefix → the function giving the variant of a request from its headers (lower-case
#: names), or None when the request cannot be answered from memory
VariantOf = Callable[[dict[str, str]], str | None]


class ServeFromMemory:
    """ASGI middleware: a GET/HEAD without a query string whose body is in memory is answered
    here (200 or 304), before routing; everything else goes on to the app."""

    def __init__(self, app: ASGIApp, memory: Memory, variants: dict[str, VariantOf]):
        self.app = app
        self.memory = memory
        self.variants = variants

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not scope.get("query_string")
        ):
            path: str = scope["path"]
            slash = path.find("/", 1)
            variant_of = self.variants.get(path[: slash + 1]) if slash > 0 else None
            if variant_of is not None:
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                variant = variant_of(headers)
                body = self.memory.get((path, variant)) if variant is not None else None
                if body is not None:
                    await _answer(body, scope["method"], headers, send)
                    return
        await self.app(scope, receive, send)


async def _answer(body: Body, method: str, headers: dict[str, str], send: Send) -> None:
    if body.not_modified(headers.get("if-none-match"), headers.get("if-modified-since")):
        await send(
            {
                "type": "http.response.start",
                "status": 304,
                "headers": body.header_list(with_type=False),
            }
        )
        await send({"type": "http.response.body", "body": b""})
        return
    out = body.header_list(with_type=True)
    out.append((b"content-length", str(len(body.body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": out})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body.body})


def remember(request: Request, variant: str, body: Body) -> None:
    """Keep a body the route answered in this process's memory (for :class:`ServeFromMemory`)."""
    memory: Memory | None = getattr(request.app.state, "serving", None)
    if memory is not None:
        memory.saw(body.school_id, body.gen)
        memory.put((request.url.path, variant), body)


def respond(request: Request, body: Body) -> Response:
    """The route's answer from a stored body: 304 when the client's copy is current."""
    headers = {"ETag": body.etag, **dict(body.headers)}
    inm, ims = request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    if body.not_modified(inm, ims):
        return Response(status_code=304, headers=headers)
    return Response(body.body, media_type=body.media_type, headers=headers)
