from datetime import date
from pathlib import Path

import pytest

from planner.domain.errors import InputError
from planner.domain.order import Override, load_order, parse_order
from tests.planner.factories import lesson, timetable

TT = timetable(
    lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И."),
    lesson(1, 1, "08:00", "08:45", "5Б", "Русский язык", "Петрова А.А."),
    lesson(1, 1, "08:00", "08:45", "7А", "Алгебра", "Сидоров С.С."),
)


def test_order_with_a_list_of_classes_and_defaults() -> None:
    order = parse_order({"classes": ["5Б", "5А"], "from": "2026-12-01", "to": "2026-12-05"}, TT)
    assert order.classes == ("5А", "5Б")
    assert (order.device, order.screen_policy) == ("pc", "home")
    assert order.dates((1, 2, 3, 4, 5)) == [date(2026, 12, d) for d in (1, 2, 3, 4)]
    assert order.summary() == {
        "from": "2026-12-01",
        "to": "2026-12-05",
        "classes": ["5А", "5Б"],
        "device": "pc",
        "screen_policy": "home",
    }


def test_order_accepts_class_spellings_the_importer_folds() -> None:
    order = parse_order(
        {
            "classes": ["5а", "5 Б", "7-а"],
            "from": "2026-12-01",
            "to": "2026-12-01",
            "must_online": [{"class": "7 а", "subject": "Алгебра"}],
            "sibling_classes": [["5-а", "7А"]],
        },
        TT,
    )
    assert order.classes == ("5А", "5Б", "7А")
    assert order.must_online[0].class_name == "7А"
    assert order.sibling_classes == (("5А", "7А"),)


def test_order_selects_all_classes_or_grades() -> None:
    d = {"from": "2026-12-07", "to": "2026-12-11"}
    assert parse_order({**d, "classes": "all"}, TT).classes == ("5А", "5Б", "7А")
    assert parse_order({**d, "classes": {"grades": [7]}}, TT).classes == ("7А",)


def test_order_skips_weekends_and_holidays() -> None:
    order = parse_order(
        {"classes": "all", "from": "2026-12-04", "to": "2026-12-08", "holidays": ["2026-12-07"]}, TT
    )
    assert order.dates((1, 2, 3, 4, 5)) == [date(2026, 12, 4), date(2026, 12, 8)]
    assert order.dates((1, 2, 3, 4, 5, 6)) == [
        date(2026, 12, 4),
        date(2026, 12, 5),
        date(2026, 12, 8),
    ]


def test_order_reports_every_problem_at_once() -> None:
    with pytest.raises(InputError) as err:
        parse_order(
            {
                "classes": ["5А", "9Я"],
                "from": "2026-12-05",
                "to": "1 декабря",
                "device": "projector",
                "overrides": {"eso.daily": {"value": 150}},
                "colour": "red",
            },
            TT,
            "order.yaml",
        )
    assert [(p.column, p.message) for p in err.value.problems] == [
        ("colour", "неизвестный ключ «colour»; допустимые: classes, device, from, holidays, "
         "homework_reserve_minutes, min_online_per_day, must_online, overrides, screen_policy, "
         "sibling_classes, stagger_starts, to."),
        ("classes", "класса «9Я» нет в расписании; есть: 5А, 5Б, 7А."),
        ("to", "«1 декабря» — не дата; напишите её как 2026-12-01."),
        ("device", "устройство «projector» неизвестно; допустимо: pc (компьютер), "
         "laptop (ноутбук), tablet (планшет)."),
        ("overrides.eso.daily",
         "для значения локального акта нужны value и reason (номер и дата приказа)."),
    ]  # fmt: skip
    assert str(err.value.problems[1]) == (
        "order.yaml, столбец «classes»: класса «9Я» нет в расписании; есть: 5А, 5Б, 7А."
    )


def test_order_rejects_end_before_start_and_unknown_must_online_class() -> None:
    with pytest.raises(InputError) as err:
        parse_order(
            {
                "classes": ["5А"],
                "from": "2026-12-05",
                "to": "2026-12-01",
                "must_online": [{"class": "7А", "subject": "Алгебра"}],
            },
            TT,
        )
    assert [p.message for p in err.value.problems] == [
        "дата окончания 2026-12-01 раньше даты начала 2026-12-05.",
        "класс «7А» не переводится на дистанционное обучение этим приказом.",
    ]


def test_load_order_reads_yaml_with_overrides_and_minimums(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(
        "classes: {grades: [5]}\nfrom: 2026-12-01\nto: 2026-12-02\ndevice: tablet\n"
        "screen_policy: school\nmin_online_per_day: 2\n"
        "must_online:\n  - {class: 5А, subject: Математика, date: 2026-12-01}\n"
        "overrides:\n  day.online_end_not_after: {value: '17:00', reason: Приказ № 45}\n",
        encoding="utf-8",
    )
    order = load_order(path, TT)
    assert order.classes == ("5А", "5Б")
    assert order.device == "tablet" and order.screen_policy == "school"
    assert order.overrides == {"day.online_end_not_after": Override("17:00", "Приказ № 45")}
    assert order.must_online[0].date == date(2026, 12, 1)
    assert order.min_online_per_day == 2


def test_load_order_names_the_line_of_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text("classes: [5А\nfrom: 2026-12-01\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_order(path, TT)
    [problem] = err.value.problems
    assert problem.file == str(path)
    assert problem.row == 2
    assert problem.message.startswith("файл приказа не читается как YAML/JSON")


def test_order_with_an_empty_class_list_is_refused() -> None:
    with pytest.raises(InputError) as err:
        parse_order({"classes": [], "from": "2026-12-07", "to": "2026-12-11"}, TT, "order.yaml")
    assert [(p.column, p.message) for p in err.value.problems] == [
        ("classes", "список классов пуст; укажите хотя бы один класс, all или {grades: [...]}.")
    ]
