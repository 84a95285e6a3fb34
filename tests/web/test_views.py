"""Presentational helpers: day rows, timelines, cap chart, base grid, grade groups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from constraints.checker import DayFigures
from planner.domain.model import BaseLesson, School, SchoolClass, Timetable
from planner.domain.schedule import BaseRef, ScheduleItem
from web import views

MON = date(2026, 12, 7)


def lesson(start: str, end: str, subject: str, fmt: str = "online", cls: str = "5А"):
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return ScheduleItem(date=MON, class_name=cls, kind="lesson", format=fmt, subject=subject,
                        teacher="Иванова И.И.", start=time(h1, m1), end=time(h2, m2),
                        base=BaseRef(1, 1), classes=(cls,))  # fmt: skip


def slot(kind: str, start: str, end: str, cls: str = "5А") -> ScheduleItem:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return ScheduleItem(date=MON, class_name=cls, kind=kind, start=time(h1, m1), end=time(h2, m2))


def test_day_entries_put_health_slots_inside_their_lesson_and_drop_breaks() -> None:
    maths = lesson("08:00", "08:30", "Математика")
    eye = slot("eye_gymnastics", "08:10", "08:12")
    phys = slot("physical_break", "08:20", "08:22")
    brk = slot("break", "08:30", "08:40")
    after = slot("eye_gymnastics", "08:30", "08:32")
    other_class = slot("eye_gymnastics", "08:10", "08:12", cls="6А")
    study = ScheduleItem(date=MON, class_name="5А", kind="lesson", format="self_study",
                         subject="Музыка", base=BaseRef(1, 2))  # fmt: skip
    entries = views.day_entries([study, after, brk, phys, eye, maths, other_class])
    assert [(e.item, e.health) for e in entries] == [
        (maths, [eye, phys]),
        (other_class, []),
        (after, []),
        (study, []),
    ]


def test_timeline_scales_the_day_to_whole_hours() -> None:
    t = views.timeline("5А", [lesson("08:30", "09:00", "Математика"),
                              slot("eye_gymnastics", "08:40", "08:42"),
                              slot("break", "09:00", "09:10")])  # fmt: skip
    assert (t.start, t.end) == (480, 600)
    assert t.ticks == [(0.0, "08:00"), (500.0, "09:00"), (1000.0, "10:00")]
    assert [(b.x, b.width, b.lane, b.css, b.label) for b in t.bars] == [
        (250.0, 250.0, 0, "f-online", "Математика"),
        (333.33, 16.67, 1, "k-eye_gymnastics", ""),
        (500.0, 83.33, 0, "k-break", ""),
    ]
    assert t.bars[0].title == "08:30–09:00 онлайн: Математика"
    assert [b.text() for b in t.bars] == ["Математика", "", ""]


def test_timeline_labels_fit_their_bars() -> None:
    bar = views.Bar(0, 60, 0, "f-online", "Информатика (инф-1)", "")
    assert (bar.text(), bar.text(char_width=2)) == ("Информ…", "Информатика (инф-1)")
    assert views.Bar(0, 30, 0, "f-online", "История", "").text() == ""
    grouped = replace(lesson("09:00", "09:30", "Информатика"), group="инф-1")
    assert views.timeline("5А", [grouped]).bars[0].label == "Информатика (инф-1)"


def test_cap_chart_marks_days_over_the_cap() -> None:
    def fig(cls: str, minutes: int, cap: int) -> DayFigures:
        return DayFigures(cls, MON, 5, minutes, 170, 120, cap, "СанПиН", 4, 1, (30,), (10,), 2,
                          "08:00", "12:00")  # fmt: skip

    rows = views.cap_chart([fig("5А", 120, 170), fig("6А", 200, 170)])
    assert [(r.label, r.minutes, r.cap, r.over, r.width, r.cap_x) for r in rows] == [
        ("5А, Пн, 07.12", 120, 170, False, 60.0, 85.0),
        ("6А, Пн, 07.12", 200, 170, True, 100.0, 85.0),
    ]


def test_base_grid_of_a_class_and_of_a_teacher() -> None:
    timetable = Timetable(
        school=School("Школа"),
        classes={"5А": SchoolClass("5А", 5), "5Б": SchoolClass("5Б", 5)},
        lessons=(
            BaseLesson(day=1, lesson=1, start=time(8, 0), end=time(8, 45), classes=("5А",),
                       subject="Математика", teachers=("Иванова И.И.",), room="12"),
            BaseLesson(day=2, lesson=2, start=time(8, 55), end=time(9, 40), classes=("5Б",),
                       group="1 гр.", subject="Английский язык", teachers=("Иванова И.И.",)),
        ),
    )  # fmt: skip
    grid = views.base_grid(timetable, by="class", target="5А")
    assert (grid.days, grid.rows) == ([1, 2, 3, 4, 5], [1])
    assert grid.cells == {(1, 1): ["08:00–08:45 Математика — Иванова И.И., каб. 12"]}
    grid = views.base_grid(timetable, by="teacher", target="Иванова И.И.")
    assert grid.cells == {
        (1, 1): ["08:00–08:45 Математика — 5А, каб. 12"],
        (2, 2): ["08:55–09:40 Английский язык (1 гр.) — 5Б"],
    }


def test_grade_groups_in_school_order() -> None:
    assert views.grade_groups(["10А", "5Б", "5А", "1А"]) == [
        ("1", ["1А"]),
        ("5", ["5А", "5Б"]),
        ("10", ["10А"]),
    ]


def test_day_label_in_both_languages() -> None:
    assert (views.day_label(MON), views.day_label(MON, "en")) == ("Пн, 07.12", "Mon, 07.12")


def test_ru_date() -> None:
    assert (views.ru_date("2026-12-07"), views.ru_date(MON), views.ru_date("x")) == (
        "07.12.2026", "07.12.2026", "x"
    )  # fmt: skip
