"""aSc Timetables 2012 XML import: a hand-made file, two real school exports, broken files."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.domain.errors import InputError, Problem
from planner.domain.model import BaseLesson, Bell
from planner.exports.asc import write_asc
from planner.imports import load_timetable
from planner.imports.asc import read_asc
from planner.imports.flat import read_flat
from tests.paths import DATA

FILES = DATA / "asc"
SMALL = FILES / "small.xml"
TERM2 = FILES / "Term2.xml"
SOTY = FILES / "SOTY2026.xml"


def _row(x: BaseLesson) -> tuple[object, ...]:
    return (x.day, x.lesson, x.start, x.end, x.classes, x.group, x.subject, x.teachers, x.room)


def _sorted(lessons: tuple[BaseLesson, ...] | list[BaseLesson]) -> list[tuple[object, ...]]:
    return sorted((_row(x) for x in lessons), key=repr)


def _variant(tmp_path: Path, old: str, new: str, name: str = "broken.xml") -> Path:
    text = SMALL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        read_asc(path, strict=True)
    return info.value.problems


# ------------------------------------------------------------------------------- hand-made file


def test_small_file_gives_exactly_these_lessons() -> None:
    timetable = read_asc(SMALL)

    t = time
    assert [_row(x) for x in timetable.lessons] == [
        (1, 1, t(8, 0), t(8, 45), ("10А",), "англ-1", "Английский язык", ("Петрова Б.Б.",), "201"),
        (1, 1, t(8, 0), t(8, 45), ("10А",), "англ-2", "Английский язык", ("Сидорова В.В.",), "202"),
        (1, 1, t(8, 0), t(8, 45), ("5А",), None, "Математика", ("Иванова А.А.",), "101"),
        # periodspercard=2 on back-to-back periods 2+3: one lesson numbered by its first period
        (1, 2, t(8, 55), t(10, 25), ("5Б",), None, "Русский язык", ("Петрова Б.Б.",), "201"),
        (2, 2, t(8, 55), t(9, 40), ("5А",), None, "Математика", ("Иванова А.А.",), "101"),
        # <break break="5"> lies between periods 5 and 6: two lessons
        (2, 5, t(11, 30), t(12, 15), ("5А",), None, "Биология", ("Новикова Е.Е.",), "202"),
        (2, 6, t(12, 15), t(13, 0), ("5А",), None, "Биология", ("Новикова Е.Е.",), "202"),
        (3, 2, t(8, 55), t(9, 40), ("10А",), None, "История", ("Сидорова В.В.",), "202"),
        (3, 4, t(10, 45), t(12, 15), ("5А", "5Б"), None, "Физическая культура",
         ("Козлов Г.Г.",), "Спортзал"),
        # week A card kept, week B card (Труд) dropped
        (4, 1, t(8, 0), t(8, 45), ("10А",), None, "Информатика", ("Орлов Д.Д.",), "101"),
        # first-term card kept, second-term card dropped; two rooms joined
        (5, 2, t(8, 55), t(9, 40), ("S1-01",), None, "Химия",
         ("Новикова Е.Е.", "Орлов Д.Д."), "201, 202"),
        # periods 3 and 4 are not back to back (big break): two lessons
        (5, 3, t(9, 40), t(10, 25), ("5А",), None, "Биология", ("Новикова Е.Е.",), "202"),
        (5, 4, t(10, 45), t(11, 30), ("5А",), None, "Биология", ("Новикова Е.Е.",), "202"),
        # two lessons, one subject, one teacher, one time → one combined lesson
        (6, 1, t(8, 0), t(8, 45), ("5А", "5Б"), None, "Разговоры о важном",
         ("Иванова А.А.",), "101"),
    ]  # fmt: skip


def test_small_file_school_classes_bells_and_notes() -> None:
    timetable = read_asc(SMALL, school_name="МАОУ СОШ № 1")

    assert timetable.school.name == "МАОУ СОШ № 1"
    assert timetable.school.days_per_week == 6
    assert [
        (c.name, c.grade, c.subgroups, c.bell_schedule) for c in timetable.classes.values()
    ] == [
        ("5А", 5, (), "aSc"),
        ("5Б", 5, (), "aSc"),
        ("10А", 10, ("англ-1", "англ-2"), "aSc"),
        ("S1-01", None, (), "aSc"),
    ]
    assert timetable.bell_schedules["aSc"].bells == (
        Bell(1, time(8, 0), time(8, 45)),
        Bell(2, time(8, 55), time(9, 40)),
        Bell(3, time(9, 40), time(10, 25)),
        Bell(4, time(10, 45), time(11, 30)),
        Bell(5, time(11, 30), time(12, 15)),
        Bell(6, time(12, 15), time(13, 0)),
    )
    assert timetable.teachers == (
        "Иванова А.А.",
        "Петрова Б.Б.",
        "Сидорова В.В.",
        "Козлов Г.Г.",
        "Орлов Д.Д.",
        "Новикова Е.Е.",
    )
    assert timetable.rooms == ("101", "201", "202", "Спортзал")
    assert timetable.source == (
        "aSc Timetables 2012 XML: small.xml; взяты карточки 1-й недели (чередование недель) и "
        "1-го учебного периода; пропущено карточек других недель и периодов: 2; пропущено уроков "
        "без классов (дежурства, совещания учителей): 1; объединено карточек в совместные уроки "
        "(один предмет, общий учитель, одно время): 1"
    )
    mat = next(x for x in timetable.lessons if x.subject == "Математика")
    assert str(mat.source) == 'small.xml, <card lessonid="L-MAT">, строка 93'


def test_small_file_round_trips_through_write_asc(tmp_path: Path) -> None:
    timetable = read_asc(SMALL)
    out = tmp_path / "out.xml"

    write_asc(timetable, out)
    again = read_asc(out)

    assert again.lessons == timetable.lessons
    assert dict(again.classes) == dict(timetable.classes)
    assert again.school.days_per_week == 6


def test_load_timetable_dispatches_xml_to_asc() -> None:
    assert load_timetable(SMALL).lessons == read_asc(SMALL).lessons


def test_parallel_whole_class_lessons_become_choice_groups(tmp_path: Path) -> None:
    # Информатика 10А moves to Monday lesson 1, parallel to the English groups: a choice lesson.
    path = _variant(
        tmp_path,
        'lessonid="L-INF" classroomids="R101" period="1" weeks="10" terms="11" days="000100"',
        'lessonid="L-INF" classroomids="R101" period="1" weeks="10" terms="11" days="100000"',
    )

    timetable = read_asc(path)

    informatics = next(x for x in timetable.lessons if x.subject == "Информатика")
    assert (informatics.day, informatics.lesson, informatics.group) == (1, 1, "Информатика")
    assert timetable.classes["10А"].subgroups == ("англ-1", "англ-2", "Информатика")
    assert timetable.source is not None
    assert timetable.source.endswith(
        "уроков, идущих параллельно с другими уроками того же класса (выбор учеников, "
        "кружки), — им дана группа по предмету: 1"
    )


def test_card_with_durationperiods_covers_several_periods(tmp_path: Path) -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        '    <card lessonid="L-PE" classroomids="RGYM" period="5" weeks="11" terms="11" '
        'days="001000" />\n',
        "",
    )
    path = tmp_path / "duration.xml"
    path.write_text(
        text.replace(
            '<card lessonid="L-PE" classroomids="RGYM" period="4"',
            '<card lessonid="L-PE" classroomids="RGYM" durationperiods="2" period="4"',
        ),
        encoding="utf-8",
    )

    timetable = read_asc(path)

    assert [
        (x.day, x.lesson, x.start, x.end) for x in timetable.lessons if x.room == "Спортзал"
    ] == [(3, 4, time(10, 45), time(12, 15))]


def test_cards_past_the_last_period_continue_a_regular_grid(tmp_path: Path) -> None:
    text = SMALL.read_text(encoding="utf-8")
    start = text.index("  <periods ")
    end = text.index("  </periods>")
    grid = "".join(
        f'    <period name="{n}" short="{n}" period="{n}" starttime="{7 + n}:00" '
        f'endtime="{8 + n}:00" />\n'
        for n in range(1, 7)
    )
    text = text[:start] + text[start : text.index("\n", start) + 1] + grid + text[end:]
    text = text.replace('<break break="3"', '<break break="0"').replace(
        '<card lessonid="L-HIS" classroomids="R202" period="2"',
        '<card lessonid="L-HIS" classroomids="R202" period="8"',
    )
    path = tmp_path / "grid.xml"
    path.write_text(text, encoding="utf-8")

    timetable = read_asc(path)

    history = next(x for x in timetable.lessons if x.subject == "История")
    assert (history.lesson, history.start, history.end) == (8, time(15, 0), time(16, 0))
    assert timetable.bell_schedules["aSc"].bells[-2:] == (
        Bell(7, time(14, 0), time(15, 0)),
        Bell(8, time(15, 0), time(16, 0)),
    )
    assert "время продолжено по сетке 60 мин" in (timetable.source or "")


# ------------------------------------------------------------------------------- real exports


def test_term2_real_export_imports_first_odd_week() -> None:
    timetable = read_asc(TERM2)

    assert len(timetable.classes) == 62
    assert len(timetable.teachers) == 164
    assert len(timetable.lessons) == 1730
    assert timetable.school.days_per_week == 5
    lessons = set(timetable.lessons)
    # odd-week card (weeks="10"), periods 5–7, lesson on a named group of two classes
    assert (
        BaseLesson(5, 5, time(9, 30), time(11, 0), ("1A", "1B"), "1 IP HTL/TL",
                   ("Teacher 103",), "HTL/TL", "J107 (MTL)")
        in lessons
    )  # fmt: skip
    # on Wednesday only the odd-week double (periods 3–4) is there, not the even-week periods 11–13
    assert [(x.start, x.end) for x in lessons if x.subject == "1 IP HTL/TL" and x.day == 3] == [
        (time(8, 30), time(9, 30))
    ]
    # a club on periods 20–25: the 30-minute grid continues past period 21 (18:00)
    assert (
        BaseLesson(2, 20, time(17, 0), time(20, 0), ("JC CCA",), "CCA Badminton", (),
                   "CCA Badminton", "HALL1, Hall2")
        in lessons
    )  # fmt: skip
    # two form classes with a shared teacher at one time: one combined lesson
    assert (
        BaseLesson(2, 2, time(8, 0), time(8, 30), ("09_26", "18_26"), "Time with CT",
                   ("Teacher 145", "Teacher 005", "Teacher 121"), None, "E211, B202")
        in lessons
    )  # fmt: skip
    # three parallel sections of one elective: groups named by subject and teacher
    sections = sorted(
        (x.group, x.classes)
        for x in lessons
        if x.subject == "JC2 H1 Math" and x.day == 1 and x.lesson == 10
    )
    assert sections == [
        ("JC2 H1 Math — Teacher 077", ("01_25", "08_25", "09_25", "03_25", "15_25")),
        ("JC2 H1 Math — Teacher 081", ("03_25", "13_25", "15_25")),
        ("JC2 H1 Math — Teacher 085", ("02_25", "13_25", "16_25")),
    ]
    assert timetable.bell_schedules["aSc"].bells[-1] == Bell(25, time(19, 30), time(20, 0))


def test_soty2026_real_export_imports() -> None:
    timetable = read_asc(SOTY)

    assert len(timetable.classes) == 44
    assert len(timetable.teachers) == 155
    assert len(timetable.lessons) == 369
    assert len(timetable.bell_schedules["aSc"].bells) == 21
    assert timetable.source == (
        "aSc Timetables 2012 XML: SOTY2026.xml; пропущено уроков без классов (дежурства, "
        "совещания учителей): 2; объединено карточек в совместные уроки (один предмет, общий "
        "учитель, одно время): 40; уроков, идущих параллельно с другими уроками того же класса "
        "(выбор учеников, кружки), — им дана группа по предмету: 11"
    )


@pytest.mark.parametrize("fixture", [TERM2, SOTY], ids=["Term2", "SOTY2026"])
def test_real_export_round_trips_through_write_asc(fixture: Path, tmp_path: Path) -> None:
    timetable = read_asc(fixture)
    out = tmp_path / "out.xml"

    write_asc(timetable, out)
    again = read_asc(out)

    assert again.lessons == timetable.lessons
    assert dict(again.classes) == dict(timetable.classes)
    assert (again.teachers, again.subjects, again.rooms) == (
        timetable.teachers,
        timetable.subjects,
        timetable.rooms,
    )


def test_convert_term2_to_csv_reads_back_the_same_lessons(tmp_path: Path) -> None:
    out = tmp_path / "term2.csv"

    result = CliRunner().invoke(app, ["convert", str(TERM2), "--out", str(out)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Записано / written: {out} — классов 62, уроков 1730, учителей 164"
    assert lines[1] == "Замечаний при импорте нет; пояснений: 5."
    assert _sorted(read_flat(out).lessons) == _sorted(read_asc(TERM2).lessons)


# ------------------------------------------------------------------------------- broken files


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "  </classes>", "  </class>")

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=66,
            message="файл повреждён — это не правильный XML (позиция 5: закрывающий тег не "
            "совпадает с открывающим). Выгрузите расписание из aSc заново или исправьте разметку "
            "в этой строке.",
        )
    ]


def test_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE timetable [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        "<timetable><periods>&lol3;</periods></timetable>\n"
    )
    path = tmp_path / "bomb.xml"
    path.write_text(bomb, encoding="utf-8")

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=3,
            element="<!ENTITY>",
            message="файл объявляет XML-сущность «lol» (<!ENTITY>); такие файлы не принимаются "
            "из соображений безопасности. Выгрузите расписание из aSc заново (Файл → Экспорт → "
            "aSc Timetables 2012 XML) и не правьте его вручную.",
        )
    ]


def test_external_entity_is_refused(tmp_path: Path) -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE timetable [\n'
        ' <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        "<timetable><periods>&xxe;</periods></timetable>\n"
    )
    path = tmp_path / "xxe.xml"
    path.write_text(xxe, encoding="utf-8")

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=3,
            element="<!ENTITY>",
            message="файл объявляет внешнюю XML-сущность «xxe» (<!ENTITY>); такие файлы не "
            "принимаются из соображений безопасности. Выгрузите расписание из aSc заново (Файл → "
            "Экспорт → aSc Timetables 2012 XML) и не правьте его вручную.",
        )
    ]


def test_card_with_unknown_lessonid(tmp_path: Path) -> None:
    path = _variant(tmp_path, '<card lessonid="L-HIS"', '<card lessonid="L-GEO"')

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=112,
            column="lessonid",
            element='<card lessonid="L-GEO">',
            message="урок с id «L-GEO» не найден в разделе <lessons>; выгрузите файл из aSc "
            "заново или удалите эту карточку.",
        )
    ]


def test_lesson_with_unknown_teacher(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'teacherids="T-SID" classroomids="R202" periodspercard="1" '
                    'periodsperweek="1.0"', 'teacherids="T-XXX" classroomids="R202" '
                    'periodspercard="1" periodsperweek="1.0"')  # fmt: skip

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=81,
            column="teacherids",
            element='<lesson id="L-ENG2">',
            message="id «T-XXX» не найден в разделе <teachers>; выгрузите файл из aSc заново "
            "или уберите ссылку.",
        )
    ]


def test_missing_periods(tmp_path: Path) -> None:
    text = SMALL.read_text(encoding="utf-8")
    start = text.index("  <periods ")
    end = text.index("  </periods>\n") + len("  </periods>\n")
    path = tmp_path / "noperiods.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=2,
            element="<timetable>",
            message="в файле нет раздела <periods>; выгрузите расписание из aSc целиком "
            "(Файл → Экспорт → aSc Timetables 2012 XML).",
        )
    ]


def test_card_on_an_undefined_period_of_an_irregular_grid(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, 'lessonid="L-HIS" classroomids="R202" period="2"',
        'lessonid="L-HIS" classroomids="R202" period="9"',
    )  # fmt: skip

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=112,
            column="period",
            element='<card lessonid="L-HIS">',
            message="карточка стоит на период 9, которого нет в разделе <periods>; добавьте "
            "период в aSc или переставьте урок.",
        )
    ]


def test_teacher_clash_in_the_input(tmp_path: Path) -> None:
    # Сидорова teaches История 10А on Monday lesson 1 while she has англ-2 there.
    path = _variant(
        tmp_path,
        'lessonid="L-HIS" classroomids="R202" period="2" weeks="11" terms="11" days="001000"',
        'lessonid="L-HIS" classroomids="R202" period="1" weeks="11" terms="11" days="100000"',
    )

    problems = _problems(path)

    assert [(p.row, p.element) for p in problems] == [(112, '<card lessonid="L-HIS">')]
    assert problems[0].message == (
        "Учитель Сидорова В.В. в одно время на двух уроках: «История» "
        '(broken.xml, <card lessonid="L-HIS">, строка 112, 08:00–08:45) и «Английский язык» '
        '(broken.xml, <card lessonid="L-ENG2">, строка 98, 08:00–08:45). '
        "Исправьте расписание или объедините уроки в один (классы через запятую)."
    )


def test_one_subgroup_in_two_lessons_at_once_is_a_clash(tmp_path: Path) -> None:
    # Информатика for group англ-1 on Monday lesson 1, where англ-1 already has English.
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace(
        '<lesson id="L-INF" subjectid="S-INF" classids="C10A" groupids="G10A"',
        '<lesson id="L-INF" subjectid="S-INF" classids="C10A" groupids="G10A-1"',
    ).replace(
        'lessonid="L-INF" classroomids="R101" period="1" weeks="10" terms="11" days="000100"',
        'lessonid="L-INF" classroomids="R101" period="1" weeks="10" terms="11" days="100000"',
    )
    path = tmp_path / "group-clash.xml"
    path.write_text(text, encoding="utf-8")

    problems = _problems(path)

    assert [(p.row, p.element, p.message.split(":")[0]) for p in problems] == [
        (97, '<card lessonid="L-ENG1">', "Класс 10А в одно время на двух уроках"),
    ]


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("planner.imports.asc.MAX_INPUT_BYTES", 1000)

    assert _problems(SMALL) == [
        Problem(
            file=str(SMALL), message="файл больше 1000 байт; это не похоже на расписание школы."
        )
    ]


def test_teacher_overlap_with_a_team_lesson_is_not_a_clash(tmp_path: Path) -> None:
    # Химия S1-01 is taught by Новикова and Орлов; Новикова has Биология 5А at that time too.
    path = _variant(
        tmp_path,
        'lessonid="L-CHE" classroomids="R201,R202" period="2" weeks="11" terms="10"',
        'lessonid="L-CHE" classroomids="R201,R202" period="3" weeks="11" terms="10"',
    )

    timetable = read_asc(path)

    friday = sorted((x.lesson, x.subject, x.teachers) for x in timetable.lessons if x.day == 5)
    assert friday == [
        (3, "Биология", ("Новикова Е.Е.",)),
        (3, "Химия", ("Новикова Е.Е.", "Орлов Д.Д.")),
        (4, "Биология", ("Новикова Е.Е.",)),
    ]


def test_not_an_asc_file(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<fet version="6.0"/>\n', encoding="utf-8")

    assert _problems(path) == [
        Problem(
            file=str(path),
            row=2,
            element="<fet>",
            message="корневой элемент <fet>, а ожидается <timetable>: это не выгрузка «aSc "
            "Timetables 2012 XML». В aSc выберите Файл → Экспорт → aSc Timetables 2012 XML.",
        )
    ]


# ------------------------------------------------------------------------------- old versions


def test_asc_2008_schema_in_cp1251_without_declaration() -> None:
    """Zero-based ``day`` and ``period`` on the card, weeks on the lesson, ids like ``*12``,
    periods out of order and overlapping, a card of an unknown lesson, an unknown teacher."""
    timetable = read_asc(FILES / "asc2008-cp1251.xml")

    t = time
    assert [_row(x) for x in timetable.sorted_lessons()] == [
        (1, 1, t(8, 0), t(8, 45), ("5А",), None, "Математика", ("Иванова А.А.",), "101"),
        (2, 2, t(8, 55), t(9, 40), ("6Б",), None, "Русский язык", ("Петрова Б.Б.",), None),
        (3, 3, t(9, 50), t(10, 35), ("5А",), None, "Математика", ("Иванова А.А.",), "101"),
    ]
    assert [(f.kind, f.row, f.column) for f in timetable.findings] == [
        ("encoding", None, None),
        ("unknown_reference", 34, "teacherids"),
        ("skipped", 41, "lessonid"),
        ("format_note", None, None),
    ]
    assert timetable.findings[0].seen.startswith("файл в кодировке Windows-1251")
    with pytest.raises(InputError) as err:
        read_asc(FILES / "asc2008-cp1251.xml", strict=True)
    assert len(err.value.problems) == 3


def test_utf8_bom_reads_like_without() -> None:
    assert read_asc(FILES / "small-bom.xml").lessons == read_asc(SMALL).lessons
