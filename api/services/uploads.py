"""Timetable uploads in two steps: the file is read (tolerant, with findings) into a *pending*
upload the deputy reviews; confirming it makes it the school's timetable, with its links.

A file is saved to disk in chunks under its safe name (:func:`planner.imports.safe_filename`) and
read from there; the importers never see more than their size limit. ``strict`` keeps all or
nothing (the first finding refuses the file). A grid may come with its load table; bells entered
on upload (:class:`planner.domain.bells.BellPlan`) are used when the file has none and are kept
with the school for its next upload.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import School, TimetableUpload
from api.problems import Invalid, NotFound
from api.services.common import iso
from api.services.links import ensure_links
from api.services.schools import touch_served, upload_public
from planner.app import pipeline
from planner.domain.bells import BellPlan, bell_plan
from planner.domain.errors import InputError, Problem
from planner.domain.findings import StrictRefusal, findings_json
from planner.imports import detect_format, safe_filename, too_big

T = TypeVar("T")


class Run(Protocol):
    """How the importers are run: ``run(fn, *args, file=name, **kwargs)`` → ``fn``'s result."""

    def __call__(self, fn: Callable[..., T], *args: Any, file: str = "", **kwargs: Any) -> T: ...


CHUNK = 1024 * 1024
#: a pending upload nobody confirmed is dropped after this long
PENDING_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Incoming:
    """An uploaded file: the name the browser sent and a readable binary stream."""

    filename: str
    stream: BinaryIO

    @classmethod
    def of(cls, filename: str, content: bytes) -> Incoming:
        return cls(filename, io.BytesIO(content))


def _save(incoming: Incoming, folder: Path, what: str, *, table: bool = False) -> Path:
    """Copy the stream into ``folder`` in chunks, refusing it once it passes the file limit.
    ``table``: only a CSV/XLSX table is accepted (a load table)."""
    from planner.imports import MAX_INPUT_BYTES

    name = safe_filename(incoming.filename)
    if not name:
        raise Invalid(f"не передан {what} (поле формы пустое или без имени файла).")
    try:
        if detect_format(Path(name)) != "flat" and table:
            raise InputError.at(name, "нагрузка — таблица .csv или .xlsx (класс, предмет, группа, "
                                      "учитель).")  # fmt: skip
    except InputError as exc:
        raise Invalid(f"«{name}» не загружен: {exc.problems[0].message}", exc.problems) from None
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := incoming.stream.read(CHUNK):
            size += len(chunk)
            if size > MAX_INPUT_BYTES:
                message = too_big(MAX_INPUT_BYTES)
                raise Invalid(f"«{name}»: {message}", [Problem(file=name, message=message)])
            out.write(chunk)
    return path


def _refused(filename: str, exc: InputError) -> Invalid:
    if isinstance(exc, StrictRefusal):
        return Invalid(
            f"строгая проверка: расписание из «{filename}» не загружено — в файле есть "
            f"замечания ({exc.count}). Первое: {exc.summary}. Исправьте файл или загрузите "
            "без строгой проверки, чтобы увидеть все замечания.",
            exc.problems,
        )
    return Invalid(
        f"расписание из «{filename}» не загружено: исправьте ошибки ниже и загрузите снова.",
        exc.problems,
    )


def _inline(fn: Callable[..., T], *args: Any, file: str = "", **kwargs: Any) -> T:
    return fn(*args, **kwargs)


def preview_upload(
    session: Session,
    school: School,
    incoming: Incoming,
    *,
    load_table: Incoming | None = None,
    bells: BellPlan | None = None,
    strict: bool = False,
    run: Run = _inline,
) -> TimetableUpload:
    """Read a file into a pending upload with its findings (nothing changes for the school yet).

    ``bells`` default to the bells the school entered before (none: the importers' 45/10/20,
    with a note). ``run`` runs the importers (the web app: :class:`api.import_runner.
    ImportRunner`, a child process).
    """
    bells = bells or BellPlan.from_json(school.bells)
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        path = _save(incoming, Path(tmp), "файл расписания (поле file)")
        load_path = None
        if load_table is not None:
            (Path(tmp) / "load").mkdir()
            load_path = _save(
                load_table, Path(tmp) / "load", "файл нагрузки (поле load_table)", table=True
            )
        try:
            summary = run(
                pipeline.inspect_files, path, school.name, strict=strict, load_table=load_path,
                bells=bells, file=path.name,
            )  # fmt: skip
        except InputError as exc:
            raise _refused(path.name, exc) from None
        upload = TimetableUpload(
            school_id=school.id,
            filename=path.name,
            content=path.read_bytes(),
            classes=len(summary.classes),
            lessons=summary.lessons,
            teachers=len(summary.teachers),
            strict=strict,
            load_filename=load_path.name if load_path else None,
            load_content=load_path.read_bytes() if load_path else None,
            bells=bells.to_json() if bells else None,
            findings=findings_json(summary.findings),
            names={"classes": list(summary.classes), "teachers": list(summary.teachers)},
        )
    session.execute(
        delete(TimetableUpload)
        .where(
            TimetableUpload.school_id == school.id,
            TimetableUpload.confirmed_at.is_(None),
            TimetableUpload.uploaded_at < utcnow() - PENDING_FOR,
        )
        .execution_options(synchronize_session=False)
    )
    session.add(upload)
    session.commit()
    return upload


def get_upload(session: Session, school: School, upload_id: int) -> TimetableUpload:
    upload = session.get(TimetableUpload, upload_id)
    if upload is None or upload.school_id != school.id:
        raise NotFound(f"загрузки № {upload_id} у этой школы нет; загрузите файл заново.")
    return upload


def confirm_upload(session: Session, school: School, upload: TimetableUpload) -> TimetableUpload:
    """The pending upload becomes the school's timetable (links for new classes and teachers);
    its bells are kept with the school; other pending uploads of the school are dropped."""
    if upload.confirmed_at is None:
        names = upload.names or _names(upload, school)
        upload.confirmed_at = utcnow()
        if upload.bells:
            school.bells = upload.bells
        session.execute(
            delete(TimetableUpload)
            .where(
                TimetableUpload.school_id == school.id,
                TimetableUpload.confirmed_at.is_(None),
                TimetableUpload.id != upload.id,
            )
            .execution_options(synchronize_session=False)
        )
        session.flush()
        ensure_links(session, school, names["classes"], names["teachers"])
        touch_served(session, school.id, data="regulation")  # the classes a teacher acts for
        session.commit()
    return upload


def _names(upload: TimetableUpload, school: School) -> dict[str, list[str]]:
    """Class and teacher names of an upload stored before names were kept: read it again."""
    from api.services.schools import timetable_of

    timetable = timetable_of(upload, school.name)
    return {"classes": list(timetable.classes), "teachers": list(timetable.teachers)}


def with_load_table(
    session: Session,
    school: School,
    upload: TimetableUpload,
    load_table: Incoming,
    *,
    run: Run = _inline,
) -> TimetableUpload:
    """A new pending upload: the same file (and bells, and strictness) with a load table."""
    return preview_upload(
        session,
        school,
        Incoming.of(upload.filename, upload.content),
        load_table=load_table,
        bells=BellPlan.from_json(upload.bells),
        strict=upload.strict,
        run=run,
    )


def import_timetable(
    session: Session,
    school: School,
    filename: str,
    content: bytes | BinaryIO,
    *,
    load_table: Incoming | None = None,
    bells: BellPlan | None = None,
    strict: bool = False,
    run: Run = _inline,
) -> TimetableUpload:
    """Both steps at once (the one-step API route, the demo): read and confirm."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    upload = preview_upload(
        session, school, Incoming(filename or "", stream), load_table=load_table, bells=bells,
        strict=strict, run=run,
    )  # fmt: skip
    return confirm_upload(session, school, upload)


def pending_public(upload: TimetableUpload) -> dict[str, Any]:
    """An upload with what was read and its findings (the preview; the review of a later day)."""
    findings = upload.findings or findings_json(())  # uploads from before findings were kept
    kinds = {g["kind"] for g in findings["groups"]}
    return {
        **upload_public(upload),
        "status": "confirmed" if upload.confirmed_at else "pending",
        "confirmed_at": iso(upload.confirmed_at),
        "strict": bool(upload.strict),
        "load_table": upload.load_filename,
        "bells": upload.bells,
        "needs_load_table": "no_teachers" in kinds,
        "findings": findings,
    }


def bells_from_form(
    start: str | None,
    lesson: str | int | None,
    brk: str | int | None,
    big_break: str | int | None,
    big_after: str | None,
) -> BellPlan | None:
    """The bells of the upload form (``None`` when no field is filled: the school's are used);
    a field left empty takes the common 45/10/20 value."""
    fields = (start, lesson, brk, big_break, big_after)
    if all(f is None or str(f).strip() == "" for f in fields):
        return None
    default = BellPlan().to_json()

    def value(given: str | int | None, key: str) -> Any:
        return given if given is not None and str(given).strip() != "" else default[key]

    after = big_after if big_after is not None else ", ".join(map(str, default["big_after"]))
    try:
        return bell_plan(
            str(value(start, "start")), value(lesson, "lesson"), value(brk, "break"),
            value(big_break, "big_break"), after,
        )  # fmt: skip
    except ValueError as exc:
        raise Invalid(f"звонки: {exc}", [Problem(file="звонки", message=str(exc))]) from None


def school_bells(school: School) -> BellPlan:
    """The bells to prefill the upload form with: the school's, else the common 45/10/20."""
    return BellPlan.from_json(school.bells) or BellPlan()


__all__ = [
    "Incoming",
    "bells_from_form",
    "confirm_upload",
    "get_upload",
    "import_timetable",
    "pending_public",
    "preview_upload",
    "school_bells",
    "with_load_table",
]
