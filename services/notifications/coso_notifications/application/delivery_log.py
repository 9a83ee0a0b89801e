"""The delivery log: which notifications went where, how many attempts, what failed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coso_notifications.application.ports import DeliveryQueries
from coso_notifications.domain.delivery import DeliveryStatus
from coso_notifications.domain.errors import InvalidDeliveryQuery, UnknownDelivery
from coso_notifications.domain.rules import Channel, Rule

FILTERS = ("rule", "channel", "subject", "target", "authority")


class DeliveryLog:
    def __init__(self, queries: DeliveryQueries) -> None:
        self._queries = queries

    def deliveries(
        self,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
        filters: Mapping[str, str | None] | None = None,
    ) -> list[dict[str, Any]]:
        """Deliveries, newest first, optionally only those with one status and matching
        `filters` (rule, channel, subject, target, authority: exact values)."""
        wanted = None
        if status:
            try:
                wanted = DeliveryStatus(status)
            except ValueError:
                known = ", ".join(s.value for s in DeliveryStatus)
                raise InvalidDeliveryQuery(
                    f"status {status!r} is not a delivery status ({known})", field="status", rule=f"one of {known}"
                ) from None
        chosen: dict[str, str] = {}
        for name, value in (filters or {}).items():
            if name not in FILTERS:
                raise InvalidDeliveryQuery(
                    f"cannot filter deliveries by {name!r}", field=name, rule=f"one of {', '.join(FILTERS)}"
                )
            if value:
                chosen[name] = value
        if "channel" in chosen:
            Channel.parse(chosen["channel"])
        if "rule" in chosen:
            Rule.parse(chosen["rule"])
        return self._queries.deliveries(wanted, min(max(limit, 1), 1000), max(offset, 0), chosen)

    def failed(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """The dead letters: deliveries given up after the last retry, with the reason."""
        return self.deliveries(DeliveryStatus.FAILED.value, limit, offset)

    def feed(self, recipient: str | None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """A recipient's in-app feed (its `feed` subscriptions' target), newest first."""
        if not recipient:
            raise InvalidDeliveryQuery("recipient is required", field="recipient", rule="required")
        return self._queries.feed(recipient, min(max(limit, 1), 500), max(offset, 0))

    def delivery(self, notification_id: str) -> dict[str, Any]:
        """One delivery with its history: scheduled, each failed attempt, delivered or failed."""
        found = self._queries.delivery(notification_id)
        if found is None:
            raise UnknownDelivery(
                f"no notification has the id {notification_id}", field="notification_id", rule="exists"
            )
        return {**found, "history": self._queries.history(notification_id)}
