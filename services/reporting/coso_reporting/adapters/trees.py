"""The hierarchy as of a day, read from the projection.

For now the projection keeps each authority's latest registration only (name, level,
superior), so every day's tree is today's: each authority counts as existing from the
earliest day on and nothing has ended. Projecting registry's dated hierarchy events
(renamed, reparented, merged, split, dissolved) makes `as_of` answer for the day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.tree import AuthorityPeriod, Tree


class SqlAuthorityTrees:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def as_of(self, day: date) -> Tree:
        table = LIVE.authority_indicators
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table.c.authority_id, table.c.name, table.c.level, table.c.parent_id).where(
                    table.c.name.is_not(None)
                )
            ).all()
        return Tree(day, [AuthorityPeriod(r.authority_id, r.name, r.level, r.parent_id, date.min) for r in rows])
