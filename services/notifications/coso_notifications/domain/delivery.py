"""A delivery: one notification on its way to one target, and what happened to it.

It is scheduled once, then each attempt either delivers it or fails; a failed attempt
schedules the next one by the retry policy, and the last one gives the delivery up. Every
change is an event (`pending`), which the store appends to the stream
`notification-<notification_id>`; the delivery log is derived from those events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.notifications import (
    NotificationAttemptFailed,
    NotificationDelivered,
    NotificationFailed,
    NotificationScheduled,
)
from coso_notifications.domain.errors import DeliveryAlreadyFinished
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import Channel, Rule

MAX_REASON = 1000


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def stream_of_notification(notification_id: str) -> str:
    return f"notification-{notification_id}"


def canonical_json(document: dict[str, Any]) -> str:
    """One serialisation of a payload, so every attempt sends (and signs) the same bytes."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class Delivery:
    notification_id: str
    rule: Rule
    subject: str
    channel: Channel
    target: str
    authority: str
    body: str
    scheduled_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def schedule(
        cls,
        notification_id: str,
        rule: Rule,
        subject: str,
        target: str,
        authority: str,
        payload: dict[str, Any],
        now: datetime,
        channel: Channel = Channel.WEBHOOK,
        held: bool = False,
    ) -> Delivery:
        """A new delivery, due now; a `held` one (a daily digest's item) is never due by itself."""
        delivery = cls(
            notification_id=notification_id,
            rule=rule,
            subject=subject,
            channel=channel,
            target=target,
            authority=authority,
            body=canonical_json(payload),
            scheduled_at=now,
            next_attempt_at=None if held else now,
        )
        delivery.pending.append(
            NotificationScheduled(
                notification_id=notification_id,
                rule=rule.value,
                subject=subject,
                channel=channel.value,
                target=target,
                payload=payload,
                first_attempt_at=now,
            )
        )
        return delivery

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    @property
    def stream_id(self) -> str:
        return stream_of_notification(self.notification_id)

    def is_due(self, now: datetime) -> bool:
        return (
            self.status is DeliveryStatus.PENDING and self.next_attempt_at is not None and self.next_attempt_at <= now
        )

    def delivered(self, now: datetime) -> None:
        """The target accepted this attempt."""
        self._attempt(now)
        self.status = DeliveryStatus.DELIVERED
        self.delivered_at = now
        self.next_attempt_at = None
        self.last_error = None
        self.pending.append(NotificationDelivered(notification_id=self.notification_id, attempts=self.attempts))

    def attempt_failed(self, now: datetime, reason: str, policy: RetryPolicy) -> None:
        """This attempt failed: schedule the next one, or give up after the last."""
        self._attempt(now)
        reason = reason[:MAX_REASON] or "unknown"
        self.last_error = reason
        if policy.gives_up_after(self.attempts):
            self._give_up(now, reason)
            return
        self.next_attempt_at = now + policy.delay_after(self.attempts)
        self.pending.append(
            NotificationAttemptFailed(
                notification_id=self.notification_id,
                attempt=self.attempts,
                reason=reason,
                next_attempt_at=self.next_attempt_at,
            )
        )

    def undeliverable(self, now: datetime, reason: str) -> None:
        """No attempt can ever succeed (say, its webhook is no longer configured): give up now."""
        self._attempt(now)
        self.last_error = reason[:MAX_REASON]
        self._give_up(now, self.last_error)

    def _attempt(self, now: datetime) -> None:
        if self.status is not DeliveryStatus.PENDING:
            raise DeliveryAlreadyFinished(
                f"notification {self.notification_id} is already {self.status.value}",
                field="notification_id",
                rule="only a pending delivery is attempted",
            )
        self.attempts += 1
        self.last_attempt_at = now

    def _give_up(self, now: datetime, reason: str) -> None:
        self.status = DeliveryStatus.FAILED
        self.failed_at = now
        self.next_attempt_at = None
        self.pending.append(
            NotificationFailed(notification_id=self.notification_id, attempts=self.attempts, reason=reason)
        )
