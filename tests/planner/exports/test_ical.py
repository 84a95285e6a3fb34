"""iCalendar feeds: validity, stable UIDs, SEQUENCE from history, cancellations, stable bytes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from icalendar.parser import Contentline

from planner.engine.versions import VersionHistory, publish
from planner.exports.ical import GRACE, event_uid, feed_events, render_feed, write_feeds
from planner.exports.slugs import assign_slugs, slugify

from .school import (
    LINK_CHOIR,
    LINK_MATH,
    TUE,
    WED,
    changed,
    remote_schedule,
    school_timetable,
    t,
    without,
)

T1 = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=3)


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def events(text: str) -> list[dict[str, str]]:
    """Every VEVENT as property name (with params) → value, from the raw unfolded text."""
    out = []
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfold(text), re.S):
        props: dict[str, str] = {}
        for line in block.split("\r\n"):
            if line:
                name, _, value = line.partition(":")
                props[name] = value
        out.append(props)
    return out


def by_summary(text: str) -> dict[str, dict[str, str]]:
    """The first event of each summary (events are in time order)."""
    out: dict[str, dict[str, str]] = {}
    for e in events(text):
        out.setdefault(e["SUMMARY"], e)
    return out


def feeds(tmp_path, schedule=None, history=None, now=T1, **kw) -> dict[str, str]:
    if schedule is None:
        schedule = history.latest.schedule if history else remote_schedule()
    paths = write_feeds(tmp_path, schedule, school_timetable(), history, now=now, **kw)
    return {p.name: p.read_bytes().decode("utf-8") for p in paths}


def test_one_feed_per_teacher_and_class_with_ascii_slugs(tmp_path):
    assert sorted(feeds(tmp_path)) == [
        "class-5a.ics",
        "class-5b.ics",
        "teacher-ivanova-i-i.ics",
        "teacher-petrov-p-p.ics",
        "teacher-sidorova-s-s.ics",
        "teacher-smit-d-d.ics",
    ]


def test_every_feed_validates_with_vobject_and_parses_with_ical(tmp_path):
    for name, text in feeds(tmp_path, health_events=True).items():
        cal = vobject.readOne(text)
        cal.validate(raiseException=True)
        parsed = IcsCalendarStream.calendar_from_ics(text)
        assert len(parsed.events) == len(events(text)), name
        assert all(e.dtstart.tzinfo is not None for e in parsed.events), name


def test_events_have_uid_dtstamp_tzid_and_no_floating_times(tmp_path):
    for name, text in feeds(tmp_path).items():
        assert "METHOD" not in text
        assert Calendar.from_ical(text).get_missing_tzids() == set(), name
        assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Yekaterinburg" in text
        evs = events(text)
        uids = [e["UID"] for e in evs]
        assert len(uids) == len(set(uids)), name
        for e in evs:
            assert re.fullmatch(r"[0-9a-f-]{36}@planner", e["UID"])
            assert re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"])
            assert "DTSTART;TZID=Asia/Yekaterinburg" in e
            assert "DTEND;TZID=Asia/Yekaterinburg" in e


def test_calendar_properties(tmp_path):
    text = unfold(feeds(tmp_path)["class-5a.ics"])
    assert "NAME:5А класс — дистанционное расписание\r\n" in text
    assert "X-WR-CALNAME:5А класс — дистанционное расписание\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "X-WR-TIMEZONE:Asia/Yekaterinburg\r\n" in text
    # The zone covers only the needed year, not Yekaterinburg's DST history.
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text


def test_class_feed_lessons_self_study_at_base_time_and_no_links(tmp_path):
    text = feeds(tmp_path)["class-5a.ics"]
    evs = by_summary(text)
    math = [e for e in events(text) if e["SUMMARY"] == "Математика\\, 5А\\, онлайн"]
    assert [e["DTSTART;TZID=Asia/Yekaterinburg"] for e in math] == [
        "20261201T083000",
        "20261208T083000",
    ]
    rus = evs["Русский язык\\, 5А\\, самостоятельно"]
    assert rus["DTSTART;TZID=Asia/Yekaterinburg"] == "20261201T103000"
    assert rus["DTEND;TZID=Asia/Yekaterinburg"] == "20261201T111500"
    assert "Английский язык\\, 5А (англ-2)\\, самостоятельно" in evs
    assert "Хор\\, 5А\\, 5Б\\, онлайн" in evs
    assert "https://" not in unfold(text)
    assert "CONFERENCE" not in text


def test_lesson_description_carries_its_health_plan(tmp_path):
    text = feeds(tmp_path)["class-5a.ics"]
    math = next(e for e in events(text) if e["SUMMARY"].startswith("Математика"))
    assert math["DESCRIPTION"] == (
        "Формат: онлайн\\nУчитель: Иванова И.И.\\nЗдоровье на уроке:\\n"
        "• Гимнастика для глаз: 08:45–08:47\\n• Физкультминутка: 08:52–08:54\\n"
        "Обновлено: 30.11.2026 18:00"
    )


def test_teacher_feed_has_links_and_no_self_study(tmp_path):
    text = feeds(tmp_path)["teacher-ivanova-i-i.ics"]
    summaries = sorted(e["SUMMARY"] for e in events(text))
    assert summaries == [
        "Литература\\, 5А\\, онлайн",
        "Математика\\, 5А\\, онлайн",
        "Математика\\, 5А\\, онлайн",
        "Математика\\, 5Б\\, онлайн",
        "Математика\\, 5Б\\, онлайн",
    ]
    math = next(e for e in events(text) if e["SUMMARY"] == "Математика\\, 5А\\, онлайн")
    assert math["URL"] == LINK_MATH
    assert math["CONFERENCE;FEATURE=VIDEO;LABEL=Видеозвонок;VALUE=URI"] == LINK_MATH
    assert f"Ссылка на звонок: {LINK_MATH}" in math["DESCRIPTION"]
    lit = next(e for e in events(text) if e["SUMMARY"].startswith("Литература"))
    assert "Ссылка на звонок появится позже." in lit["DESCRIPTION"]
    assert "URL" not in lit


def test_combined_lesson_is_one_teacher_event(tmp_path):
    text = feeds(tmp_path)["teacher-sidorova-s-s.ics"]
    assert [e["SUMMARY"] for e in events(text)] == ["Хор\\, 5А\\, 5Б\\, онлайн"] * 2
    assert events(text)[0]["URL"] == LINK_CHOIR


def test_private_class_feed_carries_links(tmp_path):
    text = unfold(feeds(tmp_path, private_class_links=True)["class-5a.ics"])
    assert f"URL:{LINK_MATH}\r\n" in text


def test_health_events_flag_adds_break_health_slots_only(tmp_path):
    plain = by_summary(feeds(tmp_path / "a")["class-5a.ics"])
    with_health = by_summary(feeds(tmp_path / "b", health_events=True)["class-5a.ics"])
    assert set(with_health) - set(plain) == {"Гимнастика для глаз\\, 5А"}
    eye = with_health["Гимнастика для глаз\\, 5А"]
    assert eye["DTSTART;TZID=Asia/Yekaterinburg"] == "20261201T090500"


def test_identical_input_gives_identical_bytes(tmp_path):
    assert feeds(tmp_path / "a") == feeds(tmp_path / "b")
    h = publish(remote_schedule(), VersionHistory(), author="A", now=T1)
    assert feeds(tmp_path / "c", history=h, now=T2) == feeds(tmp_path / "d", history=h, now=T2)
    # an unpublished draft is stamped at `now`; the published one at its publication time
    assert feeds(tmp_path / "e", history=h, now=T2) == feeds(tmp_path / "f", now=T1)


def replanned():
    s = remote_schedule()
    math = {"subject": "Математика", "class_name": "5А", "date": TUE}
    s = changed(s, math, start=t("08:40"), end=t("09:10"))
    return without(s, {"subject": "Литература"})


def test_replan_keeps_uids_bumps_only_changed_and_cancels_removed(tmp_path):
    h = publish(remote_schedule(), VersionHistory(), author="A", now=T1)
    before = feeds(tmp_path / "v1", history=h, now=T1)
    h2 = publish(replanned(), h, author="A", now=T2)
    after = feeds(tmp_path / "v2", history=h2, now=T2)

    old = {e["UID"]: e for e in events(before["teacher-ivanova-i-i.ics"])}
    new = {e["UID"]: e for e in events(after["teacher-ivanova-i-i.ics"])}
    assert set(old) == set(new)  # stable UIDs, the removed lesson is still there (cancelled)
    bumped = {u for u in new if new[u]["SEQUENCE"] != old[u]["SEQUENCE"]}
    assert {new[u]["SUMMARY"] for u in bumped} == {
        "Математика\\, 5А\\, онлайн",
        "Отменён: Литература\\, 5А\\, онлайн",
    }
    assert len(bumped) == 2
    for u in bumped:
        assert new[u]["SEQUENCE"] == "1"
        assert new[u]["DTSTAMP"] == "20261130T160000Z"
    for u in set(new) - bumped:
        assert new[u]["SEQUENCE"] == "0"
        assert new[u]["DTSTAMP"] == "20261130T130000Z"
    lit = next(e for e in new.values() if "Литература" in e["SUMMARY"])
    assert lit["STATUS"] == "CANCELLED"
    assert lit["DTSTART;TZID=Asia/Yekaterinburg"] == "20261202T083000"
    moved = next(e for u, e in new.items() if u in bumped and "Математика" in e["SUMMARY"])
    assert moved["DTSTART;TZID=Asia/Yekaterinburg"] == "20261201T084000"
    # The class feed bumps the same lessons; the other class is untouched.
    assert all(e["SEQUENCE"] == "0" for e in events(after["class-5b.ics"]))


def test_cancelled_lesson_disappears_after_the_grace_period(tmp_path):
    h = publish(remote_schedule(), VersionHistory(), author="A", now=T1)
    h2 = publish(replanned(), h, author="A", now=T2)
    later = feeds(tmp_path, history=h2, now=T2 + GRACE + timedelta(minutes=1))
    assert not any("Литература" in e["SUMMARY"] for e in events(later["class-5a.ics"]))


def test_call_link_change_bumps_teacher_feed_only(tmp_path):
    h = publish(remote_schedule(), VersionHistory(), author="A", now=T1)
    s2 = changed(remote_schedule(), {"call_url": LINK_MATH}, call_url=LINK_MATH + "X")
    h2 = publish(s2, h, author="A", now=T2)
    out = feeds(tmp_path, history=h2, now=T2)
    assert {e["SEQUENCE"] for e in events(out["class-5a.ics"])} == {"0"}
    seqs = [(e["SUMMARY"], e["SEQUENCE"]) for e in events(out["teacher-ivanova-i-i.ics"])]
    assert sorted(seqs)[-4:] == [
        ("Математика\\, 5А\\, онлайн", "1"),
        ("Математика\\, 5А\\, онлайн", "1"),
        ("Математика\\, 5Б\\, онлайн", "0"),
        ("Математика\\, 5Б\\, онлайн", "0"),
    ]


def test_uid_is_name_free_and_kind_specific():
    key = "2026-12-01|5А||lesson|2:1|Математика|"
    assert event_uid("class", key) == event_uid("class", key)
    assert event_uid("class", key) != event_uid("teacher", key)
    assert "5А" not in event_uid("class", key)


def test_slugs_transliterate_and_resolve_collisions_deterministically():
    assert slugify("Иванова И.И.") == "ivanova-i-i"
    assert slugify("5А") == "5a"
    assert slugify("Щукина Юлия Ёжиковна") == "shchukina-iuliia-ezhikovna"
    assert slugify("11 мат") == "11-mat"
    assert slugify("...") == "x"
    names = ["Иванова И.И.", "Иванова И. И.", "Петров П.П."]
    assert assign_slugs(names) == {
        "Иванова И. И.": "ivanova-i-i",
        "Иванова И.И.": "ivanova-i-i-2",
        "Петров П.П.": "petrov-p-p",
    }
    assert assign_slugs(reversed(names)) == assign_slugs(names)


def test_wednesday_self_study_of_other_class(tmp_path):
    text = feeds(tmp_path)["class-5b.ics"]
    pe = by_summary(text)["Физкультура\\, 5Б\\, самостоятельно"]
    assert pe["DTSTART;TZID=Asia/Yekaterinburg"] == WED.strftime("%Y%m%d") + "T083000"


def test_render_feed_gives_the_bytes_write_feeds_writes(tmp_path):
    h = publish(remote_schedule(), VersionHistory(), author="A", now=T1)
    h = publish(replanned(), h, author="A", now=T2)
    files = feeds(tmp_path, history=h, now=T2)
    got = render_feed("teacher", "Иванова И.И.", h, school_timetable(), now=T2)
    assert got.decode("utf-8") == files["teacher-ivanova-i-i.ics"]
    got = render_feed("class", "5Б", h, school_timetable(), now=T2)
    assert got.decode("utf-8") == files["class-5b.ics"]


@pytest.mark.parametrize("health", [False, True])
def test_feed_events_for_one_feed_equal_that_feed_of_all(health):
    schedule = replanned()
    full = feed_events(schedule, school_timetable(), private_class_links=True, health_events=health)
    assert {"teacher:Иванова И.И.", "class:5А", "class:5Б"} <= set(full)
    for fid, events in full.items():
        one = feed_events(
            schedule, school_timetable(), private_class_links=True, health_events=health, only=fid
        )
        assert one == {fid: events}
    assert feed_events(schedule, school_timetable(), only="class:9Я") == {}


# -- text from data is escaped (RFC 5545 §3.3.11), lines folded as icalendar folds them ------------

HOSTILE_TEACHER = 'Иванова И.И.; "завуч" \\ кафедра\nистории\r\nи\rобществознания'  # no comma:
# commas separate the teachers of a lesson
HOSTILE_SUBJECT = "Алгебра, геометрия; 7\\8\nуглублённо"
HOSTILE_ROOM = "каб. 2,14;\n корпус \\Б"
HOSTILE_LINK = "https://vk.com/call/join/a b\r\nX-INJECTED:1"


def hostile_schedule():
    s = changed(remote_schedule(), {"teacher": "Иванова И.И."}, teacher=HOSTILE_TEACHER)
    s = changed(s, {"subject": "Математика"}, subject=HOSTILE_SUBJECT, call_url=HOSTILE_LINK)
    return changed(s, {"subject": "Литература"}, format="in_person", room=HOSTILE_ROOM)


def test_hostile_names_are_escaped_and_parse_back(tmp_path):
    schedule = hostile_schedule()
    paths = write_feeds(tmp_path, schedule, school_timetable(), now=T1, private_class_links=True)
    texts = {p.name: p.read_bytes().decode("utf-8") for p in paths}
    name = next(n for n in texts if n.startswith("teacher-ivanova"))
    title = f"{HOSTILE_TEACHER.replace(chr(13) + chr(10), chr(10)).replace(chr(13), chr(10))}"
    title += " — дистанционное расписание"
    for text in texts.values():
        assert not [x for x in unfold(text).split("\r\n") if x.startswith("X-INJECTED")]
        for line in text.split("\r\n"):
            assert "\r" not in line and "\n" not in line
            assert len(line.encode("utf-8")) <= 75
    text = texts[name]
    # icalendar: every text property back as written (Calendar keeps NAME and X-WR-CALNAME raw,
    # as values of unknown type: its content-line parser reads them)
    cal = Calendar.from_ical(text)
    lines = {x.partition(":")[0]: x for x in unfold(text).split("\r\n")}
    assert Contentline(lines["NAME"]).parts()[2] == title
    assert Contentline(lines["X-WR-CALNAME"]).parts()[2] == title
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert f"{HOSTILE_SUBJECT}, 5Б, онлайн" in summaries
    locations = {str(e.get("LOCATION")) for e in cal.walk("VEVENT")}
    assert HOSTILE_ROOM in locations
    urls = {str(e.get("URL")) for e in cal.walk("VEVENT") if e.get("URL")}
    assert "https://vk.com/call/join/a%20b%0D%0AX-INJECTED:1" in urls
    # vobject: valid, and the same values
    vcal = vobject.readOne(text)
    vcal.validate(raiseException=True)
    assert vcal.contents["x-wr-calname"][0].value == title
    vevents = vcal.contents["vevent"]
    assert f"{HOSTILE_SUBJECT}, 5Б, онлайн" in {e.summary.value for e in vevents}
    class_feed = Calendar.from_ical(texts["class-5a.ics"])
    descriptions = [str(e["DESCRIPTION"]) for e in class_feed.walk("VEVENT")]
    assert any(f"Учитель: {title.split(' — ')[0]}" in d for d in descriptions)


def test_fold_is_icalendars_folding():
    from planner.exports.ical import fold

    for line in (
        "DESCRIPTION:" + "Формат: онлайн\\nКласс: 5А" * 9,
        "SUMMARY:" + "a" * 66,  # 74 octets: one line
        "SUMMARY:" + "a" * 67,  # 75 octets: folded
        "X:" + "\\," * 60,  # never right after a backslash
        "X:" + "я" * 40 + "^n" * 20,
        "X:" + "€😀ж" * 30,
    ):
        assert fold(line) == Contentline(line).to_ical(), line


@given(st.text(alphabet=st.characters(blacklist_characters="\r\n", codec="utf-8"), max_size=300))
def test_fold_equals_icalendars_folding_for_any_text(text):
    from planner.exports.ical import fold

    line = "DESCRIPTION:" + text
    assert fold(line) == Contentline(line).to_ical()


@given(st.sampled_from(["class", "teacher"]), st.text())
def test_event_uid_is_uuid5_of_the_kind_and_slot(kind, slot_key):
    import uuid

    from planner.exports.ical import NAMESPACE

    assert event_uid(kind, slot_key) == f"{uuid.uuid5(NAMESPACE, f'{kind}|{slot_key}')}@planner"


def test_prepare_zone_builds_what_every_feed_of_those_years_looks_up() -> None:
    from planner.exports.ical import prepare_zone, vtimezone

    vtimezone.cache_clear()
    prepare_zone("Europe/Samara", 2026, 2027)
    built = vtimezone.cache_info().currsize
    for first, last in ((2026, 2026), (2026, 2027), (2027, 2027)):
        assert b"TZID:Europe/Samara" in vtimezone("Europe/Samara", first, last)
    # every span of the order's years was there: the feeds build none of them again
    assert (built, vtimezone.cache_info().currsize) == (3, 3)


@pytest.mark.parametrize(
    "tz",
    ["Asia/Yekaterinburg", "Europe/Moscow", "Europe/Kaliningrad", "Asia/Kamchatka",
     "Asia/Kolkata", "America/Sao_Paulo", "Europe/Berlin", "UTC", "Etc/GMT+3"],
)  # fmt: skip
def test_vtimezone_and_local_time_are_icalendars(tz) -> None:
    """The zones of one offset are written by hand (no icalendar import), others by icalendar:
    the same bytes either way (every zone of the tz database was compared once)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from icalendar import Event, vDuration

    from planner.exports.ical import REFRESH, _fixed_zone, _local_time, _refresh, vtimezone

    for first, last in ((2026, 2026), (2026, 2028)):
        cal = Calendar()
        start = datetime(first, 6, 1, 12, tzinfo=ZoneInfo(tz))
        cal.add_component(Event.new(uid="x", start=start))
        cal.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1))
        expected = b"".join(c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE")
        assert vtimezone.__wrapped__(tz, first, last) == expected
    sample = Event.new(uid="x", start=datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))).to_ical()
    line = next(x for x in sample.decode().split("\r\n") if x.startswith("DTSTART"))
    name, _, value = line.partition(":")
    assert _local_time.__wrapped__(tz) == (
        name.removeprefix("DTSTART"),
        value.removeprefix("20000101T000000"),
    )
    assert _refresh() == vDuration(REFRESH).to_ical().decode()
    by_hand = _fixed_zone(tz, datetime(2026, 1, 1)) is not None
    assert by_hand == (tz in {"Asia/Yekaterinburg", "Europe/Moscow", "Europe/Kaliningrad",
                              "Asia/Kamchatka", "Asia/Kolkata", "America/Sao_Paulo",
                              "Etc/GMT+3"})  # fmt: skip
