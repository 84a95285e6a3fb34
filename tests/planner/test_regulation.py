"""The school's regulation: no phones (item 3.3), a class's readiness (3.2–3.3), the self-study
materials of a lesson (3.7)."""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain.errors import InputError
from planner.domain.order import parse_order
from planner.domain.regulation import (
    Materials,
    Readiness,
    epos_topic_homework,
    is_phone,
    material_lines,
    not_filled,
    read_device,
)
from tests.planner.factories import lesson, timetable

TT = timetable(lesson(1, 1, "08:00", "08:45", "5А", "Математика", "Иванова И.И."))
ITEM_3_3 = "п. 3.3 Положения об использовании ИКОП «Сферум»"


@pytest.mark.parametrize(
    "word",
    [
        "phone",
        "Phone",
        "mobile",
        "smartphone",
        "cell phone",
        "iPhone",
        "телефон",
        "Телефон",
        "смартфон",
        "мобильный",
        "мобильный телефон",
        "сотовый",
        "айфон",
        "mobile phone",
    ],
)
def test_every_word_for_a_phone_is_refused_with_the_regulation_item(word: str) -> None:
    assert is_phone(word)
    device, reason = read_device(word)
    assert device is None
    assert reason is not None and ITEM_3_3 in reason and f"«{word}»" in reason
    with pytest.raises(InputError) as err:
        parse_order(
            {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-08", "device": word},
            TT,
            "order.yaml",
        )
    [problem] = err.value.problems
    assert problem.column == "device" and ITEM_3_3 in problem.message
    assert "pc (компьютер), laptop (ноутбук) или tablet (планшет)" in problem.message


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("pc", "pc"),
        ("ПК", "pc"),
        ("компьютер", "pc"),
        ("Laptop", "laptop"),
        ("ноутбук", "laptop"),
        ("tablet", "tablet"),
        ("планшет", "tablet"),
    ],
)
def test_computers_laptops_and_tablets_are_allowed(word: str, key: str) -> None:
    assert not is_phone(word)
    assert read_device(word) == (key, None)
    order = parse_order(
        {"classes": ["5А"], "from": "2026-12-07", "to": "2026-12-08", "device": word}, TT
    )
    assert order.device == key


def test_a_class_is_ready_when_every_item_of_the_checklist_is_done() -> None:
    ready = Readiness(
        "5А",
        chat_linked=True,
        families_total=25,
        families_joined=25,
        last_test_call=date(2026, 12, 1),
        families_without_device=0,
    )
    assert ready.ready and ready.missing() == [] and ready.cannot_join == 0
    assert Readiness.from_json(ready.to_json()) == ready


def test_what_is_missing_is_named() -> None:
    r = Readiness(
        "7Б",
        chat_linked=False,
        families_total=25,
        families_joined=20,
        last_test_call=None,
        families_without_device=3,
    )
    assert r.missing() == [
        "чат класса не создан или не связан с ЭПОС",
        "к чату присоединились не все семьи: 20 из 25",
        "пробного подключения ещё не было",
        "нет компьютера, ноутбука или планшета с камерой и микрофоном у семей: 3",
    ]
    assert r.cannot_join == 3
    assert r.warning().startswith(
        "7Б не готов к дистанционным урокам (п. 3.2–3.3 Положения об использовании ИКОП "
        "«Сферум»): чат класса не создан"
    )
    assert r.warning().endswith("Приказ можно опубликовать — решение за школой.")
    assert not_filled("5А").missing() == ["чек-лист готовности не заполнен"]


def test_materials_are_the_lesson_for_self_study_and_the_alternative_online() -> None:
    m = Materials("https://disk.example/rec1", "§12, упр. 3", "https://myschool.edu.ru/x")
    assert material_lines(m, online=False) == [
        "запись урока: https://disk.example/rec1",
        "задание: §12, упр. 3 https://myschool.edu.ru/x",
    ]
    assert material_lines(m, online=True) == [
        "если не получается подключиться — запись урока: https://disk.example/rec1; "
        "задание: §12, упр. 3 https://myschool.edu.ru/x"
    ]
    assert epos_topic_homework(m, online=False) == (
        "запись урока https://disk.example/rec1",
        "§12, упр. 3 https://myschool.edu.ru/x",
    )
    topic, homework = epos_topic_homework(m, online=True)
    assert topic.startswith("Если не получается подключиться: запись урока")
    assert homework == "Если не получается подключиться: §12, упр. 3 https://myschool.edu.ru/x"
    assert material_lines(Materials(), online=False) == []
