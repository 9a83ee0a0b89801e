"""The outbox relay: publishes committed events in position order, with confirms.

The event store is the outbox: events are committed with the state change they record.
The relay reads events after its checkpoint, publishes a batch with many confirms in
flight, and only then records the batch's last position. If the process or the broker
dies in between, the batch is sent again on restart; consumers skip what they already
applied (by `ce-sequence`), so nothing is lost and nothing is counted twice.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_backbone.metrics import EVENTS_PUBLISHED, RELAY_POSITION
from coso_backbone.schema import relay_checkpoints

log = logging.getLogger(__name__)


class Publisher(Protocol):
    def publish(self, envelopes: list[Envelope]) -> None: ...

    def close(self) -> None: ...


class OutboxRelay:
    def __init__(
        self,
        store: EventStore,
        publisher: Publisher,
        producer: str,
        source: str,
        batch_size: int = 1000,
        name: str = "relay",
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._producer = producer
        self._source = source
        self._batch_size = batch_size
        self._name = name

    def position(self) -> int:
        with self._store.engine.connect() as connection:
            value = connection.scalar(
                select(relay_checkpoints.c.position).where(relay_checkpoints.c.relay == self._name)
            )
        return int(value or 0)

    def publish_pending(self) -> int:
        """Publish one batch after the checkpoint; return how many events it held."""
        position = self.position()
        recorded = self._store.read_after(position, self._batch_size)
        if not recorded:
            return 0
        envelopes = [Envelope.from_recorded(e, self._producer, self._source) for e in recorded]
        self._publisher.publish(envelopes)
        self._save_position(recorded[-1].position)
        EVENTS_PUBLISHED.labels(self._producer).inc(len(recorded))
        RELAY_POSITION.labels(self._producer).set(recorded[-1].position)
        return len(recorded)

    def run(self, stop: threading.Event, idle_wait: float = 0.02, max_backoff: float = 10.0) -> None:
        """Publish until `stop` is set; reconnect with backoff when the broker fails."""
        backoff = 0.2
        while not stop.is_set():
            try:
                published = self.publish_pending()
                backoff = 0.2
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect, resend from checkpoint
                log.warning("relay %s: publishing failed (%s); retrying in %.1fs", self._producer, exc, backoff)
                self._publisher.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
                continue
            if published < self._batch_size:
                stop.wait(idle_wait)
        self._publisher.close()

    def _save_position(self, position: int) -> None:
        with self._store.engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            changed = connection.execute(
                update(relay_checkpoints).where(relay_checkpoints.c.relay == self._name).values(position=position)
            ).rowcount
            if not changed:
                insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
                connection.execute(
                    insert(relay_checkpoints).values(relay=self._name, position=position).on_conflict_do_nothing()
                )
