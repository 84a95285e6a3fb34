"""The school's regulation on distance lessons, as far as the planner serves it.

The regulation is the school's «Положение об использовании ИКОП «Сферум»» (integrated with АИС
«ЭПОС»). Its items the planner supports, each cited where it is applied:

* 2.3, 2.6 — daily monitoring of pupils present, absent and ill, reported to the administration
  (attendance counts: never a pupil's name, 152-ФЗ);
* 3.2–3.3 — distance lessons only for a ready class: chat created and linked with ЭПОС, families
  joined, devices available, test connections done (:class:`Readiness`);
* 3.3 — no mobile phones for a distance lesson (:func:`read_device`);
* 3.7 — families who cannot take part study by lesson recordings, assignments in ЭПОС and
  «Моя школа» resources (:class:`Materials`, :func:`material_lines`).

Everything here is a value or a sentence; the web app stores the values, the exports print them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from planner.domain.errors import InputError, Problem

REGULATION_RU = "Положения об использовании ИКОП «Сферум»"


def cite(item: str) -> str:
    """«п. 3.3 Положения об использовании ИКОП «Сферум»» — the citation of one item."""
    return f"п. {item} {REGULATION_RU}"


ATTENDANCE_ITEMS = "2.3, 2.6"
READINESS_ITEMS = "3.2–3.3"
DEVICE_ITEM = "3.3"
SELF_STUDY_ITEM = "3.7"

# -- devices: computer, laptop or tablet; never a phone (item 3.3) ---------------------------------

#: what an order may say for each allowed device (the first one is the canonical key)
DEVICE_WORDS: dict[str, tuple[str, ...]] = {
    "pc": ("pc", "computer", "desktop", "пк", "компьютер"),
    "laptop": ("laptop", "notebook", "ноутбук"),
    "tablet": ("tablet", "ipad", "планшет"),
}
#: whole words and word beginnings that mean a mobile phone
PHONE_WORDS = ("phone", "iphone", "smartphone", "cellphone", "mobile", "cell", "айфон")
PHONE_STEMS = ("телефон", "смартфон", "мобильн", "мобильник", "сотов", "smartphone", "phone")


def is_phone(text: str) -> bool:
    """Does ``text`` name a mobile phone (``phone``, «телефон», «смартфон», ``mobile``, …)?"""
    words = re.findall(r"[\wё]+", str(text).lower().replace("ё", "е"))
    return any(w in PHONE_WORDS or w.startswith(PHONE_STEMS) for w in words)


def phone_refusal(text: str) -> str:
    """Why a phone is refused, with the item of the regulation and what to write instead."""
    return (
        f"устройство «{text}» не допускается: по {cite(DEVICE_ITEM)} обучающиеся не используют "
        "мобильные телефоны на дистанционных уроках. Укажите pc (компьютер), laptop (ноутбук) "
        "или tablet (планшет); семьям без такого устройства — записи уроков и задания "
        f"({cite(SELF_STUDY_ITEM)})."
    )


def phone_rule() -> str:
    """The one-line rule the order form shows under its device choice."""
    return f"Телефон не допускается ({cite(DEVICE_ITEM)}): компьютер, ноутбук или планшет."


def read_device(text: Any) -> tuple[str | None, str | None]:
    """The device key (``pc``/``laptop``/``tablet``) of an order's ``device``, or the reason it
    is refused: a phone (item 3.3) or an unknown word."""
    raw = str(text).strip()
    word = raw.lower().replace("ё", "е")
    for key, words in DEVICE_WORDS.items():
        if word in words:
            return key, None
    if is_phone(raw):
        return None, phone_refusal(raw)
    return None, (
        f"устройство «{raw}» неизвестно; допустимо: pc (компьютер), laptop (ноутбук), "
        "tablet (планшет)."
    )


# -- readiness of a class (items 3.2–3.3) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Readiness:
    """The readiness checklist of one class. ``None`` is «not filled in yet»."""

    class_name: str
    chat_linked: bool = False  # class chat created and linked with ЭПОС
    families_total: int | None = None
    families_joined: int | None = None
    last_test_call: date | None = None
    families_without_device: int | None = None  # no computer, laptop or tablet with camera/mic
    filled: bool = True  # False: nobody has filled the checklist in

    def missing(self) -> list[str]:
        """What keeps the class from being ready, one short Russian phrase each."""
        if not self.filled:
            return ["чек-лист готовности не заполнен"]
        out = []
        if not self.chat_linked:
            out.append("чат класса не создан или не связан с ЭПОС")
        if not self.families_total:
            out.append("не указано, сколько семей в классе")
        elif self.families_joined is None or self.families_joined < self.families_total:
            joined = self.families_joined or 0
            out.append(f"к чату присоединились не все семьи: {joined} из {self.families_total}")
        if self.last_test_call is None:
            out.append("пробного подключения ещё не было")
        if self.families_without_device is None:
            out.append("не указано, у скольких семей нет подходящего устройства")
        elif self.families_without_device > 0:
            out.append(
                "нет компьютера, ноутбука или планшета с камерой и микрофоном у семей: "
                f"{self.families_without_device}"
            )
        return out

    @property
    def ready(self) -> bool:
        return not self.missing()

    @property
    def cannot_join(self) -> int:
        """Families that cannot join an online lesson: no suitable device (item 3.7 route)."""
        return self.families_without_device or 0

    def warning(self) -> str:
        """The sentence an order review and the report show for a class that is not ready."""
        return (
            f"{self.class_name} не готов к дистанционным урокам ({cite(READINESS_ITEMS)}): "
            f"{'; '.join(self.missing())}. Приказ можно опубликовать — решение за школой."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "class": self.class_name,
            "filled": self.filled,
            "chat_linked": self.chat_linked,
            "families_total": self.families_total,
            "families_joined": self.families_joined,
            "last_test_call": self.last_test_call.isoformat() if self.last_test_call else None,
            "families_without_device": self.families_without_device,
            "ready": self.ready,
            "missing": self.missing(),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Readiness:
        when = doc.get("last_test_call")
        return cls(
            class_name=str(doc["class"]),
            chat_linked=bool(doc.get("chat_linked", False)),
            families_total=doc.get("families_total"),
            families_joined=doc.get("families_joined"),
            last_test_call=date.fromisoformat(when) if when else None,
            families_without_device=doc.get("families_without_device"),
            filled=bool(doc.get("filled", True)),
        )


READINESS_KEYS = (
    "chat_linked",
    "families_total",
    "families_joined",
    "last_test_call",
    "families_without_device",
)


def parse_readiness(doc: Any, classes: Iterable[str], file: str = "готовность") -> list[Readiness]:
    """The readiness of ``classes`` from a YAML/JSON document (``planner rebuild --readiness``)::

        5А: {chat_linked: true, families_total: 25, families_joined: 25,
             last_test_call: 2026-12-01, families_without_device: 0}

    A class the file does not name is «not filled in»; every problem is reported at once.
    """
    if not isinstance(doc, Mapping):
        raise InputError.at(file, "файл готовности — словарь «класс: {chat_linked: …, …}».")
    problems: list[Problem] = []
    given = {str(k).strip(): v for k, v in doc.items()}
    out = []
    for name in classes:
        spec = given.get(name)
        if spec is None:
            out.append(not_filled(name))
            continue
        if not isinstance(spec, Mapping):
            problems.append(Problem(file=file, element=name, message="ожидается словарь полей."))
            continue
        for key in spec:
            if key not in READINESS_KEYS:
                problems.append(
                    Problem(
                        file=file,
                        element=name,
                        column=str(key),
                        message=f"неизвестное поле; допустимы: {', '.join(READINESS_KEYS)}.",
                    )
                )
        numbers: dict[str, int | None] = {}
        for key in ("families_total", "families_joined", "families_without_device"):
            value = spec.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                problems.append(
                    Problem(file=file, element=name, column=key, message="целое число ≥ 0.")
                )
                value = None
            numbers[key] = value
        when = spec.get("last_test_call")
        if when is not None and not isinstance(when, date):
            try:
                when = date.fromisoformat(str(when))
            except ValueError:
                problems.append(
                    Problem(
                        file=file,
                        element=name,
                        column="last_test_call",
                        message=f"«{when}» — не дата; пишите 2026-12-01.",
                    )
                )
                when = None
        out.append(
            Readiness(
                name,
                chat_linked=bool(spec.get("chat_linked", False)),
                last_test_call=when,
                **numbers,
            )
        )
    if problems:
        raise InputError(problems)
    return out


def load_readiness(path: Path, classes: Iterable[str]) -> list[Readiness]:
    """Read a readiness file (YAML or JSON) for the order's classes."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        doc = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError.at(str(path), "файл готовности не найден.") from None
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError.at(str(path), f"файл готовности не читается: {exc}") from None
    return parse_readiness(doc, classes, str(path))


def not_filled(class_name: str) -> Readiness:
    return Readiness(class_name, filled=False)


def readiness_warnings(readiness: list[Readiness]) -> list[str]:
    """One warning per class that is not ready, in the order given."""
    return [r.warning() for r in readiness if not r.ready]


# -- the self-study route (item 3.7) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Materials:
    """What a teacher attached to a remote lesson: a recording and an assignment."""

    recording_url: str | None = None
    assignment: str | None = None  # text: pages, exercises, an ЭПОС / «Моя школа» resource
    assignment_url: str | None = None

    def __bool__(self) -> bool:
        return bool(self.recording_url or self.assignment or self.assignment_url)

    def assignment_text(self) -> str:
        return " ".join(x for x in (self.assignment, self.assignment_url) if x)


ALTERNATIVE_RU = "если не получается подключиться"


def material_lines(materials: Materials, *, online: bool) -> list[str]:
    """The materials of a lesson as lines of text (chat message, ЭПОС topic/homework).

    For an online lesson they are the alternative for families who cannot join (item 3.7); for a
    self-study lesson they are the lesson.
    """
    if not materials:
        return []
    lines = []
    if materials.recording_url:
        lines.append(f"запись урока: {materials.recording_url}")
    if materials.assignment_text():
        lines.append(f"задание: {materials.assignment_text()}")
    if online:
        return [f"{ALTERNATIVE_RU} — " + "; ".join(lines)]
    return lines


def epos_topic_homework(materials: Materials, *, online: bool) -> tuple[str, str]:
    """The ЭПОС ``topic`` (the recording) and ``homework`` (the assignment) of a lesson."""
    prefix = f"{ALTERNATIVE_RU.capitalize()}: " if online else ""
    topic = f"{prefix}запись урока {materials.recording_url}" if materials.recording_url else ""
    text = materials.assignment_text()
    homework = f"{prefix}{text}" if text else ""
    return topic, homework
