"""write_asc: aSc Timetables 2012 XML that read_asc reads back to the same lessons."""

from __future__ import annotations

import hashlib
from datetime import time
from pathlib import Path
from xml.etree.ElementTree import fromstring

from planner.domain.model import Bell, BellSchedule, School, SchoolClass, Timetable
from planner.exports.asc import write_asc
from planner.imports.asc import read_asc
from tests.planner.factories import lesson as base


def _classes(*names: str, subgroups: dict[str, tuple[str, ...]] | None = None) -> dict:
    subgroups = subgroups or {}
    return {n: SchoolClass.from_name(n, subgroups=subgroups.get(n, ())) for n in names}


def _id(kind: str, *parts: str) -> str:
    return hashlib.sha1("\x1f".join((kind, *parts)).encode()).hexdigest()[:16].upper()


def _remote_day() -> Timetable:
    """A rebuilt remote week: minute-precise times, no common bell grid."""
    lessons = (
        base(1, 1, "09:00", "09:30", "5А", "Математика", "Иванова А.А.", room="онлайн"),
        base(1, 2, "09:45", "10:15", "5А", "Русский язык", "Петрова Б.Б."),
        base(1, 1, "09:10", "09:40", "7Б", "Физика", "Орлов Д.Д."),
        base(1, 2, "09:55", "10:25", "7Б,7В", "История", "Сидорова В.В."),
        base(2, 1, "09:00", "09:30", "7Б", "Английский язык", "Петрова Б.Б.", "англ-1"),
        base(2, 1, "09:00", "09:30", "7Б", "Английский язык", "Козлов Г.Г.", "англ-2"),
        base(6, 3, "10:30", "11:00", "7В", "Информатика", "Орлов Д.Д., Новикова Е.Е."),
    )
    return Timetable(
        school=School("Школа № 5", days_per_week=6),
        classes=_classes("5А", "7Б", "7В", subgroups={"7Б": ("англ-1", "англ-2")}),
        lessons=lessons,
    )


def test_minute_precise_lessons_read_back_equal(tmp_path: Path) -> None:
    timetable = _remote_day()
    out = tmp_path / "asc.xml"

    write_asc(timetable, out)
    again = read_asc(out)

    assert set(again.lessons) == set(timetable.lessons)
    assert len(again.lessons) == len(timetable.lessons)
    assert again.school.days_per_week == 6
    assert again.classes["7Б"].subgroups == ("англ-1", "англ-2")


def test_minute_precise_lessons_get_one_period_per_time_slot(tmp_path: Path) -> None:
    out = tmp_path / "asc.xml"

    write_asc(_remote_day(), out)
    root = fromstring(out.read_bytes())

    periods = [
        (p.get("period"), p.get("name"), p.get("starttime"), p.get("endtime"))
        for p in root.iter("period")
    ]
    assert periods == [
        ("1", "1", "9:00", "9:30"),
        ("2", "1", "9:10", "9:40"),
        ("3", "2", "9:45", "10:15"),
        ("4", "2", "9:55", "10:25"),
        ("5", "3", "10:30", "11:00"),
    ]
    cards = [(c.get("period"), c.get("days")) for c in root.iter("card")]
    assert cards == [
        ("1", "100000"),
        ("2", "100000"),
        ("3", "100000"),
        ("4", "100000"),
        ("1", "010000"),
        ("1", "010000"),
        ("5", "000001"),
    ]
    assert {lesson.get("periodspercard") for lesson in root.iter("lesson")} == {"1"}


def test_bell_grid_writes_one_card_per_period(tmp_path: Path) -> None:
    bells = BellSchedule(
        "Основное",
        (
            Bell(1, time(8, 0), time(8, 40)),
            Bell(2, time(8, 40), time(9, 20)),
            Bell(3, time(9, 40), time(10, 20)),
        ),
    )
    lessons = (
        base(1, 1, "08:00", "09:20", "10А", "Химия", "Новикова Е.Е.", room="201"),
        base(1, 3, "09:40", "10:20", "10А", "Химия", "Новикова Е.Е.", room="202"),
    )
    timetable = Timetable(
        school=School("Школа"),
        classes=_classes("10А"),
        lessons=lessons,
        bell_schedules={"Основное": bells},
    )
    out = tmp_path / "asc.xml"

    write_asc(timetable, out)
    root = fromstring(out.read_bytes())
    again = read_asc(out)

    assert [
        (p.get("period"), p.get("starttime"), p.get("endtime")) for p in root.iter("period")
    ] == [
        ("1", "8:00", "8:40"),
        ("2", "8:40", "9:20"),
        ("3", "9:40", "10:20"),
    ]
    assert [
        (c.get("lessonid"), c.get("period"), c.get("classroomids")) for c in root.iter("card")
    ] == [
        (_id("lesson", "Химия", "10А", "", "Новикова Е.Е.", "2"), "1", _id("classroom", "201")),
        (_id("lesson", "Химия", "10А", "", "Новикова Е.Е.", "2"), "2", _id("classroom", "201")),
        (_id("lesson", "Химия", "10А", "", "Новикова Е.Е.", "1"), "3", _id("classroom", "202")),
    ]
    assert [x.get("periodspercard") for x in root.iter("lesson")] == ["2", "1"]
    assert again.lessons == lessons
    assert again.bell_schedules["aSc"].bells == bells.bells


def test_combined_room_of_known_rooms_is_written_as_two_classrooms(tmp_path: Path) -> None:
    lesson = base(
        3, 1, "08:00", "08:45", "5А,5Б", "Физкультура", "Козлов Г.Г.", room="Зал 1, Зал 2"
    )
    timetable = Timetable(
        school=School("Школа"),
        classes=_classes("5А", "5Б"),
        lessons=(lesson,),
        rooms=("Зал 1", "Зал 2"),
    )
    out = tmp_path / "asc.xml"

    write_asc(timetable, out)
    root = fromstring(out.read_bytes())

    card = next(root.iter("card"))
    assert card.get("classroomids") == f"{_id('classroom', 'Зал 1')},{_id('classroom', 'Зал 2')}"
    assert [r.get("name") for r in root.iter("classroom")] == ["Зал 1", "Зал 2"]
    assert read_asc(out).lessons == (lesson,)


def test_output_is_deterministic_whatever_the_lesson_order(tmp_path: Path) -> None:
    timetable = _remote_day()
    shuffled = Timetable(
        school=timetable.school,
        classes=timetable.classes,
        lessons=tuple(reversed(timetable.lessons)),
    )
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"

    write_asc(timetable, first)
    write_asc(shuffled, second)

    assert first.read_bytes() == second.read_bytes()


def test_tiny_timetable_exact_xml(tmp_path: Path) -> None:
    timetable = Timetable(
        school=School("Школа"),
        classes=_classes("5А"),
        lessons=(base(2, 1, "08:00", "08:45", "5А", "Чтение", "Иванова А.А.", room="11"),),
    )
    out = tmp_path / "asc.xml"

    write_asc(timetable, out)

    cls, subj, tea, room = (
        _id("class", "5А"),
        _id("subject", "Чтение"),
        _id("teacher", "Иванова А.А."),
        _id("classroom", "11"),
    )
    lesson = _id("lesson", "Чтение", "5А", "", "Иванова А.А.", "1")
    day = [_id("daysdef", str(d)) for d in range(1, 6)]
    opt = 'options="canadd,export:silent"'
    assert out.read_text(encoding="utf-8") == (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<timetable importtype="database" options="export:idprefix:%CHRID,'
        "import:idprefix:%TEMPID,groupstype1,decimalseparatordot,"
        'lessonsincludeclasseswithoutstudents,handlestudentsafterlessons" defaultexport="1" '
        'displayname="aSc Timetables 2012 XML" displaycountries="">\n'
        f'  <periods {opt} columns="period,name,short,starttime,endtime">\n'
        '    <period name="1" short="1" period="1" starttime="8:00" endtime="8:45" />\n'
        "  </periods>\n"
        f'  <breaks {opt} columns="break,name,short,starttime,endtime" />\n'
        f'  <daysdefs {opt} columns="id,days,name,short">\n'
        f'    <daysdef id="{day[0]}" name="Monday" short="Mo" days="10000" />\n'
        f'    <daysdef id="{day[1]}" name="Tuesday" short="Tu" days="01000" />\n'
        f'    <daysdef id="{day[2]}" name="Wednesday" short="We" days="00100" />\n'
        f'    <daysdef id="{day[3]}" name="Thursday" short="Th" days="00010" />\n'
        f'    <daysdef id="{day[4]}" name="Friday" short="Fr" days="00001" />\n'
        f'    <daysdef id="{_id("daysdef", "any")}" name="Any day" short="X" '
        'days="10000,01000,00100,00010,00001" />\n'
        "  </daysdefs>\n"
        f'  <weeksdefs {opt} columns="id,weeks,name,short">\n'
        f'    <weeksdef id="{_id("weeksdef", "all")}" name="All weeks" short="All" weeks="1" />\n'
        "  </weeksdefs>\n"
        f'  <termsdefs {opt} columns="id,terms,name,short">\n'
        f'    <termsdef id="{_id("termsdef", "year")}" name="Whole year" short="YR" terms="1" />\n'
        "  </termsdefs>\n"
        f'  <subjects {opt} columns="id,name,short,partner_id">\n'
        f'    <subject id="{subj}" name="Чтение" short="Чтение" partner_id="" />\n'
        "  </subjects>\n"
        f'  <teachers {opt} columns="id,name,short,gender,color,email,mobile,partner_id,'
        'firstname,lastname">\n'
        f'    <teacher id="{tea}" firstname="" lastname="" name="Иванова А.А." '
        'short="Иванова А.А." gender="" color="" email="" mobile="" partner_id="" />\n'
        "  </teachers>\n"
        f'  <buildings {opt} columns="id,name,partner_id" />\n'
        f'  <classrooms {opt} columns="id,name,short,capacity,buildingid,partner_id">\n'
        f'    <classroom id="{room}" name="11" short="11" capacity="*" buildingid="" '
        'partner_id="" />\n'
        "  </classrooms>\n"
        f'  <grades {opt} columns="grade,name,short">\n'
        '    <grade name="5 класс" short="5" grade="5" />\n'
        "  </grades>\n"
        f'  <classes {opt} columns="id,name,short,classroomids,teacherid,grade,partner_id">\n'
        f'    <class id="{cls}" name="5А" short="5А" teacherid="" classroomids="" grade="5" '
        'partner_id="" />\n'
        "  </classes>\n"
        f'  <groups {opt} columns="id,classid,name,entireclass,divisiontag,studentcount,'
        'studentids">\n'
        f'    <group id="{_id("group", "5А", "")}" name="Entire class" classid="{cls}" '
        'studentids="" entireclass="1" divisiontag="0" />\n'
        "  </groups>\n"
        f'  <students {opt} columns="id,classid,name,number,email,mobile,partner_id,firstname,'
        'lastname" />\n'
        f'  <studentsubjects {opt} columns="studentid,subjectid,seminargroup,importance,'
        'alternatefor" />\n'
        f'  <lessons {opt} columns="id,subjectid,classids,groupids,teacherids,classroomids,'
        "periodspercard,periodsperweek,daysdefid,weeksdefid,termsdefid,seminargroup,capacity,"
        'partner_id">\n'
        f'    <lesson id="{lesson}" classids="{cls}" subjectid="{subj}" periodspercard="1" '
        f'periodsperweek="1.0" teacherids="{tea}" classroomids="{room}" '
        f'groupids="{_id("group", "5А", "")}" seminargroup="" '
        f'termsdefid="{_id("termsdef", "year")}" weeksdefid="{_id("weeksdef", "all")}" '
        f'daysdefid="{_id("daysdef", "any")}" capacity="*" partner_id="" />\n'
        "  </lessons>\n"
        f'  <cards {opt} columns="lessonid,period,days,weeks,terms,classroomids">\n'
        f'    <card lessonid="{lesson}" classroomids="{room}" period="1" weeks="1" terms="1" '
        'days="01000" />\n'
        "  </cards>\n"
        f'  <classroomsupervisions {opt} columns="classroomid,teacherid,day,week,term,period,'
        'break" />\n'
        "</timetable>\n"
    )
