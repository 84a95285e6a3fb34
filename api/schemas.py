"""Response shapes of JSON API v1 (for the OpenAPI document at /docs and for validation).

Times are ISO 8601 strings with offset (UTC); the school's zone is in ``timezone``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ProblemOut(BaseModel):
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    element: str | None = None


class ErrorDetail(BaseModel):
    message: str = Field(description="Что не так и что сделать (по-русски)")
    problems: list[ProblemOut] = []


class ErrorOut(BaseModel):
    detail: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Нужен вход или API-токен"},
    403: {"model": ErrorOut, "description": "Нет CSRF-токена"},
    404: {"model": ErrorOut, "description": "Не найдено"},
    409: {"model": ErrorOut, "description": "Конфликт состояния"},
    422: {"model": ErrorOut, "description": "Ошибки во входных данных"},
}


class HealthOut(BaseModel):
    status: str
    database: str


class LoginOut(BaseModel):
    login: str
    csrf_token: str


class MeOut(BaseModel):
    login: str
    via: Literal["session", "token"]
    csrf_token: str | None


class MessageOut(BaseModel):
    message: str


class TimetablePublic(BaseModel):
    id: int
    filename: str
    classes: int
    lessons: int
    teachers: int
    uploaded_at: str | None


class SchoolPublic(BaseModel):
    id: int
    name: str
    timezone: str
    timetable: TimetablePublic | None
    published_version: int | None


class JobPublic(BaseModel):
    id: str
    school_id: int
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    status_ru: str
    progress: float = Field(description="0…1: доля лимита времени решателя")
    best_objective: float | None
    best_bound: float | None
    solutions: int = Field(description="сколько полных планов найдено")
    phase: Literal["days", "period"] | None = Field(
        description="этап решения, пока задача решается: «days» — многодневный период по датам, "
        "«period» — весь период целиком"
    )
    phase_ru: str | None
    dates_done: int | None = Field(description="сколько дат периода уже решено по отдельности")
    dates_total: int | None = Field(description="дат в периоде (если их больше одной)")
    cancel_requested: bool
    message: str | None
    problems: list[ProblemOut]
    summary: dict[str, Any] | None
    has_schedule: bool
    order: dict[str, Any]
    time_limit: float
    created_by: str | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None


class VersionPublic(BaseModel):
    number: int
    published_at: str | None
    author: str
    comment: str
    content_hash: str
    job_id: str | None
    files: list[str]
    files_message: str | None


class VersionDetail(VersionPublic):
    schedule: dict[str, Any] = Field(description="schedule.json этой версии")


class LinkPublic(BaseModel):
    id: int
    kind: Literal["class", "teacher"]
    target: str
    with_calls: bool
    created_at: str | None
    revoked: bool
    token: str
    page_url: str
    feed_url: str


class PublicView(BaseModel):
    school: str
    timezone: str
    kind: Literal["class", "teacher"]
    target: str
    with_calls: bool
    version: int | None
    published_at: str | None
    items: list[dict[str, Any]] = Field(description="элементы schedule.json этого класса/учителя")


class CallLinkOut(BaseModel):
    class_name: str
    slot: str
    url: str | None


class MunicipalSchoolRow(BaseModel):
    school_id: int
    school: str
    status: Literal[
        "problem", "waiting", "solving", "ready", "published", "not_affected", "cancelled"
    ]
    status_ru: str
    reason: str = Field(description="почему проблема / не затронута (по-русски)")
    grades: str = Field(description="параллели школы на дистанте")
    tightened: list[int] = Field(description="параллели, которые школа добавила сама")
    job_id: str | None
    progress: float | None
    classes_remote: int
    online_minutes: int
    violations: int
    version: int | None
    pupils: int | None = Field(description="обучающихся затронуто, если известно (счёт)")
    note: str | None


class MunicipalTotals(BaseModel):
    schools: int
    by_status: dict[str, int]
    classes_remote: int
    online_minutes: int
    violations: int
    pupils: int | None


class MunicipalOrderPublic(BaseModel):
    id: str
    reason: Literal["frost", "quarantine", "regional"]
    reason_ru: str
    title: str
    publish: Literal["review", "auto"]
    publish_ru: str
    doc: dict[str, Any]
    frost: dict[str, Any] | None = Field(description="температура, параллели, пояснение")
    created_by: str | None
    created_at: str | None


class MunicipalBoard(BaseModel):
    order: MunicipalOrderPublic
    schools: list[MunicipalSchoolRow]
    totals: MunicipalTotals
    active: bool = Field(description="есть школы в очереди или в решении")


class PublishedSchool(BaseModel):
    school: str
    version: int


class FailedSchool(BaseModel):
    school: str
    message: str


class PublishAllOut(BaseModel):
    published: list[PublishedSchool]
    failed: list[FailedSchool]


class MunicipalityOut(BaseModel):
    id: int
    name: str
    territory: str
    frost: dict[str, Any] = Field(description="пороги для морозов: файл территории, акт")
    schools: list[dict[str, Any]]
