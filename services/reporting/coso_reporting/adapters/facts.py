"""The fact projection: registry and admissions events applied to the fact tables.

`apply_facts` is called by the projection's one batch handler (adapters/projection.py
`apply_events`) with the same run of events as the indicator tally, on the same connection
and in the same transaction. It loads the rows the run touches (one SELECT per table and
500 ids), applies the events in memory (domain/facts.py) and writes the final rows back
with one batched upsert per table (`INSERT ... ON CONFLICT (key) DO UPDATE`, which SQLite
and PostgreSQL both speak): a few round trips per table whatever the number of events,
which is what keeps a rebuild's pages of 5,000 events fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select

from coso_backbone.contracts import EventContract
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert
from coso_reporting.domain.facts import FACT_EVENTS, FactBatch, Row, fact_keys

_IN_CHUNK = 500


def apply_facts(connection: Connection, tables: ProjectionTables, events: Sequence[EventContract]) -> FactBatch:
    """Apply the events the fact tables care about; the others are ignored."""
    relevant = [event for event in events if isinstance(event, FACT_EVENTS)]
    if not relevant:
        return FactBatch()
    keys = fact_keys(relevant)
    batch = FactBatch.starting_from(
        _load(connection, tables.fact_enterprises, keys.enterprises),
        _load(connection, tables.organizations, keys.organizations),
        _load(connection, tables.mass_organizations, keys.mass_organizations),
        _load(connection, tables.members, keys.members),
    )
    batch.add_all(relevant)
    _write(connection, tables, batch)
    return batch


def _load(connection: Connection, table: Table, ids: frozenset[str]) -> dict[str, Row]:
    """The stored rows of `ids`, keyed by id, without the id column."""
    if not ids:
        return {}
    key = table.primary_key.columns.values()[0]
    query = select(table).where(key.in_(bindparam("ids", expanding=True)))
    found: dict[str, Row] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _IN_CHUNK):
        for row in connection.execute(query, {"ids": ordered[start : start + _IN_CHUNK]}).mappings():
            values = dict(row)
            found[values.pop(key.name)] = values
    return found


def _write(connection: Connection, tables: ProjectionTables, batch: FactBatch) -> None:
    changed = batch.changed
    single: list[tuple[str, Table, Mapping[str, Row]]] = [
        ("enterprises", tables.fact_enterprises, batch.enterprises),
        ("organizations", tables.organizations, batch.organizations),
        ("mass_organizations", tables.mass_organizations, batch.mass_organizations),
        ("members", tables.members, batch.members),
        ("candidates", tables.fact_candidates, batch.candidates),
    ]
    for name, table, rows in single:
        if name in changed:
            key = table.primary_key.columns.values()[0].name
            _upsert(table).execute(connection, [{key: k, **row} for k, row in rows.items()])
    paired: list[tuple[str, Table, Mapping[tuple[Any, Any], Row]]] = [
        ("places", tables.enterprise_places, batch.places),
        ("organization_ratings", tables.organization_ratings, batch.organization_ratings),
        ("member_ratings", tables.member_ratings, batch.member_ratings),
        ("steps", tables.candidate_steps, batch.steps),
    ]
    for name, table, keyed in paired:
        if name in changed:
            first, second = (c.name for c in table.primary_key.columns)
            _upsert(table).execute(connection, [{first: k1, second: k2, **row} for (k1, k2), row in keyed.items()])
    if "organization_enterprises" in changed:
        covered = tables.organization_enterprises
        ordered = sorted(batch.organization_enterprises)
        for start in range(0, len(ordered), _IN_CHUNK):
            connection.execute(delete(covered).where(covered.c.organization_id.in_(ordered[start : start + _IN_CHUNK])))
        pairs = [
            {"organization_id": o, "enterprise_id": e} for o, ids in batch.organization_enterprises.items() for e in ids
        ]
        if pairs:
            connection.execute(insert(covered), pairs)


@cache
def _upsert(table: Table) -> DriverUpsert:
    return DriverUpsert.replacing(table)


# The fact events beyond those the indicator tally already subscribes to (the projection's
# batch handler lists these too).
FACT_EVENTS_NOT_TALLIED: tuple[type[EventContract], ...] = tuple(
    e for e in FACT_EVENTS if e.event_name not in {"EnterpriseRegistered", "CandidateProposed"}
)
