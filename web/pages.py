"""Rendering a page: templates, language, the page session and the HTML error pages.

One template per page; on an ``HX-Request`` only the named block is rendered (jinja2-fragments).
Every decision is made by ``api.services`` and the domain (planner/, constraints/); the handlers
in ``web/routes`` fetch, call, and render. Admin pages need a session (anonymous → 303 to
``/login``); forms carry the session's CSRF token, checked by :func:`api.deps.optional_auth`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks

from api.deps import Auth, SessionDep, optional_auth
from planner.domain.model import plural
from planner.engine.changes import CHANGE_RU
from web import views
from web.i18n import LANG_COOKIE, LANGS, pick_lang, translator

HERE = Path(__file__).parent


STATIC = HERE / "static"


LOGIN_CSRF_COOKIE = "planner_login_csrf"


NOT_FOUND_MESSAGES = {
    "revoked": "Ссылка недействительна: её отозвали или заменили. Попросите новую в школе.",
    "teacher_link": "Это ссылка учителя; откройте её по адресу /t/….",
    "class_link": "Это ссылка класса; откройте её по адресу /c/….",
}


STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


templates = Jinja2Blocks(directory=str(HERE / "templates"))


templates.env.globals.update(
    time_span=views.time_span,
    kind_label=views.kind_label,
    day_label=views.day_label,
    days_ru=views.DAYS_RU,
    day_entries=views.day_entries,
    change_ru=CHANGE_RU,
    group_files=views.group_files,
)


@pass_context
def plural_filter(ctx: Any, n: int, one: str, few: str, many: str) -> str:
    """``{{ n|plural("урок", "урока", "уроков") }}`` → «264 урока»: the project's one plural
    helper (:func:`planner.domain.model.plural`); in English, the catalogue's word for one or
    many."""
    n = int(n)
    if ctx.get("lang") == "en":
        _ = translator("en")
        return f"{n} {_(one) if n == 1 else _(many)}"
    return plural(n, one, few, many)


templates.env.filters.update(
    ru_date=views.ru_date,
    school_time=views.school_time,
    plural=plural_filter,
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def lang_of(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
    auth: Auth | None = None,
) -> Response:
    """The page (or, on an htmx request with ``block``, only that block)."""
    lang = lang_of(request)
    ctx = {
        "lang": lang,
        "_": translator(lang),
        "auth": auth,
        "csrf": auth.csrf_token if auth else None,
        "path": request.url.path,
        "day_label": partial(views.day_label, lang=lang),
        "days_ru": views.DAYS_EN if lang == "en" else views.DAYS_RU,
        **context,
    }
    kwargs: dict[str, Any] = {"status_code": status}
    if block and is_htmx(request):
        kwargs["block_name"] = block
    response = templates.TemplateResponse(request, name, ctx, **kwargs)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _login_target(request: Request) -> tuple[int, dict[str, str]]:
    target = request.url.path if request.method == "GET" else "/admin"
    login = "/login?" + urlencode({"next": target})
    if is_htmx(request):  # htmx would swap the login page into a fragment: go there instead
        return 401, {"HX-Redirect": login}
    return 303, {"Location": login}


def login_redirect(request: Request) -> Response:
    """What an anonymous visitor of an admin page gets: to the login page (303; htmx: 401 with
    ``HX-Redirect``). Also the answer to an anonymous upload, before its body is read."""
    status, headers = _login_target(request)
    return Response(status_code=status, headers=headers)


async def page_auth(request: Request, session: SessionDep) -> Auth:
    """The logged-in administrator; anyone else is sent to the login page (303)."""
    auth = await optional_auth(request, session)
    if auth is None:
        status, headers = _login_target(request)
        raise HTTPException(status_code=status, headers=headers)
    return auth


PageAuth = Annotated[Auth, Depends(page_auth)]


ERROR_TITLES = {
    401: "Нужен вход",
    403: "Запрос отклонён",
    404: "Страница не найдена",
    405: "Действие недоступно",
    409: "Действие невозможно",
    413: "Слишком большой запрос",
    422: "Данные не приняты",
    429: "Слишком много попыток",
}


def _back_link(request: Request) -> tuple[str, str]:
    """Where «back» leads: the page the browser came from (same site), else a start page."""
    referer = urlsplit(request.headers.get("referer", ""))
    here = request.url
    if referer.netloc == here.netloc and referer.path and referer.path != here.path:
        return referer.path + (f"?{referer.query}" if referer.query else ""), "Назад"
    if here.path.startswith("/admin"):
        return "/admin", "К списку школ"
    return "/", "На главную"


def error_page(
    request: Request,
    status: int,
    message: str,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error a browser gets (the JSON API keeps its JSON): Russian, with a way back.

    Also installed by :func:`api.main.create_app` for errors raised outside these handlers
    (unknown ids, CSRF failures, unknown addresses).
    """
    back, back_label = _back_link(request)
    ctx = {
        "title": ERROR_TITLES.get(status, "Ошибка"),
        "message": message[:1].upper() + message[1:],
        "problems": problems or [],
        "back": back,
        "back_label": back_label,
    }
    response = render(request, "error.html", ctx, status=status)
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found_page(request: Request, message: str) -> Response:
    return error_page(request, 404, message)
