"""The organizations report's reads, and the counts of existing organizations they rest on.

A nation has hundreds of thousands of mass organizations; grouping all of them for every
report cost a national report most of its time. The projection therefore keeps the
organizations existing now counted per authority and kind (`reporting_fact_organization_counts`,
moved by each batch, counted once at the end of a rebuild), and a report reads:

- the kept counts of its units;
- to count the organizations existing on its day: those founded after the day and not ended
  (taken back) and those founded by the day and ended after it (put back), range reads of
  the founding and ending days' indexes; for today's report, next to nothing;
- to count the organizations founded and ended in its period: those founded or ended in it.

An organization exists on a day when founded on or before it and not yet ended (domain/
organization_counts.py). Party organizations end by dissolution or merger (`ended_on`,
`ended_by`); mass organizations by dissolution (`dissolved_on`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter

from coso_reporting.adapters import fact_pipeline_queries
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert
from coso_reporting.domain.organization_counts import (
    UNKNOWN_KIND,
    MassOrganizationGroup,
    OrganizationGroup,
    existing_changes,
)


@dataclass(frozen=True)
class Family:
    """Party or mass organizations: their table, counts' family name and ending column."""

    name: str
    ended: str

    def table(self, tables: ProjectionTables) -> Table:
        return tables.organizations if self.name == "party" else tables.mass_organizations


PARTY = Family("party", "ended_on")
MASS = Family("mass", "dissolved_on")


def keep_organization_counts(
    connection: Connection,
    tables: ProjectionTables,
    stored: Mapping[str, Mapping[str, Mapping[str, Any]]],
    written: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> None:
    """Move the kept counts by a batch: `stored` and `written` hold, under "organizations"
    and "mass_organizations", the records the batch touched as they were and as written."""
    rows = [
        {"family": family.name, "authority_id": authority_id, "kind": kind, "existing": n}
        for family, records in ((PARTY, "organizations"), (MASS, "mass_organizations"))
        for (authority_id, kind), n in existing_changes(stored[records], written[records], family.ended).items()
    ]
    if rows:
        DriverUpsert.adding(tables.organization_counts, ("existing",)).execute(connection, rows)


def count_organizations(connection: Connection, tables: ProjectionTables) -> None:
    """Count the existing organizations afresh from the records (a rebuild's end)."""
    counts = tables.organization_counts
    connection.execute(delete(counts))
    for family in (PARTY, MASS):
        t = family.table(tables)
        connection.execute(
            insert(counts).from_select(
                ["family", "authority_id", "kind", "existing"],
                select(literal(family.name), t.c.authority_id, _kind(t.c.kind), func.count())
                .where(*_existing_now(t, family))
                .group_by(t.c.authority_id, _kind(t.c.kind)),
            )
        )


class SqlOrganizationQueries:
    """Mixed into `SqlFactQueries` (adapters/fact_queries.py), whose engine and tables it reads."""

    _engine: Engine
    _tables: ProjectionTables

    def organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[OrganizationGroup]:
        """Founded party organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, merged into another in it, existing on `day`."""
        return [
            OrganizationGroup(a, kind, founded, dissolved, merged, existing)
            for (a, kind), (founded, dissolved, merged, existing) in self._groups(
                PARTY, start, end, day, authorities
            ).items()
        ]

    def mass_organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[MassOrganizationGroup]:
        """Founded mass organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, existing on `day`."""
        return [
            MassOrganizationGroup(a, kind, founded, dissolved, existing)
            for (a, kind), (founded, dissolved, _, existing) in self._groups(MASS, start, end, day, authorities).items()
        ]

    def _groups(
        self, family: Family, start: date, end: date, day: date, authorities: Collection[str]
    ) -> dict[tuple[str, str | None], tuple[int, int, int, int]]:
        """(authority, kind) -> (founded, dissolved, merged in the period; existing on the day)."""
        inside = set(authorities)
        named = len(inside) <= fact_pipeline_queries.NAMED_AUTHORITIES_AT_MOST  # as the pipeline's reads
        parameters: dict[str, Any] = {"first": start.isoformat(), "last": end.isoformat(), "on": day.isoformat()}
        if named:
            parameters["authorities"] = sorted(inside)
        with self._engine.connect() as connection:
            from_founding = _nearer_the_first_founding(connection, family.table(self._tables), day)
            found = connection.execute(_groups_statement(self._tables, family, named, from_founding), parameters)
            return {
                (a, kind or None): (int(f), int(d), int(m), int(e))
                for a, kind, f, d, m, e in found
                if a in inside and (f or d or m or e)
            }


def _nearer_the_first_founding(connection: Connection, t: Table, day: date) -> bool:
    """Whether `day` is nearer the first founding recorded than the last: the organizations
    existing then are fewer to count from their foundings than to take back from today's
    kept counts (a nation's mass organizations as of 2021-12-31: 66,000 founded by then,
    263,000 since)."""
    first, last = connection.execute(select(func.min(t.c.founded_on), func.max(t.c.founded_on))).one()
    if first is None:
        return False
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return day < start + (end - start) / 2


@lru_cache(maxsize=32)
def _groups_statement(
    tables: ProjectionTables, family: Family, named: bool, from_founding: bool = False
) -> Select[Any]:
    """The statement of `_groups`' rows (authority, kind, founded, dissolved, merged,
    existing), built once per shape: building it took longer than a commune's report took
    to run. Its parts (the period's foundings and endings, the kept counts, the counts taken
    back to the day) are summed per authority and kind by the database: a nation's 17,000
    rows came to Python to be summed there before, half of them of authorities with only
    kept counts. `from_founding`: those existing on the day counted from their foundings
    up to it instead (a day nearer the first founding than today). Its parameters: the
    period (`first`, `last`), the day (`on`) and, `named`, the authorities
    (`authorities`), else every authority's rows."""
    t, counts = family.table(tables), tables.organization_counts
    first, last, on = (bindparam(name, type_=String) for name in ("first", "last", "on"))
    ended = t.c[family.ended]
    in_period = ended.between(first, last)
    merged: ColumnElement[Any] = _count(and_(in_period, t.c.ended_by == "merged")) if family is PARTY else literal(0)
    dissolved = and_(in_period, t.c.ended_by == "dissolved") if family is PARTY else in_period
    zero = literal(0)

    def grouped(*columns: ColumnElement[Any], where: list[ColumnElement[bool]]) -> Select[Any]:
        return (
            select(t.c.authority_id, _kind(t.c.kind).label("kind"), *columns)
            .where(t.c.founded_on.is_not(None), t.c.authority_id.is_not(None), *where)
            .group_by(t.c.authority_id, _kind(t.c.kind))
        )

    parts = [
        grouped(
            _count(t.c.founded_on.between(first, last)).label("founded"),
            _count(dissolved).label("dissolved"),
            merged.label("merged"),
            zero.label("existing"),
            where=[or_(t.c.founded_on.between(first, last), in_period)],
        ),
    ]
    if from_founding:
        parts.append(
            grouped(zero, zero, zero, func.count(), where=[t.c.founded_on <= on, or_(ended.is_(None), ended > on)])
        )
    else:
        parts += [
            select(counts.c.authority_id, counts.c.kind, zero, zero, zero, counts.c.existing).where(
                counts.c.family == family.name
            ),
            grouped(zero, zero, zero, -func.count(), where=[t.c.founded_on > on, ended.is_(None)]),
            grouped(zero, zero, zero, func.count(), where=[ended > on, t.c.founded_on <= on]),
        ]
    if named:
        expanding: BindParameter[list[str]] = bindparam("authorities", expanding=True)
        parts = [part.where(part.selected_columns[0].in_(expanding)) for part in parts]
    rows = union_all(*parts).subquery("parts")
    summed = (func.coalesce(func.sum(rows.c[n]), 0) for n in ("founded", "dissolved", "merged", "existing"))
    return select(rows.c.authority_id, rows.c.kind, *summed).group_by(rows.c.authority_id, rows.c.kind)


def _existing_now(t: Table, family: Family) -> list[ColumnElement[bool]]:
    return [t.c.founded_on.is_not(None), t.c.authority_id.is_not(None), t.c[family.ended].is_(None)]


def _kind(column: Column[Any]) -> ColumnElement[str]:
    return func.coalesce(column, UNKNOWN_KIND)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))
