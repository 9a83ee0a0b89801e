"""Finished fact reports are reused while the projection's state stays the same, and only then."""

from __future__ import annotations

from typing import Any

from coso_reporting.application.state_cache import StateCache


class Made:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> dict[str, Any]:
        self.count += 1
        return {"made": self.count}


def test_a_report_is_made_once_while_the_state_holds() -> None:
    made = Made()
    cache = StateCache(lambda: ("checkpoint", 7), clock=lambda: 0.0)
    assert cache.get("members vn", made) == {"made": 1}
    assert cache.get("members vn", made) == {"made": 1}
    assert made.count == 1


def test_a_moved_state_makes_the_report_again() -> None:
    made, state = Made(), [7]
    cache = StateCache(lambda: state[0], clock=lambda: 0.0)
    cache.get("members vn", made)
    state[0] = 8
    assert cache.get("members vn", made) == {"made": 2}


def test_an_entry_expires_after_max_age_and_other_requests_are_apart() -> None:
    made, now = Made(), [0.0]
    cache = StateCache(lambda: 1, max_age=10.0, clock=lambda: now[0])
    cache.get("members vn", made)
    assert cache.get("members p01", made) == {"made": 2}
    now[0] = 10.0
    assert cache.get("members vn", made) == {"made": 3}


def test_the_oldest_entries_leave_beyond_the_size() -> None:
    made = Made()
    cache = StateCache(lambda: 1, size=2, clock=lambda: 0.0)
    for request in ("a", "b", "c"):
        cache.get(request, made)
    assert cache.get("c", made) == {"made": 3}
    assert cache.get("a", made) == {"made": 4}
