"""The norm catalogue: values, dates, overrides, successor sets, validation errors."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from constraints.catalogue import DEFAULT_DIRECTORY, CatalogueError, Norm, NormCatalogue

DEC_1 = date(2026, 12, 1)


@dataclass(frozen=True)
class Ov:
    """Anything with .value and .reason is an override (planner.domain.order.Override has them)."""

    value: object
    reason: str


@pytest.fixture(scope="module")
def cat() -> NormCatalogue:
    return NormCatalogue.load(on=DEC_1)


@pytest.fixture
def norms_copy(tmp_path: Path) -> Path:
    target = tmp_path / "norms"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


# --- values -----------------------------------------------------------------------------------


def test_value_eso_per_lesson_grade7_pc_has_value_source_and_dates(cat: NormCatalogue) -> None:
    n = cat.value("eso.per_lesson", grade=7, device="pc")
    assert isinstance(n, Norm)
    assert (n.key, n.value, n.unit) == ("eso.per_lesson", 30, "min")
    assert n.document == "СанПиН 1.2.3685-21"
    assert n.item == "табл. 6.8"
    assert n.source == (
        "https://shkolayustinskaya-r08.gosweb.gosuslugi.ru/roditelyam-i-uchenikam/novosti/"
        "novosti-193_255.html; "
        "http://zdorov-vrn.ru/skolko-vremeni-za-kompyuterom-razresheno-provodit-rebenku/"
    )
    assert n.confidence == "high"
    assert n.effective_from == date(2021, 3, 1)
    assert n.effective_to == date(2027, 3, 1)
    assert n.scope == "ПК, 5–9 кл."
    assert n.override_reason is None
    assert n.citation == "СанПиН 1.2.3685-21, табл. 6.8"
    assert n.describe() == (
        "ЭСО на уроке, ПК, 5–9 кл.: 30 мин (СанПиН 1.2.3685-21, табл. 6.8; достоверность: высокая)"
    )


def test_catalogue_name_and_date(cat: NormCatalogue) -> None:
    assert cat.name == "sanpin-1.2.3685-21+sp-2.4.3648-20+mr-2.4.0330-23@2026-12-01"
    assert cat.on == DEC_1


@pytest.mark.parametrize(
    ("key", "params", "value", "confidence"),
    [
        ("eso.per_lesson", {"grade": 2, "device": "pc"}, 20, "high"),
        ("eso.per_lesson", {"grade": 11, "device": "laptop"}, 35, "medium"),
        ("eso.per_lesson", {"grade": 3, "device": "tablet"}, 15, "low"),
        ("eso.daily", {"grade": 7, "device": "pc", "policy": "home"}, 120, "high"),
        ("eso.daily", {"grade": 7, "device": "pc", "policy": "school"}, 60, "high"),
        ("eso.daily", {"grade": 10, "device": "tablet", "policy": "school"}, 80, "high"),
        ("eso.daily", {"grade": 10, "device": "tablet", "policy": "home"}, 150, "high"),
        ("eso.daily", {"grade": 4, "device": "laptop", "policy": "home"}, 90, "high"),
        ("day.start_not_before", {}, "08:00", "high"),
        ("day.in_person_end_not_after", {}, "19:00", "high"),
        ("day.online_end_not_after", {}, "18:00", "low"),
        ("lesson.online_max_minutes", {}, 40, "low"),
        ("lesson.max_minutes", {"grade": 8}, 45, "high"),
        ("lessons.max_per_day", {"grade": 1}, 4, "high"),
        ("lessons.max_per_day", {"grade": 3}, 5, "high"),
        ("lessons.max_per_day", {"grade": 6}, 6, "high"),
        ("lessons.max_per_day", {"grade": 9}, 7, "high"),
        ("lessons.max_per_day_with_pe", {"grade": 1}, 5, "high"),
        ("lessons.max_per_day_with_pe", {"grade": 4}, 6, "high"),
        ("lessons.max_per_day_with_pe", {"grade": 6}, 6, "high"),
        ("lessons.max_per_day_with_pe", {"grade": 11}, 7, "high"),
        ("break.min_minutes", {}, 10, "high"),
        ("break.big_min_minutes", {}, 20, "high"),
        ("break.big_after_lessons", {}, (2, 3), "high"),
        ("break.big_applies_from_lessons", {}, 4, "medium"),
        ("break.dynamic_pause_minutes", {}, 40, "high"),
        ("screen.continuous_max_minutes", {"grade": 4}, 10, "high"),
        ("screen.continuous_max_minutes", {"grade": 5}, 15, "high"),
        ("screen.continuous_max_minutes", {"grade": 10}, 15, "low"),
        ("health.eye_gymnastics_minutes", {}, 2, "low"),
        ("health.physical_break_minutes", {}, 2, "low"),
        ("health.eye_gymnastics_after_lesson", {}, True, "medium"),
        ("teacher.switch_buffer_minutes", {}, 5, "setting"),
        ("screen.homework_reserve_minutes", {}, 0, "setting"),
        ("difficulty.hard_positions", {"grade": 1}, (2,), "medium"),
        ("difficulty.hard_positions", {"grade": 3}, (2, 3), "medium"),
        ("difficulty.hard_positions", {"grade": 10}, (2, 3, 4), "medium"),
    ],
)
def test_value_table(
    cat: NormCatalogue, key: str, params: dict[str, object], value: object, confidence: str
) -> None:
    n = cat.value(key, **params)  # type: ignore[arg-type]
    assert (n.value, n.confidence) == (value, confidence)


def test_unused_parameters_are_ignored(cat: NormCatalogue) -> None:
    n = cat.value("break.min_minutes", grade=7, device="tablet", policy="home", subject="Химия")
    assert n.value == 10
    assert n.scope == ""


def test_settings_document_and_describe(cat: NormCatalogue) -> None:
    n = cat.value("teacher.switch_buffer_minutes")
    assert n.document == "Настройки планировщика"
    assert n.describe() == (
        "Запас времени учителю между очным и онлайн-уроком: 5 мин "
        "(Настройки планировщика, параметр планировщика; достоверность: настройка планировщика)"
    )


def test_repeated_lookup_is_served_from_cache(cat: NormCatalogue) -> None:
    a = cat.value("eso.daily", grade=5, device="pc", policy="home")
    b = cat.value("eso.daily", grade=5, device="pc", policy="home")
    assert a is b


# --- grade 1 depends on the date --------------------------------------------------------------


def test_grade1_lesson_length_sep_dec_vs_jan_may(cat: NormCatalogue) -> None:
    autumn = cat.value("lesson.max_minutes", grade=1)
    spring = cat.value("lesson.max_minutes", grade=1, on=date(2027, 1, 15))
    assert (autumn.value, autumn.scope) == (35, "1 кл., сентябрь–декабрь")
    assert (spring.value, spring.scope) == (40, "1 кл., январь–май")
    assert cat.value("lesson.max_minutes", grade=2, on=date(2027, 1, 15)).value == 45


@pytest.mark.parametrize(
    ("on", "lessons"),
    [
        (date(2026, 9, 1), 3),
        (date(2026, 10, 31), 3),
        (date(2026, 11, 2), 4),
        (date(2026, 12, 25), 4),
        (date(2027, 2, 10), 4),
    ],
)
def test_grade1_lessons_per_day_by_month(cat: NormCatalogue, on: date, lessons: int) -> None:
    assert cat.value("lessons.grade1_per_day", on=on).value == lessons


def test_grade1_in_summer_has_no_norm(cat: NormCatalogue) -> None:
    with pytest.raises(CatalogueError) as err:
        cat.value("lesson.max_minutes", grade=1, on=date(2026, 7, 10))
    assert str(err.value) == (
        "Для «Длительность урока не более» (lesson.max_minutes) нет значения: 1 кл., 10.07.2026 "
        "(июль) — СанПиН 1.2.3685-21 такой случай не описывает. Задайте значение локальным актом "
        "(overrides) или проверьте параметры."
    )
    assert err.value.key == "lesson.max_minutes"


# --- lookup errors ----------------------------------------------------------------------------


def test_unknown_key_is_a_keyerror_with_suggestion(cat: NormCatalogue) -> None:
    with pytest.raises(KeyError) as err:
        cat.value("eso.per_lessons", grade=7, device="pc")
    assert isinstance(err.value, CatalogueError)
    assert str(err.value) == (
        "Неизвестный параметр норм «eso.per_lessons». Возможно, имелось в виду: eso.per_lesson. "
        "Список параметров — в data/norms/README.md."
    )


def test_missing_device_is_named(cat: NormCatalogue) -> None:
    with pytest.raises(CatalogueError) as err:
        cat.value("eso.per_lesson", grade=7)
    assert str(err.value) == "«eso.per_lesson»: укажите устройство (device: pc, laptop, tablet)."


def test_bad_grade_and_device_are_named(cat: NormCatalogue) -> None:
    with pytest.raises(CatalogueError) as err:
        cat.value("eso.per_lesson", grade=12, device="pc")
    assert str(err.value) == "«eso.per_lesson»: класс (grade) должен быть от 1 до 11, а не 12."
    with pytest.raises(CatalogueError) as err:
        cat.value("eso.per_lesson", grade=5, device="phone")
    assert str(err.value) == (
        "«eso.per_lesson»: устройство «phone» неизвестно; допустимые: pc, laptop, tablet."
    )


# --- subjects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "subject", "value", "scope"),
    [
        (3, "Математика", 8, "1–4 кл., Математика"),
        (2, "Литературное чтение", 5, "1–4 кл., Литература (по названию «Литературное чтение»)"),
        (4, "Окружающий мир", 6, "1–4 кл., Природоведение (по названию «Окружающий мир»)"),
        (4, "Иностранный язык (английский)", 7,
         "1–4 кл., Иностранный язык (по названию «Иностранный язык (английский)»)"),
        (3, "Физическая культура", 1, "1–4 кл., Физическая культура"),
        (7, "Алгебра", 10, "5–9 кл., Алгебра"),
        (7, "ГЕОМЕТРИЯ", 12, "5–9 кл., Геометрия"),
        (8, "Вероятность и статистика", 9,
         "5–9 кл., Алгебра (по названию «Вероятность и статистика»)"),
        (6, "Русский язык", 12, "5–9 кл., Русский язык"),
        (9, "Химия", 12, "5–9 кл., Химия"),
        (5, "Труд (технология)", 4, "5–9 кл., Технология (по названию «Труд (технология)»)"),
        (9, "ОБЗР", 3, "5–9 кл., ОБЖ (по названию «ОБЗР»)"),
        (7, "Английский язык", 10, "5–9 кл., Иностранный язык (по названию «Английский язык»)"),
        (6, "Немецкий язык", 11, "5–9 кл., Иностранный язык (по названию «Немецкий язык»)"),
        (9, "История", 10, "5–9 кл., История"),
        (8, "Обществознание", 5, "5–9 кл., Обществознание"),
        (6, "Информатика", 10, "5–9 кл., Информатика"),
        (5, "Алгебра", 10, "5–9 кл., Математика (по названию «Алгебра»)"),
        (7, "Математика", 10, "5–9 кл., Алгебра (по названию «Математика»)"),
        (10, "Физика", 12, "10–11 кл., Физика"),
        (11, "Математика", 10, "10–11 кл., Алгебра (по названию «Математика»)"),
        (10, "Английский язык (1 гр.)", 8,
         "10–11 кл., Иностранный язык (по названию «Английский язык (1 гр.)»)"),
        (11, " экология. ", 3, "10–11 кл., Экология"),
        (11, "Родная литература (русская)", 8,
         "10–11 кл., Литература (по названию «Родная литература (русская)»)"),
        (2, "Рус. яз.", 7, "1–4 кл., Русский язык (по названию «Рус. яз.»)"),
        (5, "Физ-ра", 3, "5–9 кл., Физическая культура (по названию «Физ-ра»)"),
        (8, "История России. Всеобщая история", 8,
         "5–9 кл., История (по названию «История России. Всеобщая история»)"),
    ],
)  # fmt: skip
def test_difficulty_score_with_aliases(
    cat: NormCatalogue, grade: int, subject: str, value: int, scope: str
) -> None:
    n = cat.value("difficulty.score", grade=grade, subject=subject)
    assert (n.value, n.scope) == (value, scope)


def test_difficulty_confidence_per_table_and_subject(cat: NormCatalogue) -> None:
    assert cat.value("difficulty.score", grade=3, subject="Музыка").confidence == "high"
    assert cat.value("difficulty.score", grade=7, subject="Химия").confidence == "high"
    assert cat.value("difficulty.score", grade=7, subject="Информатика").confidence == "medium"
    assert cat.value("difficulty.score", grade=7, subject="ОБЖ").confidence == "low"
    assert cat.value("difficulty.score", grade=10, subject="Химия").confidence == "medium-low"
    assert cat.value("difficulty.score", grade=7, subject="Химия").citation == (
        "СанПиН 1.2.3685-21, табл. 6.10"
    )


def test_unknown_subject_gives_none_with_scope(cat: NormCatalogue) -> None:
    n = cat.value("difficulty.score", grade=7, subject="Хоровое пение")
    assert n.value is None
    assert n.scope == (
        "5–9 кл., предмет «Хоровое пение» не найден в шкале (табл. 6.10, 5–9 кл.); добавьте "
        "синоним в data/norms/planner-settings.yaml (subjects.aliases)"
    )


def test_subject_not_rated_in_this_grade_gives_none(cat: NormCatalogue) -> None:
    n = cat.value("difficulty.score", grade=9, subject="Музыка")
    assert n.value is None
    assert n.scope == "5–9 кл., предмет «Музыка» не оценивается для 9 кл. (табл. 6.10, 5–9 кл.)"


def test_subject_priority(cat: NormCatalogue) -> None:
    assert cat.value("subject.priority", grade=7, subject="Русский язык").value == 10
    assert cat.value("subject.priority", grade=7, subject="Алгебра").value == 10
    assert cat.value("subject.priority", grade=7, subject="Физика").value == 6
    assert cat.value("subject.priority", grade=9, subject="Физика").value == 8
    assert cat.value("subject.priority", grade=11, subject="Обществознание").value == 8
    assert cat.value("subject.priority", grade=5, subject="Музыка").value == 2
    assert cat.value("subject.priority", grade=5, subject="Физкультура").value == 1
    unknown = cat.value("subject.priority", grade=5, subject="Хоровое пение")
    assert (unknown.value, unknown.confidence) == (5, "setting")


# --- overrides --------------------------------------------------------------------------------

REASON = "Приказ № 45 от 28.11.2026"


def test_order_override_applied_with_reason_citation_and_warning() -> None:
    cat = NormCatalogue.load(on=DEC_1, overrides={"day.online_end_not_after": Ov("17:00", REASON)})
    n = cat.value("day.online_end_not_after")
    assert (n.value, n.override_reason, n.base_value) == ("17:00", REASON, "18:00")
    assert n.confidence == "override"
    assert n.citation == "СП 2.4.3648-20, п. 3.5.2; изменено локальным актом: " + REASON
    assert n.describe() == (
        "Окончание онлайн-уроков не позднее: 17:00 "
        "(СП 2.4.3648-20, п. 3.5.2; изменено локальным актом: Приказ № 45 от 28.11.2026)"
    )
    warnings = cat.warnings(DEC_1, date(2026, 12, 5))
    assert (
        "Локальный акт (Приказ № 45 от 28.11.2026): «Окончание онлайн-уроков не позднее» = 17:00 "
        "вместо 18:00 (СП 2.4.3648-20, п. 3.5.2)."
    ) in warnings
    # An overridden low-confidence value is no longer listed as unverified.
    assert not [w for w in warnings if "(day.online_end_not_after)" in w]


def test_order_override_accepts_short_key_planner_override_and_yaml_time() -> None:
    from planner.domain.order import Override

    # An unquoted 17:30 in YAML 1.1 reads as the integer 1050 (minutes); it is taken as 17:30.
    cat = NormCatalogue.load(
        on=DEC_1, overrides={"online_end_not_after": Override(value=1050, reason=REASON)}
    )
    assert cat.value("day.online_end_not_after").value == "17:30"


def test_override_survives_for_date() -> None:
    cat = NormCatalogue.load(on=DEC_1, overrides={"eso.per_lesson": Ov(25, REASON)})
    later = cat.for_date(date(2027, 2, 1))
    n = later.value("eso.per_lesson", grade=10, device="pc")
    assert (n.value, n.override_reason, n.base_value) == (25, REASON, 35)
    assert later.on == date(2027, 2, 1)


def test_order_override_unknown_key_or_bad_value_is_an_error() -> None:
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, overrides={"eso.per_lesons": Ov(25, REASON)})
    assert str(err.value) == (
        "Приказ, overrides.eso.per_lesons: неизвестный параметр норм «eso.per_lesons». "
        "Возможно, имелось в виду: eso.per_lesson. Список параметров — в data/norms/README.md."
    )
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, overrides={"eso.per_lesson": Ov("полчаса", REASON)})
    assert str(err.value) == (
        "Приказ, overrides.eso.per_lesson: значение 'полчаса' неверно: нужно целое число минут ≥ 0."
    )


def test_local_act_file_overrides_some_grades_and_flags_looser_value(tmp_path: Path) -> None:
    act = tmp_path / "school-act.yaml"
    act.write_text(
        "overrides:\n"
        "  eso.per_lesson:\n"
        '    - {value: 25, reason: "Приказ № 45 от 28.11.2026", grades: [5, 6, 7], device: pc}\n'
        '  break.min_minutes: {value: 5, reason: "Приказ № 46 от 28.11.2026"}\n',
        encoding="utf-8",
    )
    cat = NormCatalogue.load(on=DEC_1, extra_files=[act])
    g7 = cat.value("eso.per_lesson", grade=7, device="pc")
    assert (g7.value, g7.override_reason) == (25, REASON)
    assert cat.value("eso.per_lesson", grade=8, device="pc").override_reason is None
    assert cat.value("eso.per_lesson", grade=7, device="laptop").value == 30
    assert cat.warnings(DEC_1, DEC_1)[-2:] == [
        "Локальный акт (Приказ № 45 от 28.11.2026): «ЭСО на уроке», ПК, 5–7 кл. = 25 мин "
        "вместо 30 мин (СанПиН 1.2.3685-21, табл. 6.8).",
        "Локальный акт (Приказ № 46 от 28.11.2026): «Перемена не короче» = 5 мин вместо 10 мин "
        "(СП 2.4.3648-20, п. 3.4.16). Внимание: значение мягче нормы — проверьте, что приказ "
        "это допускает.",
    ]


def test_order_override_wins_over_local_act(tmp_path: Path) -> None:
    act = tmp_path / "act.yaml"
    act.write_text(
        'overrides:\n  break.min_minutes: {value: 15, reason: "Приказ № 1"}\n', encoding="utf-8"
    )
    cat = NormCatalogue.load(
        on=DEC_1, extra_files=[act], overrides={"break.min_minutes": Ov(12, "Приказ № 2")}
    )
    n = cat.value("break.min_minutes")
    assert (n.value, n.override_reason) == (12, "Приказ № 2")


def test_all_norms_lists_every_rule_with_citation(tmp_path: Path) -> None:
    cat = NormCatalogue.load(on=DEC_1, overrides={"break.min_minutes": Ov(15, REASON)})
    norms = cat.all_norms()
    by_text = {n.describe() for n in norms}
    assert (
        "ЭСО на уроке, ПК, 5–9 кл.: 30 мин (СанПиН 1.2.3685-21, табл. 6.8; достоверность: высокая)"
        in by_text
    )
    assert (
        "Трудность предмета, 7 кл., Химия: 13 баллов "
        "(СанПиН 1.2.3685-21, табл. 6.10; достоверность: высокая)" in by_text
    )
    assert (
        "Перемена не короче: 15 мин "
        "(СП 2.4.3648-20, п. 3.4.16; изменено локальным актом: Приказ № 45 от 28.11.2026)"
        in by_text
    )
    assert {n.key for n in norms} == set(cat.keys())
    assert all(n.citation and n.confidence for n in norms)


# --- expiry and successor sets ----------------------------------------------------------------


def test_window_crossing_sp_expiry_warns() -> None:
    cat = NormCatalogue.load(on=date(2026, 12, 20))
    warnings = cat.warnings(date(2026, 12, 20), date(2027, 1, 15))
    assert warnings[:2] == [
        "СП 2.4.3648-20 утрачивает силу 01.01.2027 — внутри периода 20.12.2026–15.01.2027; "
        "документа-преемника в каталоге нет, поэтому после этой даты его значения применяются "
        "как утратившие силу. Добавьте файл нового документа в data/norms "
        "(см. data/norms/README.md).",
        "СП 2.4.3648-20 утратил силу 01.01.2027, преемника в каталоге нет: 13 норм взято из "
        "утратившего силу документа. Добавьте файл нового документа в data/norms "
        "(см. data/norms/README.md).",
    ]
    assert not [w for w in cat.warnings(date(2026, 12, 1), date(2026, 12, 31)) if "утрат" in w]


def test_expired_document_is_used_with_mark_unless_strict(norms_copy: Path) -> None:
    jan = date(2027, 1, 15)
    cat = NormCatalogue.load(on=jan)
    n = cat.value("break.min_minutes")
    assert (n.value, n.expired) == (10, True)
    assert n.citation == "СП 2.4.3648-20, п. 3.4.16 (утратил силу 01.01.2027)"
    assert cat.name == "sanpin-1.2.3685-21+sp-2.4.3648-20(expired)+mr-2.4.0330-23@2027-01-15"
    strict = NormCatalogue.load(on=jan, directory=norms_copy, strict=True)
    with pytest.raises(CatalogueError) as err:
        strict.value("break.min_minutes")
    assert str(err.value) == (
        "Норма «break.min_minutes» на 15.01.2027 не действует (СП 2.4.3648-20); добавьте файл "
        "действующего документа в data/norms (см. README)."
    )


SUCCESSOR = """\
document:
  id: sp-2.4.9999-26
  name: "СП 2.4.9999-26"
  title: "Новые санитарные правила для организаций обучения"
  kind: norm
  rank: 20
  replaces: [sp-2.4.3648-20]
  effective_from: 2027-01-01
  effective_to: 2033-01-01
norms:
  break.min_minutes:
    title: Перемена не короче
    unit: min
    limit: lower
    item: п. 4.1
    source: "текст нового СП"
    confidence: high
    value: 15
"""


def test_successor_file_takes_over_without_code_change(norms_copy: Path) -> None:
    (norms_copy / "sp-2.4.9999-26.yaml").write_text(SUCCESSOR, encoding="utf-8")
    cat = NormCatalogue.load(on=date(2027, 1, 15), directory=norms_copy)
    n = cat.value("break.min_minutes")
    assert (n.value, n.document, n.item, n.expired) == (15, "СП 2.4.9999-26", "п. 4.1", False)
    assert n.effective_from == date(2027, 1, 1)
    assert cat.name == "sanpin-1.2.3685-21+sp-2.4.9999-26+mr-2.4.0330-23@2027-01-15"
    # Keys the successor does not define stay unavailable (the old СП is replaced, not expired).
    with pytest.raises(CatalogueError):
        cat.value("break.big_min_minutes")
    # Before the switch the old set is in force; a window across it names the successor file.
    before = cat.for_date(date(2026, 12, 28))
    assert before.value("break.min_minutes").value == 10
    assert before.warnings(date(2026, 12, 28), date(2027, 1, 15))[0] == (
        "СП 2.4.3648-20 действует по 31.12.2026 включительно; с 01.01.2027 нормы берутся из: "
        "СП 2.4.9999-26 (файл sp-2.4.9999-26.yaml)."
    )


# --- validation of the files ------------------------------------------------------------------


def test_shipped_files_load_and_cover_every_key() -> None:
    cat = NormCatalogue.load(on=DEC_1)
    assert cat.keys() == [
        "break.big_after_lessons",
        "break.big_applies_from_lessons",
        "break.big_min_minutes",
        "break.dynamic_pause_grades",
        "break.dynamic_pause_minutes",
        "break.min_minutes",
        "day.in_person_end_not_after",
        "day.online_end_not_after",
        "day.start_not_before",
        "difficulty.hard_positions",
        "difficulty.score",
        "eso.daily",
        "eso.per_lesson",
        "health.eye_gymnastics_after_lesson",
        "health.eye_gymnastics_minutes",
        "health.physical_break_minutes",
        "lesson.max_minutes",
        "lesson.online_max_minutes",
        "lessons.grade1_per_day",
        "lessons.max_per_day",
        "lessons.max_per_day_with_pe",
        "screen.continuous_max_minutes",
        "screen.homework_reserve_minutes",
        "subject.priority",
        "teacher.switch_buffer_minutes",
    ]


def test_bad_value_names_file_and_key(norms_copy: Path) -> None:
    path = norms_copy / "sanpin-1.2.3685-21.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "{device: pc, grades: 5-9, value: 30}", "{device: pc, grades: 5-9, value: тридцать}"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert str(err.value) == (
        f"Файл {path}, ключ «eso.per_lesson, полоса 3»: значение 'тридцать' неверно: нужно "
        "целое число минут ≥ 0."
    )
    assert (err.value.file, err.value.key) == (str(path), "eso.per_lesson, полоса 3")


def test_yaml_syntax_error_names_file_line_and_key(norms_copy: Path) -> None:
    path = norms_copy / "sp-2.4.3648-20.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    value: 10\n", "    value: [10\n", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert err.value.key == "break.min_minutes"
    assert str(err.value).startswith(f"Файл {path}, ключ «break.min_minutes»: строка ")
    assert "ошибка YAML" in str(err.value)


def test_duplicate_key_is_an_error(norms_copy: Path) -> None:
    path = norms_copy / "planner-settings.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "norms:\n",
            "norms:\n  teacher.switch_buffer_minutes:\n    title: x\n    unit: min\n"
            "    confidence: setting\n    value: 1\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert "ключ «teacher.switch_buffer_minutes» повторяется" in str(err.value)
    assert str(err.value).startswith(f"Файл {path}")


def test_overlapping_bands_are_an_error(norms_copy: Path) -> None:
    path = norms_copy / "sp-2.4.3648-20.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("- {grades: 5-6, value: 6}", "- {grades: 4-6, value: 6}", 1), encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert str(err.value) == (
        f"Файл {path}, ключ «lessons.max_per_day»: полосы 2 и 3 пересекаются (одни и те же "
        "классы, устройство, режим и месяцы); разделите их."
    )


def test_unknown_confidence_and_missing_dates_are_errors(norms_copy: Path) -> None:
    path = norms_copy / "mr-2.4.0330-23.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("confidence: low\n", "confidence: maybe\n", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert str(err.value) == (
        f"Файл {path}, ключ «health.eye_gymnastics_minutes»: confidence «maybe» неизвестна; "
        "допустимые: high, medium-high, medium, medium-low, low-medium, low, setting."
    )
    path.write_text(text.replace("  effective_from: 2023-08-29\n", ""), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, directory=norms_copy)
    assert str(err.value) == (
        f"Файл {path}, ключ «document.effective_from»: обязательное поле не заполнено."
    )


def test_local_act_override_without_reason_is_an_error(tmp_path: Path) -> None:
    act = tmp_path / "act.yaml"
    act.write_text("overrides:\n  break.min_minutes: {value: 15}\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, extra_files=[act])
    assert str(err.value) == (
        f"Файл {act}, ключ «overrides.break.min_minutes»: нужны value и reason (номер и дата "
        'приказа), например {value: 25, reason: "Приказ № 45 от 28.11.2026"}.'
    )


def test_local_act_document_may_add_keys_but_not_replace_norms(tmp_path: Path) -> None:
    act = tmp_path / "school-norms.yaml"
    head = (
        'document:\n  id: school-45\n  name: "Положение школы № 45"\n  kind: local-act\n'
        "  effective_from: 2026-09-01\nnorms:\n"
    )
    act.write_text(
        head + "  school.online_lessons_max:\n    title: Онлайн-уроков в день не более\n"
        "    unit: lessons\n    item: п. 2.1\n    confidence: setting\n    value: 4\n",
        encoding="utf-8",
    )
    cat = NormCatalogue.load(on=DEC_1, extra_files=[act])
    n = cat.value("school.online_lessons_max")
    assert (n.value, n.citation) == (4, "Положение школы № 45, п. 2.1")
    act.write_text(
        head + "  break.min_minutes:\n    title: Перемена\n    unit: min\n    item: п. 2.2\n"
        "    confidence: setting\n    value: 5\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        NormCatalogue.load(on=DEC_1, extra_files=[act])
    assert str(err.value) == (
        f"Файл {act}, ключ «break.min_minutes»: ключ уже задан документом СП 2.4.3648-20; чтобы "
        "изменить значение локальным актом, запишите его в раздел overrides с reason (см. README)."
    )


def test_warnings_narrowed_to_the_order_bands(cat: NormCatalogue) -> None:
    low = [
        w
        for w in cat.warnings(DEC_1, date(2026, 12, 5), grades=[5, 6], device="pc", policy="home")
        if w.startswith("Низкая")
    ]
    tail = (
        "Значение не сверено с официальным текстом документа; если в школе действует свой "
        "локальный акт, задайте значение в приказе, в разделе «Значения локального акта»."
    )
    assert low == [
        f"Низкая достоверность: «Окончание онлайн-уроков не позднее» — 18:00 "
        f"(СП 2.4.3648-20, п. 3.5.2). {tail}",
        f"Низкая достоверность: «Трудность предмета» — 5–9 кл.: ОБЖ "
        f"(СанПиН 1.2.3685-21, табл. 6.10). {tail}",
        f"Низкая достоверность: «Гимнастика для глаз» — 2 мин "
        f"(МР 2.4.0330-23, текст не проверен). {tail}",
        f"Низкая достоверность: «Физкультминутка» — 2 мин "
        f"(МР 2.4.0330-23, текст не проверен). {tail}",
        f"Низкая достоверность: «Длительность онлайн-урока не более» — "
        f"40 мин (СП 2.4.3648-20, п. 3.5.2). {tail}",
    ]
    # no catalogue key and no YAML section name reaches the deputy director
    assert not any(re.search(r"\([a-z_]+(\.[a-z_]+)*\)", w) for w in low)
