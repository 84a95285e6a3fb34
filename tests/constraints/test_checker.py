"""The independent checker: each hard rule bites on a hand-made schedule that breaks only it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from constraints.catalogue import NormCatalogue
from constraints.checker import DayFigures, check_schedule
from planner.domain.model import BaseLesson
from planner.domain.order import QuarantineOrder
from planner.domain.schedule import BaseRef, Schedule, ScheduleItem
from tests.constraints.school import MONDAY, L, order, school
from tests.planner.factories import t

D = MONDAY  # 30.11.2026

GRADE1_BELLS = (("08:30", "09:05"), ("09:15", "09:50"), ("10:10", "10:45"), ("11:05", "11:40"),
                ("11:50", "12:25"))  # fmt: skip


def base_lessons() -> list[BaseLesson]:
    return [
        L(1, 1, "5А", "Математика", "Смирнова"),
        L(1, 2, "5А", "Русский язык", "Петрова"),
        L(1, 3, "5А", "История", "Сидоров"),
        L(1, 4, "5А", "Биология", "Волков"),
        L(1, 5, "5А", "Литература", "Петрова"),
        L(1, 1, "1А", "Математика", "Морозова", bells=GRADE1_BELLS),
        L(1, 2, "1А", "Русский язык", "Морозова", bells=GRADE1_BELLS),
        L(1, 3, "1А", "Литературное чтение", "Морозова", bells=GRADE1_BELLS),
        L(1, 4, "1А", "Окружающий мир", "Морозова", bells=GRADE1_BELLS),
        L(1, 5, "1А", "Музыка", "Белова", bells=GRADE1_BELLS),
        L(1, 1, "9В", "Алгебра", "Иванова"),
        L(1, 3, "9В", "Физика", "Петрова"),
        L(1, 5, "9В", "Химия", "Волков"),
    ]


TT = school(*base_lessons())


def online(cls: str, n: int, subject: str, teacher: str, start: str, end: str,
           no: int) -> ScheduleItem:  # fmt: skip
    s, e = t(start), t(end)
    return ScheduleItem(
        date=D, class_name=cls, kind="lesson", format="online", subject=subject, teacher=teacher,
        start=s, end=e, screen_minutes=(e.hour * 60 + e.minute) - (s.hour * 60 + s.minute),
        base=BaseRef(1, n), lesson_no=no, classes=(cls,),
    )  # fmt: skip


def self_study(cls: str, n: int, subject: str, teacher: str) -> ScheduleItem:
    return ScheduleItem(
        date=D, class_name=cls, kind="lesson", format="self_study", subject=subject,
        teacher=teacher, screen_minutes=0, base=BaseRef(1, n), classes=(cls,),
    )  # fmt: skip


def in_person(x: BaseLesson) -> ScheduleItem:
    return ScheduleItem(
        date=D, class_name=x.classes[0], kind="lesson", format="in_person", subject=x.subject,
        teacher=x.teacher, start=x.start, end=x.end, base=BaseRef(x.day, x.lesson),
        lesson_no=x.lesson, classes=x.classes,
    )  # fmt: skip


def valid_items() -> dict[str, ScheduleItem]:
    items = {
        "5А1": online("5А", 1, "Математика", "Смирнова", "08:30", "09:00", 1),
        "5А2": online("5А", 2, "Русский язык", "Петрова", "09:25", "09:55", 2),
        "5А3": online("5А", 3, "История", "Сидоров", "10:30", "11:00", 3),
        "5А4": online("5А", 4, "Биология", "Волков", "11:35", "12:05", 4),
        "5А5": self_study("5А", 5, "Литература", "Петрова"),
        "1А1": online("1А", 1, "Математика", "Морозова", "08:30", "08:50", 1),
        "1А2": online("1А", 2, "Русский язык", "Морозова", "09:00", "09:20", 2),
        "1А3": online("1А", 3, "Литературное чтение", "Морозова", "10:00", "10:20", 3),
        "1А4": online("1А", 4, "Окружающий мир", "Морозова", "10:30", "10:50", 4),
        "1А5": self_study("1А", 5, "Музыка", "Белова"),
    }
    for k, x in enumerate(b for b in base_lessons() if b.classes == ("9В",)):
        items[f"9В{k}"] = in_person(x)
    return items


def make(items: dict[str, ScheduleItem]) -> Schedule:
    return Schedule("Школа № 1", "Asia/Yekaterinburg", "test", {}, tuple(items.values()))


ORDER = order(("1А", "5А"))
CAT = NormCatalogue.load(on=D, overrides=ORDER.overrides)


def found(items: dict[str, ScheduleItem], o: QuarantineOrder = ORDER) -> list[tuple[str, str]]:
    report = check_schedule(make(items), TT, o, CAT)
    return [(v.rule, v.message) for v in report.violations]


def moved(item: ScheduleItem, start: str, end: str) -> ScheduleItem:
    s, e = t(start), t(end)
    return replace(item, start=s, end=e,
                   screen_minutes=(e.hour * 60 + e.minute) - (s.hour * 60 + s.minute))  # fmt: skip


def test_valid_schedule_has_no_violations() -> None:
    assert found(valid_items()) == []


def test_day_window_start_before_eight() -> None:
    items = valid_items()
    items["5А1"] = moved(items["5А1"], "07:50", "08:20")
    assert found(items) == [
        ("day_window", "5А, 30.11: урок «Математика» 07:50–08:20 начинается раньше 08:00 "
                       "(СанПиН 1.2.3685-21, табл. 6.6)"),
    ]  # fmt: skip


def test_regular_timetable_of_a_class_left_in_school_is_a_warning_not_a_violation() -> None:
    # 9В stays in school; its (hand-edited) 07:30 lesson is the regular timetable's, not ours.
    early = replace(in_person(base_lessons()[10]), start=t("07:30"), end=t("08:15"))
    tt = school(*base_lessons()[:10], replace(base_lessons()[10], start=t("07:30"), end=t("08:15")),
                *base_lessons()[11:])  # fmt: skip
    items = {**valid_items(), "9В0": early}
    report = check_schedule(make(items), tt, ORDER, CAT)
    assert report.violations == []
    assert report.warnings[-1] == (
        "Обычное расписание (приказ его не меняет): 9В, 30.11: урок «Алгебра» 07:30–08:15 "
        "начинается раньше 08:00 (СанПиН 1.2.3685-21, табл. 6.6)"
    )


def test_day_window_online_end_after_six() -> None:
    items = valid_items()
    items["5А4"] = moved(items["5А4"], "17:40", "18:10")
    assert found(items) == [
        ("day_window", "5А, 30.11: онлайн-урок «Биология» 17:40–18:10 заканчивается после 18:00 "
                       "(СП 2.4.3648-20, п. 3.5.2)"),
    ]  # fmt: skip


def test_online_lesson_length_over_eso_limit() -> None:
    items = valid_items()
    items["5А1"] = moved(items["5А1"], "08:30", "09:05")
    items["5А3"] = moved(items["5А3"], "10:30", "10:55")
    assert found(items) == [
        ("online_lesson_length", "5А, 30.11: онлайн-урок «Математика» 08:30–09:05 — 35 мин при "
                                 "норме 30 (СанПиН 1.2.3685-21, табл. 6.8)"),
    ]  # fmt: skip


def test_daily_screen_time_over_cap() -> None:
    items = valid_items()
    items["5А5"] = online("5А", 5, "Литература", "Петрова", "12:30", "13:00", 5)
    assert found(items) == [
        ("daily_screen_time", "5А, 30.11: экранное время 150 мин при норме 120 "
                              "(СанПиН 1.2.3685-21, табл. 6.8, ПК, 5–9 кл., дома)"),
    ]  # fmt: skip


def test_lessons_per_day_over_grade_maximum() -> None:
    items = valid_items()
    items["1А1"] = moved(items["1А1"], "08:30", "08:46")
    items["1А2"] = moved(items["1А2"], "08:56", "09:12")
    items["1А3"] = moved(items["1А3"], "09:52", "10:08")
    items["1А4"] = moved(items["1А4"], "10:28", "10:44")
    items["1А5"] = online("1А", 5, "Музыка", "Белова", "10:54", "11:10", 5)
    assert found(items) == [
        ("lessons_per_day", "1А, 30.11: 5 онлайн-уроков при норме 4 (СП 2.4.3648-20, п. 3.4.16)"),
    ]


def test_breaks_min_too_short() -> None:
    items = valid_items()
    items["5А2"] = moved(items["5А2"], "09:05", "09:35")
    assert found(items) == [
        ("breaks_min", "5А, 30.11: перемена 5 мин между «Математика» 08:30–09:00 и "
                       "«Русский язык» 09:05–09:35 при норме 10 (СП 2.4.3648-20, п. 3.4.16)"),
    ]  # fmt: skip


def test_big_break_missing_after_second_and_third() -> None:
    items = valid_items()
    items["5А3"] = moved(items["5А3"], "10:05", "10:35")
    items["5А4"] = moved(items["5А4"], "10:45", "11:15")
    assert found(items) == [
        ("big_break", "5А, 30.11: при 4 онлайн-уроках нет большой перемены не меньше 20 мин "
                      "после 2-го или 3-го урока (перемены 10 и 10 мин) "
                      "(СП 2.4.3648-20, п. 3.4.16)"),
    ]  # fmt: skip


def test_dynamic_pause_grade_one() -> None:
    items = valid_items()
    items["1А3"] = moved(items["1А3"], "09:45", "10:05")
    items["1А4"] = moved(items["1А4"], "10:25", "10:45")
    assert found(items) == [
        ("dynamic_pause", "1А, 30.11: после 2-го онлайн-урока перерыв 25 мин, а динамическая "
                          "пауза для 1 класса — не меньше 40 мин (СП 2.4.3648-20, п. 3.4.16)"),
    ]  # fmt: skip


def test_teacher_online_overlaps_in_person_lesson() -> None:
    items = valid_items()
    items["5А4"] = moved(items["5А4"], "12:10", "12:40")
    assert found(items) == [
        ("teacher_no_overlap", "Волков, 30.11: уроки «Биология» 5А 12:10–12:40 (онлайн) и "
                               "«Химия» 9В 12:30–13:15 (очно) пересекаются"),
    ]  # fmt: skip


def test_teacher_switch_buffer_too_short() -> None:
    items = valid_items()
    items["5А4"] = moved(items["5А4"], "11:57", "12:27")
    assert found(items) == [
        ("teacher_no_overlap", "Волков, 30.11: между уроками «Биология» 5А 11:57–12:27 (онлайн) "
                               "и «Химия» 9В 12:30–13:15 (очно) 3 мин, а на переход между очным "
                               "и онлайн-уроком нужно не меньше 5 мин (Настройки планировщика, "
                               "параметр планировщика)"),
    ]  # fmt: skip


def test_class_lessons_overlap() -> None:
    items = valid_items()
    items["5А3"] = moved(items["5А3"], "09:50", "10:20")
    assert found(items) == [
        ("class_no_overlap", "5А, 30.11: уроки «Русский язык» 5А 09:25–09:55 (онлайн) и "
                             "«История» 5А 09:50–10:20 (онлайн) идут одновременно"),
    ]  # fmt: skip


def test_keep_in_person_lesson_moved() -> None:
    items = valid_items()
    items["9В0"] = replace(items["9В0"], start=t("08:40"), end=t("09:25"))
    assert found(items) == [
        ("keep_in_person", "9В, 30.11: очный урок «Алгебра» 08:30–09:15 из обычного расписания "
                           "пропал или сдвинут"),
        ("keep_in_person", "9В, 30.11: очного урока «Алгебра» 08:40–09:25 нет в обычном "
                           "расписании"),
    ]  # fmt: skip


def test_nothing_lost_missing_lesson() -> None:
    items = valid_items()
    del items["5А5"]
    assert found(items) == [
        ("nothing_lost", "5А, 30.11: урок «Литература» (Пн, урок 5) пропал — его нет ни онлайн, "
                         "ни в самостоятельной работе"),
    ]  # fmt: skip


def test_nothing_lost_self_study_keeps_teacher() -> None:
    items = valid_items()
    items["5А5"] = replace(items["5А5"], teacher=None)
    assert found(items) == [
        ("nothing_lost", "5А, 30.11: у урока «Литература» (Пн, урок 5) учитель «None», "
                         "а в обычном расписании «Петрова»"),
    ]  # fmt: skip


def test_must_online_not_met() -> None:
    o = order(("1А", "5А"), must_online=[("5А", "Литература")])
    assert found(valid_items(), o) == [
        ("must_online", "5А, 30.11: урок «Литература» (урок 5) по приказу должен быть онлайн, "
                        "а стоит самостоятельной работой"),
    ]  # fmt: skip


def test_min_online_per_day_not_met() -> None:
    o = order(("1А", "5А"), min_online_per_day=5)
    assert found(valid_items(), o) == [
        ("min_online_per_day", "1А, 30.11: 4 онлайн-урока, а по приказу нужно не меньше 5"),
        ("min_online_per_day", "5А, 30.11: 4 онлайн-урока, а по приказу нужно не меньше 5"),
    ]


def test_day_figures_are_complete() -> None:
    report = check_schedule(make(valid_items()), TT, ORDER, CAT)
    assert report.days == [
        DayFigures(
            class_name="1А", date=D, grade=1, online_minutes=80, cap_home=80, cap_school=40,
            cap=80, cap_citation="СанПиН 1.2.3685-21, табл. 6.8, ПК, 1–2 кл., дома",
            lessons_online=4, lessons_self_study=1, lesson_lengths=(20, 20, 20, 20),
            breaks=(10, 40, 10), health_slots=0, first_start="08:30", last_end="10:50",
        ),
        DayFigures(
            class_name="5А", date=D, grade=5, online_minutes=120, cap_home=120, cap_school=60,
            cap=120, cap_citation="СанПиН 1.2.3685-21, табл. 6.8, ПК, 5–9 кл., дома",
            lessons_online=4, lessons_self_study=1, lesson_lengths=(30, 30, 30, 30),
            breaks=(25, 35, 35), health_slots=0, first_start="08:30", last_end="12:05",
        ),
    ]  # fmt: skip


def test_warnings_name_low_confidence_norms() -> None:
    report = check_schedule(make(valid_items()), TT, ORDER, CAT)
    grades = sorted({TT.grade_of(c) for c in ORDER.classes})
    assert report.warnings == CAT.warnings(
        ORDER.date_from, ORDER.date_to, grades=grades, device="pc", policy="home"
    )
    # by the norm's Russian name, not its catalogue key
    assert any("«Окончание онлайн-уроков не позднее»" in w for w in report.warnings)
    assert not any("day.online_end_not_after" in w for w in report.warnings)
    assert not any("планшет" in w for w in report.warnings)  # the order's device only


def test_school_policy_uses_school_column() -> None:
    o = order(("1А", "5А"), screen_policy="school")
    assert found(valid_items(), o) == [
        ("daily_screen_time", "1А, 30.11: экранное время 80 мин при норме 40 "
                              "(СанПиН 1.2.3685-21, табл. 6.8, ПК, 1–2 кл., в школе)"),
        ("daily_screen_time", "5А, 30.11: экранное время 120 мин при норме 60 "
                              "(СанПиН 1.2.3685-21, табл. 6.8, ПК, 5–9 кл., в школе)"),
    ]  # fmt: skip


def test_period_covers_only_school_days() -> None:
    o = order(("1А", "5А"), d_to=date(2026, 12, 1))  # Tuesday: no lessons in this timetable
    assert found(valid_items(), o) == []


def test_warnings_group_by_kind_with_plain_words() -> None:
    from constraints.checker import group_warnings

    report = check_schedule(make(valid_items()), TT, ORDER, CAT)
    extra = [
        "Обычное расписание (приказ его не меняет): 9А, 30.11: урок до 08:00",
        "Локальный акт (Приказ № 45): «Окончание онлайн-уроков не позднее» = 17:00 вместо 18:00.",
    ]
    groups = group_warnings([*report.warnings, *extra])
    assert [g.kind for g in groups] == ["low_confidence", "local_act", "regular"]
    assert sum(len(g.messages) for g in groups) == len(report.warnings) + 2
    assert all(g.title and g.explanation for g in groups)
    assert groups[0].messages == report.warnings
    # in the list under the explanation, each says only what is its own
    assert (
        groups[0].items[0]
        == "«Окончание онлайн-уроков не позднее» — 18:00 (СП 2.4.3648-20, п. 3.5.2)."
    )
    assert groups[2].items == ["9А, 30.11: урок до 08:00"]
    assert groups[1].items == [extra[1]]
