"""write_bundle: every file of OUTDIR, valid and consistent; first run and a re-plan."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from openpyxl import load_workbook

from constraints.catalogue import NormCatalogue
from constraints.checker import check_schedule
from planner.engine.changes import diff_against_base
from planner.engine.versions import VersionHistory, content_hash
from planner.exports.bundle import first_week, load_previous_history, write_bundle
from planner.imports import load_timetable

from .school import TUE, changed, order, remote_schedule, school_timetable, t

T1 = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=5)


def run(outdir, schedule, history=None, now=T1):
    o = order()
    timetable = school_timetable()
    cat = NormCatalogue.load(on=o.date_from, overrides=o.overrides)
    rep = check_schedule(schedule, timetable, o, cat)
    return write_bundle(outdir, schedule, timetable, o, cat, rep, history, now=now)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("out1")
    return outdir, run(outdir, remote_schedule())


def test_bundle_writes_every_file(first):
    outdir, paths = first
    assert sorted(p.relative_to(outdir).as_posix() for p in paths) == [
        "asc.xml",
        "changes.json",
        "changes.xlsx",
        "chat/5a.txt",
        "chat/5b.txt",
        "epos.csv",
        "epos.xlsx",
        "feeds/class-5a.ics",
        "feeds/class-5b.ics",
        "feeds/teacher-ivanova-i-i.ics",
        "feeds/teacher-petrov-p-p.ics",
        "feeds/teacher-sidorova-s-s.ics",
        "feeds/teacher-smit-d-d.ics",
        "report.html",
        "versions.json",
    ]
    assert all(p.is_file() for p in paths)


def test_first_run_publishes_version_one(first):
    outdir, _ = first
    history = VersionHistory.read(outdir / "versions.json")
    # written by the bundle's faster JSON encoder: the history's own text to the byte
    assert (outdir / "versions.json").read_bytes().decode("utf-8") == history.dumps()
    assert [v.number for v in history.versions] == [1]
    assert history.latest.published_at == T1
    assert history.latest.author == "planner rebuild (командная строка)"
    assert history.latest.comment == "Приказ: 5А, 5Б с 01.12.2026 по 08.12.2026"
    assert history.latest.schedule == remote_schedule()


def test_every_feed_is_valid(first):
    outdir, _ = first
    for path in sorted((outdir / "feeds").glob("*.ics")):
        text = path.read_text(encoding="utf-8")
        vobject.readOne(text).validate(raiseException=True)
        cal = IcsCalendarStream.calendar_from_ics(text)
        uids = [e.uid for e in cal.events]
        assert len(uids) == len(set(uids)) > 0, path.name
        assert {e.sequence for e in cal.events} == {0}


def test_epos_csv_round_trips(first):
    outdir, _ = first
    back = load_timetable(outdir / "epos.csv")
    week = {
        (i.date.isoweekday(), i.subject, i.group, i.start, i.end, i.classes)
        for i in remote_schedule().lessons()
        if i.start is not None and i.date < TUE + timedelta(days=7)
    }
    got = {(x.day, x.subject, x.group, x.start, x.end, x.classes) for x in back.lessons}
    assert week <= got
    assert week == got
    assert len(back.lessons) == 6  # timed lessons only, Хор of 5А and 5Б once


def test_asc_xml_reimports_to_the_first_week(first):
    outdir, _ = first
    expected = first_week(remote_schedule(), school_timetable())
    back = load_timetable(outdir / "asc.xml")

    def key(x):
        return (x.day, x.start, x.end, x.classes, x.group, x.subject, x.teachers)

    assert sorted(map(key, back.lessons)) == sorted(map(key, expected.lessons))
    assert len(expected.lessons) == 6  # timed lessons of 01.12–02.12, the combined Хор once


def test_changes_files_list_exactly_the_pure_diff(first):
    outdir, _ = first
    changes = diff_against_base(remote_schedule(), school_timetable())
    doc = json.loads((outdir / "changes.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["since_previous"] is None
    assert [c["message"] for c in doc["against_base"]["changes"]] == [c.message for c in changes]
    ws = load_workbook(outdir / "changes.xlsx")["Лист замен"]
    details = [r[9] for r in ws.iter_rows(min_row=4, values_only=True) if r[9]]
    assert details == ["; ".join(c.details()) for c in changes]


def test_report_and_chat_are_written(first):
    outdir, _ = first
    html = (outdir / "report.html").read_text(encoding="utf-8")
    assert "сформирован 30.11.2026 18:00" in html and "версия 1" in html
    text = (outdir / "chat" / "5a.txt").read_text(encoding="utf-8")
    assert text.startswith("5А: дистанционное обучение с 01.12 по 08.12.2026\n")
    assert "http" not in text


def test_identical_input_gives_identical_feeds_and_csv(first, tmp_path):
    outdir, _ = first
    run(tmp_path, remote_schedule())
    for name in ("epos.csv", "versions.json", "changes.json", "report.html", "chat/5a.txt"):
        assert (tmp_path / name).read_bytes() == (outdir / name).read_bytes(), name
    for path in (outdir / "feeds").glob("*.ics"):
        assert (tmp_path / "feeds" / path.name).read_bytes() == path.read_bytes()


def replanned():
    s = changed(remote_schedule(), {"subject": "История", "date": TUE}, start=t("08:40"),
                end=t("09:10"))  # fmt: skip
    return s


def test_replan_with_previous_bumps_only_changed_events(first, tmp_path):
    outdir, _ = first
    previous = VersionHistory.read(outdir / "versions.json")
    run(tmp_path, replanned(), previous, now=T2)
    history = VersionHistory.read(tmp_path / "versions.json")
    assert [v.number for v in history.versions] == [1, 2]
    assert history.versions[0] == previous.versions[0]

    def events(path):
        cal = IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
        return {e.uid: e for e in cal.events}

    old = events(outdir / "feeds" / "class-5b.ics")
    new = events(tmp_path / "feeds" / "class-5b.ics")
    assert set(old) == set(new)
    bumped = sorted((e.summary, e.dtstart.isoformat()) for e in new.values() if e.sequence == 1)
    assert bumped == [("История, 5Б, онлайн", "2026-12-01T08:40:00+05:00")]
    assert sum(e.sequence for e in new.values()) == 1
    assert all(e.sequence == 0 for e in events(tmp_path / "feeds" / "class-5a.ics").values())

    doc = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    assert doc["previous_version"] == 1
    assert [c["message"] for c in doc["since_previous"]["changes"]] == [
        "01.12 (Вт), 5Б, «История»: время: 08:30–09:00 → 08:40–09:10"
    ]
    assert load_workbook(tmp_path / "changes.xlsx").sheetnames == ["Лист замен", "С версии 1"]
    chat = (tmp_path / "chat" / "5b.txt").read_text(encoding="utf-8").split("\n")
    assert chat[3] == "Обновление расписания (версия 2). Изменилось:"


def test_schedule_already_published_is_not_published_again(first, tmp_path):
    outdir, _ = first
    history = VersionHistory.read(outdir / "versions.json")
    run(tmp_path, remote_schedule(), history, now=T2)
    again = VersionHistory.read(tmp_path / "versions.json")
    assert [v.number for v in again.versions] == [1]
    for path in (outdir / "feeds").glob("*.ics"):
        assert (tmp_path / "feeds" / path.name).read_bytes() == path.read_bytes()


def test_load_previous_history_reads_versions_or_falls_back_to_schedule(first, tmp_path):
    outdir, _ = first
    assert load_previous_history(outdir) == VersionHistory.read(outdir / "versions.json")
    assert load_previous_history(None) is None
    assert load_previous_history(tmp_path) is None
    remote_schedule().write(tmp_path / "schedule.json")
    old = load_previous_history(tmp_path)
    assert [v.number for v in old.versions] == [1]
    assert old.latest.schedule == remote_schedule()
    assert old.latest.published_at.tzinfo is not None


def test_the_garbage_collector_is_as_before_after_a_bundle(tmp_path):
    import gc

    assert gc.isenabled()
    run(tmp_path / "a", remote_schedule())
    assert gc.isenabled()
    gc.disable()
    try:
        run(tmp_path / "b", remote_schedule())
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):  # a failing export gives the collector back too
        run(tmp_path / "c", remote_schedule().with_items([]))
    assert gc.isenabled()


def _forked_run(outdir, monkeypatch):
    from planner.exports import bundle

    monkeypatch.setattr(bundle, "_can_fork", lambda: True)
    o = order()
    timetable = school_timetable()
    cat = NormCatalogue.load(on=o.date_from, overrides=o.overrides)
    schedule = remote_schedule()
    rep = check_schedule(schedule, timetable, o, cat)
    return write_bundle(outdir, schedule, timetable, o, cat, rep, None, now=T1, parallel=True)


def test_a_forked_bundle_lists_the_files_in_the_same_order(first, tmp_path, monkeypatch):
    outdir, paths = first
    forked = _forked_run(tmp_path, monkeypatch)
    assert [p.relative_to(tmp_path) for p in forked] == [p.relative_to(outdir) for p in paths]


def test_a_first_versions_hash_is_worked_out_after_the_fork(first, tmp_path, monkeypatch):
    # a first version is compared with nothing: its content hash is written into versions.json
    # by the half that writes it, the same as the one-process export writes
    outdir, _paths = first
    _forked_run(tmp_path, monkeypatch)
    forked = json.loads((tmp_path / "versions.json").read_text(encoding="utf-8"))
    alone = json.loads((outdir / "versions.json").read_text(encoding="utf-8"))
    digest = forked["versions"][0]["content_hash"]
    assert digest == alone["versions"][0]["content_hash"] == content_hash(remote_schedule())
    assert VersionHistory.read(tmp_path / "versions.json").latest.content_hash == digest


def test_an_error_in_the_forked_half_is_raised_in_the_caller(tmp_path, monkeypatch):
    from planner.exports import bundle

    def broken(*_args, **_kwargs):
        raise ValueError("ЭПОС не записан")

    monkeypatch.setattr(bundle, "write_epos_csv", broken)  # the child writes the spreadsheets
    with pytest.raises(ValueError, match="ЭПОС не записан"):
        _forked_run(tmp_path, monkeypatch)
    assert (tmp_path / "feeds" / "class-5a.ics").is_file()  # the caller's half still finished
    assert not (tmp_path / "epos.xlsx").exists()


def test_a_killed_forked_half_ends_in_a_message(tmp_path, monkeypatch):
    import os

    from planner.domain.errors import PlannerError
    from planner.exports import bundle

    def killed(*_args, **_kwargs):
        os._exit(9)  # as if the kernel ended the child: no result comes back

    monkeypatch.setattr(bundle, "write_epos_csv", killed)
    with pytest.raises(PlannerError, match="второй процесс выгрузки прервался"):
        _forked_run(tmp_path, monkeypatch)


def test_the_forked_export_runs_each_shared_job_once_and_keeps_their_order(tmp_path) -> None:
    import os

    from planner.exports.bundle import _run_beside

    def job(name: str, slow: bool = False):
        def run() -> list:
            if slow:  # the child is busy: the process takes the shared jobs
                import time

                time.sleep(0.3)
            with open(tmp_path / "ran.txt", "a", encoding="utf-8") as log:
                log.write(f"{name} {os.getpid()}\n")
            return [tmp_path / name]

        return run

    here, there = [job("here")], [job("there", slow=True)]
    either = [job(f"shared{k}") for k in range(5)]
    mine, theirs, shared = _run_beside(here, there, either)
    assert (mine, theirs) == ([[tmp_path / "here"]], [[tmp_path / "there"]])
    assert shared == [[tmp_path / f"shared{k}"] for k in range(5)]
    lines = [line.split() for line in (tmp_path / "ran.txt").read_text().splitlines()]
    assert sorted(name for name, _pid in lines) == sorted(
        ["here", "there", *(f"shared{k}" for k in range(5))]
    )  # each job once
    ran = dict(lines)
    assert ran["here"] == str(os.getpid()) != ran["there"]
