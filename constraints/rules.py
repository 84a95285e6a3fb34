"""Every rule of the remote rebuild, listed once: hard rules, then soft rules with their weight.

The solver builds the model from this list in this order; the checker runs every hard rule's
check; the hand plan and quick feasibility tests call the class-day rules' predicates
(:func:`day_ok`). ``docs/rules.md`` is generated from this registry
(``python -m constraints.rules_doc``).
"""

from __future__ import annotations

from collections.abc import Iterable

from constraints import (
    breaks,
    completeness,
    coverage,
    day_window,
    difficulty,
    family,
    lengths,
    lesson_count,
    order_minimums,
    overlap,
    screen_time,
    stability,
    teachers,
)
from constraints.base import Rule
from constraints.class_day import ClassDay
from constraints.limits import Limits

SP = "СП 2.4.3648-20, п. 3.4.16"
T68 = "СанПиН 1.2.3685-21, табл. 6.8"

# Hard
HARD_RULES: tuple[Rule, ...] = (
    Rule("day_window",
         "Окно дня: с {day.start_not_before}, онлайн до {day.online_end_not_after}, "
         "очно до {day.in_person_end_not_after}",
         f"{SP}; СанПиН 1.2.3685-21, табл. 6.6; СП 2.4.3648-20, п. 3.5.2", True,
         day_window.build_day_window, day_window.check_day_window,
         holds=day_window.day_window_holds,
         keys=("day.start_not_before", "day.online_end_not_after",
               "day.in_person_end_not_after")),
    Rule("online_lesson_length",
         "Длина онлайн-урока не больше нормы ЭСО за урок, {lesson.online_max_minutes} "
         "и длины урока класса",
         f"{T68}; СП 2.4.3648-20, п. 3.5.2; табл. 6.6", True,
         lengths.build_online_lesson_length, lengths.check_online_lesson_length,
         holds=lengths.online_lesson_length_holds,
         keys=("eso.per_lesson", "lesson.online_max_minutes", "lesson.max_minutes")),
    Rule("daily_screen_time", "Экранное время за день не больше суммарной нормы ЭСО", T68, True,
         screen_time.build_daily_screen_time, screen_time.check_daily_screen_time,
         holds=screen_time.daily_screen_time_holds,
         keys=("eso.daily", "screen.homework_reserve_minutes")),
    Rule("lessons_per_day", "Не больше уроков в день, чем положено классу", SP, True,
         lesson_count.build_lessons_per_day, lesson_count.check_lessons_per_day,
         holds=lesson_count.lessons_per_day_holds,
         keys=("lessons.max_per_day", "lessons.max_per_day_with_pe", "lessons.grade1_per_day")),
    Rule("breaks_min", "Перемена между онлайн-уроками не меньше {break.min_minutes}", SP, True,
         breaks.build_breaks_min, breaks.check_breaks_min, holds=breaks.breaks_min_holds,
         keys=("break.min_minutes",)),
    Rule("big_break",
         "Большая перемена не меньше {break.big_min_minutes} после урока № "
         "{break.big_after_lessons}, если в день {break.big_applies_from_lessons} и больше",
         SP, True, breaks.build_big_break, breaks.check_big_break,
         holds=breaks.big_break_holds,
         keys=("break.big_min_minutes", "break.big_after_lessons",
               "break.big_applies_from_lessons")),
    Rule("dynamic_pause",
         "Динамическая пауза не меньше {break.dynamic_pause_minutes} в середине дня; "
         "кому положена: {break.dynamic_pause_grades}",
         SP, True, breaks.build_dynamic_pause, breaks.check_dynamic_pause,
         holds=breaks.dynamic_pause_holds,
         keys=("break.dynamic_pause_minutes", "break.dynamic_pause_grades")),
    Rule("teacher_no_overlap",
         "Учитель не ведёт два урока сразу; {teacher.switch_buffer_minutes} на переход "
         "очно↔онлайн",
         "организация расписания; буфер — локальная настройка", True,
         overlap.build_teacher_no_overlap, overlap.check_teacher_no_overlap,
         keys=("teacher.switch_buffer_minutes",)),
    Rule("class_no_overlap", "У класса один урок в каждый момент (кроме разных подгрупп)",
         "организация расписания", True,
         overlap.build_class_no_overlap, overlap.check_class_no_overlap),
    Rule("keep_in_person", "Классы вне приказа учатся очно по обычному расписанию", "приказ", True,
         completeness.build_structural, completeness.check_keep_in_person),
    Rule("nothing_lost", "Каждый урок на месте: онлайн или самостоятельно, в тот же день",
         "приказ; учебный план", True,
         completeness.build_structural, completeness.check_nothing_lost),
    Rule("must_online", "Уроки, которые приказ требует провести онлайн", "приказ", True,
         order_minimums.build_must_online, order_minimums.check_must_online),
    Rule("min_online_per_day", "Минимум онлайн-уроков в день по приказу", "приказ", True,
         order_minimums.build_min_online_per_day, order_minimums.check_min_online_per_day),
)  # fmt: skip

# Soft
SOFT_RULES: tuple[Rule, ...] = (
    Rule("online_coverage", "Больше онлайн-минут, важные предметы первыми",
         "СанПиН 1.2.3685-21, табл. 6.8 (предел)", False, coverage.build_online_coverage,
         weight="online_coverage", keys=("subject.priority",)),
    Rule("weekly_contact", "Каждый предмет от 2 ч в неделю — хотя бы раз онлайн за неделю",
         "учебный план", False, coverage.build_weekly_contact, weight="weekly_contact"),
    Rule("minimal_change", "Время начала близко к обычному (или прошлой версии)",
         "удобство семей и учителей", False, stability.build_minimal_change,
         weight="minimal_change"),
    Rule("stability", "При пересчёте формат уроков меняется как можно реже",
         "удобство семей и учителей", False, stability.build_stability, weight="stability"),
    Rule("difficulty", "Трудные предметы — на уроках, лучших для класса по шкале трудности",
         "СанПиН 1.2.3685-21, табл. 6.9–6.11", False, difficulty.build_difficulty,
         weight="difficulty", keys=("difficulty.score", "difficulty.hard_positions")),
    Rule("teacher_gaps", "Меньше «окон» у учителей", "удобство учителей", False,
         teachers.build_teacher_gaps, weight="teacher_gaps"),
    Rule("sibling_overlap", "Братья и сёстры (один компьютер) не онлайн одновременно",
         "приказ: sibling_classes", False, family.build_sibling_overlap,
         weight="sibling_overlap"),
    Rule("stagger_starts", "Параллельные классы начинают день в разное время",
         "приказ: stagger_starts", False, family.build_stagger_starts, weight="stagger_starts"),
)  # fmt: skip

ALL_RULES = HARD_RULES + SOFT_RULES
RULES_BY_ID = {r.id: r for r in ALL_RULES}

#: the class-day rules: each has a plain predicate over a ClassDay (``Rule.holds``)
DAY_RULES: tuple[Rule, ...] = tuple(r for r in HARD_RULES if r.holds is not None)


def day_problems(day: ClassDay, limits: Limits, rules: Iterable[Rule] = DAY_RULES) -> list[str]:
    """The ids of the class-day rules ``day`` breaks, in rule order (empty: the day is legal)."""
    return [r.id for r in rules if r.holds is not None and not r.holds(day, limits)]


def day_ok(day: ClassDay, limits: Limits, rules: Iterable[Rule] = DAY_RULES) -> bool:
    """Does ``day`` keep every class-day rule of ``rules``? (Stops at the first broken one.)"""
    return all(r.holds is None or r.holds(day, limits) for r in rules)
