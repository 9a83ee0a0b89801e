"""What the notifications application needs from the outside world."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.webhook import WebhookAnswer, WebhookRequest


class Clock(Protocol):
    """The time; tests move it by hand to make retries due."""

    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...


class WebhookSender(Protocol):
    def send(self, request: WebhookRequest) -> WebhookAnswer:
        """POST the request; a failure to get through is an answer without status, not an exception."""
        ...


class ScheduleLedger(Protocol):
    """Where scheduled deliveries are written, inside the transaction that consumes the event."""

    def is_scheduled(self, notification_id: str) -> bool: ...

    def add(self, delivery: Delivery) -> None:
        """Append the delivery's events (a new stream) and add it to the delivery log."""


class DeliveryRepository(Protocol):
    """Deliveries for the deliverer: find the due ones, claim one, record an attempt."""

    def due(self, now: datetime, limit: int) -> list[Delivery]: ...

    def claim(self, delivery: Delivery, now: datetime, until: datetime) -> bool:
        """Reserve a due delivery until `until`, so no other deliverer sends it meanwhile.

        False if it is no longer due or another deliverer changed it first. A claim that is
        never followed by `save` (the process died) expires at `until` and the delivery is
        due again.
        """
        ...

    def save(self, delivery: Delivery) -> None:
        """Append the delivery's pending events and update the log, in one transaction."""


class DeliveryQueries(Protocol):
    def deliveries(self, status: DeliveryStatus | None, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def delivery(self, notification_id: str) -> dict[str, Any] | None: ...

    def history(self, notification_id: str) -> list[dict[str, Any]]:
        """The notification's events, oldest first."""
        ...


class DeliveryMetrics(Protocol):
    def delivered(self, delivery: Delivery) -> None: ...

    def attempt_failed(self, delivery: Delivery) -> None: ...

    def given_up(self, delivery: Delivery) -> None: ...
