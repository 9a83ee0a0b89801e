"""How a rebuild writes its parsed events into the fresh tables: shared by the rebuild
(adapters/rebuild.py) and its members' lane (adapters/members_lane.py), so both apply and
refuse events alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from coso_backbone.contracts import EventContract
from coso_backbone.envelope import Envelope
from coso_backbone.errors import CosoError
from coso_reporting.adapters.facts import apply_facts
from coso_reporting.adapters.hierarchy_projection import apply_hierarchy
from coso_reporting.adapters.projection import apply_events, tally_events
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import BULK
from coso_reporting.adapters.written_keys import WrittenKeys
from coso_reporting.domain.facts import is_fact_event

if TYPE_CHECKING:
    from coso_reporting.adapters.facts_lane import FactsLane


class FactsRefusedError(CosoError):
    """The facts lane (adapters/facts_lane.py) could not apply a batch: it is applied again event by event."""


# Errors an event's data can cause: the event is refused, the rebuild goes on. Any other
# error (the database or a source failing) stops the rebuild, leaving the live tables.
REFUSALS = (CosoError, IntegrityError, DataError)

Tag = TypeVar("Tag")  # what identifies an event to the caller: its envelope, or its place in a batch


@contextmanager
def write_transaction(engine: Engine, *, bulk: bool = False) -> Iterator[Connection]:
    """A write transaction; `bulk` for the fresh tables' pages: COPY on PostgreSQL
    (adapters/upsert.py), and no wait for the WAL to reach the disk at commit, since a
    crash before the swap loses nothing but the rebuild, which is started again."""
    options: dict[str, bool] = {"coso_write": True, BULK: bulk}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        if bulk and connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        yield connection


def apply_parsed(
    engine: Engine,
    tables: ProjectionTables,
    parsed: Sequence[tuple[Tag, EventContract]],
    written: WrittenKeys,
    facts_writer: Executor | None = None,
) -> list[tuple[Tag, str]]:
    """Apply parsed events in one transaction (`apply_events`, the live handlers' code), or
    with a `facts_writer` in two at once, the facts in that executor's thread (see
    `_apply_apart`); the events refused, with the reason. If a transaction fails on an
    event's data, they are applied again one by one, each in a savepoint, as the live
    consumer does, so only that event is refused."""
    events = [data for _, data in parsed]
    try:
        if facts_writer is not None:
            _apply_apart(engine, tables, events, written, facts_writer)
            return []
        with write_transaction(engine, bulk=True) as connection:
            apply_events(connection, tables, events, keep_counts=False, written=written)
        return []
    except REFUSALS:
        pass
    return _one_by_one(engine, tables, parsed, written)


def apply_beside_lane(
    engine: Engine,
    tables: ProjectionTables,
    parsed: Sequence[tuple[Envelope, EventContract]],
    lane: FactsLane,
    *,
    sent: bool,
) -> list[tuple[Envelope, str]]:
    """`apply_parsed` with the facts part written by the facts lane (adapters/facts_lane.py),
    which was `sent` the batch's fact events if it has any (`lane_batch`); the tally and
    the hierarchy here, both committed or neither; the events refused, with the reason. A
    batch either part refuses is applied again here, event by event, as `apply_parsed`
    does, looking up every fact key (the lane keeps those it wrote); the lane then learns
    the keys written so."""
    events = [data for _, data in parsed]
    try:
        with write_transaction(engine, bulk=True) as indicators:
            try:
                tally_events(indicators, tables, events, keep_counts=False)
                apply_hierarchy(indicators, tables, events)
            except BaseException:
                if sent:
                    with suppress(FactsRefusedError):  # the batch fails whatever the lane said
                        lane.settle(commit=False)
                raise
            if sent:
                lane.settle(commit=True)
        return []
    except REFUSALS:
        pass
    refused = _one_by_one(engine, tables, parsed, None)
    if sent:
        lane.learn(events)
    return refused


def lane_batch(parsed: Sequence[tuple[Envelope, EventContract]]) -> list[tuple[type[EventContract], str]]:
    """What the facts lane is sent of a batch: its fact events' contract and data."""
    return [(type(data), envelope.data_json) for envelope, data in parsed if is_fact_event(type(data))]


def _one_by_one(
    engine: Engine, tables: ProjectionTables, parsed: Sequence[tuple[Tag, EventContract]], written: WrittenKeys | None
) -> list[tuple[Tag, str]]:
    """Apply the events again one by one, each in a savepoint, as the live consumer does,
    so only an event that fails is refused; the events refused, with the reason."""
    refused: list[tuple[Tag, str]] = []
    with write_transaction(engine, bulk=True) as connection:
        for tag, data in parsed:
            savepoint = connection.begin_nested()
            try:
                apply_events(connection, tables, [data], keep_counts=False, written=written)
                savepoint.commit()
            except REFUSALS as exc:
                savepoint.rollback()
                refused.append((tag, f"handler failed: {type(exc).__name__}: {exc}"))
    return refused


def _apply_apart(
    engine: Engine, tables: ProjectionTables, events: Sequence[EventContract], written: WrittenKeys, facts: Executor
) -> None:
    """`apply_events` in two transactions on two connections at once: the facts
    (`apply_facts`) in the `facts` executor's thread, the tally and the hierarchy in this
    one. In a rebuild (`keep_counts=False`) the two parts share no table, and each waits on
    the server while the other works. Both commit only if both succeed; a failure of either
    rolls both back. (Between their two commits a crash would leave the fresh tables half
    written; a rebuild that fails drops them.)"""
    with write_transaction(engine, bulk=True) as indicators, write_transaction(engine, bulk=True) as fact_rows:
        applying = facts.submit(apply_facts, fact_rows, tables, events, keep_counts=False, written=written)
        try:
            tally_events(indicators, tables, events, keep_counts=False)
            apply_hierarchy(indicators, tables, events)
        finally:
            failed = applying.exception()  # waits: the facts' connection is that thread's until then
        if failed is not None:
            raise failed
