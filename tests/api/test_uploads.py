"""Uploads through the JSON API: two steps with findings, strict mode, load table and bells; and
the hardening of issue 14 (body limits before reading, anonymous callers refused before the body,
parsing off the event loop, long file names, importer failures as clean 422s)."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from datetime import time as clock
from typing import Any

from planner.domain.bells import BellPlan
from tests.api.util import DATA
from tests.hostile import hostile_xlsx
from tests.paths import DATA as TEST_DATA

MESSY = (
    "день,урок,начало,конец,класс,предмет,учитель\n"
    "Пн,1,08:00,08:45,5А,Математика,Иванова И.И.\n"
    "Пн,один,08:50,09:35,5А,Русский язык,Иванова И.И.\n"
    "Пн,2,08:55,09:40,5А,,Петрова А.А.\n"
).encode()


def _school(client, headers) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/schools", json={"name": "Школа"}, headers=headers)
    assert r.status_code == 201
    return int(r.json()["id"])


def test_two_steps_upload_then_confirm_with_findings(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/uploads", headers=auth_headers,
                    files={"file": ("messy.csv", MESSY, "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    preview = r.json()
    assert (preview["status"], preview["classes"], preview["lessons"]) == ("pending", 1, 2)
    findings = preview["findings"]
    assert (findings["findings"], findings["notes"]) == (2, 0)
    assert findings["by_kind"] == {"unreadable_row": 1, "missing_name": 1}
    [unreadable, missing] = findings["groups"]
    assert (unreadable["title"], unreadable["count"]) == ("Строки, которые не удалось прочитать", 1)
    item = unreadable["items"][0]
    assert (item["file"], item["row"], item["column"]) == ("messy.csv", 3, "урок")
    assert item["place"] == "messy.csv, строка 3, столбец «урок»"
    assert missing["items"][0]["read_as"].endswith("«без названия»")
    # nothing changed for the school yet
    school = client.get(f"/api/v1/schools/{sid}", headers=auth_headers).json()
    assert school["timetable"] is None

    r = client.post(f"/api/v1/schools/{sid}/uploads/{preview['id']}/confirm", headers=auth_headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed"
    school = client.get(f"/api/v1/schools/{sid}", headers=auth_headers).json()
    assert (school["timetable"]["id"], school["timetable"]["lessons"]) == (preview["id"], 2)
    # stored with the upload: listed again later
    later = client.get(f"/api/v1/schools/{sid}/uploads/{preview['id']}", headers=auth_headers)
    assert later.json()["findings"] == findings


def test_strict_upload_refuses_at_the_first_finding_and_keeps_nothing(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                    data={"strict": "true"},
                    files={"file": ("плохое.csv", MESSY, "text/csv")})  # fmt: skip
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["message"].startswith(
        "строгая проверка: расписание из «плохое.csv» не загружено — в файле есть замечания (2). "
        "Первое: плохое.csv, строка 3, столбец «урок»: «один» — номер урока"
    )
    assert "и ещё 1 замечание" in detail["message"]
    assert [(p["row"], p["column"]) for p in detail["problems"]] == [(3, "урок"), (4, "предмет")]
    assert client.get(f"/api/v1/schools/{sid}", headers=auth_headers).json()["timetable"] is None


def test_one_step_upload_is_tolerant_and_lists_findings(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                    files={"file": ("messy.csv", MESSY, "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["findings"]["findings"]) == ("confirmed", 2)


def test_grid_with_load_table_and_bells_entered_once(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    grid = (TEST_DATA / "grid" / "school-grid.xlsx").read_bytes()
    load = (TEST_DATA / "grid" / "school-load.xlsx").read_bytes()
    bells = {"bell_start": "8:30", "bell_lesson": "40", "bell_big_after": "2, 3"}
    r = client.post(f"/api/v1/schools/{sid}/uploads", headers=auth_headers, data=bells,
                    files={"file": ("сетка.xlsx", grid)})  # fmt: skip
    assert r.status_code == 201, r.text
    alone = r.json()
    assert (alone["needs_load_table"], alone["teachers"]) == (True, 0)
    assert alone["bells"] == BellPlan(clock(8, 30), 40, 10, 20, (2, 3)).to_json()
    notes = [i["read_as"] for g in alone["findings"]["groups"] for i in g["items"]]
    assert (
        "взяты звонки указанные при загрузке: начало 08:30, уроки по 40 мин, перемены 10 мин, "
        "после 2-го и 3-го урока — 20 мин"
    ) in notes

    files = {"file": ("сетка.xlsx", grid), "load_table": ("нагрузка.xlsx", load)}
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers, data=bells,
                    files=files)  # fmt: skip
    assert r.status_code == 201, r.text
    both = r.json()
    assert (both["needs_load_table"], both["load_table"]) == (False, "нагрузка.xlsx")
    assert both["teachers"] > 0

    # the bells are kept with the school: an upload without bell fields uses them
    r = client.post(f"/api/v1/schools/{sid}/uploads", headers=auth_headers,
                    files={"file": ("сетка.xlsx", grid)})  # fmt: skip
    assert r.json()["bells"]["start"] == "08:30"


def test_bad_bells_are_a_422_naming_the_field(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/uploads", headers=auth_headers,
                    data={"bell_start": "25:00"},
                    files={"file": ("school.csv", (DATA / "school.csv").read_bytes())})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["detail"]["message"].startswith("звонки: начало первого урока «25:00»")


def test_unknown_upload_is_404(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/uploads/999/confirm", headers=auth_headers)
    assert r.status_code == 404
    assert (
        r.json()["detail"]["message"] == "загрузки № 999 у этой школы нет; загрузите файл заново."
    )


# -- issue 14: file names -------------------------------------------------------------------------


def test_a_file_name_over_255_bytes_is_cut_safely(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    name = "../../" + "расписание-" * 40 + ".csv"  # 440+ bytes, path parts
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                    files={"file": (name, (DATA / "school.csv").read_bytes())})  # fmt: skip
    assert r.status_code == 201, r.text
    stored = r.json()["filename"]
    assert len(stored.encode("utf-8")) <= 255
    assert stored.startswith("расписание-") and stored.endswith(".csv") and "/" not in stored


# -- issue 14: importer failures ------------------------------------------------------------------


def test_an_importer_crash_is_a_clean_422(client, auth_headers, monkeypatch) -> None:
    import planner.imports.flat

    def crash(*_a: Any, **_k: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(planner.imports.flat, "read_flat", crash)
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                    files={"file": ("school.csv", (DATA / "school.csv").read_bytes())})  # fmt: skip
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["problems"][0]["file"] == "school.csv"
    assert detail["problems"][0]["message"].startswith("файл не удалось прочитать")
    assert "MemoryError" not in r.text and "Traceback" not in r.text


def test_an_xlsx_that_unpacks_to_too_much_text_is_a_clean_422(
    client, auth_headers, monkeypatch, tmp_path
) -> None:
    import planner.imports._tables

    monkeypatch.setattr(planner.imports._tables, "MAX_TEXT_CHARS", 50_000)
    path = hostile_xlsx(tmp_path / "огромная.xlsx", 200, "Ж" * 100)
    sid = _school(client, auth_headers)
    r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                    files={"file": (path.name, path.read_bytes())})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["detail"]["problems"][0]["message"] == (
        "на листе «Лист1» больше 50000 знаков текста; это не похоже на расписание школы."
    )


# -- issue 14: body limits before reading ---------------------------------------------------------


class Upload:
    """A raw ASGI POST whose body is handed out in chunks, recording how much was read."""

    def __init__(self, app: Any, path: str, headers: dict[str, str], chunks: list[bytes]):
        self.app, self.path, self.headers, self.chunks = app, path, headers, chunks
        self.read = 0
        self.messages: list[dict[str, Any]] = []

    async def _receive(self) -> dict[str, Any]:
        if self.read < len(self.chunks):
            self.read += 1
            return {"type": "http.request", "body": self.chunks[self.read - 1],
                    "more_body": self.read < len(self.chunks)}  # fmt: skip
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    def run(self) -> tuple[int, dict[str, str], bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": self.path, "raw_path": self.path.encode(),
            "query_string": b"", "root_path": "", "server": ("testserver", 80),
            "client": ("127.0.0.1", 1234),
            "headers": [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
        }  # fmt: skip
        asyncio.run(asyncio.wait_for(self.app(scope, self._receive, self._send), 30))
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        body = b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return start["status"], headers, body


MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


def test_anonymous_300_mb_upload_is_refused_before_the_body_is_read(app, client) -> None:
    sid = 1
    up = Upload(app, f"/api/v1/schools/{sid}/timetable",
                {**MULTIPART, "content-length": str(300 * 2**20)}, [b"x" * 1024])  # fmt: skip
    status, headers, body = up.run()
    assert (status, up.read) == (401, 0)
    assert "нужен вход" in body.decode()
    # the page's upload form: to the login page, body unread
    page = Upload(app, f"/admin/schools/{sid}/timetable",
                  {**MULTIPART, "content-length": "1000"}, [b"x" * 1000])  # fmt: skip
    status, headers, _ = page.run()
    assert (status, headers["location"], page.read) == (303, "/login?next=%2Fadmin", 0)


def test_anonymous_chunked_upload_with_a_forged_session_is_refused_unread(app, client) -> None:
    up = Upload(app, "/api/v1/schools/1/uploads",
                {**MULTIPART, "cookie": "planner_session=forged"}, [b"x" * 1024] * 4)  # fmt: skip
    status, _, _ = up.run()
    assert (status, up.read) == (401, 0)


def test_content_length_over_the_limit_is_413_before_reading(app, client, api_token) -> None:
    auth = {"authorization": f"Bearer {api_token}"}
    up = Upload(app, "/api/v1/schools/1/timetable",
                {**MULTIPART, **auth, "content-length": str(300 * 2**20)}, [b"x"])  # fmt: skip
    status, _, body = up.run()
    assert (status, up.read) == (413, 0)
    assert "запрос больше 54 МБ" in body.decode()
    # JSON routes have a small limit
    big = Upload(app, "/api/v1/schools",
                 {**auth, "content-type": "application/json", "content-length": str(3 * 2**20)},
                 [b"{}"])  # fmt: skip
    assert big.run()[0] == 413 and big.read == 0


def test_a_chunked_body_is_cut_at_the_limit(app, client, api_token, monkeypatch) -> None:
    import api.limits

    monkeypatch.setattr(api.limits, "UPLOAD_EXTRA_BYTES", 0)
    monkeypatch.setattr("planner.imports.MAX_INPUT_BYTES", 64 * 1024)
    sid = _school(client, {"Authorization": f"Bearer {api_token}"})
    chunk = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    chunks = [chunk] + [b"y" * 16 * 1024] * 100  # 1.6 MB, no Content-Length
    up = Upload(app, f"/api/v1/schools/{sid}/timetable",
                {**MULTIPART, "authorization": f"Bearer {api_token}"}, chunks)  # fmt: skip
    status, _, body = up.run()
    assert status == 413, body
    assert up.read <= 6  # stopped at the limit, not at the end of the body
    assert "запрос больше 65536 байт" in body.decode()


# -- issue 14: parsing off the event loop ---------------------------------------------------------


def test_upload_routes_are_plain_functions_run_off_the_loop(app) -> None:
    for route in app.routes:
        path = getattr(route, "path", "")
        if "timetable" in path or "/uploads" in path:
            assert not inspect.iscoroutinefunction(route.endpoint), path


def test_healthz_answers_while_an_upload_is_parsed(client, auth_headers, monkeypatch) -> None:
    import planner.app.pipeline

    real = planner.app.pipeline.read_timetable
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(1.5)  # CPU or file work that holds its thread
        return real(*args, **kwargs)

    monkeypatch.setattr(planner.app.pipeline, "read_timetable", slow)
    sid = _school(client, auth_headers)
    result: dict[str, int] = {}

    content = (DATA / "school.csv").read_bytes()

    def upload() -> None:
        r = client.post(f"/api/v1/schools/{sid}/timetable", headers=auth_headers,
                        files={"file": ("school.csv", content)})  # fmt: skip
        result["status"] = r.status_code

    worker = threading.Thread(target=upload)
    worker.start()
    assert started.wait(10)
    t0 = time.perf_counter()
    assert client.get("/healthz").status_code == 200
    waited = time.perf_counter() - t0
    worker.join()
    assert result["status"] == 201
    assert waited < 0.5, f"/healthz waited {waited:.2f} s behind the upload"


def test_a_load_table_must_be_a_table(client, auth_headers) -> None:
    sid = _school(client, auth_headers)
    grid = (TEST_DATA / "grid" / "school-grid.xlsx").read_bytes()
    files = {"file": ("сетка.xlsx", grid), "load_table": ("нагрузка.xml", b"<x/>")}
    r = client.post(f"/api/v1/schools/{sid}/uploads", headers=auth_headers, files=files)
    assert r.status_code == 422
    assert r.json()["detail"]["message"] == (
        "«нагрузка.xml» не загружен: нагрузка — таблица .csv или .xlsx (класс, предмет, группа, "
        "учитель)."
    )
