"""The hierarchy as of a day, read from the projection's dated tables, with a small cache.

One short connection reads the periods in force on the day and the successions in effect
by then, and the `Tree` is built from them. Building one takes ~45–70 ms for the national
bench's 4,400 authorities (unloaded machine; `python -m services.reporting.bench.national`),
and one dashboard load asks for five reports on the same day. So trees are cached per day
and per state of the projection: the consumers' checkpoints (a checkpoint moves with every
applied batch and with a rebuild's swap, so a moved one means a fresh read). A dead letter
replayed later changes the tables without moving a checkpoint; an entry therefore also
expires after `max_age` seconds, which bounds how long such a change can go unseen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, select

from coso_backbone.schema import consumer_checkpoints
from coso_reporting.adapters.hierarchy_projection import read_periods, read_successions
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.tree import Tree

_State = tuple[tuple[str, str, int], ...]


class SqlAuthorityTrees:
    def __init__(
        self,
        engine: Engine,
        cache_size: int = 16,
        max_age: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._cache_size = cache_size
        self._max_age = max_age
        self._clock = clock
        self._cache: OrderedDict[tuple[date, _State], tuple[float, Tree]] = OrderedDict()

    def as_of(self, day: date) -> Tree:
        c = consumer_checkpoints.c
        with self._engine.connect() as connection:
            state: _State = tuple(
                (consumer, source, int(position))
                for consumer, source, position in connection.execute(
                    select(c.consumer, c.source, c.position).order_by(c.consumer, c.source)
                )
            )
            key = (day, state)
            cached = self._cache.get(key)
            now = self._clock()
            if cached is not None and now - cached[0] < self._max_age:
                self._cache.move_to_end(key)
                return cached[1]
            periods = read_periods(connection, LIVE, day)
            successions = read_successions(connection, LIVE, day)
        tree = Tree(day, periods, successions)
        if self._cache_size > 0:
            self._cache[key] = (now, tree)
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return tree
