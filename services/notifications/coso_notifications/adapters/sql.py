"""SQL adapters: the schedule ledger (inside the consumer's transaction), the deliverer's
repository and the delivery-log queries, over the event store and the delivery log table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from coso_backbone.eventstore import EventStore, StoreTransaction, StreamAppend
from coso_backbone.metrics import EVENTS_APPENDED
from coso_notifications.adapters.tables import deliveries, subscriptions
from coso_notifications.domain.delivery import Delivery, DeliveryStatus, stream_of_notification
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel, Rule

SERVICE = "notifications"
_TIMES = ("scheduled_at", "next_attempt_at", "last_attempt_at", "delivered_at", "failed_at")
_LOG_COLUMNS = [c for c in deliveries.c if c.name not in ("body", "version")]


def _utc(value: datetime) -> datetime:
    """Every time is stored in UTC (SQLite keeps no offset, so the zone must be the same for all)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _row_values(delivery: Delivery) -> dict[str, Any]:
    return {
        "notification_id": delivery.notification_id,
        "rule": delivery.rule.value,
        "subject": delivery.subject,
        "channel": delivery.channel.value,
        "target": delivery.target,
        "authority": delivery.authority,
        "body": delivery.body,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "version": delivery.version,
        "last_error": delivery.last_error,
        **{name: _utc_or_none(getattr(delivery, name)) for name in _TIMES},
    }


def delivery_of(mapping: Any) -> Delivery:
    return Delivery(
        notification_id=mapping["notification_id"],
        rule=Rule(mapping["rule"]),
        subject=mapping["subject"],
        channel=Channel(mapping["channel"]),
        target=mapping["target"],
        authority=mapping["authority"],
        body=mapping["body"],
        status=DeliveryStatus(mapping["status"]),
        attempts=int(mapping["attempts"]),
        version=int(mapping["version"]),
        last_error=mapping["last_error"],
        scheduled_at=_utc(mapping["scheduled_at"]),
        next_attempt_at=_utc_or_none(mapping["next_attempt_at"]),
        last_attempt_at=_utc_or_none(mapping["last_attempt_at"]),
        delivered_at=_utc_or_none(mapping["delivered_at"]),
        failed_at=_utc_or_none(mapping["failed_at"]),
    )


def subscription_of(mapping: object) -> Subscription:
    row = dict(mapping)  # type: ignore[call-overload]
    return Subscription(
        subscription_id=row["subscription_id"],
        authority=row["authority"],
        role=row["role"],
        channel=Channel(row["channel"]),
        target=row["target"],
        rules=frozenset(Rule(r) for r in json.loads(row["rules"])),
        secret=row["secret"],
        language=row["language"],
        digest=bool(row["digest"]),
    )


def add_new_deliveries(connection: Connection, scheduled: list[Delivery]) -> int:
    """Add the deliveries whose notification id is not in the log yet (the exactly-once key),
    their events and rows in one go; returns how many were new."""
    fresh: dict[str, Delivery] = {d.notification_id: d for d in scheduled}
    ids = list(fresh)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(deliveries.c.notification_id).where(deliveries.c.notification_id.in_(chunk))
        for (known,) in connection.execute(query):
            fresh.pop(known, None)
    if not fresh:
        return 0
    new = list(fresh.values())
    StoreTransaction(connection).append_many(
        [StreamAppend(d.stream_id, d.version, [event.to_new_event(d.authority) for event in d.pending]) for d in new]
    )
    for delivery in new:
        delivery.version += len(delivery.pending)
        delivery.pending.clear()
    connection.execute(insert(deliveries), [_row_values(d) for d in new])
    EVENTS_APPENDED.labels(SERVICE).inc(len(new))
    return len(new)


def save_delivery(connection: Connection, delivery: Delivery) -> bool:
    """Append the delivery's new events and update its log row; False if the row moved on."""
    read_at = delivery.version
    _append_pending(connection, delivery)
    updated = connection.execute(
        update(deliveries)
        .where(and_(deliveries.c.notification_id == delivery.notification_id, deliveries.c.version == read_at))
        .values(**_row_values(delivery))
    ).rowcount
    return bool(updated)


def _append_pending(connection: Connection, delivery: Delivery) -> None:
    """Append the delivery's new events at the version it was read at; then it is at the new one."""
    new_events = [event.to_new_event(delivery.authority) for event in delivery.pending]
    StoreTransaction(connection).append(delivery.stream_id, delivery.version, new_events)
    delivery.version += len(new_events)
    delivery.pending.clear()


class SqlScheduleLedger:
    """Writes scheduled deliveries on the consumer's connection, in its transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def is_scheduled(self, notification_id: str) -> bool:
        query = select(deliveries.c.notification_id).where(deliveries.c.notification_id == notification_id)
        return self._connection.execute(query).first() is not None

    def subscriptions(self) -> list[Subscription]:
        return [subscription_of(r._mapping) for r in self._connection.execute(select(subscriptions))]

    def add(self, delivery: Delivery) -> None:
        _append_pending(self._connection, delivery)
        self._connection.execute(insert(deliveries).values(**_row_values(delivery)))


class SqlDeliveries:
    """The deliverer's view of the delivery log: due deliveries, claims, recorded attempts."""

    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        query = (
            select(deliveries)
            .where(
                and_(
                    deliveries.c.status == DeliveryStatus.PENDING.value,
                    deliveries.c.next_attempt_at <= _utc(now),
                )
            )
            .order_by(deliveries.c.next_attempt_at, deliveries.c.notification_id)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [delivery_of(r._mapping) for r in connection.execute(query)]

    def claim(self, delivery: Delivery, now: datetime, until: datetime) -> bool:
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            claimed = connection.execute(
                update(deliveries)
                .where(
                    and_(
                        deliveries.c.notification_id == delivery.notification_id,
                        deliveries.c.version == delivery.version,
                        deliveries.c.status == DeliveryStatus.PENDING.value,
                        deliveries.c.next_attempt_at <= _utc(now),
                    )
                )
                .values(next_attempt_at=_utc(until))
            ).rowcount
        return claimed == 1

    def save(self, delivery: Delivery) -> None:
        appended = len(delivery.pending)
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            save_delivery(connection, delivery)
        EVENTS_APPENDED.labels(SERVICE).inc(appended)

    def pending_count(self) -> int:
        query = select(func.count()).where(deliveries.c.status == DeliveryStatus.PENDING.value)
        with self._engine.connect() as connection:
            return int(connection.scalar(query) or 0)


def _log_entry(mapping: Any) -> dict[str, Any]:
    entry = dict(mapping)
    for name in _TIMES:
        value = _utc_or_none(entry.get(name))
        entry[name] = value.isoformat() if value is not None else None
    return entry


class SqlDeliveryQueries:
    """The delivery log for the API: rows of the log table, and a notification's events."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._engine = store.engine

    def deliveries(
        self, status: DeliveryStatus | None, limit: int, offset: int, filters: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        query = (
            select(*_LOG_COLUMNS)
            .order_by(deliveries.c.scheduled_at.desc(), deliveries.c.notification_id)
            .limit(limit)
            .offset(offset)
        )
        if status is not None:
            query = query.where(deliveries.c.status == status.value)
        for name, value in (filters or {}).items():
            query = query.where(deliveries.c[name] == value)
        with self._engine.connect() as connection:
            return [_log_entry(r._mapping) for r in connection.execute(query)]

    def feed(self, recipient: str, limit: int, offset: int) -> list[dict[str, Any]]:
        query = (
            select(*_LOG_COLUMNS, deliveries.c.body)
            .where(and_(deliveries.c.channel == Channel.FEED.value, deliveries.c.target == recipient))
            .order_by(deliveries.c.scheduled_at.desc(), deliveries.c.notification_id)
            .limit(limit)
            .offset(offset)
        )
        items = []
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                entry = _log_entry(row._mapping)
                payload = json.loads(entry.pop("body"))
                items.append(
                    {
                        "notification_id": entry["notification_id"],
                        "rule": entry["rule"],
                        "subject": entry["subject"],
                        "authority": entry["authority"],
                        "due_on": payload.get("due_on"),
                        "title": payload.get("title", ""),
                        "text": payload.get("text", ""),
                        "status": entry["status"],
                        "scheduled_at": entry["scheduled_at"],
                    }
                )
        return items

    def delivery(self, notification_id: str) -> dict[str, Any] | None:
        query = select(*_LOG_COLUMNS, deliveries.c.body).where(deliveries.c.notification_id == notification_id)
        with self._engine.connect() as connection:
            found = connection.execute(query).first()
        if found is None:
            return None
        entry = _log_entry(found._mapping)
        entry["payload"] = json.loads(entry.pop("body"))
        return entry

    def history(self, notification_id: str) -> list[dict[str, Any]]:
        history = []
        for event in self._store.read_stream(stream_of_notification(notification_id)):
            data = {k: v for k, v in event.data.items() if k not in ("notification_id", "payload")}
            history.append({"event": event.event_type, "recorded_at": event.recorded_at.isoformat(), **data})
        return history
