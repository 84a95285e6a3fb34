"""ASCII file-name slugs for teachers and classes: «Иванова И.И.» → ``ivanova-i-i``, «5А» → ``5a``.

Russian letters are transliterated with the passport scheme (Приказ МВД № 889, ICAO Doc 9303):
ж → zh, х → kh, ц → ts, ч → ch, ш → sh, щ → shch, ю → iu, я → ia, й → i, ъ → ie, ь dropped.
Slugs are stable: the same name always gives the same slug, and colliding names get ``-2``, ``-3``
in the sorted order of the names, so adding an unrelated teacher never renames a feed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_PASSPORT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Ukrainian/Belarusian letters that turn up in names
    "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Latin letters for Cyrillic ones (lower case), other characters kept."""
    out = []
    for ch in text.lower():
        out.append(_PASSPORT.get(ch, ch))
    return "".join(out)


def slugify(name: str, fallback: str = "x") -> str:
    """``Иванова И.И.`` → ``ivanova-i-i``; only ``[a-z0-9-]``; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFKD", transliterate(name))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or fallback


def assign_slugs(names: Iterable[str], fallback: str = "x") -> dict[str, str]:
    """A unique slug per name; collisions get ``-2``, ``-3`` … in the sorted order of the names."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for name in sorted(set(names)):
        base = slugify(name, fallback)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        out[name] = slug
    return out
