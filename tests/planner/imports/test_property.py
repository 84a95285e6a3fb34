"""Any bytes → a timetable or a clean InputError, never another exception (every importer)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.errors import InputError
from planner.domain.model import Timetable
from planner.imports import load_timetable
from planner.imports.asc import read_asc
from planner.imports.fet import read_fet
from planner.imports.flat import read_flat
from planner.imports.grid import read_grid
from tests.paths import DATA

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSV_SEED = (DATA / "flat" / "school-ru.csv").read_bytes()
ASC_SEED = (DATA / "asc" / "small.xml").read_bytes()
FET_SEED = (DATA / "fet" / "tiny.fet").read_bytes()
GRID_SEED = (DATA / "grid" / "quirks.xlsx").read_bytes()


def _mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """The seed file with a slice replaced by random bytes (or random bytes alone)."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        if draw(st.booleans()):
            return draw(st.binary(max_size=400))
        a = draw(st.integers(0, len(seed)))
        b = draw(st.integers(a, min(len(seed), a + 200)))
        return seed[:a] + draw(st.binary(max_size=60)) + seed[b:]

    return build()


def _read(reader, data: bytes, suffix: str) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        path.write_bytes(data)
        try:
            result = reader(path)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            return
        assert isinstance(result, Timetable)
        assert result.lessons


@SETTINGS
@given(_mutated(CSV_SEED))
def test_flat_csv_any_bytes(data: bytes) -> None:
    _read(read_flat, data, ".csv")


@SETTINGS
@given(st.text(alphabet=';,"\n абвПн15А:0', max_size=300))
def test_flat_csv_any_text(text: str) -> None:
    _read(read_flat, ("день;урок;класс;предмет;учитель\n" + text).encode(), ".csv")


@SETTINGS
@given(_mutated(ASC_SEED))
def test_asc_any_bytes(data: bytes) -> None:
    _read(read_asc, data, ".xml")


@SETTINGS
@given(_mutated(FET_SEED))
def test_fet_any_bytes(data: bytes) -> None:
    _read(read_fet, data, ".fet")


def _zip_mutation(seed: bytes, member: str, junk: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                cut = len(data) // 2
                data = data[:cut] + junk + data[cut + len(junk) :]
            dst.writestr(info, data)
    return out.getvalue()


SHEETS = sorted(zipfile.ZipFile(io.BytesIO(GRID_SEED)).namelist())


@SETTINGS
@given(st.sampled_from(SHEETS), st.binary(max_size=40))
def test_grid_and_xlsx_any_damage(member: str, junk: bytes) -> None:
    data = _zip_mutation(GRID_SEED, member, junk)
    _read(read_grid, data, ".xlsx")
    _read(read_flat, data, ".xlsx")
    _read(lambda p: load_timetable(p, strict=False), data, ".xlsx")


@SETTINGS
@given(_mutated(GRID_SEED))
def test_grid_any_bytes(data: bytes) -> None:
    _read(read_grid, data, ".xlsx")
