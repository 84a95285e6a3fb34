"""Class chat messages: content, no links, splitting into numbered parts."""

from __future__ import annotations

from planner.engine.changes import diff_schedules
from planner.exports.chat import (
    MAX_MESSAGE,
    PART_SEPARATOR,
    class_message,
    split_message,
    write_chat_messages,
)

from .school import TUE, changed, remote_schedule, school_timetable, t


def test_message_lists_days_formats_and_health():
    text = class_message(remote_schedule(), "5А", timetable=school_timetable())
    lines = text.split("\n")
    assert lines[0] == "5А: дистанционное обучение с 01.12 по 08.12.2026"
    i = lines.index("Вторник, 01.12 — онлайн-уроков: 3 из 5")
    assert lines[i + 1 : i + 8] == [
        "08:30–09:00 Математика — онлайн (Иванова И.И.)",
        "   на уроке: гимнастика для глаз в 08:45, физкультминутка в 08:52",
        "09:05–09:10 гимнастика для глаз (без экрана)",
        "09:20–09:50 Английский язык (англ-1) — онлайн (Смит Д.Д.)",
        "09:25–10:10 Английский язык (англ-2) — самостоятельно, без видеосвязи",
        "10:30–11:15 Русский язык — самостоятельно, без видеосвязи",
        "11:25–11:55 Хор — онлайн, вместе с 5Б (Сидорова С.С.)",
    ]
    assert "Среда, 02.12 — онлайн-уроков: 1 из 2" in lines
    assert "Памятка для родителей:" in lines


def test_message_has_no_call_links():
    text = class_message(remote_schedule(), "5А", timetable=school_timetable())
    assert "http" not in text and "sferum" not in text and "vk.com" not in text


def test_update_message_lists_changes_of_this_class_only():
    before = remote_schedule()
    after = changed(before, {"subject": "История", "date": TUE}, start=t("08:40"), end=t("09:10"))
    since = diff_schedules(before, after)
    b = class_message(after, "5Б", since_previous=since, version=4).split("\n")
    assert b[3:5] == [
        "Обновление расписания (версия 4). Изменилось:",
        "• 01.12 (Вт), «История»: время: 08:30–09:00 → 08:40–09:10",
    ]
    a = class_message(after, "5А", since_previous=since, version=4).split("\n")
    assert a[3] == "Обновление расписания (версия 4). Для 5А изменений нет."


def test_short_text_is_one_unnumbered_part():
    assert split_message("a\nb") == ["a\nb"]


def test_long_text_splits_at_line_boundaries_into_numbered_parts():
    lines = [f"строка {i:04d} " + "х" * 80 for i in range(120)]
    text = "\n".join(lines)
    parts = split_message(text)
    assert len(parts) == 3
    assert [p.split("\n", 1)[0] for p in parts] == [
        "(1/3) Часть 1 из 3",
        "(2/3) Часть 2 из 3",
        "(3/3) Часть 3 из 3",
    ]
    assert all(len(p) <= MAX_MESSAGE for p in parts)
    assert [line for p in parts for line in p.split("\n")[1:]] == lines


def test_overlong_line_is_cut_hard():
    parts = split_message("я" * 5000, limit=4096)
    assert [len(p) <= 4096 for p in parts] == [True, True]
    assert "".join(p.split("\n", 1)[1] for p in parts) == "я" * 5000


def test_write_one_file_per_class(tmp_path):
    paths = write_chat_messages(
        tmp_path, remote_schedule(), slugs={"5А": "5a", "5Б": "5b"}, timetable=school_timetable()
    )
    assert [p.name for p in paths] == ["5a.txt", "5b.txt"]
    text = paths[1].read_text(encoding="utf-8")
    assert text.startswith("5Б: дистанционное обучение")
    assert PART_SEPARATOR not in text


def _with_materials(schedule):
    """Russian (self-study) and Математика (online) of 5А on Tuesday with a recording and a task."""
    from dataclasses import replace

    def attach(i):
        if i.class_name == "5А" and i.date == TUE and i.subject in ("Русский язык", "Математика"):
            return replace(i, recording_url=f"https://rec.example/{i.subject[:3]}",
                           assignment="§12, упр. 3")  # fmt: skip
        return i

    return schedule.with_items(attach(i) for i in schedule.items)


def test_message_shows_recordings_and_assignments_self_study_always_online_as_alternative():
    text = class_message(_with_materials(remote_schedule()), "5А", timetable=school_timetable())
    lines = text.split("\n")
    i = lines.index("10:30–11:15 Русский язык — самостоятельно, без видеосвязи")
    assert lines[i + 1 : i + 3] == [
        "   запись урока: https://rec.example/Рус",
        "   задание: §12, упр. 3",
    ]
    i = lines.index("08:30–09:00 Математика — онлайн (Иванова И.И.)")
    assert lines[i + 1] == (
        "   если не получается подключиться — запись урока: https://rec.example/Мат; "
        "задание: §12, упр. 3"
    )


def _day(d: int, n: int) -> str:
    lines = [f"Понедельник, {d:02d}.12 — онлайн-уроков: {n} из {n}"]
    for k in range(n):
        lines += [
            f"08:{k:02d}–08:30 Урок {k} — онлайн (Учитель {k})" + " х" * 30,
            f"   на уроке: гимнастика для глаз в 08:{k:02d}, физкультминутка в 08:{k:02d}",
        ]
    return "\n".join(lines)


def test_long_message_keeps_each_day_whole_in_one_part_and_says_which():
    days = [_day(d, 14) for d in range(7, 12)]  # ~1,900 characters a day
    text = "\n\n".join(["5А: дистанционное обучение", *days, "Памятка для родителей:"])
    parts = split_message(text)
    assert len(parts) > 1 and all(len(p) <= MAX_MESSAGE for p in parts)
    for day in days:  # every day is in exactly one part, whole
        assert sum(day in p for p in parts) == 1
    heads = [p.split("\n", 1)[0] for p in parts]
    for part, head in zip(parts, heads, strict=True):  # the heading names the part's days
        held = [f"{d:02d}.12" for d, day in zip(range(7, 12), days, strict=True) if day in part]
        assert head.endswith(", дни: " + ", ".join(held))
    assert all(h.startswith(f"({k}/{len(parts)}) Часть {k} из") for k, h in enumerate(heads, 1))


def test_health_slots_are_told_once_per_lesson_time():
    from dataclasses import replace

    from planner.domain.schedule import ScheduleItem

    schedule = remote_schedule()
    items = []
    for i in schedule.items:
        if (i.class_name, i.date, i.subject, i.group) == ("5А", TUE, "Английский язык", "англ-2"):
            i = replace(i, format="online", start=t("09:20"), end=t("09:50"))  # both groups at once
        items.append(i)
    items += [
        ScheduleItem(date=TUE, class_name="5А", kind="eye_gymnastics", start=t("09:35"),
                     end=t("09:37")),
        ScheduleItem(date=TUE, class_name="5А", kind="eye_gymnastics", start=t("09:50"),
                     end=t("09:52")),
    ]  # fmt: skip
    text = class_message(schedule.with_items(items), "5А", timetable=school_timetable())
    lines = text.split("\n")
    i = lines.index("Вторник, 01.12 — онлайн-уроков: 4 из 5")
    assert lines[i + 1 : i + 7] == [
        "08:30–09:00 Математика — онлайн (Иванова И.И.)",
        "   на уроке: гимнастика для глаз в 08:45, физкультминутка в 08:52",
        "09:05–09:10 гимнастика для глаз (без экрана)",
        "09:20–09:50 Английский язык (англ-1) — онлайн (Смит Д.Д.)",
        "09:20–09:50 Английский язык (англ-2) — онлайн (Петрова А.А.)",
        "   на уроке: гимнастика для глаз в 09:35 и после урока в 09:50",
    ]
    assert sum("гимнастика" in line for line in lines[i : i + 9]) == 3
