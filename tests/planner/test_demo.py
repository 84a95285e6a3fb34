"""The demo school: structure, curriculum, norms, no clashes, files, orders, reproducibility."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, time
from pathlib import Path

import pytest

from planner.app.demo import (
    BELLS_GRADE_1,
    BELLS_SHIFT_1,
    BELLS_SHIFT_2,
    _data,
    _plural_classes,
    _windows,
    bell_schedules,
    build_demo_school,
    curriculum,
    daily_max,
    day_lengths,
    demo_orders,
    demo_week,
    order_yaml,
    teacher_profiles,
    weekly_max,
    write_demo_school,
)
from planner.domain.model import BaseLesson, Timetable, minutes, sort_class_names
from planner.domain.order import load_order, parse_order
from planner.engine.clashes import find_clashes
from planner.exports.flat import flat_csv_bytes
from planner.imports import load_timetable

MEDIUM_CLASSES = [f"{g}{x}" for g in range(1, 12) for x in "АБВ"]


@pytest.fixture(scope="module")
def medium() -> Timetable:
    return build_demo_school("medium", 1)


@pytest.fixture(scope="module")
def small() -> Timetable:
    return build_demo_school("small", 1)


@pytest.fixture(scope="module")
def medium_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-medium")
    write_demo_school(out, "medium", 1)
    return out


# --- curriculum ------------------------------------------------------------------------------


def test_curriculum_weekly_totals_per_grade() -> None:
    totals = {g: sum(hours.values()) for g, hours in curriculum().items()}
    assert totals == {1: 20, 2: 23, 3: 23, 4: 23, 5: 27, 6: 29, 7: 30, 8: 31, 9: 32, 10: 31, 11: 30}


def test_curriculum_within_sanpin_weekly_and_daily_maxima() -> None:
    assert weekly_max() == {1: 21, 2: 23, 3: 23, 4: 23, 5: 29, 6: 30, 7: 32, 8: 33, 9: 33,
                            10: 34, 11: 34}  # fmt: skip
    assert daily_max() == {1: 4, 2: 5, 3: 5, 4: 5, 5: 6, 6: 6, 7: 7, 8: 7, 9: 7, 10: 7, 11: 7}
    for grade, hours in curriculum().items():
        total = sum(hours.values())
        assert total <= weekly_max()[grade], grade
        assert max(day_lengths(total).values()) <= daily_max()[grade], grade


def test_grade_one_plan_is_the_federal_one() -> None:
    assert curriculum()[1] == {
        "Русский язык": 5,
        "Литературное чтение": 4,
        "Математика": 4,
        "Окружающий мир": 2,
        "ИЗО": 1,
        "Музыка": 1,
        "Труд (технология)": 1,
        "Физическая культура": 2,
    }


def test_day_lengths_are_even_with_tuesday_and_wednesday_longest() -> None:
    assert day_lengths(23) == {1: 5, 2: 5, 3: 5, 4: 4, 5: 4}
    assert day_lengths(31) == {1: 6, 2: 7, 3: 6, 4: 6, 5: 6}
    assert day_lengths(20) == {1: 4, 2: 4, 3: 4, 4: 4, 5: 4}


# --- structure -------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "count"), [("small", 9), ("medium", 33)], ids=["small", "medium"])
def test_class_count_per_size(size: str, count: int) -> None:
    assert len(build_demo_school(size, 1).classes) == count


def test_small_school_is_one_class_per_grade_1_to_9(small: Timetable) -> None:
    assert sort_class_names(small.classes) == [f"{g}А" for g in range(1, 10)]


def test_medium_school_classes_shifts_and_bells(medium: Timetable) -> None:
    assert sort_class_names(medium.classes) == MEDIUM_CLASSES
    for name, c in medium.classes.items():
        if c.grade == 3:
            assert (c.shift, c.bell_schedule) == (2, BELLS_SHIFT_2), name
        elif c.grade == 1:
            assert (c.shift, c.bell_schedule) == (1, BELLS_GRADE_1), name
        else:
            assert (c.shift, c.bell_schedule) == (1, BELLS_SHIFT_1), name
    assert medium.classes["7Б"].subgroups == (
        "англ-1",
        "англ-2",
        "инф-1",
        "инф-2",
        "тех-1",
        "тех-2",
    )
    assert medium.classes["5А"].subgroups == ("англ-1", "англ-2", "тех-1", "тех-2")
    assert medium.classes["10А"].subgroups == ("англ-1", "англ-2", "инф-1", "инф-2")
    assert medium.classes["4В"].subgroups == ()
    assert medium.school.days_per_week == 5
    assert medium.school.name == "Демонстрационная средняя школа (33 класса)"


def _hhmm(schedule: str) -> list[tuple[str, str]]:
    return [
        (b.start.strftime("%H:%M"), b.end.strftime("%H:%M"))
        for b in bell_schedules()[schedule].bells
    ]


def test_bells_follow_sp_3_4_16() -> None:
    assert _hhmm(BELLS_SHIFT_1) == [
        ("08:00", "08:45"),
        ("08:55", "09:40"),
        ("10:00", "10:45"),
        ("11:05", "11:50"),
        ("12:00", "12:45"),
        ("12:55", "13:40"),
        ("13:50", "14:35"),
    ]
    assert _hhmm(BELLS_GRADE_1) == [
        ("08:00", "08:35"),
        ("08:45", "09:20"),
        ("10:00", "10:35"),
        ("10:45", "11:20"),
        ("11:30", "12:05"),
    ]
    assert _hhmm(BELLS_SHIFT_2) == [
        ("13:00", "13:45"),
        ("13:55", "14:40"),
        ("15:00", "15:45"),
        ("16:05", "16:50"),
        ("17:00", "17:45"),
        ("17:55", "18:40"),
    ]
    for schedule in bell_schedules().values():
        bells = schedule.bells
        assert minutes(bells[0].start) >= 8 * 60
        assert minutes(bells[-1].end) <= 19 * 60
        assert all(b.length <= 45 for b in bells)
        assert all(minutes(b.start) - minutes(a.end) >= 10 for a, b in itertools.pairwise(bells))


def test_timetable_carries_all_three_bell_schedules(medium: Timetable) -> None:
    assert sorted(medium.bell_schedules) == sorted([BELLS_GRADE_1, BELLS_SHIFT_1, BELLS_SHIFT_2])
    for lesson in medium.lessons:
        bells = medium.bell_schedules[medium.classes[lesson.classes[0]].bell_schedule or ""]
        bell = bells.bell(lesson.lesson)
        assert bell is not None
        assert (bell.start, bell.end) == (lesson.start, lesson.end)


def test_second_shift_shares_first_grade_homerooms(medium: Timetable) -> None:
    def rooms(c: str) -> set[str | None]:
        return {x.room for x in medium.lessons_of_class(c) if x.subject == "Русский язык"}

    assert rooms("1А") == rooms("3А") == {"101"}
    assert rooms("1В") == rooms("3В") == {"103"}
    assert max(x.end for x in medium.lessons_of_class("1А")) <= time(11, 20)
    assert min(x.start for x in medium.lessons_of_class("3А")) == time(13, 0)


# --- hours and loads -------------------------------------------------------------------------


def _hours(tt: Timetable) -> dict[tuple[str, str, str | None], int]:
    out: Counter[tuple[str, str, str | None]] = Counter()
    for x in tt.lessons:
        for c in x.classes:
            out[c, x.subject, x.group] += 1
    return dict(out)


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_weekly_hours_of_every_class_equal_the_curriculum(size: str) -> None:
    tt = build_demo_school(size, 1)
    abbr = _data("curriculum.yaml")["subgroups"]
    expected: dict[tuple[str, str, str | None], int] = {}
    for name, c in tt.classes.items():
        assert c.grade is not None
        for subject, hours in curriculum()[c.grade].items():
            if c.grade >= 5 and subject in abbr:
                for k in (1, 2):
                    expected[name, subject, f"{abbr[subject]}-{k}"] = hours
            else:
                expected[name, subject, None] = hours
    assert _hours(tt) == expected


def test_subgroups_run_at_once_with_different_teachers_and_rooms(medium: Timetable) -> None:
    halves: dict[tuple[int, int, tuple[str, ...], str], list[BaseLesson]] = defaultdict(list)
    for x in medium.lessons:
        if x.group:
            halves[x.day, x.lesson, x.classes, x.subject].append(x)
    assert len(halves) == sum(
        h for (c, s, g), h in _hours(medium).items() if g and g.endswith("-1")
    )
    for pair in halves.values():
        assert sorted(x.group[-1] for x in pair if x.group) == ["1", "2"]
        assert pair[0].teachers != pair[1].teachers
        assert pair[0].room != pair[1].room


def test_combined_elective_for_two_classes(medium: Timetable) -> None:
    combined = sorted(
        (x.classes, x.subject, x.teachers) for x in medium.lessons if len(x.classes) > 1
    )
    assert [(c, s) for c, s, _t in combined] == [
        (("10А", "10Б"), "Элективный курс по математике"),
        (("11А", "11Б"), "Элективный курс по математике"),
    ]
    alone = [x for x in medium.lessons_of_class("10В") if x.subject.startswith("Элективный")]
    assert [x.classes for x in alone] == [("10В",)]


def _loads(tt: Timetable) -> Counter[str]:
    return Counter(t for x in tt.lessons for t in x.teachers)


def test_medium_teacher_loads_between_18_and_27(medium: Timetable) -> None:
    loads = _loads(medium)
    assert len(loads) == 46
    assert min(loads.values()) >= 18
    assert max(loads.values()) <= 27


def test_large_teacher_loads_between_18_and_27() -> None:
    loads = _loads(build_demo_school("large", 1))
    assert len(loads) == 79
    assert (min(loads.values()), max(loads.values())) == (18, 25)


def test_small_school_shares_teachers_between_related_profiles() -> None:
    profiles = Counter(teacher_profiles("small", 1).values())
    assert profiles == {
        "Начальные классы": 4,
        "Русский язык и литература": 2,
        "Математика, физика и информатика": 2,
        "Английский язык": 2,
        "История и обществознание": 1,
        "Биология, химия и география": 1,
        "Физическая культура и ОБЗР": 1,
        "Технология, ИЗО и музыка": 2,
    }


def test_primary_teacher_teaches_her_class_except_english_and_pe(medium: Timetable) -> None:
    profiles = teacher_profiles("medium", 1)
    assert Counter(profiles.values())["Начальные классы"] == 12
    for c in ("1А", "2Б", "3В", "4А"):
        by_subject = defaultdict(set)
        for x in medium.lessons_of_class(c):
            by_subject[x.subject].update(x.teachers)
        own = {t for s, ts in by_subject.items() for t in ts if s == "Русский язык"}
        assert len(own) == 1
        (teacher,) = own
        assert profiles[teacher] == "Начальные классы"
        for subject, ts in by_subject.items():
            if subject in ("Английский язык", "Физическая культура"):
                assert teacher not in ts
            else:
                assert ts == {teacher}, (c, subject)
        assert _loads(medium)[teacher] == 18


def test_specialists_teach_only_their_profile(medium: Timetable) -> None:
    profiles = teacher_profiles("medium", 1)
    titles = {p["title"]: set(p["subjects"]) for p in _data("curriculum.yaml")["profiles"]}
    for x in medium.lessons:
        (teacher,) = x.teachers
        if profiles[teacher] != "Начальные классы":
            assert x.subject in titles[profiles[teacher]]


def test_teacher_names_are_unique_fio_with_initials(medium: Timetable) -> None:
    pattern = re.compile(r"^[А-ЯЁ][а-яё]+ [А-ЯЁ]\.[А-ЯЁ]\.$")
    assert all(pattern.match(t) for t in medium.teachers), medium.teachers
    assert len(set(medium.teachers)) == len(medium.teachers) == 46


# --- the timetable's rules -------------------------------------------------------------------


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_no_teacher_or_class_clash(size: str) -> None:
    assert find_clashes(build_demo_school(size, 1).lessons, "demo") == []


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_no_room_clash(size: str) -> None:
    tt = build_demo_school(size, 1)
    by_room: dict[tuple[str, int], list[BaseLesson]] = defaultdict(list)
    for x in tt.lessons:
        assert x.room
        by_room[x.room, x.day].append(x)
    for items in by_room.values():
        items.sort(key=lambda x: x.start_min)
        for a, b in itertools.pairwise(items):
            assert a.end_min <= b.start_min, (a, b)


def test_room_check_would_see_a_clash(medium: Timetable) -> None:
    x = medium.lessons[0]
    clash = BaseLesson(x.day, x.lesson, x.start, x.end, ("5А",), "Физика", ("Кто-то К.К.",),
                       None, x.room)  # fmt: skip
    assert len(find_clashes([*medium.lessons, clash], "demo")) >= 1


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_days_have_no_gaps_and_keep_the_daily_limits(size: str) -> None:
    tt = build_demo_school(size, 1)
    for name, c in tt.classes.items():
        assert c.grade is not None
        total = sum(curriculum()[c.grade].values())
        for d in (1, 2, 3, 4, 5):
            numbers = sorted({x.lesson for x in tt.lessons_of_class(name, d)})
            assert numbers == list(range(1, day_lengths(total)[d] + 1)), (name, d)
            assert len(numbers) <= daily_max()[c.grade]
        assert {x.day for x in tt.lessons_of_class(name)} == {1, 2, 3, 4, 5}


def test_grade_one_has_four_lessons_every_day(medium: Timetable) -> None:
    for d in range(1, 6):
        assert len(list(medium.lessons_of_class("1Б", d))) == 4


def test_at_most_two_lessons_of_a_subject_a_day(medium: Timetable) -> None:
    per_day = Counter((c, x.day, x.subject, x.group) for x in medium.lessons for c in x.classes)
    assert max(per_day.values()) == 2
    hours = _hours(medium)
    for (c, _d, subject, group), n in per_day.items():
        if hours[c, subject, group] <= 5:
            assert n == 1, (c, subject)


def test_hard_subjects_are_rarely_last(medium: Timetable) -> None:
    difficulty = _data("curriculum.yaml")["difficulty"]
    last: dict[tuple[str, int], BaseLesson] = {}
    for x in medium.lessons:
        for c in x.classes:
            if (c, x.day) not in last or x.lesson > last[c, x.day].lesson:
                last[c, x.day] = x
    hard = Counter(c for (c, _d), x in last.items() if difficulty[x.subject] >= 9)
    assert max(hard.values()) <= 2
    assert sum(hard.values()) <= len(last) // 8


def test_week_peaks_midweek_and_friday_is_lightest(medium: Timetable) -> None:
    difficulty = _data("curriculum.yaml")["difficulty"]
    per_day = Counter({d: 0 for d in range(1, 6)})
    class_hours = {(x.day, x.lesson, c, x.subject) for x in medium.lessons for c in x.classes}
    for day, _lesson, _class, subject in class_hours:
        per_day[day] += difficulty[subject]
    order = sorted(per_day, key=lambda d: per_day[d])
    assert order[0] == 5
    assert order[-1] in (2, 3)


def test_teachers_have_at_most_six_lessons_and_few_free_lessons_a_day(medium: Timetable) -> None:
    days: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for x in medium.lessons:
        for t in x.teachers:
            days[t, x.day].append((x.start_min, x.end_min))
    assert max(len(v) for v in days.values()) == 6
    assert sum(_windows(v) for v in days.values()) <= len(days) // 2


def test_windows_count_free_lessons_not_big_breaks() -> None:
    lesson = {1: (480, 525), 2: (535, 580), 3: (600, 645), 4: (665, 710), 5: (720, 765)}
    assert _windows([lesson[1], lesson[2], lesson[3]]) == 0
    assert _windows([lesson[1], lesson[3]]) == 1
    assert _windows([lesson[2], lesson[4]]) == 1
    assert _windows([lesson[1], lesson[4]]) == 2
    assert _windows([lesson[5], lesson[1]]) == 3


# --- orders ----------------------------------------------------------------------------------


def test_demo_week_is_the_first_monday_to_friday_from_7_december() -> None:
    assert demo_week() == (date(2026, 12, 7), date(2026, 12, 11))


def test_demo_orders_documents(medium: Timetable, small: Timetable) -> None:
    docs = demo_orders(medium)
    assert docs == {
        "order-three-classes.yaml": {
            "classes": ["5А", "7Б", "9А"],
            "from": "2026-12-07",
            "to": "2026-12-11",
            "device": "pc",
            "screen_policy": "home",
            "sibling_classes": [["5А", "7Б"]],
        },
        "order-whole-school.yaml": {
            "classes": "all",
            "from": "2026-12-07",
            "to": "2026-12-11",
            "device": "pc",
            "screen_policy": "home",
        },
    }
    assert demo_orders(small)["order-three-classes.yaml"]["classes"] == ["5А", "7А", "9А"]
    order = parse_order(docs["order-whole-school.yaml"], medium)
    assert list(order.classes) == MEDIUM_CLASSES


def test_order_yaml_text() -> None:
    doc = {"classes": ["5А", "7Б"], "from": "2026-12-07", "sibling_classes": [["5А", "7Б"]]}
    assert order_yaml("x.yaml", doc) == (
        "classes: [5А, 7Б]\nfrom: 2026-12-07\nsibling_classes: [[5А, 7Б]]\n"
    )


# --- files -----------------------------------------------------------------------------------


def test_write_demo_school_writes_four_files(medium_dir: Path, tmp_path: Path) -> None:
    paths = write_demo_school(tmp_path / "new" / "dir", "small", 1)
    assert [p.name for p in paths] == [
        "timetable.csv",
        "timetable.xlsx",
        "order-three-classes.yaml",
        "order-whole-school.yaml",
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in medium_dir.iterdir()) == sorted(p.name for p in paths)


@pytest.mark.parametrize("name", ["timetable.csv", "timetable.xlsx"])
def test_files_read_back_to_the_same_lessons(
    medium_dir: Path, medium: Timetable, name: str
) -> None:
    back = load_timetable(medium_dir / name)
    assert sorted(back.lessons, key=lambda x: x.key) == sorted(medium.lessons, key=lambda x: x.key)
    assert {n: c.shift for n, c in back.classes.items()} == {
        n: c.shift for n, c in medium.classes.items()
    }


def test_csv_starts_with_bom_and_russian_header(medium_dir: Path) -> None:
    data = (medium_dir / "timetable.csv").read_bytes()
    first = data.decode("utf-8-sig").split("\r\n")[0]
    assert data.startswith(b"\xef\xbb\xbf")
    assert first == "день,урок,начало,конец,класс,группа,предмет,учитель,кабинет,смена"


def test_order_files_load(medium_dir: Path, medium: Timetable) -> None:
    three = load_order(medium_dir / "order-three-classes.yaml", medium)
    assert three.classes == ("5А", "7Б", "9А")
    assert (three.date_from, three.date_to) == (date(2026, 12, 7), date(2026, 12, 11))
    assert three.sibling_classes == (("5А", "7Б"),)
    assert three.dates(medium.school.school_days) == [date(2026, 12, d) for d in range(7, 12)]
    whole = load_order(medium_dir / "order-whole-school.yaml", medium)
    assert whole.classes == tuple(MEDIUM_CLASSES)
    assert whole.selector == "all"


# --- reproducibility -------------------------------------------------------------------------


def test_same_size_and_seed_give_byte_identical_files_in_another_process(tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    write_demo_school(here, "small", 1)
    code = (
        "import sys; from pathlib import Path; from planner.app.demo import write_demo_school; "
        "write_demo_school(Path(sys.argv[1]), 'small', 1)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another set/dict iteration order
    subprocess.run([sys.executable, "-c", code, str(there)], check=True, env=env)
    names = sorted(p.name for p in here.iterdir())
    assert names == sorted(p.name for p in there.iterdir())
    for name in names:
        assert (here / name).read_bytes() == (there / name).read_bytes(), name


def test_medium_rebuilt_from_scratch_is_identical(medium: Timetable, medium_dir: Path) -> None:
    fresh = build_demo_school.__wrapped__("medium", 1)
    assert fresh is not medium
    assert fresh.lessons == medium.lessons
    assert fresh.teachers == medium.teachers
    assert flat_csv_bytes(fresh) == (medium_dir / "timetable.csv").read_bytes()


def test_other_seed_gives_another_timetable(small: Timetable) -> None:
    other = build_demo_school("small", 2)
    assert set(other.classes) == set(small.classes)
    assert _hours(other) == _hours(small)
    assert set(other.lessons) != set(small.lessons)
    assert find_clashes(other.lessons, "demo") == []


def test_school_names_use_russian_plural() -> None:
    assert (
        build_demo_school("small", 1).school.name == "Демонстрационная основная школа (9 классов)"
    )
    assert _plural_classes(21) == "21 класс"
    assert _plural_classes(55) == "55 классов"
    assert _plural_classes(12) == "12 классов"
    assert _plural_classes(34) == "34 класса"


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as err:
        build_demo_school("huge", 1)
    assert str(err.value) == (
        "размер демо-школы — small, medium, large, city, а не «huge» / "
        "size must be one of small, medium, large, city, not 'huge'"
    )
    with pytest.raises(ValueError):
        write_demo_school(tmp_path / "out", "Medium", 1)
    assert not (tmp_path / "out").exists()


def test_cli_demo_school_prints_the_written_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    result = CliRunner().invoke(app, ["demo-school", str(tmp_path), "--size", "small"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        str(tmp_path / name)
        for name in (
            "timetable.csv",
            "timetable.xlsx",
            "order-three-classes.yaml",
            "order-whole-school.yaml",
        )
    ]
    back = load_timetable(tmp_path / "timetable.csv")
    assert set(back.lessons) == set(build_demo_school("small", 1).lessons)
