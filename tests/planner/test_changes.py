"""The pure diff between schedules, and between a schedule and the base timetable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from planner.domain.model import BaseLesson, School, SchoolClass, Timetable
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from planner.engine.changes import ChangeSet, diff_against_base, diff_items, expand_base
from tests.planner.factories import item, t

TUE = date(2026, 12, 1)
WED = date(2026, 12, 2)


MATH = item("Математика", 1, "08:30", "09:00")
RUS = item("Русский язык", 2, "09:20", "09:50")


def only(changes: ChangeSet):
    assert len(changes) == 1, changes
    return changes.changes[0]


def test_identical_sides_have_no_changes():
    assert diff_items([MATH, RUS], [RUS, MATH]) == ChangeSet()
    assert not diff_items([MATH], [MATH])


def test_time_change_is_a_move_with_old_and_new_times():
    c = only(diff_items([MATH], [replace(MATH, start=t("08:40"), end=t("09:10"))]))
    assert c.kinds == ("moved",)
    assert c.key == MATH.slot_key
    assert c.message == "01.12 (Вт), 5А, «Математика»: время: 08:30–09:00 → 08:40–09:10"
    assert c.epos_change == "перенос"


def test_format_change_online_to_self_study():
    after = replace(MATH, format="self_study", start=None, end=None)
    c = only(diff_items([MATH], [after]))
    assert c.kinds == ("format",)
    assert c.message == "01.12 (Вт), 5А, «Математика»: формат: онлайн → самостоятельно"
    assert c.epos_change == "без изменений"


def test_teacher_change_is_a_replacement():
    c = only(diff_items([MATH], [replace(MATH, teacher="Петров П.П.")]))
    assert c.kinds == ("teacher",)
    assert c.message == "01.12 (Вт), 5А, «Математика»: учитель: Иванова И.И. → Петров П.П."
    assert c.epos_change == "замена"


def test_call_link_change_only_when_format_is_the_same():
    a = replace(MATH, call_url="https://sferum.ru/?call_link=AAAAAAAAAA")
    b = replace(MATH, call_url="https://sferum.ru/?call_link=BBBBBBBBBB")
    c = only(diff_items([a], [b]))
    assert c.kinds == ("call_link",)
    assert c.message == "01.12 (Вт), 5А, «Математика»: ссылка на звонок изменилась"
    assert "sferum" not in c.message
    in_person = replace(MATH, format="in_person")
    assert only(diff_items([in_person], [a])).kinds == ("format",)


def test_room_change_of_in_person_lesson():
    a = item("Физика", 3, "10:00", "10:45", fmt="in_person", room="214")
    c = only(diff_items([a], [replace(a, room="301")]))
    assert c.kinds == ("room",)
    assert c.details() == ["кабинет: 214 → 301"]


def test_cancelled_and_added_lessons():
    changes = diff_items([MATH, RUS], [MATH, item("ИЗО", 5, "12:00", "12:30")])
    cancelled, added = changes.of_kind("cancelled"), changes.of_kind("added")
    assert [c.before for c in cancelled] == [RUS]
    assert [c.after for c in added] == [item("ИЗО", 5, "12:00", "12:30")]
    assert cancelled[0].message == "01.12 (Вт), 5А: отменён урок «Русский язык» (был 09:20–09:50)"
    assert added[0].message == (
        "01.12 (Вт), 5А: добавлен урок «ИЗО» 12:00–12:30, онлайн, учитель Иванова И.И."
    )
    assert added[0].replaces is None
    assert changes.summary() == {"added": 1, "cancelled": 1}


def test_added_lesson_in_the_slot_of_a_cancelled_one_replaces_it():
    music = item("Музыка", 2, "09:20", "09:50", teacher="Сидорова С.С.")
    changes = diff_items([MATH, RUS], [MATH, replace(music, base=BaseRef(2, 7))])
    (added,) = changes.of_kind("added")
    assert added.replaces == RUS
    assert added.epos_change == "замена"
    assert added.message.endswith("(вместо: Русский язык, 09:20–09:50, онлайн, Иванова И.И.)")


def test_same_base_lesson_on_another_day_of_the_week_is_a_date_move():
    moved = replace(RUS, date=WED, start=t("11:00"), end=t("11:30"))
    c = only(diff_items([MATH, RUS], [MATH, moved]))
    assert c.kinds == ("moved",)
    assert (c.before, c.after) == (RUS, moved)
    assert c.key == moved.slot_key
    assert c.message == (
        "02.12 (Ср), 5А, «Русский язык»: перенесён с 01.12 (Вт) 09:20–09:50 на "
        "02.12 (Ср) 11:00–11:30"
    )


def test_a_move_into_the_next_week_is_cancel_plus_add():
    moved = replace(RUS, date=date(2026, 12, 8))
    assert diff_items([RUS], [moved]).summary() == {"added": 1, "cancelled": 1}


def test_mixed_change_lists_every_aspect_in_fixed_order():
    after = replace(
        MATH, start=t("09:00"), end=t("09:30"), format="in_person", teacher="Петров П.П."
    )
    c = only(diff_items([MATH], [after]))
    assert c.kinds == ("moved", "format", "teacher")
    assert c.epos_change == "перенос"


def test_health_items_and_breaks_are_not_lesson_changes():
    eye = ScheduleItem(
        date=TUE, class_name="5А", kind="eye_gymnastics", start=t("08:50"), end=t("08:52")
    )
    assert not diff_items([MATH], [MATH, eye])


def test_changes_sorted_by_date_class_time_and_grouped():
    b11 = item("Химия", 1, "08:30", "09:10", cls="11Б")
    a5 = item("ИЗО", 3, "10:00", "10:30", cls="5А", day=WED)
    changes = diff_items([], [a5, b11, RUS, MATH])
    assert [(c.date, c.class_name, c.subject) for c in changes] == [
        (TUE, "5А", "Математика"),
        (TUE, "5А", "Русский язык"),
        (TUE, "11Б", "Химия"),
        (WED, "5А", "ИЗО"),
    ]
    grouped = changes.grouped()
    assert list(grouped) == [TUE, WED]
    assert list(grouped[TUE]) == ["5А", "11Б"]


def test_changeset_json_round_trip():
    changes = diff_items(
        [MATH, RUS], [replace(MATH, teacher="Петров П.П."), item("ИЗО", 2, "09:20", "09:50")]
    )
    doc = changes.to_json()
    assert doc["summary"] == {"added": 1, "cancelled": 1, "teacher": 1}
    assert [c["message"] for c in doc["changes"]] == [c.message for c in changes]
    assert ChangeSet.from_json(doc) == changes


SCHOOL = Timetable(
    school=School("Школа № 1"),
    classes={"5А": SchoolClass.from_name("5А"), "5Б": SchoolClass.from_name("5Б")},
    lessons=(
        BaseLesson(
            2, 1, t("08:30"), t("09:15"), ("5А",), "Математика", ("Иванова И.И.",), room="214"
        ),
        BaseLesson(2, 2, t("09:25"), t("10:10"), ("5А",), "Русский язык", ("Иванова И.И.",)),
        BaseLesson(2, 1, t("08:30"), t("09:15"), ("5Б",), "История", ("Петров П.П.",)),
        BaseLesson(3, 1, t("08:30"), t("09:15"), ("5А", "5Б"), "Хор", ("Сидорова С.С.",)),
    ),
)


def test_expand_base_puts_lessons_on_dates_as_in_person():
    items = expand_base(SCHOOL, [TUE, WED], ["5А"])
    assert [(i.date, i.subject, i.format, i.base, i.room) for i in items] == [
        (TUE, "Математика", "in_person", BaseRef(2, 1), "214"),
        (TUE, "Русский язык", "in_person", BaseRef(2, 2), None),
        (WED, "Хор", "in_person", BaseRef(3, 1), None),
    ]
    assert items[2].classes == ("5А", "5Б")


def test_diff_against_base_lists_format_and_time_changes():
    schedule = Schedule(
        school="Школа № 1",
        timezone="Asia/Yekaterinburg",
        norm_set="n",
        order={},
        items=(
            item("Математика", 1, "08:30", "09:00"),
            item("Русский язык", 2, None, None, fmt="self_study"),
        ),
    )
    changes = diff_against_base(schedule, SCHOOL)
    assert [(c.subject, c.kinds) for c in changes] == [
        ("Математика", ("moved", "format")),
        ("Русский язык", ("format",)),
    ]
    assert changes.changes[0].message == (
        "01.12 (Вт), 5А, «Математика»: время: 08:30–09:15 → 08:30–09:00; формат: очно → онлайн"
    )


def test_diff_against_base_for_some_classes_ignores_the_others():
    other = replace(item("История", 1, "08:30", "09:15", fmt="in_person"), class_name="5Б")
    schedule = Schedule(
        school="Школа № 1",
        timezone="Asia/Yekaterinburg",
        norm_set="n",
        order={},
        items=(item("Математика", 1, "08:30", "09:00"), other),
    )
    changes = diff_against_base(schedule, SCHOOL, classes=["5А"])
    assert [(c.subject, c.kinds) for c in changes] == [
        ("Математика", ("moved", "format")),
        ("Русский язык", ("cancelled",)),
    ]


def test_was_tells_a_parent_the_previous_lesson_and_time():
    moved = only(diff_items([MATH], [replace(MATH, start=t("08:40"), end=t("09:10"))]))
    assert moved.was == "Математика, 08:30–09:00, онлайн"
    teacher = only(diff_items([MATH], [replace(MATH, teacher="Петров П.П.")]))
    assert teacher.was == "Математика, 08:30–09:00, онлайн, Иванова И.И."
    a = replace(MATH, call_url="https://sferum.ru/?call_link=AAAAAAAAAA")
    b = replace(MATH, call_url="https://sferum.ru/?call_link=BBBBBBBBBB")
    assert only(diff_items([a], [b])).was is None  # only the call link: nothing to tell
