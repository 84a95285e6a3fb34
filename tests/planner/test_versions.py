"""Publishing versions, the history file and the iCal revision numbers derived from it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from planner.domain.errors import InputError
from planner.domain.schedule import Schedule, ScheduleItem
from planner.engine.versions import (
    PublishError,
    Revision,
    VersionHistory,
    content_hash,
    event_revisions,
    is_published,
    publish,
)
from tests.planner.factories import item

PERM = timezone(timedelta(hours=5))
T0 = datetime(2026, 11, 30, 18, 0, tzinfo=PERM)
DAY = date(2026, 12, 1)


def draft(*items: ScheduleItem, meta: dict | None = None) -> Schedule:
    return Schedule(
        school="Школа № 1",
        timezone="Asia/Yekaterinburg",
        norm_set="sanpin-2021",
        order={"from": "2026-12-01", "to": "2026-12-01", "classes": ["5А"]},
        items=items,
        meta=meta or {},
    )


MATH = item("Математика", 1, "08:30", "09:00", day=DAY)
RUS = item("Русский язык", 2, "09:20", "09:50", day=DAY)


def test_publish_first_version_numbers_it_one_and_keeps_input_history():
    empty = VersionHistory()
    history = publish(draft(MATH), empty, author="Завуч Петрова", comment="Карантин", now=T0)
    assert empty.versions == ()
    assert len(history) == 1
    v = history.latest
    assert (v.number, v.published_at, v.author, v.comment) == (1, T0, "Завуч Петрова", "Карантин")
    assert v.content_hash == content_hash(draft(MATH))
    assert v.content_hash.startswith("sha256:") and len(v.content_hash) == 7 + 64


def test_publish_appends_and_never_edits_existing_versions():
    h1 = publish(draft(MATH), VersionHistory(), author="A", comment="", now=T0)
    h2 = publish(draft(MATH, RUS), h1, author="B", comment="второй", now=T0 + timedelta(hours=1))
    assert len(h1) == 1 and len(h2) == 2
    assert h2.versions[0] is h1.versions[0]
    assert [v.number for v in h2.versions] == [1, 2]
    assert h2.previous_of(2) is h1.versions[0]
    assert h2.previous_of(1) is None


def test_publish_refuses_unchanged_draft_even_with_other_meta():
    h1 = publish(draft(MATH), VersionHistory(), author="A", now=T0)
    with pytest.raises(PublishError) as err:
        publish(draft(MATH, meta={"solve_seconds": 3.2}), h1, author="A", now=T0)
    assert str(err.value) == ("черновик совпадает с опубликованной версией 1; публиковать нечего.")
    assert is_published(draft(MATH, meta={"x": 1}), h1)
    assert not is_published(draft(RUS), h1)
    assert not is_published(draft(MATH), None)


def test_publish_requires_aware_time_author_and_monotonic_clock():
    with pytest.raises(PublishError) as err:
        publish(draft(MATH), VersionHistory(), author="A", now=datetime(2026, 12, 1, 8, 0))
    assert str(err.value) == "время публикации должно быть с часовым поясом (aware datetime)."
    with pytest.raises(PublishError) as err:
        publish(draft(MATH), VersionHistory(), author="  ", now=T0)
    assert str(err.value) == "укажите, кто публикует версию (автор не может быть пустым)."
    h1 = publish(draft(MATH), VersionHistory(), author="A", now=T0)
    with pytest.raises(PublishError) as err:
        publish(draft(RUS), h1, author="A", now=T0 - timedelta(minutes=1))
    assert "раньше публикации версии 1" in str(err.value)


def test_history_json_round_trip(tmp_path):
    h = publish(draft(MATH), VersionHistory(), author="A", comment="c1", now=T0)
    h = publish(draft(MATH, RUS), h, author="B", comment="c2", now=T0 + timedelta(hours=2))
    path = tmp_path / "versions.json"
    h.write(path)
    back = VersionHistory.read(path)
    assert back == h
    assert back.dumps() == h.dumps()
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "planner-versions/1"
    assert doc["versions"][1]["published_at"] == "2026-11-30T20:00:00+05:00"


def test_history_rejects_edited_version(tmp_path):
    h = publish(draft(MATH), VersionHistory(), author="A", now=T0)
    doc = h.to_json()
    doc["versions"][0]["schedule"]["items"][0]["subject"] = "Физика"
    with pytest.raises(InputError) as err:
        VersionHistory.from_json(doc, "prev/versions.json")
    (p,) = err.value.problems
    assert (p.file, p.element, p.column) == ("prev/versions.json", "versions[0]", "content_hash")
    assert p.message.startswith("версия 1 изменена после публикации")


def test_history_rejects_gap_in_numbers_and_foreign_file():
    h = publish(draft(MATH), VersionHistory(), author="A", now=T0)
    doc = h.to_json()
    doc["versions"][0]["number"] = 2
    with pytest.raises(InputError) as err:
        VersionHistory.from_json(doc)
    assert err.value.problems[0].column == "number"
    assert err.value.problems[0].message.startswith("номер версии 2, а ожидался 1")
    with pytest.raises(InputError) as err:
        VersionHistory.from_json({"items": []}, "schedule.json")
    assert err.value.problems[0].file == "schedule.json"


def by_subject(schedule: Schedule) -> dict[str, tuple]:
    return {i.subject: (i.start, i.end, i.format) for i in schedule.lessons()}


def test_event_revisions_counts_only_versions_that_changed_the_event():
    t1, t2, t3 = T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    h = publish(draft(MATH, RUS), VersionHistory(), author="A", now=t1)
    moved = replace(RUS, start=time(10, 0), end=time(10, 30))
    h = publish(draft(MATH, moved), h, author="A", now=t2)
    art = item("ИЗО", 3, "11:00", "11:30", day=DAY)
    h = publish(draft(MATH, moved, art), h, author="A", now=t3)
    revs = event_revisions(h, by_subject)
    assert revs["Математика"] == Revision(0, t1, True, 3)
    assert revs["Русский язык"] == Revision(1, t2, True, 3)
    assert revs["ИЗО"] == Revision(0, t3, True, 3)


def test_event_revisions_cancellation_and_return_bump_sequence():
    t = [T0 + timedelta(hours=i) for i in range(3)]
    h = publish(draft(MATH, RUS), VersionHistory(), author="A", now=t[0])
    h = publish(draft(MATH), h, author="A", now=t[1])
    revs = event_revisions(h, by_subject)
    assert revs["Русский язык"] == Revision(1, t[1], False, 1)
    assert revs["Русский язык"].state == (time(9, 20), time(9, 50), "online")
    h = publish(draft(MATH, RUS), h, author="A", now=t[2])
    assert event_revisions(h, by_subject)["Русский язык"] == Revision(2, t[2], True, 3)


def test_event_revisions_of_empty_history_is_empty():
    assert event_revisions(VersionHistory(), by_subject) == {}


def test_published_at_keeps_offset_through_json():
    h = publish(draft(MATH), VersionHistory(), author="A", now=datetime(2026, 12, 1, 3, tzinfo=UTC))
    back = VersionHistory.from_json(json.loads(h.dumps()))
    assert back.latest.published_at == datetime(2026, 12, 1, 3, tzinfo=UTC)
