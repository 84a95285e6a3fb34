"""Where an uploaded file is read: in a process of its own (the default), never in the server's.

Parsing a big file is pure-Python work that holds the interpreter lock for long stretches, so a
thread would still stall every other request of the server (``/healthz`` waited over a second
behind a 40 MB upload). Each import runs in a fresh child process forked from a warm fork server
(the importers are preloaded there, so a child starts in milliseconds); it answers with a small
:class:`planner.app.pipeline.ImportSummary`, and its memory is returned to the system when it
exits. A child that takes longer than ``Settings.import_timeout`` is killed and the file refused.
A child killed by the system (out of memory) is a refusal too, never a 500.

``import_runner = "inline"`` (tests) calls the function in the request's own thread instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeVar

from planner.domain.errors import InputError
from planner.domain.findings import StrictRefusal

log = logging.getLogger(__name__)
T = TypeVar("T")

#: modules the fork server imports once, so that every child starts warm
PRELOAD = ["planner.app.pipeline", "pandas", "openpyxl"]

TOO_SLOW = (
    "файл читается слишком долго (больше {seconds:.0f} с): это не похоже на расписание школы; "
    "проверьте, тот ли это файл."
)
LOST = (
    "файл не удалось прочитать: чтение прервалось (не хватило памяти или сбой). Проверьте, тот ли "
    "это файл, и загрузите его снова."
)


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict) -> None:
    """Run ``fn`` and send back ``("ok", result)`` or the refusal as plain values."""
    try:
        result: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except StrictRefusal as exc:
        result = ("strict", (exc.refused, exc.file))
    except InputError as exc:
        result = ("input", exc.problems)
    except BaseException:  # read_timetable turns importer failures into InputError already
        log.exception("import child failed")
        result = ("lost", None)
    conn.send(result)
    conn.close()


class ImportRunner:
    """Runs an import function in a child process (or inline) and returns its result."""

    def __init__(self, mode: Literal["process", "inline"], timeout: float) -> None:
        self.mode = mode
        self.timeout = timeout
        self._lock = threading.Lock()
        self._context: Any = None

    def _ctx(self) -> Any:
        with self._lock:
            if self._context is None:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(PRELOAD)
                self._context = ctx
            return self._context

    def run(self, fn: Callable[..., T], *args: Any, file: str = "", **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``; :class:`InputError` (naming ``file``) when it cannot finish."""
        if self.mode == "inline":
            return fn(*args, **kwargs)
        ctx = self._ctx()
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(sender, fn, args, kwargs), daemon=True)
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout):
                child.kill()
                raise InputError.at(file, TOO_SLOW.format(seconds=self.timeout))
            try:
                kind, value = receiver.recv()
            except EOFError:  # the child died without an answer (killed, out of memory)
                raise InputError.at(file, LOST) from None
        finally:
            receiver.close()
            child.join(5)
            if child.is_alive():
                child.kill()
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "strict":
            refused, name = value
            raise StrictRefusal(list(refused), name)
        if kind == "input":
            raise InputError(list(value))
        raise InputError.at(file, LOST)
