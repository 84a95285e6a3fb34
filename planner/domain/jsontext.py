"""Indented JSON text, the bytes of ``json.dumps(doc, ensure_ascii=False, indent=1)``, faster.

The standard library encodes indented JSON in pure Python, a generator per value; the export
bundle's ``versions.json`` and ``changes.json`` of a whole school hold about a million values.
:func:`dumps` writes the same text with one recursive function, scalars inline and the C string
encoder: dicts with text keys, lists and tuples, text, integers, floats, booleans and ``None``.
Anything else (another key type, another value type) is left to ``json.dumps`` itself, errors
included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

__all__ = ["dumps"]

_CONSTANTS: dict[Any, str] = {None: "null", True: "true", False: "false"}


class _Other(Exception):
    """A value :func:`dumps` leaves to ``json.dumps``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """The JSON of a scalar; ``None`` for a container."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _CONSTANTS[value]
    if kind is float:
        return _float(value)
    if kind is dict or kind is list or kind is tuple:
        return None
    raise _Other


def _container(
    value: Any, pad: str, put: Callable[[str], None], known: dict[int, str] | None = None
) -> None:
    """A dict, list or tuple at indentation ``pad`` (a line break and spaces); a container in
    ``known`` (by ``id``) is its text at the top level, re-indented."""
    if known and id(value) in known:
        # a line break is only ever indentation: strings escape theirs as «\n»
        put(known[id(value)].replace("\n", pad))
        return
    inner = pad + " "
    encode = encode_basestring
    if type(value) is dict:
        if not value:
            put("{}")
            return
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Other
            kind = type(item)  # the common scalars inline: a call per value costs
            if kind is str:
                text = encode(item)
            elif item is None:
                text = "null"
            elif kind is int:
                text = int.__repr__(item)
            else:
                text = _scalar(item)
            if text is None:
                put(f"{separator}{encode(key)}: ")
                _container(item, inner, put, known)
            else:
                put(f"{separator}{encode(key)}: {text}")
            separator = "," + inner
        put(pad + "}")
        return
    if not value:
        put("[]")
        return
    separator = "[" + inner
    for item in value:
        text = _scalar(item)
        if text is None:
            put(separator)
            _container(item, inner, put, known)
        else:
            put(separator + text)
        separator = "," + inner
    put(pad + "]")


def dumps(doc: Any, known: dict[int, str] | None = None) -> str:
    """``json.dumps(doc, ensure_ascii=False, indent=1)``.

    ``known``: ``id(container) → dumps(container)`` of containers inside ``doc`` whose text is
    already there (a schedule inside the version history), copied instead of encoded again."""
    out: list[str] = []
    try:
        text = _scalar(doc)
        if text is not None:
            return text
        _container(doc, "\n", out.append, known)
    except (_Other, RecursionError):
        return json.dumps(doc, ensure_ascii=False, indent=1)
    return "".join(out)
