"""The append-only event store with a gap-free global position.

Positions are gap-free and appear to readers in order, even with concurrent writers:
- PostgreSQL: an appending transaction takes a transaction-scoped advisory lock before it
  reads `max(position)`; the lock is released only at commit or rollback, after the commit
  is visible. So position N+1 can only be assigned once N is committed (or rolled back and
  reused), and a reader never sees N+1 without N. Appends are serialised, which is why bulk
  work appends in batches (one lock, one multi-row insert).
- SQLite: write transactions begin with BEGIN IMMEDIATE, which serialises writers the same way.

Optimistic concurrency: each stream has a version; an append names the version it expects
and gets `ConcurrencyError` if another writer got there first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from coso_backbone.errors import AppendConflict, ConcurrencyError
from coso_backbone.events import NewEvent, RecordedEvent
from coso_backbone.schema import events

# Arbitrary constant naming the advisory lock that serialises position assignment.
_POSITION_LOCK = 0x636F736F  # "coso"
_IN_CHUNK = 500


@dataclass(frozen=True)
class StreamAppend:
    """Events for one stream, with the stream version the writer expects."""

    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]


class StoreTransaction:
    """Appends and reads inside one database transaction.

    Application code that keeps a read model beside its events (say, a uniqueness index)
    writes to `connection` in the same transaction, so both commit or neither does.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._locked = False

    def append(self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]) -> list[RecordedEvent]:
        return self.append_many([StreamAppend(stream_id, expected_version, new_events)])

    def append_many(self, appends: Sequence[StreamAppend]) -> list[RecordedEvent]:
        """Append to several streams atomically; positions follow the order given."""
        if not appends:
            return []
        self._lock_positions()
        versions = self._stream_versions({a.stream_id for a in appends})
        next_position = (self.connection.scalar(select(func.max(events.c.position))) or 0) + 1
        now = datetime.now(UTC)
        rows = []
        recorded = []
        for item in appends:
            actual = versions.get(item.stream_id, 0)
            if actual != item.expected_version:
                raise ConcurrencyError(item.stream_id, item.expected_version, actual)
            for offset, event in enumerate(item.events, start=1):
                record = RecordedEvent(
                    position=next_position,
                    event_id=event.event_id,
                    stream_id=item.stream_id,
                    stream_version=actual + offset,
                    event_type=event.event_type,
                    event_version=event.version,
                    authority=event.authority,
                    data_json=event.data_json(),
                    recorded_at=now,
                )
                recorded.append(record)
                rows.append(_row(record))
                next_position += 1
            versions[item.stream_id] = actual + len(item.events)
        if rows:
            try:
                self.connection.execute(insert(events), rows)
            except IntegrityError as exc:
                # Another writer took one of these stream versions between our check and our
                # insert (or an event id was reused): report the streams as they are now.
                raise AppendConflict([a.stream_id for a in appends]) from exc
        return recorded

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        result = self.connection.execute(
            select(events).where(events.c.stream_id == stream_id).order_by(events.c.stream_version)
        )
        return [_recorded(r) for r in result]

    def stream_version(self, stream_id: str) -> int:
        return self._stream_versions({stream_id}).get(stream_id, 0)

    def _stream_versions(self, stream_ids: Iterable[str]) -> dict[str, int]:
        ids = list(stream_ids)
        found: dict[str, int] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            query = (
                select(events.c.stream_id, func.max(events.c.stream_version))
                .where(events.c.stream_id.in_(chunk))
                .group_by(events.c.stream_id)
            )
            found.update({sid: int(v) for sid, v in self.connection.execute(query)})
        return found

    def _lock_positions(self) -> None:
        if self._locked:
            return
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSITION_LOCK})
        self._locked = True


class EventStore:
    """One service's event store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        with self.engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            yield StoreTransaction(connection)

    def append(self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]) -> list[RecordedEvent]:
        with self.transaction() as tx:
            return tx.append(stream_id, expected_version, new_events)

    def append_many(self, appends: Sequence[StreamAppend]) -> list[RecordedEvent]:
        with self.transaction() as tx:
            return tx.append_many(appends)

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        with self.engine.connect() as connection:
            return StoreTransaction(connection).read_stream(stream_id)

    def read_after(self, position: int, limit: int = 1000) -> list[RecordedEvent]:
        """Events with a position greater than `position`, in order, at most `limit`."""
        query = select(events).where(events.c.position > position).order_by(events.c.position).limit(limit)
        with self.engine.connect() as connection:
            return [_recorded(r) for r in connection.execute(query)]

    def last_position(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.max(events.c.position))) or 0)


def _row(record: RecordedEvent) -> dict[str, object]:
    return {
        "position": record.position,
        "event_id": record.event_id,
        "stream_id": record.stream_id,
        "stream_version": record.stream_version,
        "event_type": record.event_type,
        "event_version": record.event_version,
        "authority": record.authority,
        "data": record.data_json,
        "recorded_at": record.recorded_at,
    }


def _recorded(row: object) -> RecordedEvent:
    m = row._mapping  # type: ignore[attr-defined]
    recorded_at = m["recorded_at"]
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return RecordedEvent(
        position=int(m["position"]),
        event_id=m["event_id"],
        stream_id=m["stream_id"],
        stream_version=int(m["stream_version"]),
        event_type=m["event_type"],
        event_version=int(m["event_version"]),
        authority=m["authority"],
        data_json=m["data"],
        recorded_at=recorded_at,
    )
