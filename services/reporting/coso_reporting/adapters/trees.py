"""The hierarchy as of a day, read from the projection's dated tables.

One short connection reads the periods in force on the day and the successions in effect
by then (two statements; a rebuild's swap locks the tables it replaces, so a reader does
not hold one across a wait for the other for long). Measured before caching: on the
national bench's hierarchy (~13,000 authorities) building a day's tree costs a few tens of
milliseconds (see the service README), small beside the reports' own sums, so trees are
not cached.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from coso_reporting.adapters.hierarchy_projection import read_periods, read_successions
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.tree import Tree


class SqlAuthorityTrees:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def as_of(self, day: date) -> Tree:
        with self._engine.connect() as connection:
            periods = read_periods(connection, LIVE, day)
            successions = read_successions(connection, LIVE, day)
        return Tree(day, periods, successions)
