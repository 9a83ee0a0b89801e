"""Projecting registry's hierarchy events into the dated tables (`reporting_authority_periods`,
`reporting_successions`), from the same batch handler as the indicators (adapters/projection.py).

A batch is folded in memory (domain/timeline.py) over the stored periods of the authorities
it names, then the changed authorities' periods are replaced: one read and a delete and an
insert per chunk of authorities, whatever the number of events, so a rebuild's page of
thousands costs about what one event does. An event that cannot be placed raises
`HierarchyEventRefused`; the consumer (and the rebuild) then applies the batch event by
event and dead-letters only that one, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Row, Select, bindparam, delete, insert, or_, select
from sqlalchemy.sql.elements import BindParameter

from coso_backbone.contracts import EventContract
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.domain.timeline import HIERARCHY_EVENTS, fold, successions_of
from coso_reporting.domain.tree import AuthorityPeriod, Succession

_CHUNK = 500


def apply_hierarchy(connection: Connection, tables: ProjectionTables, events: Sequence[EventContract]) -> None:
    """Fold the batch's hierarchy events into the periods and successions tables."""
    changes = [event for event in events if _is_hierarchy_event(type(event))]
    if not changes:
        return
    named = sorted({event.authority_id for event in changes})  # type: ignore[attr-defined]
    stored = _periods_of(connection, tables, named)
    periods = {authority_id: list(stored.get(authority_id, [])) for authority_id in named}
    successions: dict[str, list[Succession]] = {}
    for event in changes:
        authority_id: str = event.authority_id  # type: ignore[attr-defined]
        periods[authority_id] = fold(periods[authority_id], event)
        ending = successions_of(event)
        if ending:
            successions[authority_id] = ending
    changed = sorted(a for a in named if periods[a] != stored.get(a, []))
    p = tables.authority_periods
    for chunk in _chunks(changed):
        connection.execute(delete(p).where(p.c.authority_id.in_(bindparam("ids", expanding=True))), {"ids": chunk})
    rows = [_period_row(period) for authority_id in changed for period in periods[authority_id]]
    if rows:
        connection.execute(insert(p), rows)
    if successions:
        s = tables.successions
        ended = sorted(successions)
        for chunk in _chunks(ended):
            connection.execute(delete(s).where(s.c.authority_id.in_(bindparam("ids", expanding=True))), {"ids": chunk})
        connection.execute(
            insert(s),
            [
                {
                    "authority_id": succession.authority_id,
                    "successor_id": succession.successor_id,
                    "effective_from": succession.effective_from.isoformat(),
                    "rank": rank,
                }
                for authority_id in ended
                for rank, succession in enumerate(successions[authority_id])
            ],
        )


@cache
def _is_hierarchy_event(event_type: type[EventContract]) -> bool:
    return issubclass(event_type, HIERARCHY_EVENTS)  # once per type, not per event of a page


def read_periods(connection: Connection, tables: ProjectionTables, day: date | None = None) -> list[AuthorityPeriod]:
    """Every period (or those in force on `day`), sorted by authority and start."""
    statements = _statements(tables)
    if day is None:
        return [_period(row) for row in connection.execute(statements.periods)]
    return [_period(row) for row in connection.execute(statements.periods_on, {"day": day.isoformat()})]


def read_successions(connection: Connection, tables: ProjectionTables, day: date | None = None) -> list[Succession]:
    """Successions (those in effect by `day`), in the order the tree follows them."""
    statements = _statements(tables)
    rows = (
        connection.execute(statements.successions)
        if day is None
        else connection.execute(statements.successions_by, {"day": day.isoformat()})
    )
    return [Succession(row.authority_id, row.successor_id, date.fromisoformat(row.effective_from)) for row in rows]


class _Statements:
    """The reads of one set of tables, built once: building a statement (and its cache key)
    for every call cost more than running it."""

    def __init__(self, tables: ProjectionTables) -> None:
        p, s = tables.authority_periods, tables.successions
        day: BindParameter[str] = bindparam("day")
        self.periods: Select[Any] = select(*_period_columns(tables)).order_by(p.c.authority_id, p.c.valid_from)
        self.periods_on: Select[Any] = self.periods.where(
            p.c.valid_from <= day, or_(p.c.valid_to.is_(None), p.c.valid_to > day)
        )
        self.successions: Select[Any] = select(s).order_by(s.c.effective_from, s.c.authority_id, s.c.rank)
        self.successions_by: Select[Any] = self.successions.where(s.c.effective_from <= day)


@cache
def _statements(tables: ProjectionTables) -> _Statements:
    return _Statements(tables)


def _periods_of(connection: Connection, tables: ProjectionTables, ids: list[str]) -> dict[str, list[AuthorityPeriod]]:
    p = tables.authority_periods
    ids_param: BindParameter[list[str]] = bindparam("ids", expanding=True)
    query = (
        select(*_period_columns(tables))
        .where(p.c.authority_id.in_(ids_param))
        .order_by(p.c.authority_id, p.c.valid_from)
    )
    found: dict[str, list[AuthorityPeriod]] = {}
    for chunk in _chunks(ids):
        for row in connection.execute(query, {"ids": chunk}):
            period = _period(row)
            found.setdefault(period.authority_id, []).append(period)
    return found


def _period_columns(tables: ProjectionTables) -> tuple[Column[Any], ...]:
    """A period's columns in `_period`'s order."""
    p = tables.authority_periods
    return (p.c.authority_id, p.c.name, p.c.level, p.c.parent_id, p.c.valid_from, p.c.valid_to)


def _period(row: Row[Any]) -> AuthorityPeriod:
    """A period from its row (`_period_columns`), unpacked by position: by name, a national
    tree's 3,400 rows took a third of the time the tree took to read."""
    authority_id, name, level, parent_id, valid_from, valid_to = row
    return AuthorityPeriod(
        authority_id,
        name,
        level,
        parent_id,
        date.fromisoformat(valid_from),
        date.fromisoformat(valid_to) if valid_to else None,
    )


def _period_row(period: AuthorityPeriod) -> dict[str, str | None]:
    return {
        "authority_id": period.authority_id,
        "valid_from": period.valid_from.isoformat(),
        "valid_to": period.valid_to.isoformat() if period.valid_to else None,
        "name": period.name,
        "level": period.level,
        "parent_id": period.parent_id,
    }


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
