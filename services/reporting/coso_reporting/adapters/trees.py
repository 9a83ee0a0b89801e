"""The hierarchy as of a day, read from the projection's dated tables, with a small cache.

One short connection reads the periods in force on the day and the successions in effect
by then, and the `Tree` is built from them. Building one took ~45–70 ms for the national
bench's 4,400 authorities (unloaded machine; `python -m services.reporting.bench.national`),
19 ms median for today's 3,424 since its rows are read by position (2026-12-06),
and one dashboard load asks for five reports on the same day. So trees are cached per day
and per state of the hierarchy: the checkpoints of registry's sources, whose events alone
change it (a checkpoint moves with every applied batch and with a rebuild's swap, so a
moved one means a fresh read). Admissions' events, most of a day's traffic, leave the
cached trees in place. A dead letter
replayed later changes the tables without moving a checkpoint; an entry therefore also
expires after `max_age` seconds, which bounds how long such a change can go unseen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from coso_reporting.adapters.hierarchy_projection import read_periods, read_successions
from coso_reporting.adapters.queries import projection_state
from coso_reporting.adapters.tables import LIVE
from coso_reporting.application.state_cache import StateCache
from coso_reporting.domain.tree import Tree

HIERARCHY_PRODUCER = "registry"  # the producer of the hierarchy's events (domain/timeline.py)


class SqlAuthorityTrees:
    def __init__(
        self,
        engine: Engine,
        cache_size: int = 16,
        max_age: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._cache: StateCache[Tree] = StateCache(
            lambda: projection_state(engine, HIERARCHY_PRODUCER), size=cache_size, max_age=max_age, clock=clock
        )

    def as_of(self, day: date) -> Tree:
        return self._cache.get(day, lambda: self._read(day))

    def _read(self, day: date) -> Tree:
        with self._engine.connect() as connection:
            periods = read_periods(connection, LIVE, day)
            successions = read_successions(connection, LIVE, day)
        return Tree(day, periods, successions)
