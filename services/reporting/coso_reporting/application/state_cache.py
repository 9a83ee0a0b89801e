"""Answers kept while the projection's state stays what it was when they were made.

A national report reads millions of records, and building a day's tree of 4,400 authorities
takes tens of milliseconds; the dashboard and the exports ask for the same ones again and
again between two batches of events. `state` answers the projection's state (the consumers'
checkpoints, which move with every applied batch and with a rebuild's swap); an answer made
in another state is made again. A dead letter replayed later changes the tables without
moving a checkpoint, so an entry also expires after `max_age` seconds. Cached answers are
shared: callers must not change them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class StateCache(Generic[V]):
    def __init__(
        self,
        state: Callable[[], Hashable],
        size: int = 64,
        max_age: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._state = state
        self._size = size
        self._max_age = max_age
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, request: Hashable, make: Callable[[], V]) -> V:
        """The answer to `request` in the current state: kept, or made by `make` and kept."""
        key = (request, self._state())
        now = self._clock()
        found = self._entries.get(key)
        if found is not None and now - found[0] < self._max_age:
            self._entries.move_to_end(key)
            return found[1]
        answer = make()
        self._entries[key] = (now, answer)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return answer
