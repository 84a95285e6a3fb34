"""End-to-end benchmark: what the user waits for, from the command or the click to the result.

Two paths per case, both as a user runs them, with default settings:

* **CLI** — ``planner rebuild`` as a subprocess (interpreter start, import, model, solve, check,
  every export); the wall time from outside, the phases from ``OUTDIR/timings.json``, the peak
  memory of the process (``wait4``);
* **web** — ``planner serve`` as a subprocess (SQLite, the embedded process pool); the upload is
  done beforehand; then the order form is posted as «Перестроить» posts it, the progress block is
  polled (every 0.1 s; the page itself refreshes every 1 s) until the first plan shows and until
  the job is done, and the review page is opened. Phases from the job row (queue, the job's
  ``summary.timings``, the write back) and the review page's own time; the peak memory of the
  whole server process tree (sampled from ``/proc`` every 0.1 s).

Cases: the small / medium / large demo schools (whole school, one week), a 3-class one-week
quarantine on the medium school (the web form has no sibling classes: the CLI order has one pair)
and the ~170-class irregular city school (``planner demo-school --size city``).
Beside each case the hand plan (``planner.engine.naive.naive_plan``): online minutes and
subjects with an online lesson in the week ((class, subject, ISO week) pairs), solver vs hand.

Targets (issues 8 and 9): 3 classes on medium ≤ 2 s end to end; medium whole school: first plan
on the web page ≤ 3 s after the click, final ≤ 30 s end to end; city: ≤ 60 s end to end, first
plan ≤ 3 s, peak memory ≤ 2 GiB, import < 5 s; export phase ≤ 1 s per 100 classes (whole large
schools: 50 classes and more); on every case online minutes and subjects with contact ≥ the
hand plan, 0 checker violations. Exits 1 when a target is missed. A case of a few classes
(seconds) is run ``SHORT_RUNS`` times on each path and its median run is reported (one run of
~2 s varies by a tenth or two with the machine's state); a whole school once.

    .venv/bin/python bench/bench_e2e.py              # every case, CLI and web (~10 min)
    .venv/bin/python bench/bench_e2e.py --quick      # medium: 3 classes and whole school, 5 s limit
    .venv/bin/python bench/bench_e2e.py --cases city --paths cli
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
GIB = 1024.0  # MiB

THREE_CLASSES_S = 2.0
MEDIUM_FIRST_S = 3.0
MEDIUM_FINAL_S = 30.0
CITY_S = 60.0
CITY_FIRST_S = 3.0
CITY_PEAK_MIB = 2 * GIB
CITY_IMPORT_S = 5.0
EXPORT_S_PER_100 = 1.0
#: the export target is for large schools: a small one's export is mostly fixed costs (workbooks,
#: the report template), which a per-class figure would blow up
EXPORT_TARGET_FROM = 50

ADMIN, PASSWORD = "bench", "Пароль-для-замера-1"
#: runs of a case of a few classes; its median run (by the wall time) is reported (measured on
#: the quiet machine: five runs of the 3-class CLI case 1.70–2.11 s)
SHORT_RUNS = 3


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    size: str
    order: str  # order file written by planner demo-school

    @property
    def whole(self) -> bool:
        return self.order == "order-whole-school.yaml"


CASES = {
    c.key: c
    for c in (
        Case("small", "small, вся школа", "small", "order-whole-school.yaml"),
        Case("medium-3", "medium, 3 класса", "medium", "order-three-classes.yaml"),
        Case("medium", "medium, вся школа", "medium", "order-whole-school.yaml"),
        Case("large", "large, вся школа", "large", "order-whole-school.yaml"),
        Case("city", "city, вся школа", "city", "order-whole-school.yaml"),
    )
}
QUICK = ("medium-3", "medium")


@dataclass
class Run:
    """One end-to-end run of a case on one path."""

    case: Case
    path: str  # "CLI" | "веб"
    wall_s: float | None = None  # command start (click) → result written (review page ready)
    first_s: float | None = None  # → first complete plan (CLI: in the process; web: on the page)
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase (CLI)
    peak_mib: float = 0.0
    classes: int = 0
    school_classes: int = 0
    status: str = "—"
    gap: float | None = None
    online_minutes: int | None = None
    contact: int | None = None
    violations: int | None = None
    error: str | None = None

    @property
    def export_per_100(self) -> float | None:
        export = self.phases.get("export")
        if export is None or not self.school_classes:
            return None
        return export * 100 / self.school_classes

    @property
    def export_cpu_per_100(self) -> float | None:
        export = self.cpu.get("export")
        if export is None or not self.school_classes:
            return None
        return export * 100 / self.school_classes


@dataclass
class Hand:
    online_minutes: int
    contact: int
    violations: int


# -- helpers --------------------------------------------------------------------------------------


def plan_figures(schedule: Any, classes: set[str]) -> tuple[int, int]:
    """Online minutes of the order's classes (:meth:`Schedule.online_minutes`: per class and
    time) and their (class, subject, ISO week) pairs with at least one online lesson."""
    contact = {
        (i.class_name, i.subject or "", i.date.isocalendar()[1])
        for i in schedule.lessons()
        if i.class_name in classes and i.format == "online"
    }
    return schedule.online_minutes(classes), len(contact)


def inputs(folder: Path, case: Case) -> tuple[Any, Any]:
    from planner.app.pipeline import load_inputs

    return load_inputs(folder / "timetable.csv", folder / case.order)


def hand_plan(folder: Path, case: Case) -> Hand:
    """The hand plan's figures on the same inputs, and its checker violations."""
    from constraints.checker import check_schedule
    from constraints.limits import Limits
    from constraints.problem import build_problem
    from planner.engine.naive import naive_plan
    from planner.engine.rebuild import assemble_schedule, load_catalogue

    timetable, order = inputs(folder, case)
    catalogue = load_catalogue(order)
    problem = build_problem(timetable, order, Limits(catalogue, order))
    schedule = assemble_schedule(problem, naive_plan(problem), catalogue)
    minutes, contact = plan_figures(schedule, set(order.classes))
    report = check_schedule(schedule, timetable, order, catalogue)
    return Hand(minutes, contact, len(report.violations))


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (MiB)."""
    children = _children()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        with suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


class PeakSampler:
    """The peak of :func:`tree_rss_mib` while running; :meth:`reset` starts a new peak."""

    def __init__(self, pid: int, every: float = 0.1):
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, tree_rss_mib(self.pid))

    def reset(self) -> None:
        self.peak = tree_rss_mib(self.pid)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


# -- CLI ------------------------------------------------------------------------------------------


def run_cli(folder: Path, case: Case, out: Path, time_limit: float | None) -> Run:
    from planner.domain.schedule import Schedule

    run = Run(case, "CLI")
    cmd = [sys.executable, "-m", "planner.cli", "rebuild", str(folder / "timetable.csv"),
           "--order", str(folder / case.order), "--out", str(out)]  # fmt: skip
    if time_limit is not None:
        cmd += ["--time-limit", f"{time_limit:g}"]
    log = out.with_suffix(".log")
    with open(log, "wb") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        run.wall_s = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    run.peak_mib = usage.ru_maxrss / 1024
    if proc.returncode not in (0, 1):  # 1: the checker found violations (counted below)
        run.error = f"код выхода {proc.returncode}: {log.read_text(errors='replace')[-600:]}"
        return run
    doc = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    run.phases = {"запуск": run.wall_s - doc["total_s"], **doc["phases"]}
    run.cpu = doc.get("cpu", {})
    first = doc["marks"].get("first_plan")
    run.first_s = None if first is None else run.phases["запуск"] + first
    schedule = Schedule.read(out / "schedule.json")
    solver = schedule.meta.get("solver", {})
    run.status, run.gap = solver.get("status", "—"), solver.get("gap")
    timetable, order = inputs(folder, case)
    run.classes, run.school_classes = len(order.classes), len(timetable.classes)
    run.online_minutes, run.contact = plan_figures(schedule, set(order.classes))
    from planner.app.pipeline import check

    run.violations = len(check(schedule, timetable, order)[1].violations)  # independent re-check
    return run


# -- web ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    token: str
    pid: int
    sampler: PeakSampler


@contextmanager
def server(tmp: Path) -> Iterator[Server]:
    """``planner serve`` on a fresh data folder, with an administrator and an API token."""
    from api.services import accounts
    from api.settings import Settings
    from web.app import create_app

    data = tmp / "server-data"
    port = _free_port()
    env = {**os.environ, "PLANNER_DATA_DIR": str(data),
           "PLANNER_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    env.pop("PLANNER_DATABASE_URL", None)
    env.pop("PLANNER_BROKER_URL", None)
    app = create_app(Settings(data_dir=data))  # creates the database; the server reuses it
    with app.state.session_factory() as s:
        accounts.create_admin(s, ADMIN, PASSWORD)
        token = accounts.issue_api_token(s, ADMIN)
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    sampler = None
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (tmp / "server.log").read_text()[-2000:]
                raise SystemExit("сервер не запустился:\n" + tail)
            time.sleep(0.1)
        sampler = PeakSampler(proc.pid)
        yield Server(url, token, proc.pid, sampler)
    finally:
        if sampler is not None:
            sampler.close()
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _login(c: httpx.Client) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token is not None, "нет формы входа"
    r = c.post("/login", data={"login": ADMIN, "password": PASSWORD, "csrf_token": token.group(1)})
    assert r.status_code in (302, 303), r.text[:300]
    return c.cookies["planner_csrf"]


def _seconds(a: str | None, b: str | None) -> float | None:
    from datetime import datetime

    if a is None or b is None:
        return None
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def run_web(srv: Server, folder: Path, case: Case, time_limit: float | None) -> Run:
    """Upload (not timed), then «Перестроить» → first plan on the page → review page ready."""
    run = Run(case, "веб")
    timetable, order = inputs(folder, case)
    run.classes, run.school_classes = len(order.classes), len(timetable.classes)
    api = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {srv.token}"},
                       timeout=300)  # fmt: skip
    page = httpx.Client(base_url=srv.url, timeout=300)
    with api, page:
        sid = api.post("/api/v1/schools", json={"name": f"Школа {case.key}"}).json()["id"]
        csv = (folder / "timetable.csv").read_bytes()
        r = api.post(f"/api/v1/schools/{sid}/timetable", files={"file": ("timetable.csv", csv)})
        assert r.status_code == 201, r.text[:500]
        csrf = _login(page)
        assert page.get(f"/admin/schools/{sid}/order").status_code == 200
        form: dict[str, Any] = {
            "csrf_token": csrf,
            "from": order.date_from.isoformat(),
            "to": order.date_to.isoformat(),
            "device": order.device,
            "screen_policy": order.screen_policy,
            "time_limit": "" if time_limit is None else f"{time_limit:g}",
        }
        if case.whole:
            form["grades"] = sorted({str(g) for c in timetable.classes.values()
                                     if (g := c.grade) is not None})  # fmt: skip
        else:
            form["classes"] = list(order.classes)
        srv.sampler.reset()
        t0 = time.perf_counter()
        r = page.post(f"/admin/schools/{sid}/order", data=form)
        posted = time.perf_counter() - t0
        if r.status_code not in (302, 303):
            run.error = f"форма приказа: {r.status_code}"
            return run
        job_url = r.headers["location"]
        job_id = job_url.rsplit("/", 1)[1]
        status = "queued"
        while status in ("queued", "running"):
            block = page.get(job_url, headers={"HX-Request": "true"}).text
            now = time.perf_counter() - t0
            status = re.search(r'data-status="(\w+)"', block).group(1)  # type: ignore[union-attr]
            plans = re.search(r'id="job-solutions">\s*(\d+)\s*<', block)  # «Найдено планов»
            if run.first_s is None and plans and int(plans.group(1)) > 0:
                run.first_s = now
            if now > 900:
                run.error = "задача не закончилась за 15 мин"
                return run
            if status in ("queued", "running"):
                time.sleep(0.1)
        if status != "succeeded":
            run.error = f"задача: {status}"
            return run
        r0 = time.perf_counter()
        review = page.get(f"/admin/rebuilds/{job_id}/review")
        run.wall_s = time.perf_counter() - t0
        if review.status_code != 200:
            run.error = f"страница проверки: {review.status_code}"
            return run
        run.peak_mib = srv.sampler.peak
        job = api.get(f"/api/v1/rebuilds/{job_id}").json()
    summary = job.get("summary") or {}
    timings = summary.get("timings") or {}
    queued = _seconds(job["created_at"], job["started_at"])
    total = _seconds(job["started_at"], job["finished_at"])
    run.phases = {"форма": posted, "очередь": queued or 0.0, **timings.get("phases", {})}
    if total is not None and timings.get("job_s") is not None:
        run.phases["накладные"] = max(0.0, total - timings["job_s"])
    run.phases["обзор"] = time.perf_counter() - r0
    stats = summary.get("stats") or {}
    run.status, run.gap = stats.get("status", "—"), stats.get("gap")
    run.online_minutes = summary.get("online_minutes")
    run.violations = len(summary.get("violations") or [])
    return run


# -- report ---------------------------------------------------------------------------------------

PHASES = ("запуск", "форма", "очередь", "import", "problem", "solve", "assemble", "check",
          "export", "накладные", "обзор")  # fmt: skip
PHASE_RU = {"import": "импорт", "problem": "задача", "solve": "решение", "assemble": "сборка",
            "check": "проверка", "export": "выгрузка"}  # fmt: skip


def fmt(v: float | None, spec: str = ".2f") -> str:
    return "—" if v is None else format(v, spec)


def table(runs: list[Run]) -> None:
    names = [PHASE_RU.get(p, p) for p in PHASES]
    head = " ".join(f"{n:>8}" for n in names)
    print(f"{'случай':<18} {'путь':<4} {'кл.':>4} {head} {'1-й план':>8} {'всего, с':>8} "
          f"{'пик, МиБ':>8} {'статус':>9} {'разрыв':>7}")  # fmt: skip
    for r in runs:
        if r.error:
            print(f"{r.case.label:<18} {r.path:<4} ОШИБКА: {r.error}")
            continue
        cells = " ".join(f"{fmt(r.phases.get(p)):>8}" for p in PHASES)
        print(f"{r.case.label:<18} {r.path:<4} {r.classes:>4} {cells} "
              f"{fmt(r.first_s):>8} {fmt(r.wall_s):>8} {r.peak_mib:>8.0f} {r.status:>9} "
              f"{fmt(r.gap, '.1%'):>7}")  # fmt: skip


def export_table(runs: list[Run]) -> None:
    print("\nВыгрузка (CLI) на 100 классов школы: по часам и процессорного времени (на занятой "
          "машине по часам больше):")  # fmt: skip
    for r in runs:
        if r.path == "CLI" and not r.error:
            print(f"  {r.case.label:<18} {r.school_classes:>4} кл.: {fmt(r.export_per_100)} с, "
                  f"ЦП {fmt(r.export_cpu_per_100)} с")  # fmt: skip


def hand_table(runs: list[Run], hands: dict[str, Hand]) -> None:
    print(
        "\nРядом с ручным планом (онлайн-минуты; «предметов» — пары «класс, предмет, неделя» "
        "с онлайн-уроком):"
    )
    print(f"{'случай':<18} {'путь':<4} {'онлайн-мин':>10} {'вручную':>8} {'предметов':>9} "
          f"{'вручную':>8} {'нарушений':>9} {'у ручного':>9}")  # fmt: skip
    for r in runs:
        h = hands.get(r.case.key)
        if r.error or h is None:
            continue
        print(f"{r.case.label:<18} {r.path:<4} {fmt(r.online_minutes, 'd'):>10} "
              f"{h.online_minutes:>8} {fmt(r.contact, 'd'):>9} {h.contact:>8} "
              f"{fmt(r.violations, 'd'):>9} {h.violations:>9}")  # fmt: skip


def failures(runs: list[Run], hands: dict[str, Hand]) -> list[str]:
    out: list[str] = []

    def over(what: str, value: float | None, limit: float, unit: str = "с") -> None:
        if value is None or value > limit:
            out.append(f"{what}: {fmt(value)} {unit} > {limit:g} {unit}")

    for r in runs:
        name = f"{r.case.label} ({r.path})"
        if r.error:
            out.append(f"{name}: {r.error}")
            continue
        if r.case.key == "medium-3":
            over(f"{name}, всего", r.wall_s, THREE_CLASSES_S)
        if r.case.key == "medium":
            over(f"{name}, итог", r.wall_s, MEDIUM_FINAL_S)
            if r.path == "веб":
                over(f"{name}, первый план на странице", r.first_s, MEDIUM_FIRST_S)
        if r.case.key == "city":
            over(f"{name}, всего", r.wall_s, CITY_S)
            over(f"{name}, первый план", r.first_s, CITY_FIRST_S)
            over(f"{name}, пик памяти", r.peak_mib, CITY_PEAK_MIB, "МиБ")
            over(f"{name}, импорт", r.phases.get("import"), CITY_IMPORT_S)
        if r.case.whole and r.path == "CLI" and r.school_classes >= EXPORT_TARGET_FROM:
            over(f"{name}, выгрузка на 100 классов", r.export_per_100, EXPORT_S_PER_100)
        if r.violations:
            out.append(f"{name}: нарушений {r.violations}")
        h = hands.get(r.case.key)
        if h is not None and r.online_minutes is not None and r.online_minutes < h.online_minutes:
            out.append(f"{name}: онлайн-минут {r.online_minutes} < {h.online_minutes} у ручного")
        if h is not None and r.contact is not None and r.contact < h.contact:
            out.append(f"{name}: предметов с онлайн-уроком {r.contact} < {h.contact} у ручного")
    return out


def median_run(case: Case, path: str, run: Callable[[int], Run]) -> Run:
    """The case's run on one path: a whole school once, a few classes ``SHORT_RUNS`` times and
    the median run by the wall time (a failed run counts only when all failed)."""
    done = [run(k) for k in range(1 if case.whole else SHORT_RUNS)]
    ok = sorted((r for r in done if r.error is None), key=lambda r: r.wall_s or 0.0) or done
    chosen = ok[len(ok) // 2]
    each = " / ".join(fmt(r.wall_s) for r in done)
    print(f"  {path} {case.label}: {fmt(chosen.wall_s)} с"
          + (f" (медиана прогонов {each})" if len(done) > 1 else ""), flush=True)  # fmt: skip
    return chosen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="medium only (3 classes and whole school), 5 s solver limit")  # fmt: skip
    ap.add_argument("--cases", default=None, help=f"comma-separated: {', '.join(CASES)}")
    ap.add_argument("--paths", default="cli,web", help="cli, web or both (default)")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="solver limit, s (default: the default settings; --quick: 5)")  # fmt: skip
    args = ap.parse_args()
    keys = args.cases.split(",") if args.cases else list(QUICK if args.quick else CASES)
    unknown = set(keys) - set(CASES)
    if unknown:
        ap.error(f"unknown cases: {', '.join(sorted(unknown))}")
    limit = args.time_limit if args.time_limit is not None else (5.0 if args.quick else None)
    paths = {p.strip() for p in args.paths.split(",")}

    from planner.app.demo import write_demo_school

    load = os.getloadavg()[0]
    print(f"Сквозной замер: случаи {', '.join(keys)}; пути {', '.join(sorted(paths))}; "
          f"предел решателя {'по умолчанию' if limit is None else f'{limit:g} с'}; "
          f"загрузка машины {load:.1f} на {os.cpu_count()} ядра\n")  # fmt: skip
    runs: list[Run] = []
    hands: dict[str, Hand] = {}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp_name:
        tmp = Path(tmp_name)
        folders: dict[str, Path] = {}
        for key in keys:
            size = CASES[key].size
            if size not in folders:
                folders[size] = tmp / size
                write_demo_school(folders[size], size)
        for key in keys:
            hands[key] = hand_plan(folders[CASES[key].size], CASES[key])
        if "cli" in paths:
            for key in keys:
                case = CASES[key]
                runs.append(median_run(
                    case, "CLI",
                    lambda k, c=case: run_cli(folders[c.size], c, tmp / f"cli-{c.key}-{k}", limit),
                ))  # fmt: skip
        if "web" in paths:
            with server(tmp) as srv:
                for key in keys:
                    case = CASES[key]
                    runs.append(median_run(
                        case, "веб", lambda _k, c=case: run_web(srv, folders[c.size], c, limit)
                    ))  # fmt: skip
    print()
    table(runs)
    print(
        "\nФазы, с: запуск — интерпретатор и импорт модулей CLI; форма — ответ на «Перестроить»; "
        "очередь — от записи задачи до её начала в процессе решателя; накладные — остальное "
        "время задачи (модули при первой задаче, ход решения, запись результата); обзор — "
        "страница проверки. «1-й план» — CLI: первый полный план в процессе; веб: первый план "
        "на странице хода решения."
    )
    export_table(runs)
    hand_table(runs, hands)
    load = os.getloadavg()[0]
    print(f"\nЗагрузка машины в конце: {load:.1f} на {os.cpu_count()} ядра (при загрузке выше "
          "числа ядер все времена больше)")  # fmt: skip
    missed = failures(runs, hands)
    if missed:
        print("\nНИЖЕ ЦЕЛИ:\n  " + "\n  ".join(missed))
        return 1
    print("\nВсе цели выполнены.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
