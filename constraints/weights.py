"""The one table of objective weights. Every soft rule reads its weight here, nowhere else.

The objective is a penalty to minimise: ``sum(weight × term)``. Each weight comes with the Russian
sentence the report shows next to its penalty, so a deputy director sees what it costs and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Weights:
    # per lost online minute, multiplied by the subject priority of the catalogue (1–10)
    online_coverage: int = 1
    # per subject with ≥ 2 weekly hours that gets no online lesson in the week
    weekly_contact: int = 400
    # per minute an online lesson starts away from its base (or previous) start
    minimal_change: int = 1
    # per lesson whose format (online / self-study) differs from the previous version
    stability: int = 300
    # per difficulty point of an online lesson outside the best positions (2–4)
    difficulty: int = 3
    # per idle minute between a teacher's lessons on one day
    teacher_gaps: int = 1
    # per minute sibling classes are online at the same time (one computer at home)
    sibling_overlap: int = 5
    # per pair of classes of one grade starting their online day at the same minute
    stagger_starts: int = 30

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def with_(self, **changes: int) -> Weights:
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Weights:
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in doc.items() if k in names})


DEFAULT_WEIGHTS = Weights()

# What each penalty means, in the words a завуч uses (shown in the report next to the figure).
EXPLAIN_RU: dict[str, str] = {
    "online_coverage": (
        "Онлайн-минуты, которые нормы позволяли провести, но урок стал короче или ушёл "
        "в самостоятельную работу; важные предметы (русский, математика, экзамены 9 и 11 кл.) "
        "весят больше."
    ),
    "weekly_contact": (
        "Предмет с двумя и более часами в неделю не получил ни одного онлайн-урока за неделю — "
        "дети видят учителя по нему только в самостоятельной работе."
    ),
    "minimal_change": (
        "Онлайн-урок начинается не в то время, что в обычном расписании (или в прошлой версии); "
        "считаются минуты сдвига."
    ),
    "stability": (
        "По сравнению с опубликованной версией урок сменил формат (онлайн ↔ самостоятельно); "
        "родителям и учителям придётся перестраиваться."
    ),
    "difficulty": (
        "Трудный предмет (шкала трудности, СанПиН 1.2.3685-21, табл. 6.9–6.11) идёт онлайн "
        "не на 2–4 уроке (для 1 кл. — на 2-м, для 2–4 кл. — на 2–3-м)."
    ),
    "teacher_gaps": "Минуты простоя («окна») у учителя между его уроками в один день.",
    "sibling_overlap": (
        "Дети из классов одной семьи (один компьютер дома) в это время одновременно на онлайн-"
        "уроках; считаются минуты пересечения."
    ),
    "stagger_starts": (
        "Параллельные классы начинают онлайн-день в одну и ту же минуту; разнесённое начало "
        "снижает нагрузку на связь и на семьи."
    ),
}
