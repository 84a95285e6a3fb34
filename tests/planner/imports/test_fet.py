"""FET importer: real fet-data schools solved by fet-cl at test time, and hand-made tiny files."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.domain.errors import InputError, Problem
from planner.imports import load_timetable
from planner.imports.fet import NO_TIMETABLE, read_fet
from planner.imports.flat import read_flat
from tests.paths import DATA
from tests.planner.imports.fet_util import Solved, example, solve

FILES = DATA / "fet"

SCHOOLS = {
    "oradea": "Romania/Oradea/School-10-Oradea-2007-2008.fet",
    "primaria": "Spain/3-school/primaria.fet",
    "vietnam": "Vietnam/2-secondary-school/VietNamHungYen.fet",
    "lom": "Bulgaria/Lom_high_school_2007-2008.fet",
}


@pytest.fixture(scope="session")
def solved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Solved]:
    """Each real school solved once per test session by fet-cl (fixed seeds, < 1 s each)."""
    root = tmp_path_factory.mktemp("fet-cl")
    with ThreadPoolExecutor(max_workers=len(SCHOOLS)) as pool:  # fet-cl runs are separate processes
        runs = {key: pool.submit(solve, example(rel), root / key) for key, rel in SCHOOLS.items()}
        return {key: run.result() for key, run in runs.items()}


def bells_of(tt) -> list[tuple[int, str, str]]:
    (schedule,) = tt.bell_schedules.values()
    return [(b.lesson, f"{b.start:%H:%M}", f"{b.end:%H:%M}") for b in schedule.bells]


def fixture_path(name: str) -> Path:
    return FILES / name


# --- real schools ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "lessons", "classes", "days"),
    [
        ("oradea", 410, 14, 5),
        ("primaria", 254, 10, 5),
        ("vietnam", 230, 9, 6),
        ("lom", 448, 17, 5),
    ],
)
def test_real_school_imports_every_activity_where_fet_cl_put_it(
    solved: dict[str, Solved], key: str, lessons: int, classes: int, days: int
) -> None:
    run = solved[key]
    tt = read_fet(run.timetable)
    assert (len(tt.lessons), len(tt.classes), tt.school.days_per_week) == (lessons, classes, days)

    # Independent oracle: fet-cl's own <name>_activities.xml and the activities' durations.
    root = DET.parse(run.timetable).getroot()
    day_names = [d.findtext("Name") for d in root.iterfind("Days_List/Day")]
    breaks = {"RECREO", "COMIDA"}  # primaria's ConstraintBreakTimes hours
    teaching = [h.findtext("Name") for h in root.iterfind("Hours_List/Hour")]
    teaching = [h for h in teaching if h not in breaks]
    durations = {a.findtext("Id"): int(a.findtext("Duration")) for a in root.iter("Activity")}
    placed = {
        a.findtext("Id"): (a.findtext("Day"), a.findtext("Hour"), a.findtext("Room") or None)
        for a in DET.parse(run.activities).getroot()
    }
    (schedule,) = tt.bell_schedules.values()
    seen = []
    for lesson in tt.lessons:
        act = lesson.source.element.removeprefix("Activity Id=")
        seen.append(act)
        day, hour, room = placed[act]
        assert (lesson.day, teaching[lesson.lesson - 1], lesson.room) == (
            day_names.index(day) + 1,
            hour,
            room,
        )
        last = schedule.bell(lesson.lesson + durations[act] - 1)
        assert (lesson.start, lesson.end) == (schedule.bell(lesson.lesson).start, last.end)
    assert sorted(seen) == sorted(placed)


def test_oradea_bells_come_from_hour_names(solved: dict[str, Solved]) -> None:
    tt = read_fet(solved["oradea"].timetable)
    assert bells_of(tt) == [
        (1, "08:00", "08:50"),
        (2, "09:00", "09:50"),
        (3, "10:10", "11:00"),
        (4, "11:10", "12:00"),
        (5, "12:10", "13:00"),
        (6, "13:10", "14:00"),
        (7, "14:10", "15:00"),
    ]
    assert list(tt.classes)[:5] == ["5A", "5B", "5C", "5D", "6A"]
    assert tt.classes["8D"].grade == 8
    assert tt.school.name == "Școala Generală Nr. 10 - Oradea"
    assert tt.source == (
        "School-10-Oradea-2007-2008_data_and_timetable.fet (FET 6.8.5): "
        "годы FET «5», «6», «7», «8» — параллели: классами считаются их группы"
    )


def test_lom_start_only_hours_groups_and_combined_lessons(solved: dict[str, Solved]) -> None:
    tt = read_fet(solved["lom"].timetable)
    assert bells_of(tt) == [
        (1, "07:30", "08:10"),
        (2, "08:15", "08:55"),
        (3, "09:05", "09:45"),
        (4, "10:05", "10:45"),
        (5, "10:55", "11:35"),
        (6, "11:45", "12:25"),
        (7, "12:30", "13:10"),
    ]
    assert "длительность урока принята 40 мин" in tt.source
    assert tt.classes["9 б"].subgroups == ("историци1", "историци2")
    assert tt.classes["11 г"].subgroups == ("биолози", "спортисти")
    groups = {x.group for x in tt.lessons}
    assert {"спортисти", "историци1", "историци2", "биолози"} <= groups
    # Activity Id 1: a 4-hour English lesson of 8 б.
    by_id = {x.source.element: x for x in tt.lessons}
    first = by_id["Activity Id=1"]
    assert (first.classes, first.subject, first.teachers) == (
        ("8 б",),
        "Английски",
        ("Ст.Караиванова",),
    )
    (schedule,) = tt.bell_schedules.values()
    assert first.end == schedule.bell(first.lesson + 3).end  # Duration 4: four lessons long
    combined = [x for x in tt.lessons if len(x.classes) == 3]
    assert len(combined) == 8
    assert sum(len(x.teachers) == 4 for x in tt.lessons) == 8


def test_vietnam_six_days_and_standard_bells(solved: dict[str, Solved]) -> None:
    tt = read_fet(solved["vietnam"].timetable)
    assert tt.school.days_per_week == 6
    assert tt.days() == (1, 2, 3, 4, 5, 6)
    assert bells_of(tt) == [
        (1, "08:00", "08:45"),
        (2, "08:55", "09:40"),
        (3, "10:00", "10:45"),
        (4, "11:05", "11:50"),
        (5, "12:00", "12:45"),
    ]
    assert "звонки взяты стандартные" in tt.source
    assert list(tt.classes) == ["6A", "6B", "7A", "7B", "8A", "8B", "9A", "9B", "9C"]


def test_primaria_break_hours_are_not_lessons(solved: dict[str, Solved]) -> None:
    tt = read_fet(solved["primaria"].timetable)
    assert [b[0] for b in bells_of(tt)] == [1, 2, 3, 4, 5, 6]
    assert {x.lesson for x in tt.lessons} <= {1, 2, 3, 4, 5, 6}
    assert "часы «RECREO», «COMIDA» — перемены (ConstraintBreakTimes)" in tt.source
    assert list(tt.classes) == [
        "3 AÑOS",
        "4 AÑOS",
        "5 AÑOS",
        "1º",
        "2º",
        "3º A",
        "3º B",
        "4º",
        "5º",
        "6º",
    ]
    assert sum(len(x.classes) == 2 for x in tt.lessons) == 2


def test_load_timetable_dispatches_fet(solved: dict[str, Solved]) -> None:
    tt = load_timetable(solved["vietnam"].timetable, school_name="Школа Хынгйен")
    assert tt.school.name == "Школа Хынгйен"
    assert len(tt.lessons) == 230


def test_input_fet_without_timetable_is_refused() -> None:
    with pytest.raises(InputError) as err:
        read_fet(example(SCHOOLS["primaria"]), strict=True)
    (problem,) = err.value.problems
    assert problem.message == (
        f"{NO_TIMETABLE} (без времени 254 из 254 активностей, например Id 36, 37, 38, 59, 60 …)."
    )
    assert (problem.element, problem.column) == ("Activities_List", None)


# --- hand-made files ---------------------------------------------------------------------------


def test_tiny_school_maps_years_groups_categories_and_rooms() -> None:
    tt = read_fet(fixture_path("tiny.fet"))
    assert tt.school.name == "Школа № 7"
    assert {name: c.subgroups for name, c in tt.classes.items()} == {
        "5А": ("англ1", "англ2", "5А англ1 + 7А яз1"),
        "5Б": ("англ1", "англ2"),
        "7А": (
            "мальчики",
            "девочки",
            "яз1",
            "яз2",
            "м1",
            "м2",
            "д1",
            "д2",
            "5А англ1 + 7А яз1",
        ),
    }
    rows = [
        (
            x.day,
            x.lesson,
            f"{x.start:%H:%M}",
            f"{x.end:%H:%M}",
            x.classes,
            x.group,
            x.subject,
            x.teachers,
            x.room,
            x.source.row,
        )
        for x in tt.sorted_lessons()
    ]
    assert rows == [
        (1, 1, "08:00", "08:45", ("5А",), None, "Математика", ("Иванова",), "101", 166),
        (
            1,
            1,
            "08:00",
            "09:40",
            ("7А",),
            "мальчики",
            "Физкультура",
            ("Орлов",),
            "Спортзал",
            210,
        ),
        (1, 2, "08:55", "09:40", ("5А",), "англ2", "Английский язык", ("Сидорова",), None, 188),
        (1, 2, "08:55", "09:40", ("5А", "5Б"), "англ1", "Английский язык", ("Петров",), None, 177),
        (1, 2, "08:55", "09:40", ("5Б",), "англ2", "Английский язык", ("Кузнецова",), None, 199),
        (
            2,
            1,
            "08:00",
            "09:40",
            ("7А",),
            "девочки",
            "Технология",
            ("Иванова", "Сидорова"),
            None,
            221,
        ),
        (2, 3, "10:00", "10:45", ("5А", "7А"), None, "Классный час", ("Иванова",), None, 233),
        (
            3,
            1,
            "08:00",
            "08:45",
            ("5А", "7А"),
            "5А англ1 + 7А яз1",
            "Английский язык",
            ("Петров",),
            None,
            266,
        ),
    ]
    assert tt.source == (
        "tiny.fet (FET 6.8.5): годы FET «5» — параллели: классами считаются их группы; "
        "неактивные активности пропущены: 1; активности без учеников (классов) пропущены: 1"
    )
    assert tt.rooms == ("101", "Спортзал")


def test_year_with_mostly_whole_year_lessons_is_a_class_not_a_grade() -> None:
    # "1º Bach A" splits into disjoint groups Rel/Est, but half its lessons are on the whole
    # year, so it is one class; year "5" has its lessons on 5А and 5Б, so it is a grade.
    tt = read_fet(fixture_path("categories.fet"))
    assert {name: c.subgroups for name, c in tt.classes.items()} == {
        "1º Bach A": ("Rel", "Est", "GH", "HU", "GH Rel", "HU Rel", "GH Est", "HU Est"),
        "5А": (),
        "5Б": (),
    }
    assert [(x.day, x.lesson, x.classes, x.group, x.subject) for x in tt.sorted_lessons()] == [
        (1, 1, ("1º Bach A",), None, "Математика"),
        (1, 1, ("5А",), None, "Математика"),
        (1, 2, ("1º Bach A",), None, "Физкультура"),
        (1, 2, ("5Б",), None, "Математика"),
        (2, 1, ("1º Bach A",), "Est", "Технология"),
        (2, 1, ("1º Bach A",), "Rel", "Классный час"),
        (2, 2, ("5А",), None, "Технология"),
        (2, 3, ("5Б",), None, "Технология"),
        (3, 1, ("5А", "5Б"), None, "Классный час"),
    ]
    assert tt.source == (
        "categories.fet (FET 6.8.5): годы FET «5» — параллели: классами считаются их группы"
    )


def test_ab_week_keeps_first_six_days_and_skips_break_hour() -> None:
    tt = read_fet(fixture_path("ab_week.fet"))
    assert tt.school.days_per_week == 6
    assert [
        (x.day, x.lesson, f"{x.start:%H:%M}", f"{x.end:%H:%M}") for x in tt.sorted_lessons()
    ] == [
        (1, 1, "08:00", "09:40"),
        (6, 3, "10:00", "10:45"),
    ]
    assert tt.source == (
        "ab_week.fet (FET 6.8.5): в файле 12 дней (например, недели А и Б): импортированы первые 6 "
        "(«А-Понедельник» … «А-Суббота»), остальные дни пропущены; в названиях часов FET нет "
        "времени — звонки взяты стандартные: начало 08:00, уроки по 45 мин, перемены 10 мин, "
        "после 2-го и 3-го урока 20 мин; часы «Перемена» — перемены (ConstraintBreakTimes), "
        "в нумерацию уроков не входят; уроки в пропущенных днях: 1"
    )


def test_gzipped_fet_reads_the_same(tmp_path: Path) -> None:
    packed = tmp_path / "tiny.fet"
    packed.write_bytes(gzip.compress(fixture_path("tiny.fet").read_bytes()))
    assert read_fet(packed).lessons == read_fet(fixture_path("tiny.fet")).lessons


def one_problem(name: str) -> Problem:
    with pytest.raises(InputError) as err:
        read_fet(fixture_path(name), strict=True)
    (problem,) = err.value.problems
    return problem


def test_malformed_xml_names_line_and_position() -> None:
    assert one_problem("malformed.fet") == Problem(
        file=str(fixture_path("malformed.fet")),
        message=(
            "XML повреждён (закрывающий тег не совпадает с открывающим, позиция 3); "
            "откройте файл в FET и сохраните заново."
        ),
        row=77,
    )


def test_entity_bomb_is_refused_before_expansion() -> None:
    assert one_problem("entity_bomb.fet") == Problem(
        file=str(fixture_path("entity_bomb.fet")),
        message=(
            "файл объявляет XML-сущности (<!ENTITY>); такие файлы не принимаются из соображений "
            "безопасности. Откройте его в FET и сохраните заново."
        ),
        row=3,
    )


def test_unknown_teacher_names_activity_line_and_field() -> None:
    assert one_problem("unknown_teacher.fet") == Problem(
        file=str(fixture_path("unknown_teacher.fet")),
        message=(
            "учитель «Смирнов» не описан в Teachers_List; добавьте его в FET или исправьте имя "
            "в активности."
        ),
        row=79,
        column="Teacher",
        element="Activity Id=2",
    )


def test_fet_without_timetable_says_what_to_run() -> None:
    assert one_problem("no_timetable.fet") == Problem(
        file=str(fixture_path("no_timetable.fet")),
        message=(
            "в файле нет готового расписания: запустите fet-cl и импортируйте "
            "*_data_and_timetable.fet (без времени 2 из 3 активностей, например Id 2, 3)."
        ),
        row=66,
        element="Activities_List",
    )


def test_one_teacher_one_subject_one_time_is_one_joint_lesson() -> None:
    tt = read_fet(fixture_path("clash.fet"), strict=True)

    [joint] = [x for x in tt.lessons if x.subject == "Математика" and x.lesson == 2]
    assert (joint.classes, joint.teachers) == (("5А", "5Б"), ("Иванова",))
    assert [(f.kind, f.row, f.note) for f in tt.findings if f.kind == "joint_lesson"] == [
        ("joint_lesson", 78, True)
    ]
    assert tt.source_clashes == ()


def broken_tiny(tmp_path: Path, edits: dict[int, tuple[str, str]]) -> Path:
    """tiny.fet with ``old`` → ``new`` replaced on the given 1-based lines."""
    lines = fixture_path("tiny.fet").read_text().splitlines(keepends=True)
    for row, (old, new) in edits.items():
        assert old in lines[row - 1]
        lines[row - 1] = lines[row - 1].replace(old, new)
    path = tmp_path / "broken.fet"
    path.write_text("".join(lines))
    return path


def test_every_bad_reference_of_activities_is_reported_at_once(tmp_path: Path) -> None:
    path = broken_tiny(
        tmp_path, {202: ("5Б англ2", "5В"), 214: ("2", "два"), 224: ("Технология", "Труд")}
    )
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    file = str(path)
    assert err.value.problems == [
        Problem(
            file=file,
            message=(
                "класс или группа «5В» не описаны в Students_List; добавьте их в FET или "
                "исправьте активность."
            ),
            row=202,
            column="Students",
            element="Activity Id=4",
        ),
        Problem(
            file=file,
            message="длительность «два» должна быть целым числом часов от 1; исправьте активность.",
            row=214,
            column="Duration",
            element="Activity Id=5",
        ),
        Problem(
            file=file,
            message=(
                "предмет «Труд» не описан в Subjects_List; добавьте его в FET или исправьте "
                "предмет активности."
            ),
            row=224,
            column="Subject",
            element="Activity Id=6",
        ),
    ]


def test_unknown_room_and_day_of_placements(tmp_path: Path) -> None:
    path = broken_tiny(tmp_path, {391: ("Спортзал", "Спортзал 2"), 374: ("Среда", "Середа")})
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    file = str(path)
    assert err.value.problems == [
        Problem(
            file=file,
            message=(
                "день «Середа» не описан в Days_List; исправьте ограничение или сохраните файл "
                "заново в FET."
            ),
            row=374,
            column="Preferred_Day",
            element="ConstraintActivityPreferredStartingTime Activity_Id=10",
        ),
        Problem(
            file=file,
            message=(
                "кабинет «Спортзал 2» не описан в Rooms_List; добавьте его в FET или исправьте "
                "ограничение."
            ),
            row=391,
            column="Room",
            element="ConstraintActivityPreferredRoom Activity_Id=5",
        ),
    ]


def test_overlapping_fet_categories_in_parallel_are_a_clash() -> None:
    with pytest.raises(InputError) as err:
        read_fet(fixture_path("clash_groups.fet"), strict=True)
    assert [p.message for p in err.value.problems] == [
        "Класс 7А: группы «мальчики» и «яз1» пересекаются (общие подгруппы FET: 7А м1), но в "
        "Вт 08:55 стоят в одно время: «Физкультура» (Activity Id=1, строка 111) и «Английский "
        "язык» (Activity Id=2, строка 122). Исправьте расписание в FET и сохраните "
        "*_data_and_timetable.fet заново.",
        "Класс 7А: группы «мальчики» и «яз2» пересекаются (общие подгруппы FET: 7А м2), но в "
        "Вт 08:55 стоят в одно время: «Физкультура» (Activity Id=1, строка 111) и «Английский "
        "язык» (Activity Id=3, строка 133). Исправьте расписание в FET и сохраните "
        "*_data_and_timetable.fet заново.",
    ]


def test_file_over_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("planner.imports.fet.MAX_INPUT_BYTES", 1000)
    problem = one_problem("tiny.fet")
    assert problem.message == "файл больше 1000 байт; это не похоже на расписание школы."


def test_not_a_fet_root_element(tmp_path: Path) -> None:
    path = tmp_path / "x.fet"
    path.write_text('<?xml version="1.0"?>\n<timetable/>\n')
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    assert err.value.problems == [
        Problem(
            file=str(path),
            message=(
                "корневой элемент <timetable>, а в файле FET должен быть <fet>; это не файл FET."
            ),
            row=2,
            element="timetable",
        )
    ]


def test_bad_hour_times_name_the_hour(tmp_path: Path) -> None:
    text = (
        fixture_path("tiny.fet")
        .read_text()
        .replace("<Name>8.55-9.40</Name>", "<Name>8.55-8.40</Name>")
    )
    path = tmp_path / "bad.fet"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    assert err.value.problems == [
        Problem(
            file=str(path),
            message=(
                "время часа «8.55-8.40» не подходит: урок должен кончаться позже, чем начинается, "
                "и не раньше начала следующего часа; исправьте название часа в FET "
                "(например, «08:00-08:45»)."
            ),
            row=28,
            column="Name",
            element="Hour",
        )
    ]


# --- round trip through the flat format (last: needs planner.exports.flat) ----------------------


@pytest.mark.parametrize("key", ["lom", "vietnam"])
def test_convert_to_flat_reads_back_the_same_lessons(
    solved: dict[str, Solved], key: str, tmp_path: Path
) -> None:
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["convert", str(solved[key].timetable), "--out", str(out)])
    assert result.exit_code == 0, result.output
    original = read_fet(solved[key].timetable)
    back = read_flat(out)
    assert sorted(back.lessons, key=lambda x: x.key) == sorted(
        original.lessons, key=lambda x: x.key
    )
    assert set(back.classes) == set(original.classes)


def test_convert_tiny_school_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "tiny.csv"
    result = CliRunner().invoke(app, ["convert", str(fixture_path("tiny.fet")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    original = read_fet(fixture_path("tiny.fet"))
    back = read_flat(out)
    assert sorted(back.lessons, key=lambda x: x.key) == sorted(
        original.lessons, key=lambda x: x.key
    )


def test_terms_mode_keeps_the_first_term(tmp_path: Path) -> None:
    text = fixture_path("ab_week.fet").read_text()
    text = text.replace(
        '<fet version="6.8.5">\n',
        '<fet version="6.8.5">\n<Mode>Terms</Mode>\n<Number_of_Terms>2</Number_of_Terms>\n'
        "<Number_of_Days_Per_Term>6</Number_of_Days_Per_Term>\n",
    )
    path = tmp_path / "terms.fet"
    path.write_text(text)
    tt = read_fet(path)
    assert tt.school.days_per_week == 6
    assert [(x.day, x.lesson) for x in tt.sorted_lessons()] == [(1, 1), (6, 3)]
    assert tt.source.startswith(
        "terms.fet (FET 6.8.5): режим Terms: импортирован первый период (6 дн., «А-Понедельник» "
        "… «А-Суббота»), остальные 6 дн. пропущены; "
    )


def test_block_planning_mode_is_refused() -> None:
    path = Path(
        "/usr/share/doc/fet-data/examples/FET-6-block-planning/by-Darren-McDonald/"
        "Blocks-8-overflow_data_and_timetable.fet"
    )
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    assert err.value.problems == [
        Problem(
            file=str(path),
            message=(
                "режим FET «Block_Planning» не поддерживается: импортируются расписания в режимах "
                "Official и Terms. Сохраните расписание в FET в официальном режиме "
                "(Settings → Mode → Official) и запустите fet-cl заново."
            ),
            row=5,
            element="Mode",
        )
    ]


def test_lesson_running_into_a_break_hour_is_an_error(tmp_path: Path) -> None:
    text = fixture_path("ab_week.fet").read_text().splitlines(keepends=True)
    assert text[179] == "\t<Preferred_Hour>1</Preferred_Hour>\n"
    text[179] = (
        "\t<Preferred_Hour>2</Preferred_Hour>\n"  # activity 2 (2 hours) now meets "Перемена"
    )
    path = tmp_path / "into_break.fet"
    path.write_text("".join(text))
    with pytest.raises(InputError) as err:
        read_fet(path, strict=True)
    assert err.value.problems == [
        Problem(
            file=str(path),
            message=(
                "активность длительностью 2 ч. с часа «2» выходит за конец дня или попадает на "
                "перемену; составьте расписание заново в fet-cl."
            ),
            row=110,
            element="Activity Id=2",
        )
    ]
