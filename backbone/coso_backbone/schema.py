"""Tables the backbone owns in every service's database.

- `events`: the append-only event store, which is also the transactional outbox:
  an event is committed with the state change it records, and the relay publishes
  from here in position order.
- `relay_checkpoints`: how far each relay has had its publications confirmed.
- `consumer_checkpoints`: per consumer and source, the last source position applied.
- `dead_letters`: events a consumer could not apply, kept for listing and replay.

The schema is created by Alembic (`coso_backbone.migrations`); these Table objects are
what the code queries with.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("authority", String(100), nullable=False),
    Column("data", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)

relay_checkpoints = Table(
    "relay_checkpoints",
    metadata,
    Column("relay", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

consumer_checkpoints = Table(
    "consumer_checkpoints",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("source", String(300), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("source", String(300), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("event_type", String(300), nullable=False),
    Column("reason", Text, nullable=False),
    Column("dead_lettered_at", DateTime(timezone=True), nullable=False),
)
