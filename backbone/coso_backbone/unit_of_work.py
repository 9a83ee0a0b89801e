"""A unit of work over the event store: events and inline read models, one transaction.

Services subclass `SqlUnitOfWork` and override `apply` to keep small lookup tables (a
uniqueness index, say) in step with the events they record. Nothing is written unless
`commit()` is called before the block ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, RootTransaction

from coso_backbone.contracts import EventContract
from coso_backbone.events import RecordedEvent
from coso_backbone.eventstore import EventStore, StoreTransaction, StreamAppend
from coso_backbone.metrics import EVENTS_APPENDED


class SqlUnitOfWork:
    service: str = "unknown"

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._tx: StoreTransaction | None = None
        self._committed = False
        self._appended = 0
        self.recorded: list[RecordedEvent] = []

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "use the unit of work in a with block"
        return self._connection

    def __enter__(self) -> Self:
        self._connection = self._store.engine.connect().execution_options(coso_write=True)
        self._transaction = self._connection.begin()
        self._tx = StoreTransaction(self._connection)
        self._committed = False
        self.recorded = []
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._connection is not None and self._transaction is not None
        try:
            if self._committed and exc_type is None:
                self._transaction.commit()
                EVENTS_APPENDED.labels(self.service).inc(len(self.recorded))
            else:
                self._transaction.rollback()
        finally:
            self._connection.close()
            self._connection = self._transaction = self._tx = None

    def stream_version(self, stream_id: str) -> int:
        assert self._tx is not None
        return self._tx.stream_version(stream_id)

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        assert self._tx is not None
        return self._tx.read_stream(stream_id)

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        self.record_many([(stream_id, expected_version, events, authority)])

    def record_many(self, appends: Sequence[tuple[str, int, Sequence[EventContract], str]]) -> None:
        """Append to several streams in one go (bulk imports), applying each event inline."""
        assert self._tx is not None
        batch = [
            StreamAppend(stream_id, expected, [e.to_new_event(authority) for e in events])
            for stream_id, expected, events, authority in appends
        ]
        self.recorded.extend(self._tx.append_many(batch))
        for _, _, events, _ in appends:
            for event in events:
                self.apply(event)

    def apply(self, event: EventContract) -> None:
        """Update inline read models from an event; override in a service."""

    def commit(self) -> None:
        self._committed = True


def row(mapping: Any) -> dict[str, Any]:
    """A SQLAlchemy row as a plain dict with JSON-friendly values."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(mapping).items()}
