"""``report.html`` — the compliance report to print or show an inspector.

School, order, norm set and its validity, every rule in force with its citation and confidence,
local-act overrides with their reasons, and per class per day the online minutes against the caps
of *both* screen policies («дома» and «в школе», СанПиН 1.2.3685-21 табл. 6.8) as inline SVG bars,
lesson lengths, breaks, health slots, violations and warnings, and the readiness of the classes
when the version was published (regulation items 3.2–3.3). One self-contained file: no external
assets, A4 print CSS, Russian.

``catalogue`` and ``check_report`` are duck-typed (``constraints.catalogue.NormCatalogue`` and
``constraints.checker.CheckReport``): only the attributes listed in :func:`render_report` are read.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from planner.domain.errors import Finding
from planner.domain.findings import group_findings, refusing
from planner.domain.model import DAY_NAMES_RU, sort_class_names
from planner.domain.order import DEVICE_RU, POLICY_RU, QuarantineOrder
from planner.domain.regulation import READINESS_ITEMS, Readiness, cite, readiness_warnings
from planner.domain.schedule import Schedule

if TYPE_CHECKING:
    from jinja2 import Environment

CONFIDENCE_RU = {
    "high": "высокая",
    "medium": "средняя",
    "low": "низкая",
    "setting": "настройка планировщика",
}
BAR_WIDTH = 110  # px of the longest bar
OK_FILL, OVER_FILL, INFO_FILL = "#3f8f4f", "#c8102e", "#aab2bd"  # judged: within, over; other
FINDINGS_CAP = 200  # places listed per kind of import finding


@dataclass(frozen=True, slots=True)
class Bar:
    """One SVG bar: online minutes against one policy's cap."""

    policy: str  # «дома» / «в школе»
    minutes: int
    cap: int
    active: bool  # the order's policy
    scale: float  # px per minute

    @property
    def over(self) -> bool:
        """Over the cap of the order's own column: a breach. The other column is information
        only and is never drawn as one."""
        return self.active and self.minutes > self.cap

    @property
    def fill(self) -> str:
        if not self.active:
            return INFO_FILL
        return OVER_FILL if self.over else OK_FILL

    @property
    def fill_width(self) -> int:
        return round(self.minutes * self.scale)

    @property
    def cap_x(self) -> int:
        return round(self.cap * self.scale)


TEMPLATE = "report.html"
#: the template compiled to Python by jinja2 (:func:`template_module_text`), so a process does not
#: compile it again (~0.07 s, a tenth of a small order's export); used when it was compiled from
#: this very template by this very jinja2, else the template is compiled as usual
PRECOMPILED = "planner.exports._report_template"


@cache  # one environment: the template is loaded (or compiled) once
def _env() -> Environment:
    # jinja2 is imported here, by the export (after the CLI forks), not at process start
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    class Loader(PackageLoader):
        def load(self, environment: Environment, name: str, globals: Any = None) -> Any:
            if name == TEMPLATE:
                template = _precompiled(environment, globals)
                if template is not None:
                    return template
            return super().load(environment, name, globals)

    env = Environment(
        loader=Loader("planner.exports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ru_date"] = lambda d: f"{d:%d.%m.%Y}" if d else "—"
    env.filters["ru_day"] = lambda d: f"{d:%d.%m} ({DAY_NAMES_RU[d.isoweekday() - 1]})"
    env.filters["joinmin"] = lambda xs: ", ".join(str(x) for x in xs) if xs else "—"
    env.filters["rule_title"] = rule_title
    return env


def _template_stamp() -> str:
    """What the compiled template depends on: the template's bytes and jinja2's version."""
    import jinja2

    source = (Path(__file__).parent / "templates" / TEMPLATE).read_bytes()
    return f"{hashlib.sha256(source).hexdigest()} jinja2 {jinja2.__version__}"


def template_module_text() -> str:
    """The text of :data:`PRECOMPILED`'s module: the template as jinja2 compiles it for its
    ``ModuleLoader`` (``scripts/compile_report_template.py`` writes it; a test compares)."""
    env = _env()
    assert env.loader is not None
    source, _filename, _ = env.loader.get_source(env, TEMPLATE)
    code = env.compile(source, TEMPLATE, TEMPLATE, raw=True, defer_init=True)
    head = f"# Generated from templates/{TEMPLATE} by scripts/compile_report_template.py"
    return f"{head}\nSTAMP = {_template_stamp()!r}\n{code}\n"


def _precompiled(environment: Environment, globals: Any) -> Any:
    """The report's template from :data:`PRECOMPILED`, or ``None`` when that is missing or was
    compiled from another template or by another jinja2."""
    try:
        module = importlib.import_module(PRECOMPILED)
    except ImportError:
        return None
    if getattr(module, "STAMP", None) != _template_stamp():
        return None
    return environment.template_class.from_module_dict(
        environment, module.__dict__, environment.make_globals(globals)
    )


def prepare_report() -> None:
    """Load the report's template beforehand (``planner rebuild`` of a whole school does it
    beside the solver's search; the export then renders it at once)."""
    _env().get_template(TEMPLATE)


def rule_title(rule_id: str) -> str:
    """A rule's Russian title without its catalogue keys («… не меньше нормы»)."""
    from constraints.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        return "правило"
    return re.sub(r"\{[^}]*\}", "нормы", rule.title)


def _documents(norms: Iterable[Any]) -> list[dict[str, Any]]:
    """The documents the norms come from, with their validity."""
    docs: dict[str, dict[str, Any]] = {}
    for n in norms:
        name = getattr(n, "document", None)
        if not name or name in docs:
            continue
        docs[name] = {
            "name": name,
            "from": getattr(n, "effective_from", None),
            "to": getattr(n, "effective_to", None),
            "expired": bool(getattr(n, "expired", False)),
        }
    return sorted(docs.values(), key=lambda d: d["name"])


def _norm_row(n: Any) -> dict[str, Any]:
    title = getattr(n, "title", "") or n.key
    scope = getattr(n, "scope", "")
    value_text = n.value_text() if hasattr(n, "value_text") else f"{n.value} {n.unit}"
    return {
        "key": n.key,
        "title": title,
        "scope": scope,
        "value": value_text,
        "citation": n.citation,
        "confidence": getattr(n, "confidence_ru", None)
        or CONFIDENCE_RU.get(n.confidence, n.confidence),
        "low": n.confidence == "low",
        "override": n.override_reason,
    }


def _day_row(d: Any, policy: str, scale: float) -> dict[str, Any]:
    bars = [
        Bar(POLICY_RU["home"], d.online_minutes, d.cap_home, policy == "home", scale),
        Bar(POLICY_RU["school"], d.online_minutes, d.cap_school, policy == "school", scale),
    ]
    return {"d": d, "bars": bars}


def render_report(
    schedule: Schedule,
    order: QuarantineOrder,
    catalogue: Any,
    check_report: Any,
    *,
    now: datetime,
    version: int | None = None,
    school: str | None = None,
    findings: Iterable[Finding] = (),
    readiness: list[Readiness] | None = None,
) -> str:
    """The report HTML.

    Reads ``catalogue.name``, ``catalogue.all_norms()`` (``key value unit citation confidence
    override_reason``, optionally ``title scope document effective_from effective_to
    value_text()``) and ``check_report.violations`` (``rule class_name date message
    citation``), ``.warnings`` (the catalogue's, narrowed by the checker to the order), ``.days``
    (``class_name date grade online_minutes cap_home cap_school cap cap_citation lessons_online
    lessons_self_study lesson_lengths breaks health_slots first_start last_end``).

    ``findings``: the regular timetable's import findings («Замечания при импорте», grouped).
    ``readiness``: the readiness of the order's classes when the version was published
    (regulation items 3.2–3.3); ``None`` leaves the section out (no checklist was given).
    """
    findings = tuple(findings)
    norms = list(catalogue.all_norms())
    days = list(check_report.days)
    top = max([1, *(max(d.online_minutes, d.cap_home, d.cap_school) for d in days)])
    scale = BAR_WIDTH / top
    per_class: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(days, key=lambda d: d.date):
        per_class.setdefault(d.class_name, []).append(_day_row(d, order.screen_policy, scale))
    per_class = {c: per_class[c] for c in sort_class_names(per_class)}
    warnings = [str(w) for w in check_report.warnings]  # the checker's carry the catalogue's
    warnings += readiness_warnings(readiness or [])  # classes not ready when published
    overrides = [_norm_row(n) for n in norms if n.override_reason]
    local = now.astimezone(ZoneInfo(schedule.timezone))
    context = {
        "school": school or schedule.school,
        "schedule": schedule,
        "order": order,
        "device": DEVICE_RU.get(order.device, order.device),
        "policy": POLICY_RU.get(order.screen_policy, order.screen_policy),
        "norm_set": getattr(catalogue, "name", schedule.norm_set),
        "documents": _documents(norms),
        "norms": [_norm_row(n) for n in norms],
        "overrides": overrides,
        "order_overrides": sorted(order.overrides.items()),
        "norm_titles": {n.key: _norm_row(n)["title"] for n in norms},
        "per_class": per_class,
        "violations": list(check_report.violations),
        "warnings": warnings,
        "generated": local,
        "version": version,
        "bar_width": BAR_WIDTH,
        "total_days": len(days),
        "period_dates": [d for d in schedule.dates() if isinstance(d, date)],
        "finding_groups": group_findings(findings),
        "findings_total": len(refusing(findings)),
        "findings_notes": len(findings) - len(refusing(findings)),
        "findings_cap": FINDINGS_CAP,
        "readiness": readiness,
        "readiness_citation": cite(READINESS_ITEMS),
    }
    return _env().get_template(TEMPLATE).render(**context)


def write_report(path: Path, html: str) -> Path:
    path.write_text(html, encoding="utf-8")
    return path
