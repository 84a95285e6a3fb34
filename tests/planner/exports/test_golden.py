"""Golden files: the exports of a fixed input are byte for byte what they were.

Speed work on the writers must not change a byte. The input is the hand-made school
(``school.py``): a first publication, a re-plan published over it (moves, a call-link change, a
removed lesson → cancelled events, a second sheet of changes), private class feeds with health
events (while the removed lesson is cancelled and after its grace period), and the flat export of
the regular timetable. Text files are compared byte for byte; workbooks part by part, the creation
and modification times of ``docProps/core.xml`` aside (a workbook carries the moment it was saved).

After an intended change of the output, rewrite the golden files and review their diff::

    .venv/bin/python -m tests.planner.exports.test_golden
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from constraints.catalogue import NormCatalogue
from constraints.checker import check_schedule
from planner.engine.versions import VersionHistory
from planner.exports import bundle as bundle_module
from planner.exports.bundle import write_bundle
from planner.exports.flat import write_flat
from planner.exports.ical import write_feeds

from .school import (
    LINK_ENG,
    TUE,
    changed,
    order,
    remote_schedule,
    school_timetable,
    t,
    without,
)

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "exports_golden"
T1 = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1, hours=2, minutes=7)
_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _replanned():
    s = changed(remote_schedule(), {"subject": "История", "date": TUE}, start=t("08:40"),
                end=t("09:10"))  # fmt: skip
    s = changed(s, {"subject": "Английский язык", "group": "англ-1"}, call_url=LINK_ENG + "-new")
    return without(s, {"subject": "Литература"})


def produce(outdir: Path, *, parallel: bool = False) -> None:
    """Every golden file of the fixed input, written into ``outdir`` (``parallel``: the bundles
    by two processes, as ``planner rebuild`` writes them)."""
    o = order()
    timetable = school_timetable()
    cat = NormCatalogue.load(on=o.date_from, overrides=o.overrides)

    def bundle(sub: str, schedule, history, now):
        rep = check_schedule(schedule, timetable, o, cat)
        write_bundle(
            outdir / sub, schedule, timetable, o, cat, rep, history, now=now, parallel=parallel
        )

    bundle("v1", remote_schedule(), None, T1)
    bundle("v2", _replanned(), VersionHistory.read(outdir / "v1" / "versions.json"), T2)
    history = VersionHistory.read(outdir / "v2" / "versions.json")
    for sub, now in (("private", T2), ("after-grace", T2 + timedelta(days=15))):
        write_feeds(outdir / sub, _replanned(), timetable, history, now=now,
                    private_class_links=True, health_events=True)  # fmt: skip
    write_flat(timetable, outdir / "flat" / "timetable.csv")
    write_flat(timetable, outdir / "flat" / "timetable.xlsx")


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["docProps/core.xml"] = _CORE_TIMES.sub(b"", parts["docProps/core.xml"])
    return parts


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "forked"])
def test_exports_are_byte_identical_to_the_golden_files(
    tmp_path: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_module, "_can_fork", lambda: True)  # also on a one-core machine
    (tmp_path / "flat").mkdir()
    produce(tmp_path, parallel=parallel)
    want, got = _files(GOLDEN), _files(tmp_path)
    assert sorted(got) == sorted(want)
    assert len(want) > 40
    for name, path in want.items():
        if name.endswith(".xlsx"):
            assert _parts(got[name]) == _parts(path), name
        else:
            assert got[name].read_bytes() == path.read_bytes(), name


if __name__ == "__main__":  # rewrite the golden files after an intended change
    import shutil

    shutil.rmtree(GOLDEN, ignore_errors=True)
    (GOLDEN / "flat").mkdir(parents=True)
    produce(GOLDEN)
    print(f"written: {len(_files(GOLDEN))} files in {GOLDEN}")
