"""Answers kept for a while, and no more than so many."""

from __future__ import annotations

from actions.incidents.timed_cache import TimedCache


def test_an_answer_is_kept_for_its_time_and_the_oldest_go_first() -> None:
    now = [0.0]
    cache: TimedCache[str] = TimedCache(60, size=2, clock=lambda: now[0])
    cache.put("a", "A")
    cache.put("b", "B")
    now[0] = 59.0
    assert (cache.get("a"), cache.get("b")) == ("A", "B")
    cache.put("c", "C")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, "B", "C")
    now[0] = 60.0
    assert cache.get("b") is None and cache.get("c") == "C"
