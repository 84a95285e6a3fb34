"""Run Debian's ``fet-cl`` on the ``fet-data`` examples, for the FET importer tests.

The example files are AGPL and stay in the Debian package; tests solve them at run time into a
temporary directory. Seeds are fixed, so a run gives the same timetable every time.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

FET_EXAMPLES = Path("/usr/share/doc/fet-data/examples/FET-5-official")
SEEDS = (1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class Solved:
    """A ``fet-cl`` result: the timetable ``.fet``, its ``_activities.xml`` and the wall time."""

    name: str
    timetable: Path
    activities: Path
    seconds: float


def fet_cl() -> str:
    path = shutil.which("fet-cl")
    if path is None:
        raise RuntimeError("fet-cl not found: apt-get install fet fet-data")
    return path


def example(relative: str) -> Path:
    """A fet-data example by its path under FET-5-official (plain or gzipped)."""
    for candidate in (FET_EXAMPLES / relative, FET_EXAMPLES / f"{relative}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"fet-data example missing: {relative} (apt-get install fet-data)")


def solve(source: Path, outdir: Path, *, time_limit: int = 10) -> Solved:
    """Solve one ``.fet`` with fixed seeds; raise if fet-cl does not place every activity."""
    outdir.mkdir(parents=True, exist_ok=True)
    name = source.name.removesuffix(".gz").removesuffix(".fet")
    if source.suffix == ".gz":
        plain = outdir / f"{name}.fet"
        plain.write_bytes(gzip.decompress(source.read_bytes()))
        source = plain
    seeds = [f"--randomseeds{k}={v}" for k, v in zip((10, 11, 12, 20, 21, 22), SEEDS, strict=True)]
    quiet = [
        f"--writetimetables{kind}=false"
        for kind in ("dayshorizontal", "daysvertical", "timehorizontal", "timevertical")
    ]
    started = time.perf_counter()
    run = subprocess.run(
        [
            fet_cl(),
            f"--inputfile={source}",
            f"--outputdir={outdir}",
            f"--timelimitseconds={time_limit}",
            "--htmllevel=0",
            *quiet,
            *seeds,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=time_limit + 30,
    )
    seconds = time.perf_counter() - started
    folder = outdir / "timetables" / name
    timetable = folder / f"{name}_data_and_timetable.fet"
    if run.returncode != 0 or not timetable.is_file():
        raise RuntimeError(f"fet-cl failed on {source}: {run.stdout[-500:]} {run.stderr[-500:]}")
    return Solved(name, timetable, folder / f"{name}_activities.xml", seconds)
