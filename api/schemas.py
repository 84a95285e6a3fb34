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


class FindingOut(BaseModel):
    kind: str = Field(description="Постоянный ключ вида замечания")
    file: str
    element: str | None
    row: int | None
    column: str | None
    place: str = Field(description="Место в файле по-русски")
    seen: str = Field(description="Что в файле")
    read_as: str = Field(description="Как прочитано")
    note: bool = Field(description="Пояснение о чтении формата (строгий режим его принимает)")


class FindingGroupOut(BaseModel):
    kind: str
    title: str
    title_en: str
    count: int
    note: bool
    items: list[FindingOut]


class FindingsOut(BaseModel):
    findings: int = Field(description="Замечаний (без пояснений)")
    notes: int = Field(description="Пояснений")
    by_kind: dict[str, int]
    groups: list[FindingGroupOut] = Field(description="По видам, пояснения в конце")


class BellsOut(BaseModel):
    start: str
    lesson: int
    # «break» is a Python keyword: the JSON key is ``break``
    break_: int = Field(alias="break")
    big_break: int
    big_after: list[int]


class UploadPublic(TimetablePublic):
    status: Literal["pending", "confirmed"]
    confirmed_at: str | None
    strict: bool
    load_table: str | None = Field(description="Файл нагрузки, если был")
    bells: BellsOut | None = Field(description="Звонки, указанные при загрузке")
    needs_load_table: bool = Field(
        description="Сетка без нагрузки: проверка учителей и ленты учителей недоступны"
    )
    findings: FindingsOut


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
    figures: dict[str, Any] = Field(
        default={},
        description="что показывает страница хода решения: plans (найдено планов), "
        "online_minutes и subjects_without_contact (лучшего плана; null, пока неизвестно), "
        "gap_percent (насколько лучший план может уступать лучшему возможному, %), good_enough "
        "(можно остановить: план уже хороший)",
    )
    has_schedule: bool
    reviewable: bool = Field(
        default=False,
        description="есть план, который можно посмотреть и опубликовать: готовый или лучший, "
        "найденный до отмены",
    )
    order: dict[str, Any]
    time_limit: float
    created_by: str | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    readiness_warnings: list[str] = Field(
        default=[],
        description="классы приказа, не готовые к дистанционным урокам (п. 3.2–3.3 Положения), "
        "и чего им не хватает; публиковать можно — решение за школой",
    )


class VersionPublic(BaseModel):
    number: int
    published_at: str | None
    author: str
    comment: str
    content_hash: str
    job_id: str | None
    files: list[str]
    files_message: str | None
    readiness: list[dict[str, Any]] | None = Field(
        default=None,
        description="готовность классов приказа на момент публикации (п. 3.2–3.3 Положения); "
        "null — версия опубликована до учёта готовности",
    )


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
    pupils: int | None = Field(
        description="обучающихся затронуто, если известно: средний класс по учёту посещаемости × "
        "классов на дистанте"
    )
    present_share: float | None = Field(description="доля присутствовавших по учёту посещаемости")
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


# -- the school's regulation: attendance, readiness, lesson materials ----------------------------


class AttendanceEntryOut(BaseModel):
    class_name: str
    date: str
    present: int
    absent: int
    ill: int
    total: int
    entered_by: str = Field(description="учитель ссылки или логин администратора")
    entered_via: Literal["teacher_link", "admin"]
    entered_at: str | None = Field(description="когда внесено, в часовом поясе школы")


class LessonJoinedOut(BaseModel):
    subject: str
    joined: int


class DayRowOut(BaseModel):
    class_name: str
    present: int
    absent: int
    ill: int
    total: int
    missing: bool = Field(description="за этот дистанционный день числа не внесены")
    corrections: int = Field(description="сколько раз внесённые числа исправляли")
    entered_by: str | None
    entered_via: Literal["teacher_link", "admin"] | None
    entered_at: str | None
    joined: list[LessonJoinedOut] = Field(description="подключились к онлайн-урокам класса")


class DayTotalsOut(BaseModel):
    present: int
    absent: int
    ill: int
    total: int
    entered: int = Field(description="классов с внесёнными числами")
    expected: int = Field(description="классов на дистанте в этот день")


class DayTableOut(BaseModel):
    date: str
    timezone: str
    rows: list[DayRowOut]
    totals: DayTotalsOut
    missing: list[str] = Field(description="классы без внесённых чисел")


class PeriodDayOut(DayTotalsOut):
    date: str


class AttendanceTotalsOut(BaseModel):
    school_id: int
    from_: str = Field(alias="from")
    to: str
    present: int
    absent: int
    ill: int
    total: int
    entered: int = Field(description="класс-дней с внесёнными числами")
    expected: int = Field(description="дистанционных класс-дней")
    missing: int = Field(description="дистанционных класс-дней без чисел")
    present_share: float | None = Field(description="доля присутствовавших, 0…1")


class ReadinessOut(BaseModel):
    class_: str = Field(alias="class")
    filled: bool = Field(description="чек-лист заполнен")
    chat_linked: bool = Field(description="чат класса создан и связан с ЭПОС")
    families_total: int | None
    families_joined: int | None
    last_test_call: str | None = Field(description="дата последнего удачного пробного звонка")
    families_without_device: int | None = Field(
        description="семей без компьютера, ноутбука или планшета с камерой и микрофоном"
    )
    ready: bool
    missing: list[str] = Field(description="чего не хватает, по-русски")
    cannot_join: int = Field(description="семей, которые не могут подключиться (п. 3.7)")
    updated_by: str | None
    updated_via: Literal["teacher_link", "admin"] | None
    updated_at: str | None


class MaterialsOut(BaseModel):
    slot: str
    class_name: str | None
    recording_url: str | None
    assignment: str | None
    assignment_url: str | None


class LessonJoinOut(BaseModel):
    slot: str
    class_name: str
    date: str
    joined: int


class ChatMessageOut(BaseModel):
    class_name: str
    text: str = Field(description="сообщение для чата класса (до разбиения на части)")
