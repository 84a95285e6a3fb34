import re
from datetime import date, time
from pathlib import Path

import pytest

from planner.domain.model import (
    BaseLesson,
    School,
    parse_grade,
    plural,
    ru_plural,
    sort_class_names,
)
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from planner.engine.clashes import find_clashes
from tests.planner.factories import lesson, timetable


@pytest.mark.parametrize(
    ("name", "grade"),
    [("7А", 7), ("10-Б", 10), ("11 мат", 11), ("1В", 1), ("Кружок", None), ("12А", None)],
)
def test_parse_grade_reads_the_leading_number(name: str, grade: int | None) -> None:
    assert parse_grade(name) == grade


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "урок"), (21, "урок"), (11, "уроков"), (2, "урока"), (34, "урока"), (12, "уроков"),
     (5, "уроков"), (0, "уроков"), (111, "уроков"), (101, "урок")],
)  # fmt: skip
def test_ru_plural_picks_the_form(n: int, word: str) -> None:
    assert ru_plural(n, "урок", "урока", "уроков") == word


def test_plural_writes_the_number_with_its_word() -> None:
    assert [plural(n, "урок", "урока", "уроков") for n in (1, 264, 1174, 11, 5)] == [
        "1 урок", "264 урока", "1174 урока", "11 уроков", "5 уроков"
    ]  # fmt: skip


def test_counted_words_go_through_the_one_plural_helper() -> None:
    """No hand-made plural: ``ru_plural`` is called only by ``plural``, and no template writes
    a number followed by a fixed word form (``{{ n }} {{ _("уроков") }}`` gave «264 уроков»)."""
    root = Path(__file__).resolve().parents[2]
    callers = [
        str(path.relative_to(root))
        for folder in ("api", "web", "planner", "constraints")
        for path in (root / folder).rglob("*.py")
        if "ru_plural(" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["planner/domain/model.py"]
    fixed_form = re.compile(r"\}\}\s*\{\{\s*_\([\"'][а-яё]+(ов|ей|ий|ок)[\"']\)")
    hand_made = [
        path.name
        for path in (root / "web" / "templates").glob("*.html")
        if fixed_form.search(path.read_text(encoding="utf-8"))
    ]
    assert hand_made == []


def test_sort_class_names_orders_by_grade_then_letter() -> None:
    assert sort_class_names(["10А", "2Б", "2А", "Кружок", "1А"]) == [
        "1А",
        "2А",
        "2Б",
        "10А",
        "Кружок",
    ]


def test_school_rejects_a_four_day_week() -> None:
    with pytest.raises(ValueError, match="days_per_week must be 5 or 6"):
        School("Школа", days_per_week=4)


def test_lesson_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="ends"):
        BaseLesson(1, 1, time(9, 0), time(8, 0), ("5А",), "Математика")


def test_timetable_collects_teachers_subjects_and_rejects_unknown_classes() -> None:
    tt = timetable(
        lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И."),
        lesson(1, 2, "08:55", "09:40", "5А", "Русский язык", "Петрова А.А."),
    )
    assert tt.teachers == ("Иванова И.И.", "Петрова А.А.")
    assert tt.subjects == ("Математика", "Русский язык")
    assert tt.grade_of("5А") == 5
    with pytest.raises(ValueError, match="unknown classes"):
        type(tt)(school=tt.school, classes={}, lessons=tt.lessons)


def test_lessons_of_a_class_or_teacher_come_in_file_order_once_each() -> None:
    joint = lesson(2, 1, "08:00", "08:45", "5А, 5Б", "Музыка", "Орлова О.О., Иванова И.И.")
    tt = timetable(
        lesson(1, 2, "08:55", "09:40", "5А", "Русский язык", "Петрова А.А."),
        lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И."),
        joint,
        lesson(2, 2, "08:55", "09:40", "5А", "Классный час"),  # no teacher
        lesson(2, 3, "09:50", "10:35", "5Б", "Математика", "Иванова И.И.", "гр. 1"),
    )
    for c in ("5А", "5Б", "6В"):
        for day in (None, 1, 2, 3):
            want = [x for x in tt.lessons if c in x.classes and day in (None, x.day)]
            assert list(tt.lessons_of_class(c, day)) == want
    for teacher in (*tt.teachers, "Никто Н.Н."):
        for day in (None, 1, 2):
            want = [x for x in tt.lessons if teacher in x.teachers and day in (None, x.day)]
            assert list(tt.lessons_of_teacher(teacher, day)) == want
    assert next(tt.lessons_of_teacher("Иванова И.И.", 2)) is joint


def test_clash_of_a_teacher_names_both_rows() -> None:
    a = lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И.", row=2)
    b = lesson(1, 1, "08:30", "09:15", "6А", "Алгебра", "Иванова И.И.", row=7)
    [problem] = find_clashes([a, b], "t.csv")
    assert problem.row == 2
    assert problem.message == (
        "Учитель Иванова И.И. в одно время на двух уроках: «Математика» (t.csv, строка 2, "
        "08:00–08:45) и «Алгебра» (t.csv, строка 7, 08:30–09:15). Исправьте расписание или "
        "объедините уроки в один (классы через запятую)."
    )


def test_parallel_subgroups_do_not_clash_but_whole_class_does() -> None:
    g1 = lesson(1, 1, "08:00", "08:45", "5А", "Английский язык", "А", group="англ-1")
    g2 = lesson(1, 1, "08:00", "08:45", "5А", "Английский язык", "Б", group="англ-2")
    whole = lesson(1, 1, "08:00", "08:45", "5А", "Математика", "В")
    assert find_clashes([g1, g2], "t.csv") == []
    assert len(find_clashes([g1, g2, whole], "t.csv")) == 2


def test_back_to_back_lessons_do_not_clash() -> None:
    a = lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И.")
    b = lesson(1, 2, "08:45", "09:30", "5А", "Алгебра", "Иванова И.И.")
    assert find_clashes([a, b], "t.csv") == []


def test_schedule_json_round_trip_keeps_every_field() -> None:
    items = (
        ScheduleItem(
            date=date(2026, 12, 1), class_name="5А", kind="lesson", format="online",
            subject="Математика", teacher="Иванова И.И.", start=time(9, 0), end=time(9, 30),
            screen_minutes=30, base=BaseRef(2, 3), lesson_no=2, classes=("5А",),
        ),
        ScheduleItem(
            date=date(2026, 12, 1), class_name="5А", kind="eye_gymnastics",
            start=time(9, 14), end=time(9, 16), rule="health.eye_gymnastics",
        ),
        ScheduleItem(
            date=date(2026, 12, 1), class_name="5А", kind="lesson", format="self_study",
            group="англ-1", subject="Английский язык", teacher="Петрова А.А.",
            base=BaseRef(2, 5), classes=("5А",),
        ),
    )  # fmt: skip
    schedule = Schedule("Школа", "Asia/Yekaterinburg", "set", {"from": "2026-12-01"}, items)
    again = Schedule.from_json(schedule.to_json())
    assert again == schedule
    assert schedule.to_json()["items"][0] == {
        "date": "2026-12-01", "class": "5А", "group": None, "kind": "lesson", "format": "online",
        "subject": "Математика", "teacher": "Иванова И.И.", "start": "09:00", "end": "09:30",
        "screen_minutes": 30, "base": {"day": 2, "lesson": 3}, "lesson_no": 2, "room": None,
    }  # fmt: skip
    assert [i.kind for i in schedule.items] == ["lesson", "eye_gymnastics", "lesson"]
    assert schedule.items[0].aware_start("Asia/Yekaterinburg").isoformat() == (
        "2026-12-01T09:00:00+05:00"
    )


def test_online_minutes_count_a_split_lesson_once_per_class() -> None:
    """Two groups of 5А online at 9:00 are one screen slot of the class (30 min, not 60), as the
    solver and the hand plan count it; 6Б's lesson counts apart."""
    day = date(2026, 12, 1)

    def online(c: str, group: str | None, subject: str) -> ScheduleItem:
        return ScheduleItem(
            date=day, class_name=c, kind="lesson", format="online", group=group,
            subject=subject, start=time(9, 0), end=time(9, 30), screen_minutes=30,
            classes=(c,),
        )  # fmt: skip

    items = (
        online("5А", "англ-1", "Английский язык"),
        online("5А", "англ-2", "Английский язык"),
        online("6Б", None, "Математика"),
    )
    schedule = Schedule("Школа", "Asia/Yekaterinburg", "set", {}, items)
    assert schedule.online_minutes() == 60
    assert schedule.online_minutes(["5А"]) == 30
