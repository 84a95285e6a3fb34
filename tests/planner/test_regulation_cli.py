"""The regulation in ``planner rebuild``: a phone is refused with the item (3.3); the classes'
readiness (3.2–3.3) warns and goes into report.html."""

from __future__ import annotations

from pathlib import Path

from tests.planner.test_rebuild import ORDER, rebuild

ITEM_3_3 = "п. 3.3 Положения об использовании ИКОП «Сферум»"


def test_rebuild_refuses_a_phone_with_the_regulation_item(tmp_path: Path) -> None:
    result = rebuild(tmp_path, "out", order_text=ORDER.replace("device: pc", "device: смартфон"))
    assert result.exit_code == 2
    assert "столбец «device»: устройство «смартфон» не допускается" in result.output
    assert ITEM_3_3 in result.output
    assert not (tmp_path / "out").exists()


def test_rebuild_warns_of_classes_not_ready_and_records_them_in_the_report(
    tmp_path: Path,
) -> None:
    ready = tmp_path / "readiness.yaml"
    ready.write_text(
        "1А: {chat_linked: true, families_total: 20, families_joined: 20,\n"
        "     last_test_call: 2026-11-27, families_without_device: 0}\n"
        "5А: {chat_linked: true, families_total: 25, families_joined: 22,\n"
        "     families_without_device: 1}\n",
        encoding="utf-8",
    )
    result = rebuild(tmp_path, "out", "--readiness", str(ready), "--time-limit", "3")
    assert result.exit_code == 0, result.output
    warnings = [x for x in result.output.splitlines() if "не готов к дистанционным" in x]
    assert warnings == [
        "Внимание: 5А не готов к дистанционным урокам (п. 3.2–3.3 Положения об использовании ИКОП "
        "«Сферум»): к чату присоединились не все семьи: 22 из 25; пробного подключения ещё не "
        "было; нет компьютера, ноутбука или планшета с камерой и микрофоном у семей: 1. Приказ "
        "можно опубликовать — решение за школой.",
        "Внимание: 7Б не готов к дистанционным урокам (п. 3.2–3.3 Положения об использовании ИКОП "
        "«Сферум»): чек-лист готовности не заполнен. Приказ можно опубликовать — решение за "
        "школой.",
    ]
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<tr data-class="1А" data-ready="yes">' in report
    assert '<tr data-class="7Б" data-ready="no">' in report
    assert '<span class="bad">2</span> (5А, 7Б)' in report


def test_a_broken_readiness_file_is_bad_input(tmp_path: Path) -> None:
    ready = tmp_path / "readiness.yaml"
    ready.write_text("5А: {families_total: many, colour: red}\n", encoding="utf-8")
    result = rebuild(tmp_path, "out", "--readiness", str(ready))
    assert result.exit_code == 2
    assert "readiness.yaml, 5А, столбец «colour»: неизвестное поле" in result.output
    assert "readiness.yaml, 5А, столбец «families_total»: целое число ≥ 0." in result.output
