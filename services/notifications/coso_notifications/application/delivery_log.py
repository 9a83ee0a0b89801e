"""The delivery log: which notifications went where, how many attempts, what failed."""

from __future__ import annotations

from typing import Any

from coso_notifications.application.ports import DeliveryQueries
from coso_notifications.domain.delivery import DeliveryStatus
from coso_notifications.domain.errors import InvalidDeliveryQuery, UnknownDelivery


class DeliveryLog:
    def __init__(self, queries: DeliveryQueries) -> None:
        self._queries = queries

    def deliveries(self, status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Deliveries, newest first, optionally only those with one status."""
        wanted = None
        if status:
            try:
                wanted = DeliveryStatus(status)
            except ValueError:
                known = ", ".join(s.value for s in DeliveryStatus)
                raise InvalidDeliveryQuery(
                    f"status {status!r} is not a delivery status ({known})", field="status", rule=f"one of {known}"
                ) from None
        return self._queries.deliveries(wanted, min(max(limit, 1), 1000), max(offset, 0))

    def delivery(self, notification_id: str) -> dict[str, Any]:
        """One delivery with its history: scheduled, each failed attempt, delivered or failed."""
        found = self._queries.delivery(notification_id)
        if found is None:
            raise UnknownDelivery(
                f"no notification has the id {notification_id}", field="notification_id", rule="exists"
            )
        return {**found, "history": self._queries.history(notification_id)}
