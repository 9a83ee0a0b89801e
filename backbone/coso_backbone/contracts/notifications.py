"""Events published by the notifications service (exchange `notifications.events`)."""

from __future__ import annotations

from pydantic import Field

from coso_backbone.contracts import EventContract, contract


@contract("notifications", "NotificationScheduled", 1)
class NotificationScheduled(EventContract):
    """A notification was decided and queued for delivery on a channel."""

    notification_id: str
    rule: str = Field(description="Rule that fired, e.g. 'candidate_proposed'")
    subject: str = Field(description="What the notification is about, e.g. a candidate id")
    channel: str = Field(description="webhook, email or amqp")
    target: str = Field(description="Where it goes: a URL, an address or an exchange")


@contract("notifications", "NotificationDelivered", 1)
class NotificationDelivered(EventContract):
    notification_id: str
    attempts: int = Field(ge=1)


@contract("notifications", "NotificationFailed", 1)
class NotificationFailed(EventContract):
    """Delivery was given up after the last retry."""

    notification_id: str
    attempts: int = Field(ge=1)
    reason: str
