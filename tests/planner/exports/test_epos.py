"""epos.csv / epos.xlsx: the rows, their values, and the round trip through our flat importer."""

from __future__ import annotations

import csv
from datetime import date

from openpyxl import load_workbook

from planner.domain.model import BaseLesson
from planner.engine.changes import diff_against_base
from planner.exports.epos import FIELDS, HEADERS_RU, epos_rows, write_epos_csv, write_epos_xlsx
from planner.imports import load_timetable

from .school import LINK_MATH, TUE, changed, remote_schedule, school_timetable, t, without


def rows_of(schedule=None, **kw):
    schedule = schedule or remote_schedule()
    timetable = school_timetable()
    return epos_rows(schedule, diff_against_base(schedule, timetable), timetable, **kw)


def test_rows_one_per_lesson_occurrence_combined_once():
    rows = rows_of()
    tue = [r for r in rows if r["date"] == "2026-12-01"]
    assert [(r["class"], r["lesson_no"], r["subject"], r["group"], r["start"]) for r in tue] == [
        ("5А", "1", "Математика", "", "08:30"),
        ("5А", "2", "Английский язык", "англ-1", "09:20"),
        ("5А", "2", "Английский язык", "англ-2", ""),
        ("5А", "3", "Русский язык", "", ""),
        ("5А, 5Б", "3", "Хор", "", "11:25"),
        ("5Б", "1", "История", "", "08:30"),
        ("5Б", "2", "Математика", "", "09:20"),
    ]
    assert len(rows) == 7 + 3 + 7


def test_row_values_online_and_self_study():
    rows = rows_of()
    math = rows[0].values
    assert math == {
        "date": "2026-12-01",
        "lesson_no": "1",
        "start": "08:30",
        "end": "09:00",
        "class": "5А",
        "group": "",
        "subject": "Математика",
        "teacher": "Иванова И.И.",
        "room": "",
        "format": "онлайн",
        "lesson_type": "REMOTE",
        "call_url": LINK_MATH,
        "topic": "",
        "homework": "",
        "change": "без изменений",
        "replaces": "Математика, 08:30–09:15, очно, Иванова И.И.",
    }
    rus = rows[3].values
    assert (rus["start"], rus["end"], rus["format"], rus["lesson_type"], rus["change"]) == (
        "",
        "",
        "самостоятельно",
        "REMOTE",
        "без изменений",
    )
    assert rus["replaces"] == "Русский язык, 10:30–11:15, очно, Иванова И.И."
    assert rows_of(with_links=False)[0]["call_url"] == ""


def test_change_column_replacement_move_and_cancellation():
    s = remote_schedule()
    s = changed(s, {"subject": "История", "date": TUE}, teacher="Сидорова С.С.")
    s = changed(s, {"subject": "Математика", "class_name": "5Б", "date": TUE}, start=t("09:30"),
                end=t("10:00"))  # fmt: skip
    s = without(s, {"subject": "Литература"})
    rows = rows_of(s)
    by = {(r["date"], r["class"], r["subject"]): r for r in rows}
    hist = by[("2026-12-01", "5Б", "История")]
    assert (hist["change"], hist["replaces"]) == (
        "замена",
        "История, 08:30–09:15, очно, Петров П.П.",
    )
    assert by[("2026-12-01", "5Б", "Математика")]["change"] == "перенос"
    lit = by[("2026-12-02", "5А", "Литература")]
    assert lit["replaces"] == ""
    assert (lit["change"], lit["format"], lit["start"], lit["end"], lit["lesson_type"]) == (
        "отмена",
        "очно",
        "08:30",
        "09:15",
        "NORMAL",
    )


def test_csv_has_machine_headers_and_utf8_bom(tmp_path):
    path = write_epos_csv(tmp_path / "epos.csv", rows_of())
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    with path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert tuple(table[0]) == FIELDS
    assert table[5][4] == "5А, 5Б"
    assert [r[9] for r in table[1:6]] == [
        "онлайн",
        "онлайн",
        "самостоятельно",
        "самостоятельно",
        "онлайн",
    ]
    assert len(table) == 1 + 17


def test_xlsx_has_russian_headers_and_print_setup(tmp_path):
    path = write_epos_xlsx(tmp_path / "epos.xlsx", rows_of(), title="Школа № 1")
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == [HEADERS_RU[f] for f in FIELDS]
    assert [c.value for c in ws[2]][:6] == ["2026-12-01", "1", "08:30", "09:00", "5А", "весь класс"]
    assert ws.cell(2, FIELDS.index("room") + 1).value == "онлайн"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 18


def test_epos_csv_round_trips_through_the_flat_importer(tmp_path):
    schedule = remote_schedule()
    path = write_epos_csv(tmp_path / "epos.csv", rows_of(schedule))
    back = load_timetable(path)
    first_week = {
        BaseLesson(
            day=i.date.isoweekday(),
            lesson=i.lesson_no,
            start=i.start,
            end=i.end,
            classes=i.classes,
            subject=i.subject,
            teachers=(i.teacher,),
            group=i.group,
        )
        for i in schedule.lessons()
        if i.start is not None and i.date < date(2026, 12, 8)
    }
    assert set(back.lessons) == first_week
    assert len(back.lessons) == 6  # Хор of 5А and 5Б is one combined lesson
    assert sorted(back.classes) == ["5А", "5Б"]


def test_cancelled_rows_are_skipped_by_the_importer(tmp_path):
    schedule = without(remote_schedule(), {"subject": "Литература"})
    rows = rows_of(schedule)
    assert [r["change"] for r in rows if r["subject"] == "Литература"] == ["отмена"]
    back = load_timetable(write_epos_csv(tmp_path / "epos.csv", rows))
    assert "Литература" not in {x.subject for x in back.lessons}


def test_recording_and_assignment_go_to_the_topic_and_homework_columns(tmp_path):
    from dataclasses import replace

    schedule = remote_schedule()

    def attach(i):
        if i.class_name == "5А" and i.date == TUE and i.subject in ("Русский язык", "Математика"):
            return replace(i, recording_url="https://rec.example/1", assignment="§12",
                           assignment_url="https://myschool.edu.ru/r/1")  # fmt: skip
        return i

    rows = rows_of(schedule.with_items(attach(i) for i in schedule.items))
    by_subject = {r["subject"]: r for r in rows if r["date"] == "2026-12-01" and r["class"] == "5А"}
    rus, math = by_subject["Русский язык"], by_subject["Математика"]
    assert (rus["topic"], rus["homework"]) == (
        "запись урока https://rec.example/1", "§12 https://myschool.edu.ru/r/1"
    )  # fmt: skip
    assert math["topic"] == "Если не получается подключиться: запись урока https://rec.example/1"
    assert math["homework"] == "Если не получается подключиться: §12 https://myschool.edu.ru/r/1"
    path = write_epos_csv(tmp_path / "epos.csv", rows)
    table = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert any(r["homework"] == "§12 https://myschool.edu.ru/r/1" for r in table)
