"""Every rule of the remote rebuild, listed once: hard rules, then soft rules with their weight.

The solver builds the model from this list in this order; the checker runs every hard rule's
check. ``docs/solver.md`` carries the same table for people.
"""

from __future__ import annotations

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

SP = "СП 2.4.3648-20, п. 3.4.16"
T68 = "СанПиН 1.2.3685-21, табл. 6.8"

# Hard
HARD_RULES: tuple[Rule, ...] = (
    Rule("day_window", "Окно дня: с 08:00, онлайн до 18:00, очно до 19:00",
         f"{SP}; СанПиН 1.2.3685-21, табл. 6.6; СП 2.4.3648-20, п. 3.5.2", True,
         day_window.build_day_window, day_window.check_day_window),
    Rule("online_lesson_length", "Длина онлайн-урока не больше нормы ЭСО и 40 мин",
         f"{T68}; СП 2.4.3648-20, п. 3.5.2; табл. 6.6", True,
         lengths.build_online_lesson_length, lengths.check_online_lesson_length),
    Rule("daily_screen_time", "Экранное время за день не больше суммарной нормы ЭСО", T68, True,
         screen_time.build_daily_screen_time, screen_time.check_daily_screen_time),
    Rule("lessons_per_day", "Не больше уроков в день, чем положено классу", SP, True,
         lesson_count.build_lessons_per_day, lesson_count.check_lessons_per_day),
    Rule("breaks_min", "Перемена между онлайн-уроками не меньше 10 мин", SP, True,
         breaks.build_breaks_min, breaks.check_breaks_min),
    Rule("big_break", "Большая перемена после 2-го или 3-го урока, если уроков 4 и больше", SP,
         True, breaks.build_big_break, breaks.check_big_break),
    Rule("dynamic_pause", "Динамическая пауза 40 мин в середине дня у 1 класса", SP, True,
         breaks.build_dynamic_pause, breaks.check_dynamic_pause),
    Rule("teacher_no_overlap", "Учитель не ведёт два урока сразу; 5 мин на переход очно↔онлайн",
         "организация расписания; буфер — локальная настройка", True,
         overlap.build_teacher_no_overlap, overlap.check_teacher_no_overlap),
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
         weight="online_coverage"),
    Rule("weekly_contact", "Каждый предмет от 2 ч в неделю — хотя бы раз онлайн за неделю",
         "учебный план", False, coverage.build_weekly_contact, weight="weekly_contact"),
    Rule("minimal_change", "Время начала близко к обычному (или прошлой версии)",
         "удобство семей и учителей", False, stability.build_minimal_change,
         weight="minimal_change"),
    Rule("stability", "При пересчёте формат уроков меняется как можно реже",
         "удобство семей и учителей", False, stability.build_stability, weight="stability"),
    Rule("difficulty", "Трудные предметы — на 2–4 уроке",
         "СанПиН 1.2.3685-21, табл. 6.9–6.11", False, difficulty.build_difficulty,
         weight="difficulty"),
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
