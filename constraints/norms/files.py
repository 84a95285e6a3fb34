"""Reading the norm files: YAML with unique keys, each document, key, band, subject table and
local-act override validated, every error naming the file and the key (``CatalogueError``).

The parsed files of a folder are cached by path, modification time and size.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

import data as _data_package
from constraints.norms.schema import (
    DEVICES,
    KEY_RE,
    KINDS,
    LIMITS,
    POLICIES,
    UNITS,
    Band,
    CatalogueError,
    Document,
    KeyDef,
    Library,
    OverrideRule,
    as_date,
    check_value,
    normalise_subject,
    parse_int_set,
)
from constraints.norms.wording import CONFIDENCE_RU, UNIT_HINT, range_text

__all__ = ["DEFAULT_DIRECTORY", "load_library", "make_override", "unknown_key_message"]

DEFAULT_DIRECTORY = Path(_data_package.__file__).resolve().parent / "norms"

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"ключ «{key}» повторяется (первый раз — строка {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)

_DOC_FIELDS = frozenset(
    {"id", "name", "title", "kind", "rank", "approved_by", "effective_from", "effective_to",
     "replaces", "sources", "note"}
)  # fmt: skip
_KEY_FIELDS = frozenset(
    {"title", "unit", "limit", "item", "also", "source", "confidence", "note", "value", "bands",
     "unknown_subject_value"}
)  # fmt: skip
_BAND_FIELDS = frozenset(
    {"grades", "device", "policy", "months", "value", "by_subject", "item", "also", "source",
     "confidence", "note", "subject_confidence"}
)  # fmt: skip
_OVERRIDE_FIELDS = frozenset({"value", "reason", "grades", "device", "policy", "months", "subject"})
_TOP_FIELDS = frozenset({"document", "norms", "subjects", "overrides"})


class FileReader:
    """Parses one YAML file into the library, raising CatalogueError that names file and key."""

    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)

    def fail(self, key: str | None, message: str) -> CatalogueError:
        where = f"Файл {self.label}"
        if key:
            where += f", ключ «{key}»"
        return CatalogueError(f"{where}: {message}", file=self.label, key=key)

    def read(self) -> dict[str, Any]:
        doc = self.read_mapping()
        unknown = sorted(str(k) for k in doc if k not in _TOP_FIELDS)
        if unknown:
            raise self.fail(
                unknown[0],
                f"неизвестный раздел; допустимые: {', '.join(sorted(_TOP_FIELDS))}.",
            )
        return doc

    def read_mapping(self) -> dict[str, Any]:
        """The file's YAML mapping (unique keys); its sections are checked by the caller."""
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise self.fail(None, "файл не найден; проверьте путь.") from None
        except UnicodeDecodeError:
            raise self.fail(None, "файл не в кодировке UTF-8; сохраните его в UTF-8.") from None
        try:
            doc = yaml.load(text, Loader=_UniqueKeyLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            context = getattr(exc, "context_mark", None) or mark
            problem = getattr(exc, "problem", None) or str(exc)
            key = None
            where = ""
            if mark is not None:
                key = self._key_before_line(text, context.line)
                where = f"строка {mark.line + 1}, столбец {mark.column + 1}: "
            raise self.fail(
                key,
                f"{where}ошибка YAML ({problem}); проверьте отступы, двоеточия и кавычки.",
            ) from None
        if not isinstance(doc, Mapping):
            raise self.fail(None, "ожидается словарь с разделами document и norms (см. README).")
        return dict(doc)

    @staticmethod
    def _key_before_line(text: str, line: int) -> str | None:
        """The norm key (``  eso.per_lesson:``) the broken line belongs to, if any."""
        lines = text.splitlines()
        for i in range(min(line, len(lines) - 1), -1, -1):
            m = re.match(r"^\s{1,4}([a-z0-9_]+(?:\.[a-z0-9_]+)+)\s*:", lines[i])
            if m:
                return m.group(1)
        return None

    # -- document --------------------------------------------------------------------------------

    def document(self, raw: Any) -> tuple[Document, dict[str, str]]:
        if not isinstance(raw, Mapping):
            raise self.fail("document", "раздел document должен быть словарём (id, name, …).")
        unknown = sorted(str(k) for k in raw if k not in _DOC_FIELDS)
        if unknown:
            raise self.fail(
                f"document.{unknown[0]}",
                f"неизвестное поле; допустимые: {', '.join(sorted(_DOC_FIELDS))}.",
            )
        for req in ("id", "name", "effective_from"):
            if raw.get(req) in (None, ""):
                raise self.fail(f"document.{req}", "обязательное поле не заполнено.")
        start = as_date(raw["effective_from"])
        if start is None:
            raise self.fail(
                "document.effective_from", "дата в виде ГГГГ-ММ-ДД, например 2027-01-01."
            )
        end = None
        if raw.get("effective_to") is not None:
            end = as_date(raw["effective_to"])
            if end is None:
                raise self.fail(
                    "document.effective_to", "дата в виде ГГГГ-ММ-ДД, например 2027-03-01."
                )
            if end <= start:
                raise self.fail(
                    "document.effective_to", "дата окончания должна быть позже effective_from."
                )
        kind = raw.get("kind", "norm")
        if kind not in KINDS:
            raise self.fail("document.kind", f"допустимые значения: {', '.join(KINDS)}.")
        rank = raw.get("rank", 50)
        if not isinstance(rank, int) or isinstance(rank, bool):
            raise self.fail("document.rank", "rank — целое число (порядок в имени набора).")
        replaces = raw.get("replaces") or []
        if isinstance(replaces, str):
            replaces = [replaces]
        if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
            raise self.fail("document.replaces", "список id заменяемых документов.")
        sources = raw.get("sources") or {}
        if not isinstance(sources, Mapping):
            raise self.fail("document.sources", "словарь «id источника: адрес».")
        return (
            Document(
                id=str(raw["id"]),
                name=str(raw["name"]),
                title=str(raw.get("title") or raw["name"]),
                kind=kind,
                rank=rank,
                effective_from=start,
                effective_to=end,
                replaces=tuple(replaces),
                file=self.path,
                approved_by=raw.get("approved_by"),
            ),
            {str(k): str(v) for k, v in sources.items()},
        )

    # -- norms -----------------------------------------------------------------------------------

    def _source(self, key: str, raw: Any, sources: Mapping[str, str]) -> str:
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(s, str) for s in items):
            raise self.fail(key, "source — строка или список id источников из document.sources.")
        return "; ".join(sources.get(s, s) for s in items)

    def _confidence(self, key: str, raw: Any) -> str:
        if raw not in CONFIDENCE_RU or raw == "override":
            allowed = ", ".join(c for c in CONFIDENCE_RU if c != "override")
            raise self.fail(key, f"confidence «{raw}» неизвестна; допустимые: {allowed}.")
        return str(raw)

    def keydef(
        self, key: str, raw: Any, doc: Document, sources: Mapping[str, str], lib: Library
    ) -> KeyDef:
        if not KEY_RE.match(key):
            raise self.fail(key, "имя ключа — латиница через точку, например eso.per_lesson.")
        if not isinstance(raw, Mapping):
            raise self.fail(key, "описание нормы должно быть словарём (title, unit, value…).")
        unknown = sorted(str(k) for k in raw if k not in _KEY_FIELDS)
        if unknown:
            raise self.fail(
                key,
                f"неизвестное поле «{unknown[0]}»; допустимые: {', '.join(sorted(_KEY_FIELDS))}.",
            )
        for req in ("title", "unit", "confidence"):
            if raw.get(req) in (None, ""):
                raise self.fail(key, f"не заполнено обязательное поле {req}.")
        unit = raw["unit"]
        if unit not in UNITS:
            raise self.fail(key, f"unit «{unit}» неизвестна; допустимые: {', '.join(UNITS)}.")
        limit = raw.get("limit")
        if limit is not None and limit not in LIMITS:
            raise self.fail(key, "limit — upper (не более) или lower (не менее).")
        confidence = self._confidence(key, raw["confidence"])
        has_value = "value" in raw
        has_bands = "bands" in raw
        if has_value == has_bands:
            raise self.fail(key, "укажите либо value (одно значение), либо bands (по классам…).")
        value = None
        if has_value:
            ok, value = check_value(unit, raw["value"])
            if not ok:
                raise self.fail(key, f"значение {raw['value']!r} неверно: нужно {UNIT_HINT[unit]}.")
        bands: list[Band] = []
        if has_bands:
            if not isinstance(raw["bands"], list) or not raw["bands"]:
                raise self.fail(key, "bands — непустой список полос ({grades: 5-9, value: 30}).")
            for i, braw in enumerate(raw["bands"], start=1):
                bands.append(self.band(key, i, braw, unit, sources))
            self._check_overlaps(key, bands)
        unknown_value = None
        if "unknown_subject_value" in raw:
            ok, unknown_value = check_value(unit, raw["unknown_subject_value"])
            if not ok:
                raise self.fail(key, f"unknown_subject_value: нужно {UNIT_HINT[unit]}.")
        return KeyDef(
            key=key,
            title=str(raw["title"]),
            unit=unit,
            limit=limit,
            item=str(raw.get("item") or ""),
            also=raw.get("also"),
            source=self._source(key, raw.get("source", ""), sources),
            confidence=confidence,
            note=raw.get("note"),
            value=value,
            bands=tuple(bands),
            unknown_subject_value=unknown_value,
            document=doc,
        )

    def band(self, key: str, index: int, raw: Any, unit: str, sources: Mapping[str, str]) -> Band:
        where = f"{key}, полоса {index}"
        if not isinstance(raw, Mapping):
            raise self.fail(
                where, "полоса — словарь, например {grades: 5-9, device: pc, value: 30}."
            )
        unknown = sorted(str(k) for k in raw if k not in _BAND_FIELDS)
        if unknown:
            raise self.fail(
                where,
                f"неизвестное поле «{unknown[0]}»; допустимые: {', '.join(sorted(_BAND_FIELDS))}.",
            )
        grades = devices = policies = months = None
        if "grades" in raw:
            grades = parse_int_set(raw["grades"], 1, 11)
            if grades is None:
                raise self.fail(where, "grades — класс 1–11, диапазон «5-9» или список [9, 11].")
        if "months" in raw:
            months = parse_int_set(raw["months"], 1, 12)
            if months is None:
                raise self.fail(where, "months — месяц 1–12, диапазон «9-12» или список.")
        if "device" in raw:
            devices = self._choice(where, raw["device"], DEVICES, "device")
        if "policy" in raw:
            policies = self._choice(where, raw["policy"], POLICIES, "policy")
        has_value = "value" in raw
        has_table = "by_subject" in raw
        if has_value == has_table:
            raise self.fail(where, "укажите либо value, либо by_subject (таблицу по предметам).")
        value = None
        table: dict[str, tuple[str, Any]] | None = None
        if has_value:
            ok, value = check_value(unit, raw["value"])
            if not ok:
                raise self.fail(
                    where, f"значение {raw['value']!r} неверно: нужно {UNIT_HINT[unit]}."
                )
        else:
            table = self._table(where, raw["by_subject"], unit, grades)
        confidence = None
        if raw.get("confidence") is not None:
            confidence = self._confidence(where, raw["confidence"])
        subject_conf: dict[str, str] = {}
        if raw.get("subject_confidence") is not None:
            sc = raw["subject_confidence"]
            if not isinstance(sc, Mapping) or table is None:
                raise self.fail(
                    where, "subject_confidence — словарь «Предмет: достоверность» при by_subject."
                )
            for name, conf in sc.items():
                norm_name = normalise_subject(str(name))
                if norm_name not in table:
                    raise self.fail(
                        where, f"subject_confidence: предмета «{name}» нет в by_subject."
                    )
                subject_conf[norm_name] = self._confidence(where, conf)
        return Band(
            index=index,
            grades=grades,
            devices=devices,
            policies=policies,
            months=months,
            value=value,
            by_subject=table,
            item=raw.get("item"),
            source=self._source(where, raw["source"], sources) if "source" in raw else None,
            confidence=confidence,
            note=raw.get("note"),
            subject_confidence=subject_conf,
        )

    def _choice(self, where: str, raw: Any, allowed: Sequence[str], name: str) -> frozenset[str]:
        items = raw if isinstance(raw, list) else [raw]
        bad = [str(v) for v in items if v not in allowed]
        if bad or not items:
            raise self.fail(
                where, f"{name} «{', '.join(bad)}» неизвестен; допустимые: {', '.join(allowed)}."
            )
        return frozenset(items)

    def _table(
        self, where: str, raw: Any, unit: str, grades: frozenset[int] | None
    ) -> dict[str, tuple[str, Any]]:
        if not isinstance(raw, Mapping) or not raw:
            raise self.fail(where, "by_subject — словарь «Предмет: баллы».")
        table: dict[str, tuple[str, Any]] = {}
        ordered = sorted(grades) if grades else []
        for subject, val in raw.items():
            name = str(subject)
            if isinstance(val, list):
                if not ordered or len(val) != len(ordered):
                    raise self.fail(
                        where,
                        f"«{name}»: список значений должен иметь по одному числу на класс "
                        f"({len(ordered)} для классов {range_text(ordered) or '—'}).",
                    )
                per_grade: dict[int, Any] = {}
                for g, v in zip(ordered, val, strict=True):
                    ok, v2 = check_value(unit, v, allow_none=True)
                    if not ok:
                        raise self.fail(
                            where, f"«{name}», {g} кл.: нужно {UNIT_HINT[unit]} или null."
                        )
                    per_grade[g] = v2
                table[normalise_subject(name)] = (name, per_grade)
            else:
                ok, v2 = check_value(unit, val, allow_none=True)
                if not ok:
                    raise self.fail(where, f"«{name}»: нужно {UNIT_HINT[unit]} или null.")
                table[normalise_subject(name)] = (name, v2)
        return table

    def _check_overlaps(self, key: str, bands: list[Band]) -> None:
        def meets(a: frozenset[Any] | None, b: frozenset[Any] | None) -> bool:
            return a is None or b is None or bool(a & b)

        for i, a in enumerate(bands):
            for b in bands[i + 1 :]:
                if (
                    meets(a.grades, b.grades)
                    and meets(a.devices, b.devices)
                    and meets(a.policies, b.policies)
                    and meets(a.months, b.months)
                ):
                    raise self.fail(
                        key,
                        f"полосы {a.index} и {b.index} пересекаются (одни и те же классы, "
                        "устройство, режим и месяцы); разделите их.",
                    )

    # -- subjects --------------------------------------------------------------------------------

    def subjects(self, raw: Any, lib: Library) -> None:
        if not isinstance(raw, Mapping):
            raise self.fail("subjects", "раздел subjects — словарь с aliases и fallbacks.")
        aliases = raw.get("aliases") or {}
        if not isinstance(aliases, Mapping):
            raise self.fail("subjects.aliases", "словарь «Каноническое название: [синонимы]».")
        for canon, names in aliases.items():
            if names is None:
                names = []
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(f"subjects.aliases.{canon}", "список синонимов-строк.")
            c = normalise_subject(str(canon))
            lib.aliases.setdefault(c, c)
            for n in names:
                lib.aliases[normalise_subject(n)] = c
        fallbacks = raw.get("fallbacks") or {}
        if not isinstance(fallbacks, Mapping):
            raise self.fail("subjects.fallbacks", "словарь «Предмет: [замены по порядку]».")
        for canon, names in fallbacks.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(f"subjects.fallbacks.{canon}", "список названий предметов.")
            lib.fallbacks[normalise_subject(str(canon))] = tuple(
                normalise_subject(n) for n in names
            )

    # -- local-act overrides ---------------------------------------------------------------------

    def overrides(self, raw: Any, lib: Library) -> list[tuple[str, Mapping[str, Any]]]:
        if not isinstance(raw, Mapping):
            raise self.fail(
                "overrides",
                'раздел overrides — словарь «ключ: {value: …, reason: "Приказ № … от …"}».',
            )
        out: list[tuple[str, Mapping[str, Any]]] = []
        for key, spec in raw.items():
            specs = spec if isinstance(spec, list) else [spec]
            for s in specs:
                if not isinstance(s, Mapping) or "value" not in s or not s.get("reason"):
                    raise self.fail(
                        f"overrides.{key}",
                        "нужны value и reason (номер и дата приказа), например "
                        '{value: 25, reason: "Приказ № 45 от 28.11.2026"}.',
                    )
                unknown = sorted(str(k) for k in s if k not in _OVERRIDE_FIELDS)
                if unknown:
                    raise self.fail(
                        f"overrides.{key}",
                        f"неизвестное поле «{unknown[0]}»; допустимые: "
                        f"{', '.join(sorted(_OVERRIDE_FIELDS))}.",
                    )
                out.append((str(key), s))
        return out


def _file_signature(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    sig = []
    for p in paths:
        try:
            st = p.stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((str(p), -1, -1))
    return tuple(sig)


_LIBRARY_CACHE: dict[tuple[Any, ...], Library] = {}


def load_library(directory: Path, extra_files: Sequence[Path]) -> Library:
    if not directory.is_dir():
        raise CatalogueError(
            f"Каталог норм {directory} не найден; укажите папку с файлами *.yaml.",
            file=str(directory),
        )
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    extras = [Path(p) for p in extra_files]
    cache_key = (str(directory.resolve()), _file_signature(files), _file_signature(extras))
    cached = _LIBRARY_CACHE.get(cache_key)
    if cached is not None:
        return cached
    lib = Library()
    pending_overrides: list[tuple[FileReader, str, Mapping[str, Any]]] = []
    ids: dict[str, Path] = {}
    for path in [*files, *extras]:
        reader = FileReader(path)
        raw = reader.read()
        if "norms" in raw and "document" not in raw:
            raise reader.fail("document", "у файла с нормами должен быть раздел document.")
        if "document" in raw:
            doc, sources = reader.document(raw["document"])
            if doc.id in ids:
                raise reader.fail(
                    "document.id", f"документ «{doc.id}» уже описан в файле {ids[doc.id]}."
                )
            ids[doc.id] = path
            lib.documents.append(doc)
            norms = raw.get("norms") or {}
            if not isinstance(norms, Mapping):
                raise reader.fail("norms", "раздел norms — словарь «ключ: описание нормы».")
            for key, spec in norms.items():
                kd = reader.keydef(str(key), spec, doc, sources, lib)
                lib.keydefs.setdefault(kd.key, []).append(kd)
        if "subjects" in raw:
            reader.subjects(raw["subjects"], lib)
        if "overrides" in raw:
            for key, spec in reader.overrides(raw["overrides"], lib):
                pending_overrides.append((reader, key, spec))
    # A school's own document may add keys, not silently replace a norm: that is what overrides
    # (with a reason) are for.
    for key, defs in lib.keydefs.items():
        local = [kd for kd in defs if kd.document.kind == "local-act"]
        if local and len(local) < len(defs):
            other = next(kd for kd in defs if kd.document.kind != "local-act")
            raise FileReader(local[0].document.file).fail(
                key,
                f"ключ уже задан документом {other.document.name}; чтобы изменить значение "
                "локальным актом, запишите его в раздел overrides с reason (см. README).",
            )
    # Overrides are checked once every file is read: they may name keys from any document.
    for reader, key, spec in pending_overrides:
        lib.overrides.append(
            make_override(lib, key, spec, spec["reason"], reader.path.name, reader.fail)
        )
    _LIBRARY_CACHE[cache_key] = lib
    return lib


def resolve_key(lib: Library, key: str) -> str | None:
    if key in lib.keydefs:
        return key
    matches = [k for k in lib.keydefs if k.endswith("." + key)]
    return matches[0] if len(matches) == 1 else None


def unknown_key_message(lib: Library, key: str) -> str:
    close = difflib.get_close_matches(key, list(lib.keydefs), n=3, cutoff=0.75)
    hint = f" Возможно, имелось в виду: {', '.join(close)}." if close else ""
    return f"неизвестный параметр норм «{key}».{hint} Список параметров — в data/norms/README.md."


def make_override(
    lib: Library, key: str, spec: Any, reason: Any, origin: str, fail: Any
) -> OverrideRule:
    """Validate one override; ``fail(key, message)`` builds the CatalogueError to raise."""
    resolved = resolve_key(lib, key)
    if resolved is None:
        raise fail(f"overrides.{key}", unknown_key_message(lib, key))
    unit = lib.keydefs[resolved][-1].unit
    raw_value = spec["value"] if isinstance(spec, Mapping) else spec.value
    ok, value = check_value(unit, raw_value)
    if not ok:
        raise fail(f"overrides.{key}", f"значение {raw_value!r} неверно: нужно {UNIT_HINT[unit]}.")
    if not str(reason or "").strip():
        raise fail(f"overrides.{key}", "укажите reason — номер и дату приказа (локального акта).")

    def get(name: str) -> Any:
        if isinstance(spec, Mapping):
            return spec.get(name)
        return getattr(spec, name, None)

    grades = months = devices = policies = subjects = None
    if get("grades") is not None:
        grades = parse_int_set(get("grades"), 1, 11)
        if grades is None:
            raise fail(f"overrides.{key}", "grades — класс 1–11, диапазон «5-9» или список.")
    if get("months") is not None:
        months = parse_int_set(get("months"), 1, 12)
        if months is None:
            raise fail(f"overrides.{key}", "months — месяц 1–12, диапазон «9-12» или список.")
    for name, allowed in (("device", DEVICES), ("policy", POLICIES)):
        raw = get(name)
        if raw is None:
            continue
        items = raw if isinstance(raw, list) else [raw]
        if not items or any(v not in allowed for v in items):
            raise fail(f"overrides.{key}", f"{name}: допустимые значения {', '.join(allowed)}.")
        if name == "device":
            devices = frozenset(items)
        else:
            policies = frozenset(items)
    if get("subject") is not None:
        raw = get("subject")
        items = raw if isinstance(raw, list) else [raw]
        subjects = frozenset(normalise_subject(str(s)) for s in items)
    return OverrideRule(
        key=resolved,
        value=value,
        reason=str(reason).strip(),
        origin=origin,
        grades=grades,
        devices=devices,
        policies=policies,
        months=months,
        subjects=subjects,
    )
