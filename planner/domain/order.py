"""The quarantine order: which classes go remote, when, on which devices, under which caps.

An order is a small YAML or JSON file a deputy director writes (or the web form produces)::

    classes: [5А, 5Б]          # or: all   or: {grades: [5, 6]}
    from: 2026-12-01
    to: 2026-12-05
    device: pc                  # pc | laptop | tablet (компьютер, ноутбук, планшет); never a phone
    screen_policy: home         # home | school  (column of СанПиН 1.2.3685-21 table 6.8)
    homework_reserve_minutes: 0 # screen minutes kept free for homework
    overrides:                  # values of the school's local act, each with its reason
      online_end_not_after: {value: "17:00", reason: "Приказ № 45 от 28.11.2026"}
    must_online:                # hard minimums; these can make an order infeasible
      - {class: 5А, subject: Математика}
    min_online_per_day: 2
    sibling_classes: [[5А, 7Б]] # families sharing one computer: avoid overlapping online lessons
    stagger_starts: false
    holidays: [2026-12-04]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from planner.domain.errors import InputError, Problem
from planner.domain.model import Timetable, class_key, sort_class_names
from planner.domain.regulation import read_device

DEVICES = ("pc", "laptop", "tablet")
SCREEN_POLICIES = ("home", "school")
DEVICE_RU = {"pc": "ПК", "laptop": "ноутбук", "tablet": "планшет"}
POLICY_RU = {"home": "дома", "school": "в школе"}
#: what an order that does not say means: a home PC (the one place these defaults live)
DEFAULT_DEVICE = "pc"
DEFAULT_SCREEN_POLICY = "home"


@dataclass(frozen=True, slots=True)
class Override:
    """A value set by the school's local act instead of the catalogue's."""

    value: Any
    reason: str


@dataclass(frozen=True, slots=True)
class MustOnline:
    """A hard minimum: this class's lessons of this subject (on this date) must be online."""

    class_name: str
    subject: str | None = None
    date: date | None = None
    lesson: int | None = None  # base lesson number


@dataclass(frozen=True)
class QuarantineOrder:
    classes: tuple[str, ...]
    date_from: date
    date_to: date
    device: str = DEFAULT_DEVICE
    screen_policy: str = DEFAULT_SCREEN_POLICY
    homework_reserve_minutes: int = 0
    overrides: Mapping[str, Override] = field(default_factory=dict)
    must_online: tuple[MustOnline, ...] = ()
    min_online_per_day: int | None = None
    sibling_classes: tuple[tuple[str, str], ...] = ()
    stagger_starts: bool = False
    holidays: tuple[date, ...] = ()
    selector: Any = None  # what the file said about classes (list, "all" or {grades: …})
    source: str | None = None

    def dates(self, school_days: tuple[int, ...]) -> list[date]:
        """The school days of the period (weekday in ``school_days``, not a holiday)."""
        out = []
        d = self.date_from
        while d <= self.date_to:
            if d.isoweekday() in school_days and d not in self.holidays:
                out.append(d)
            d += timedelta(days=1)
        return out

    def summary(self) -> dict[str, Any]:
        """The order as ``schedule.json`` carries it."""
        doc: dict[str, Any] = {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "classes": list(self.classes),
            "device": self.device,
            "screen_policy": self.screen_policy,
        }
        if self.homework_reserve_minutes:
            doc["homework_reserve_minutes"] = self.homework_reserve_minutes
        if self.overrides:
            doc["overrides"] = {
                k: {"value": v.value, "reason": v.reason} for k, v in sorted(self.overrides.items())
            }
        if self.must_online:
            doc["must_online"] = [
                {
                    k: v
                    for k, v in (
                        ("class", m.class_name),
                        ("subject", m.subject),
                        ("date", m.date.isoformat() if m.date else None),
                        ("lesson", m.lesson),
                    )
                    if v is not None
                }
                for m in self.must_online
            ]
        if self.min_online_per_day is not None:
            doc["min_online_per_day"] = self.min_online_per_day
        if self.sibling_classes:
            doc["sibling_classes"] = [list(p) for p in self.sibling_classes]
        if self.stagger_starts:
            doc["stagger_starts"] = True
        if self.holidays:
            doc["holidays"] = [d.isoformat() for d in self.holidays]
        return doc


#: every key an order document may have
ORDER_KEYS = frozenset(
    {"classes", "from", "to", "device", "screen_policy", "homework_reserve_minutes",
     "overrides", "must_online", "min_online_per_day", "sibling_classes", "stagger_starts",
     "holidays"}
)  # fmt: skip


class Reader:
    """Collects every problem of an order document before failing, so one run shows them all."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(file=self.file, column=key, message=message))

    def date(self, doc: Mapping[str, Any], key: str) -> date | None:
        raw = doc.get(key)
        if raw is None:
            self.fail(key, f"не указана дата «{key}»; напишите её как 2026-12-01.")
            return None
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            self.fail(key, f"«{raw}» — не дата; напишите её как 2026-12-01.")
            return None


def parse_order(doc: Any, timetable: Timetable, file: str = "приказ") -> QuarantineOrder:
    """Validate an order document against the school's timetable; all problems at once."""
    r = Reader(file)
    if not isinstance(doc, Mapping):
        raise InputError.at(
            file, "файл приказа должен быть словарём YAML/JSON с ключами classes, from, to."
        )
    for key in doc:
        if key not in ORDER_KEYS:
            r.fail(
                str(key), f"неизвестный ключ «{key}»; допустимые: {', '.join(sorted(ORDER_KEYS))}."
            )

    all_classes = sort_class_names(timetable.classes)
    by_key = {class_key(c): c for c in all_classes}

    def known(name: str) -> str | None:
        """The timetable's spelling of a class (``7а`` → ``7А``), or None."""
        return name if name in timetable.classes else by_key.get(class_key(name))

    selector = doc.get("classes")
    classes: list[str] = []
    if selector is None:
        r.fail(
            "classes",
            "не указаны классы; напишите список (например [5А, 5Б]), all или {grades: [5, 6]}.",
        )
    elif selector == "all" or selector == "все":
        classes = all_classes
    elif isinstance(selector, Mapping) and "grades" in selector:
        grades = selector["grades"]
        if not isinstance(grades, list) or not all(isinstance(g, int) for g in grades):
            r.fail("classes", "grades — список номеров параллелей, например [5, 6].")
        else:
            classes = [c for c in all_classes if timetable.classes[c].grade in grades]
            if not classes:
                r.fail("classes", f"в расписании нет классов параллелей {grades}.")
    elif isinstance(selector, list):
        for c in selector:
            name = str(c).strip()
            found = known(name)
            if found is None:
                r.fail(
                    "classes", f"класса «{name}» нет в расписании; есть: {', '.join(all_classes)}."
                )
            elif found not in classes:
                classes.append(found)
        if not selector:
            r.fail(
                "classes",
                "список классов пуст; укажите хотя бы один класс, all или {grades: [...]}.",
            )
    else:
        r.fail("classes", "classes — список классов, all или {grades: [...]}.")

    d_from = r.date(doc, "from")
    d_to = r.date(doc, "to")
    if d_from and d_to and d_to < d_from:
        r.fail("to", f"дата окончания {d_to} раньше даты начала {d_from}.")
    if d_from and d_to and (d_to - d_from).days > 62:
        r.fail("to", "период длиннее двух месяцев; разбейте приказ на части.")

    device, refusal = read_device(doc.get("device", DEFAULT_DEVICE))
    if refusal is not None:  # a phone is refused with the regulation's item (3.3)
        r.fail("device", refusal)
    policy = str(doc.get("screen_policy", DEFAULT_SCREEN_POLICY)).strip().lower()
    if policy not in SCREEN_POLICIES:
        r.fail(
            "screen_policy", f"«{policy}» неизвестно; допустимо: home (дома) или school (в школе)."
        )

    reserve = doc.get("homework_reserve_minutes", 0)
    if not isinstance(reserve, int) or reserve < 0:
        r.fail("homework_reserve_minutes", "резерв на домашнее задание — целое число минут ≥ 0.")
        reserve = 0

    overrides: dict[str, Override] = {}
    raw_over = doc.get("overrides") or {}
    if not isinstance(raw_over, Mapping):
        r.fail("overrides", "overrides — словарь «параметр: {value: …, reason: …}».")
    else:
        for key, spec in raw_over.items():
            if not isinstance(spec, Mapping) or "value" not in spec or not spec.get("reason"):
                r.fail(
                    f"overrides.{key}",
                    "для значения локального акта нужны value и reason (номер и дата приказа).",
                )
                continue
            overrides[str(key)] = Override(value=spec["value"], reason=str(spec["reason"]))

    must: list[MustOnline] = []
    for i, spec in enumerate(doc.get("must_online") or []):
        key = f"must_online[{i}]"
        if not isinstance(spec, Mapping) or "class" not in spec:
            r.fail(key, "укажите хотя бы класс: {class: 5А, subject: Математика}.")
            continue
        name = str(spec["class"]).strip()
        name = known(name) or name
        if name not in classes:
            r.fail(key, f"класс «{name}» не переводится на дистанционное обучение этим приказом.")
        when = None
        if spec.get("date") is not None:
            when = r.date(spec, "date")
        subject = spec.get("subject")
        if subject is not None and subject not in timetable.subjects:
            r.fail(key, f"предмета «{subject}» нет в расписании.")
        must.append(MustOnline(name, subject, when, spec.get("lesson")))

    min_per_day = doc.get("min_online_per_day")
    if min_per_day is not None and (not isinstance(min_per_day, int) or min_per_day < 0):
        r.fail("min_online_per_day", "минимум онлайн-уроков в день — целое число ≥ 0.")
        min_per_day = None

    siblings: list[tuple[str, str]] = []
    for i, pair in enumerate(doc.get("sibling_classes") or []):
        if not isinstance(pair, list) or len(pair) != 2:
            r.fail(
                f"sibling_classes[{i}]",
                "пара классов — список из двух названий, например [5А, 7Б].",
            )
            continue
        a, b = (str(x).strip() for x in pair)
        for c in (a, b):
            if known(c) is None:
                r.fail(f"sibling_classes[{i}]", f"класса «{c}» нет в расписании.")
        a, b = known(a) or a, known(b) or b
        siblings.append((a, b))

    holidays: list[date] = []
    for i, raw in enumerate(doc.get("holidays") or []):
        try:
            holidays.append(raw if isinstance(raw, date) else date.fromisoformat(str(raw)))
        except ValueError:
            r.fail(f"holidays[{i}]", f"«{raw}» — не дата; напишите её как 2026-12-04.")

    if r.problems:
        raise InputError(r.problems)
    assert d_from is not None and d_to is not None and device is not None
    return QuarantineOrder(
        classes=tuple(sort_class_names(classes)),
        date_from=d_from,
        date_to=d_to,
        device=device,
        screen_policy=policy,
        homework_reserve_minutes=reserve,
        overrides=overrides,
        must_online=tuple(must),
        min_online_per_day=min_per_day,
        sibling_classes=tuple(siblings),
        stagger_starts=bool(doc.get("stagger_starts", False)),
        holidays=tuple(sorted(holidays)),
        selector=selector,
        source=file,
    )


def load_order(path: Path, timetable: Timetable) -> QuarantineOrder:
    """Read an order file (YAML or JSON) and validate it against the timetable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.at(str(path), "файл приказа не найден.") from None
    except UnicodeDecodeError:
        raise InputError.at(
            str(path), "файл приказа не в кодировке UTF-8; сохраните его в UTF-8."
        ) from None
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        line = getattr(exc, "lineno", None)
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
        raise InputError.at(
            str(path), f"файл приказа не читается как YAML/JSON: {exc}", row=line
        ) from None
    return parse_order(doc, timetable, str(path))
