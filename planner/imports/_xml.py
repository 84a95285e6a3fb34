"""XML helpers shared by the aSc and FET importers: safe parsing that keeps source lines.

:func:`parse_xml` parses with ``defusedxml`` (no entity expansion, no external references) and
remembers the line of every element, so that errors can name the row. It raises
:class:`XmlFault` with what went wrong; each importer turns that into its own Russian message
(what to do differs: export again from aSc, save again in FET).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

if TYPE_CHECKING:
    from planner.domain.findings import Findings

#: expat's reasons in Russian (the text of :class:`xml.etree.ElementTree.ParseError` without
#: its ``: line N, column M`` tail).
EXPAT_RU = {
    "mismatched tag": "закрывающий тег не совпадает с открывающим",
    "not well-formed (invalid token)": "недопустимый символ или знак «<», «&» вне тега",
    "unclosed token": "элемент не закрыт",
    "no element found": "файл обрывается: корневой элемент не закрыт или файл пуст",
    "junk after document element": "лишний текст после корневого элемента",
    "undefined entity": "неизвестная сущность &…;",
    "duplicate attribute": "атрибут повторяется",
    "syntax error": "синтаксическая ошибка XML",
}

FaultKind = Literal["entity", "forbidden", "broken"]


@dataclass(frozen=True)
class XmlFault(Exception):
    """Why a file is not accepted as XML.

    ``entity``: the file declares an entity (``entity`` is its name when known, ``external``
    whether it points outside the file); ``forbidden``: another construct defusedxml refuses;
    ``broken``: not well-formed, at ``line`` and 1-based ``column`` for ``reason`` (Russian).
    """

    kind: FaultKind
    line: int | None
    column: int | None = None
    reason: str = ""
    entity: str | None = None
    external: bool = False


class _LineBuilder(TreeBuilder):
    """Tree builder that remembers the source line of every element."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:  # type: ignore[override]
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def parse_xml(data: bytes) -> tuple[Element, dict[Element, int]]:
    """The root element and each element's source line; :class:`XmlFault` when refused."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        external = isinstance(exc, ExternalReferenceForbidden) or bool(getattr(exc, "sysid", None))
        raise XmlFault(
            "entity",
            parser.parser.CurrentLineNumber,
            entity=getattr(exc, "name", None) or None,
            external=external,
        ) from None
    except DefusedXmlException:
        raise XmlFault("forbidden", parser.parser.CurrentLineNumber) from None
    except ParseError as exc:
        line, column = exc.position
        reason = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise XmlFault("broken", line, column + 1, EXPAT_RU.get(reason, reason)) from None
    return root, builder.lines


_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")


def xml_bytes(data: bytes, findings: Findings) -> bytes:
    """The bytes to parse: a file whose text is not the UTF-8 its declaration (or the lack of
    one) promises — an old aSc export in Windows-1251 without a declaration — is re-encoded as
    UTF-8, with an ``encoding`` finding."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data  # UTF-16 with its byte order mark: expat reads it
    match = _DECLARATION.match(body)
    declared = match.group(1).decode("ascii").lower().replace("_", "-") if match else "utf-8"
    if declared not in ("utf-8", "utf8"):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    from planner.imports._tables import decode_text

    try:
        text = decode_text(body, findings.file, findings, quiet_cp1251=False)
    except Exception:
        return body  # expat reports the broken file
    if match:
        text = text[len(match.group(0).decode("ascii", "replace")) :]
    return text.encode("utf-8")
