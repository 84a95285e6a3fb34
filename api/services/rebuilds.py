"""Rebuild jobs: validate the order, queue a job, read, list and cancel it, its public JSON.

Each function takes an open SQLAlchemy session and plain values, raises
:class:`api.problems.ApiError` subclasses with Russian messages, and commits what it changed.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import Job, School
from api.problems import Conflict, Invalid
from api.services.common import iso
from api.services.schools import current_upload, timetable_of
from api.services.tenancy import missing
from api.settings import Settings
from planner.domain.errors import InputError
from planner.domain.model import Timetable
from planner.domain.order import QuarantineOrder, parse_order
from planner.domain.solving import relative_gap

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")


def validate_order(doc: Any, timetable: Timetable) -> QuarantineOrder:
    """The order against the timetable and its local-act values against the norm catalogue:
    everything that would fail the rebuild is refused here, before a job starts."""
    from constraints.catalogue import CatalogueError
    from planner.engine.rebuild import load_catalogue

    try:
        order = parse_order(doc, timetable, file="приказ")
        load_catalogue(order)
    except InputError as exc:
        raise Invalid(ORDER_REFUSED, exc.problems) from None
    except CatalogueError as exc:
        message = exc.message.split(": ", 1)[-1] if exc.key else exc.message
        problem = {"file": "приказ", "column": exc.key, "message": message}
        raise Invalid(ORDER_REFUSED, [problem]) from None
    return order


ORDER_REFUSED = "приказ не принят: исправьте ошибки ниже и отправьте снова."


def create_job(
    session: Session,
    school: School,
    order_doc: dict[str, Any],
    settings: Settings,
    *,
    author: str | None,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    commit: bool = True,
) -> Job:
    """Validate the order against the current timetable and queue a rebuild job (``commit``:
    False leaves the commit to the caller, who submits the job after it)."""
    upload = current_upload(session, school)
    validate_order(order_doc, timetable_of(upload, school.name))
    limit = settings.solver_time_limit if time_limit is None else time_limit
    if not 0 < limit <= 3600:
        raise Invalid("time_limit — от 1 до 3600 секунд.")
    job = _queued(
        school_id=school.id,
        timetable_id=upload.id,
        order_doc=order_doc,
        time_limit=float(limit),
        workers=max(1, workers or settings.solver_workers),
        seed=settings.solver_seed if seed is None else seed,
        created_by=author,
    )
    session.add(job)
    if commit:
        session.commit()
    else:
        session.flush()
    return job


def _queued(**fields: Any) -> Job:
    """A new job row waiting for a worker (a fresh id, created now)."""
    return Job(id=uuid.uuid4().hex, status="queued", created_at=utcnow(), **fields)


def continue_job(session: Session, job: Job, *, author: str | None) -> Job:
    """«Улучшать дальше»: a new job for the same order and timetable that starts from this
    job's plan (its complete hint) and returns it or a better one."""
    if not reviewable(job):
        raise Conflict("продолжать нечего: у этого перестроения нет готового расписания.")
    new = _queued(
        school_id=job.school_id,
        timetable_id=job.timetable_id,
        order_doc=job.order_doc,
        time_limit=job.time_limit,
        workers=job.workers,
        seed=job.seed,
        created_by=author,
        continue_from=job.id,
    )
    session.add(new)
    session.commit()
    return new


def get_job(session: Session, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise missing("job_id", job_id)
    session.refresh(job)
    return job


def list_jobs(session: Session, school: School, limit: int = 20) -> list[Job]:
    return list(
        session.scalars(
            select(Job)
            .where(Job.school_id == school.id)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def cancel_job(session: Session, job: Job) -> Job:
    """Cancel: a queued job stops at once, a running one at the worker's next poll."""
    if job.status in FINISHED:
        raise Conflict(
            f"перестроение уже завершено (состояние «{STATUS_RU[job.status]}»); отменять нечего."
        )
    if job.status == "queued":
        job.status = "cancelled"
        job.finished_at = utcnow()
        job.message = "отменено до начала решения."
    job.cancel_requested = True
    session.commit()
    return job


def reviewable(job: Job) -> bool:
    """The job holds a plan to review and publish: a finished one, or the best plan found before
    a cancel (the cancel stops the search, it does not throw the plan away)."""
    return job.schedule_json is not None and job.status in ("succeeded", "cancelled")


STATUS_RU = {
    "queued": "в очереди",
    "running": "решается",
    "succeeded": "готово",
    "failed": "ошибка",
    "cancelled": "отменено",
}


def job_phase(job: Job) -> dict[str, Any]:
    """Which phase a running job is in: a multi-day period is solved date by date first
    (``dates_done`` of ``dates_total``), then as a whole period (objective and bound)."""
    total = job.dates_total
    done = min(job.dates_done or 0, total) if total else None
    phase = phase_ru = None
    if job.status == "running":
        if total and done is not None and done < total:
            phase, phase_ru = "days", f"по дням: решено дат {done} из {total}"
        else:
            phase, phase_ru = "period", "весь период"
    return {"phase": phase, "phase_ru": phase_ru, "dates_done": done, "dates_total": total}


def solver_end(job: Job) -> dict[str, Any]:
    """How the job's search ended: the internal reason and its Russian wording (None while it
    runs or when the job has no plan), and whether «Улучшать дальше» may continue from it."""
    stats = (job.summary or {}).get("stats") or {}
    reason = stats.get("stop_reason")
    return {
        "stop_reason": reason,
        "stop_ru": stats.get("stop_ru"),
        "stop_gap_target": stats.get("gap_target"),
        "stop_stall_s": stats.get("stall_s"),
        "can_continue": job.status in ("succeeded", "cancelled")
        and job.schedule_json is not None
        and reason not in (None, "optimal"),
        "continue_from": job.continue_from,
    }


#: a running search whose best plan is proven this close to the best possible one can be stopped
GOOD_GAP = 0.05


def _no_contact(summary: dict[str, Any]) -> int | None:
    """Subjects without an online lesson in the week, from the plan's penalty lines."""
    for line in (summary.get("stats") or {}).get("penalties") or []:
        if line.get("rule") == "weekly_contact":
            return int(line.get("amount") or 0)
    return None


def progress_figures(job: Job) -> dict[str, Any]:
    """What the progress page tells a deputy director, from what the job row stores (no solve
    figures such as the objective): plans found, online minutes and subjects without an online
    lesson of the best plan, and whether the search may be stopped now.

    While the search runs, the minutes and subjects come from ``summary["live"]`` (written by the
    worker when the solver's progress report carries them) and are ``None`` until then; when the
    job has its plan they come from its summary.
    """
    summary = job.summary or {}
    live = summary.get("live") or {}
    done = job.schedule_json is not None and "online_minutes" in summary
    minutes = summary.get("online_minutes") if done else live.get("online_minutes")
    no_contact = _no_contact(summary) if done else live.get("subjects_without_contact")
    gap = None
    if job.best_objective is not None and job.best_bound is not None:
        gap = relative_gap(job.best_objective, job.best_bound)
    running = job.status == "running"
    plans = job.solutions or 0
    return {
        "plans": plans,
        "online_minutes": minutes,
        "subjects_without_contact": no_contact,
        # rounded up: «не больше N %» must hold
        "gap_percent": None if gap is None else max(0, min(100, math.ceil(gap * 100 - 1e-9))),
        "good_enough": running and plans > 0 and gap is not None and gap <= GOOD_GAP,
    }


def job_public(job: Job) -> dict[str, Any]:
    return {
        **solver_end(job),
        "id": job.id,
        "school_id": job.school_id,
        "status": job.status,
        "status_ru": STATUS_RU.get(job.status, job.status),
        "progress": round(job.progress or 0.0, 3),
        "best_objective": job.best_objective,
        "best_bound": job.best_bound,
        "solutions": job.solutions,
        **job_phase(job),
        "figures": progress_figures(job),
        "cancel_requested": job.cancel_requested,
        "message": job.message,
        "problems": job.problems or [],
        "summary": job.summary,
        "has_schedule": job.schedule_json is not None,
        "reviewable": reviewable(job),
        "order": job.order_doc,
        "time_limit": job.time_limit,
        "created_by": job.created_by,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }
