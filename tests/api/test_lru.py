from __future__ import annotations

from api.lru import Lru


def test_lru_keeps_the_most_recently_used_and_computes_only_what_is_missing() -> None:
    cache: Lru[str, int] = Lru(2)
    computed: list[str] = []

    def value(key: str) -> int:
        computed.append(key)
        return len(key)

    assert cache.get("a", lambda: value("a")) == 1
    assert cache.get("bb", lambda: value("bb")) == 2
    assert cache.get("a", lambda: value("a")) == 1  # "a" is now the most recent
    cache.put("ccc", 3)  # evicts "bb"
    assert cache.get("bb", lambda: value("bb")) == 2
    assert cache.get("ccc", lambda: value("ccc")) == 3
    assert computed == ["a", "bb", "bb"]
    assert len(cache) == 2
