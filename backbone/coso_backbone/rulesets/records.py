"""The `rule_sets` table: rule sets adopted here or received, kept beside their events.

A set adopted here is written in the same transaction as its `RulesAdopted` event (`adopt`);
one received from a superior's stack in the same transaction as the receiving consumer's
checkpoint (`received_rules_handlers`). Each row is keyed by the event's ce-source and
position, so an event applied twice leaves one row.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
)

from coso_backbone.contracts import EventContract
from coso_backbone.envelope import Envelope
from coso_backbone.errors import ConcurrencyError
from coso_backbone.eventstore import EventStore
from coso_backbone.handlers import EventHandlers
from coso_backbone.rulesets.precedence import Origin, RuleSet

metadata = MetaData()

rule_sets = Table(
    "rule_sets",
    metadata,
    Column("source", String(300), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("authority_id", String(100), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("origin", String(20), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("rule_values", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)


class RulesAdoptedEvent(Protocol):
    """What every producer's `RulesAdopted` contract has (coso_backbone.contracts.rules)."""

    authority_id: str
    effective_from: date
    legal_basis: str

    @property
    def values(self) -> Any: ...


def _given(event: RulesAdoptedEvent) -> dict[str, Any]:
    values = event.values
    given: dict[str, Any] = values.given() if hasattr(values, "given") else dict(values)
    return given


def record(connection: Connection, event: RulesAdoptedEvent, source: str, position: int, origin: Origin) -> None:
    key = and_(rule_sets.c.source == source, rule_sets.c.position == position)
    connection.execute(delete(rule_sets).where(key))
    connection.execute(
        insert(rule_sets).values(
            source=source,
            position=position,
            authority_id=event.authority_id,
            effective_from=event.effective_from,
            origin=origin.value,
            legal_basis=event.legal_basis,
            rule_values=json.dumps(_given(event), ensure_ascii=False, sort_keys=True),
            recorded_at=datetime.now(UTC),
        )
    )


def adopt(store: EventStore, event: EventContract, source: str) -> dict[str, Any]:
    """Append a `RulesAdopted` to the stream `rules-<authority_id>` and keep its rule set,
    in one transaction; the outbox relay publishes it as any other event."""
    adopted: Any = event
    authority_id = adopted.authority_id
    stream = f"rules-{authority_id}"
    for attempt in range(3):  # two adoptions for one authority at once: the later one retries
        try:
            with store.transaction() as tx:
                [recorded] = tx.append(stream, tx.stream_version(stream), [event.to_new_event(authority_id)])
                record(tx.connection, adopted, source, recorded.position, Origin.ADOPTED)
            break
        except ConcurrencyError:
            if attempt == 2:
                raise
    return {
        "stream_id": stream,
        "position": recorded.position,
        **event.model_dump(mode="json"),
        "values": _given(adopted),
    }


def received_rules_handlers(model: type[EventContract]) -> EventHandlers:
    """Handlers of a consumer that keeps the rule sets superiors' stacks adopted."""

    def received(connection: Connection, envelope: Envelope, event: Any) -> None:
        record(connection, event, envelope.source, envelope.sequence, Origin.RECEIVED)

    return EventHandlers().on(model, received)


class SqlRuleSets:
    """The rule sets of a service's database, read for each question (the table is small),
    and the adoption of new ones by this stack (its events have the ce-source `source`)."""

    def __init__(self, store: EventStore, source: str) -> None:
        self._store = store
        self._engine: Engine = store.engine
        self._source = source
        self._cache: tuple[tuple[int, Any], tuple[RuleSet, ...]] | None = None

    def adopt(self, event: EventContract) -> dict[str, Any]:
        return adopt(self._store, event, self._source)

    def rule_sets(self, authority_ids: Collection[str] | None = None) -> list[RuleSet]:
        """Every rule set, or those of the given authorities only. The table is read again only
        when it changed (rows are only added, or replaced by the same event's), so asking costs
        one small query: rules are asked at every step of a pipeline."""
        every = self._current()
        if authority_ids is None:
            return list(every)
        wanted = set(authority_ids)
        return [r for r in every if r.authority_id in wanted]

    def _current(self) -> tuple[RuleSet, ...]:
        with self._engine.connect() as connection:
            count, last = connection.execute(select(func.count(), func.max(rule_sets.c.recorded_at))).one()
            fingerprint = (int(count), last)
            cached = self._cache
            if cached is not None and cached[0] == fingerprint:
                return cached[1]
            found = tuple(
                RuleSet(
                    authority_id=r.authority_id,
                    effective_from=_day(r.effective_from),
                    values=json.loads(r.rule_values),
                    origin=Origin(r.origin),
                    legal_basis=r.legal_basis,
                    source=r.source,
                    position=int(r.position),
                )
                for r in connection.execute(select(rule_sets))
            )
        self._cache = (fingerprint, found)
        return found


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
