"""Published versions of a rebuilt timetable.

A rebuild produces a *draft* :class:`~planner.domain.schedule.Schedule`. Publishing freezes it into
an immutable :class:`PublishedVersion` (number, time, author, comment, content hash) appended to a
:class:`VersionHistory`. Nothing here edits an existing version: :func:`publish` returns a new
history. The CLI keeps the history in ``OUTDIR/versions.json``; the web app stores the same JSON
documents in its database and calls the same functions.

:func:`event_revisions` derives iCalendar ``SEQUENCE``/``DTSTAMP`` values from a history: an event's
sequence is the number of published versions that changed it, its stamp the time of the last one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.domain import jsontext
from planner.domain.errors import InputError, PlannerError
from planner.domain.schedule import Schedule

HISTORY_FORMAT = "planner-versions/1"


class PublishError(PlannerError):
    """A draft cannot be published (nothing changed, bad author or time)."""

    exit_code = 2


def content_hash(schedule: Schedule) -> str:
    """SHA-256 of what a version publishes: school, zone, norm set, order and items (not ``meta``).

    ``meta`` holds solver statistics that differ between runs of the same plan, so it is left out:
    two rebuilds with the same lessons have the same hash.
    """
    doc = schedule.to_json()
    doc.pop("meta", None)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PublishedVersion:
    """One published, never-edited version of the remote timetable."""

    number: int
    published_at: datetime  # aware
    author: str
    comment: str
    schedule: Schedule
    content_hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "published_at": self.published_at.isoformat(),
            "author": self.author,
            "comment": self.comment,
            "content_hash": self.content_hash,
            "schedule": self.schedule.to_json(),
        }


@dataclass(frozen=True)
class VersionHistory:
    """Every published version, oldest first, numbered 1, 2, 3, …"""

    versions: tuple[PublishedVersion, ...] = ()

    @property
    def latest(self) -> PublishedVersion | None:
        return self.versions[-1] if self.versions else None

    def __len__(self) -> int:
        return len(self.versions)

    def get(self, number: int) -> PublishedVersion:
        for v in self.versions:
            if v.number == number:
                return v
        raise KeyError(number)

    def previous_of(self, number: int) -> PublishedVersion | None:
        """The version published just before version ``number`` (``None`` for the first)."""
        for before, v in zip(self.versions, self.versions[1:], strict=False):
            if v.number == number:
                return before
        return None

    def to_json(self) -> dict[str, Any]:
        return {"format": HISTORY_FORMAT, "versions": [v.to_json() for v in self.versions]}

    def dumps(self) -> str:
        """``versions.json``'s text: each version's schedule is its ``schedule.json`` text,
        re-indented, not encoded again."""
        doc = self.to_json()
        known = {
            id(entry["schedule"]): v.schedule.dumps()[:-1]
            for entry, v in zip(doc["versions"], self.versions, strict=True)
        }
        return jsontext.dumps(doc, known) + "\n"

    def write(self, path: Path) -> None:
        Path(path).write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def from_json(cls, doc: Any, file: str = "versions.json") -> VersionHistory:
        """Read a history document, checking numbering, times and every content hash."""
        if not isinstance(doc, Mapping) or doc.get("format") != HISTORY_FORMAT:
            raise InputError.at(
                file,
                f"это не история версий планировщика (ожидается format: {HISTORY_FORMAT}); "
                "укажите папку прошлого результата planner rebuild.",
            )
        versions: list[PublishedVersion] = []
        for i, raw in enumerate(doc.get("versions") or []):
            element = f"versions[{i}]"
            try:
                published_at = datetime.fromisoformat(raw["published_at"])
                schedule = Schedule.from_json(raw["schedule"])
                version = PublishedVersion(
                    number=int(raw["number"]),
                    published_at=published_at,
                    author=str(raw["author"]),
                    comment=str(raw.get("comment") or ""),
                    schedule=schedule,
                    content_hash=str(raw["content_hash"]),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError.at(
                    file,
                    f"версия повреждена ({exc!s}); восстановите файл из резервной копии.",
                    element=element,
                ) from None
            if version.number != i + 1:
                raise InputError.at(
                    file,
                    f"номер версии {version.number}, а ожидался {i + 1}; версии нумеруются "
                    "подряд с 1 — восстановите файл из резервной копии.",
                    element=element,
                    column="number",
                )
            if published_at.tzinfo is None:
                raise InputError.at(
                    file,
                    "время публикации без часового пояса; запишите его как "
                    "2026-12-01T08:00:00+05:00.",
                    element=element,
                    column="published_at",
                )
            if content_hash(schedule) != version.content_hash:
                raise InputError.at(
                    file,
                    f"версия {version.number} изменена после публикации (контрольная сумма не "
                    "совпадает); опубликованные версии менять нельзя — восстановите файл.",
                    element=element,
                    column="content_hash",
                )
            versions.append(version)
        return cls(tuple(versions))

    @classmethod
    def read(cls, path: Path) -> VersionHistory:
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError.at(str(path), "файл истории версий не найден.") from None
        except json.JSONDecodeError as exc:
            raise InputError.at(
                str(path), f"файл истории версий не читается как JSON: {exc.msg}.", row=exc.lineno
            ) from None
        return cls.from_json(doc, str(path))


def publish(
    draft: Schedule,
    history: VersionHistory,
    *,
    author: str,
    comment: str = "",
    now: datetime,
    digest: str | None = None,
) -> VersionHistory:
    """Freeze ``draft`` as the next version; returns a new history, ``history`` is untouched.

    ``digest``: the draft's :func:`content_hash` when the caller has it (a first version is
    compared with nothing: :func:`planner.exports.bundle.write_bundle` hashes it later)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise PublishError("время публикации должно быть с часовым поясом (aware datetime).")
    if not author.strip():
        raise PublishError("укажите, кто публикует версию (автор не может быть пустым).")
    digest = digest if digest is not None else content_hash(draft)
    latest = history.latest
    if latest is not None:
        if latest.content_hash == digest:
            raise PublishError(
                f"черновик совпадает с опубликованной версией {latest.number}; публиковать нечего."
            )
        if now < latest.published_at:
            raise PublishError(
                f"время публикации {now.isoformat()} раньше публикации версии {latest.number} "
                f"({latest.published_at.isoformat()}); проверьте часы компьютера."
            )
    version = PublishedVersion(
        number=len(history.versions) + 1,
        published_at=now,
        author=author.strip(),
        comment=comment.strip(),
        schedule=draft,
        content_hash=digest,
    )
    return VersionHistory((*history.versions, version))


def is_published(draft: Schedule, history: VersionHistory | None) -> bool:
    """Whether ``draft`` is exactly the latest published version."""
    return bool(history and history.latest and history.latest.content_hash == content_hash(draft))


@dataclass(frozen=True, slots=True)
class Revision:
    """How often and when one event changed over the published versions."""

    sequence: int  # number of versions (after the one that created it) that changed the event
    changed_at: datetime  # publication time of the last version that created or changed it
    present: bool  # in the latest version
    last_version: int  # number of the last version that contains the event
    state: Hashable = field(compare=False, default=None)  # its last known fingerprint


def event_revisions(
    history: VersionHistory, fingerprints: Callable[[Schedule], Mapping[str, Hashable]]
) -> dict[str, Revision]:
    """``SEQUENCE``/``DTSTAMP`` of every event ever published, keyed like ``fingerprints``.

    ``fingerprints(schedule)`` maps an event key (e.g. its UID) to everything about the event a
    subscriber sees; a version changes an event when the fingerprint differs from the previous
    version's, when the event disappears (cancelled) or when it comes back.
    """
    out: dict[str, Revision] = {}
    previous: Mapping[str, Hashable] = {}
    for version in history.versions:
        current = fingerprints(version.schedule)
        for key, state in current.items():
            rev = out.get(key)
            if rev is None:
                out[key] = Revision(0, version.published_at, True, version.number, state)
            elif key not in previous or previous[key] != state:
                out[key] = Revision(
                    rev.sequence + 1, version.published_at, True, version.number, state
                )
            else:
                out[key] = Revision(rev.sequence, rev.changed_at, True, version.number, state)
        for key in previous.keys() - current.keys():
            rev = out[key]
            out[key] = Revision(
                rev.sequence + 1, version.published_at, False, rev.last_version, rev.state
            )
        previous = current
    return out
