"""The live projection: handlers that apply registry and admissions events to the tables.

A handler tallies its one event (domain/tally.py) against what the tables already hold
and writes the tally; the rebuild does exactly the same with a whole page of events
(`apply_events`), which is why the two cannot disagree. Writes are SQLAlchemy Core on the
consumer's connection, inside its transaction (which also moves its checkpoint).

Statements are built once per set of tables. The authority rows are upserted with plain
`INSERT ... ON CONFLICT ... DO UPDATE` text, which SQLite and PostgreSQL both speak: the
dialects' own upsert constructs cannot be cached by SQLAlchemy, and compiling one for
every event cost more than everything else a live event does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Delete,
    Insert,
    Select,
    Update,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed
from coso_backbone.contracts.registry import AuthorityRegistered, EnterpriseRegistered
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import StoreTransaction, StreamAppend
from coso_backbone.handlers import EventHandlers
from coso_reporting.adapters.calendar_counts import calendar_deltas
from coso_reporting.adapters.facts import FACT_EVENTS_NOT_TALLIED, apply_facts
from coso_reporting.adapters.hierarchy_projection import apply_hierarchy, read_periods, read_successions
from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert, insert_rows, rows_with_keys
from coso_reporting.adapters.written_keys import WrittenKeys
from coso_reporting.domain.announcements import indicator_changes, stream_of_indicators
from coso_reporting.domain.errors import DuplicateRecord
from coso_reporting.domain.hierarchy import roll_up
from coso_reporting.domain.indicators import Counts
from coso_reporting.domain.tally import Facts, IndicatorTally, Lookups, WaitingCandidate, lookups_for
from coso_reporting.domain.timeline import HIERARCHY_EVENTS
from coso_reporting.domain.tree import Tree

AUTHORITY_COLUMNS = ("authority_id", "name", "level", "parent_id", "enterprises", "candidates_proposed")
_IN_CHUNK = 500


def projection_handlers(tables: ProjectionTables = LIVE, announce: bool = True) -> EventHandlers:
    """Handlers of the events the indicators are made of, writing to `tables`.

    With `announce`, each batch that changes an authority's subtree totals also records
    `IndicatorChanged` events in reporting's own store, in the same transaction (the
    relay publishes them). A rebuild does not announce: it recounts, nothing changes.
    """

    def apply(connection: Connection, items: list[tuple[Envelope, EventContract]]) -> None:
        events = [event for _, event in items]
        # Facts alone (organizations, members, steps …) change no indicator: nothing to announce.
        counts = announce and not all(isinstance(event, FACT_EVENTS_NOT_TALLIED) for event in events)
        tree = _today_tree(connection, tables) if counts else None
        before = _subtree_totals(connection, tables, tree) if tree is not None else {}
        apply_events(connection, tables, events)
        if tree is not None:
            if any(isinstance(event, HIERARCHY_EVENTS) for event in events):
                tree = _today_tree(connection, tables)  # else the tree of before the batch still holds
            _announce(connection, before, _subtree_totals(connection, tables, tree))

    return EventHandlers().on_batch(
        [AuthorityRegistered, EnterpriseRegistered, CandidateProposed, *FACT_EVENTS_NOT_TALLIED, *HIERARCHY_EVENTS],
        apply,
    )


def _today_tree(connection: Connection, tables: ProjectionTables) -> Tree:
    today = date.today()
    return Tree(today, read_periods(connection, tables, today), read_successions(connection, tables, today))


def _subtree_totals(connection: Connection, tables: ProjectionTables, tree: Tree) -> dict[str, Counts]:
    """Subtree totals of each unit of today's tree (what `IndicatorChanged` announces)."""
    own = {
        authority_id: Counts(enterprises, candidates)
        for authority_id, enterprises, candidates in connection.execute(_statements(tables).own_counts)
    }
    return roll_up(tree, own).subtree


def _announce(connection: Connection, before: dict[str, Counts], after: dict[str, Counts]) -> None:
    changes = indicator_changes(before, after, date.today())
    if not changes:
        return
    store = StoreTransaction(connection)
    store.append_many(
        [
            StreamAppend(
                stream_of_indicators(authority_id),
                store.stream_version(stream_of_indicators(authority_id)),
                [event.to_new_event(authority_id) for event in events],
            )
            for authority_id, events in changes.items()
        ]
    )


def apply_events(
    connection: Connection,
    tables: ProjectionTables,
    events: Sequence[EventContract],
    *,
    keep_counts: bool = True,
    written: WrittenKeys | None = None,
) -> IndicatorTally:
    """Tally events in memory against the stored facts they need, then write the tally.
    A rebuild leaves the member counts (adapters/facts.py) and the own counts per authority,
    day, month and year (adapters/indicator_counts.py, adapters/calendar_counts.py) to the
    end (`keep_counts`), and passes the fact keys it has `written` (adapters/written_keys.py)."""
    tally = tally_events(connection, tables, events, keep_counts=keep_counts)
    apply_facts(connection, tables, events, keep_counts=keep_counts, written=written)
    apply_hierarchy(connection, tables, events)
    return tally


def tally_events(
    connection: Connection, tables: ProjectionTables, events: Sequence[EventContract], *, keep_counts: bool
) -> IndicatorTally:
    """The indicators' part of `apply_events`: the events tallied and the tally written.
    Without `keep_counts` (a rebuild), it and the hierarchy read and write none of the
    tables `apply_facts` does, so a rebuild writes the two parts on two connections at once
    (adapters/rebuild_writes.py)."""
    tally = IndicatorTally(load_facts(connection, tables, lookups_for(events)), counting=keep_counts)
    tally.add_all(events)
    write_tally(connection, tables, tally)
    return tally


class _Statements:
    """The statements of one set of projection tables, built once."""

    def __init__(self, tables: ProjectionTables) -> None:
        e, c, w = tables.enterprises, tables.candidates, tables.waiting_candidates
        ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
        a = tables.authority_indicators
        self.own_counts: Select[Any] = select(a.c.authority_id, a.c.enterprises, a.c.candidates_proposed)
        self.enterprises, self.candidates = e, c
        self.insert_waiting: Insert = insert(w)
        self.move_candidate: Update = (
            update(c).where(c.c.candidate_id == bindparam("moved_candidate")).values(authority_id=bindparam("moved_to"))
        )
        self.delete_waiting: Delete = delete(w).where(w.c.enterprise_id.in_(ids))
        name = tables.authority_indicators.name
        self.register = DriverUpsert(
            name,
            AUTHORITY_COLUMNS,
            ["authority_id"],
            "name = excluded.name, level = excluded.level, parent_id = excluded.parent_id",
        )
        self.count = DriverUpsert(
            name,
            AUTHORITY_COLUMNS,
            ["authority_id"],
            f"enterprises = {name}.enterprises + excluded.enterprises, "
            f"candidates_proposed = {name}.candidates_proposed + excluded.candidates_proposed",
        )
        daily = tables.daily_indicators.name
        self.count_daily = DriverUpsert(
            daily,
            ("authority_id", "day", "enterprises", "candidates_proposed"),
            ["authority_id", "day"],
            f"enterprises = {daily}.enterprises + excluded.enterprises, "
            f"candidates_proposed = {daily}.candidates_proposed + excluded.candidates_proposed",
        )
        self.count_monthly = _calendar_upsert(tables.monthly_indicators.name, "month")
        self.count_yearly = _calendar_upsert(tables.yearly_indicators.name, "year")
        kinds = tables.daily_candidates.name
        self.count_kinds = DriverUpsert(
            kinds,
            ("authority_id", "day", "source_channel", "job_category", "candidates"),
            ["authority_id", "day", "source_channel", "job_category"],
            f"candidates = {kinds}.candidates + excluded.candidates",
        )


def _calendar_upsert(table: str, period: str) -> DriverUpsert:
    return DriverUpsert(
        table,
        ("authority_id", period, "enterprises", "candidates_proposed"),
        ["authority_id", period],
        f"enterprises = {table}.enterprises + excluded.enterprises, "
        f"candidates_proposed = {table}.candidates_proposed + excluded.candidates_proposed",
    )


@cache
def _statements(tables: ProjectionTables) -> _Statements:
    return _Statements(tables)


def load_facts(connection: Connection, tables: ProjectionTables, lookups: Lookups) -> Facts:
    e, w = tables.enterprises, tables.waiting_candidates
    enterprises: dict[str, str] = dict(
        rows_with_keys(connection, e, "enterprise_id", lookups.enterprises, ["enterprise_id", "authority_id"])
    )
    waiting: dict[str, list[WaitingCandidate]] = {}
    waiting_columns = [
        "enterprise_id",
        "candidate_id",
        "counted_under",
        "proposed_on",
        "source_channel",
        "job_category",
    ]
    for enterprise_id, candidate_id, counted, proposed_on, channel, job in sorted(
        rows_with_keys(connection, w, "enterprise_id", lookups.waiting_for, waiting_columns)
    ):
        waiting.setdefault(enterprise_id, []).append(
            WaitingCandidate(candidate_id, enterprise_id, counted, proposed_on, channel, job)
        )
    return Facts(enterprises, waiting)


def write_tally(connection: Connection, tables: ProjectionTables, tally: IndicatorTally) -> None:
    """Write what a tally found: a statement or two per table, whatever the number of events.
    A rebuild's tally does not count (`IndicatorTally(counting=False)`): only the records
    (enterprises, candidates, registrations) are written, and the own counts, per authority,
    day, month and year, and the candidates' by day, channel and category, are counted once
    from the records at its end (adapters/indicator_counts.py): at `--scale 1` adding them
    batch by batch held up the replay of the registry's and the candidates' events."""
    statements = _statements(tables)
    _insert_records(connection, statements, tally)
    if tally.waiting:
        connection.execute(
            statements.insert_waiting,
            [
                {
                    "enterprise_id": w.enterprise_id,
                    "candidate_id": w.candidate_id,
                    "counted_under": w.counted_under,
                    "proposed_on": w.proposed_on,
                    "source_channel": w.source_channel,
                    "job_category": w.job_category,
                }
                for w in tally.waiting.values()
            ],
        )
    if tally.moves:
        connection.execute(
            statements.move_candidate,
            [{"moved_candidate": m.candidate_id, "moved_to": m.authority_id} for m in tally.moves],
        )
    for chunk in _chunks(sorted(tally.placed_enterprises)):
        connection.execute(statements.delete_waiting, {"ids": chunk})
    if tally.registrations:
        statements.register.execute(
            connection,
            [
                {
                    "authority_id": r.authority_id,
                    "name": r.name,
                    "level": r.level,
                    "parent_id": r.parent_id,
                    "enterprises": 0,
                    "candidates_proposed": 0,
                }
                for r in tally.registrations.values()
            ],
        )
    _write_counts(connection, statements, tally)


def _write_counts(connection: Connection, statements: _Statements, tally: IndicatorTally) -> None:
    """Add a tally's changes to the own counts per authority, per day (and month and year)
    and per candidates' day, source channel and job category (none if it did not count)."""
    deltas = tally.deltas
    if deltas:
        statements.count.execute(
            connection,
            [
                {
                    "authority_id": authority_id,
                    "name": None,
                    "level": None,
                    "parent_id": None,
                    "enterprises": delta.enterprises,
                    "candidates_proposed": delta.candidates_proposed,
                }
                for authority_id, delta in deltas.items()
            ],
        )
    daily = tally.daily_deltas
    if daily:
        statements.count_daily.execute(
            connection,
            [
                {
                    "authority_id": authority_id,
                    "day": day,
                    "enterprises": delta.enterprises,
                    "candidates_proposed": delta.candidates_proposed,
                }
                for (authority_id, day), delta in daily.items()
            ],
        )
        _write_calendar(connection, statements, daily)
    kinds = tally.candidate_kinds
    if kinds:
        statements.count_kinds.execute(
            connection,
            [
                {"authority_id": a, "day": d, "source_channel": c, "job_category": j, "candidates": n}
                for (a, d, c, j), n in kinds.items()
            ],
        )


def _write_calendar(connection: Connection, statements: _Statements, daily: dict[tuple[str, str], Counts]) -> None:
    """Add the daily deltas to their months and years."""
    monthly, yearly = calendar_deltas(daily)
    for upsert, period, deltas in (
        (statements.count_monthly, "month", monthly),
        (statements.count_yearly, "year", yearly),
    ):
        upsert.execute(
            connection,
            [
                {
                    "authority_id": authority_id,
                    period: key,
                    "enterprises": delta.enterprises,
                    "candidates_proposed": delta.candidates_proposed,
                }
                for (authority_id, key), delta in deltas.items()
            ],
        )


def _insert_records(connection: Connection, statements: _Statements, tally: IndicatorTally) -> None:
    try:
        if tally.enterprises:
            insert_rows(
                connection,
                statements.enterprises,
                [
                    {"enterprise_id": e, "authority_id": a, "registered_on": tally.registration_days[e]}
                    for e, a in tally.enterprises.items()
                ],
            )
        if tally.candidates:
            insert_rows(
                connection,
                statements.candidates,
                [
                    {
                        "candidate_id": c.candidate_id,
                        "enterprise_id": c.enterprise_id,
                        "authority_id": c.authority_id,
                        "proposed_on": c.proposed_on,
                        "source_channel": c.source_channel,
                        "job_category": c.job_category,
                    }
                    for c in tally.candidates.values()
                ],
            )
    except IntegrityError as exc:
        recorded = [f"enterprise {e}" for e in tally.enterprises] + [f"candidate {c}" for c in tally.candidates]
        what = recorded[0] if len(recorded) == 1 else "an enterprise or candidate of these events"
        field = "enterprise_id" if tally.enterprises and not tally.candidates else "candidate_id"
        if tally.enterprises and tally.candidates:
            field = "enterprise_id or candidate_id"
        raise DuplicateRecord(f"{what} is already recorded", field=field, rule="unique") from exc


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + _IN_CHUNK] for start in range(0, len(ids), _IN_CHUNK)]
