"""Events published by the notifications service (exchange `notifications.events`).

Each notification is one stream (`notification-<notification_id>`): it is scheduled once,
then each failed attempt is recorded, until it is delivered or given up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from coso_backbone.contracts import EventContract, contract


@contract("notifications", "NotificationScheduled", 1)
class NotificationScheduled(EventContract):
    """A notification was decided and queued for delivery on a channel."""

    notification_id: str = Field(
        description="Stable identifier, the same for the same rule, subject and target; receivers dedupe by it"
    )
    rule: str = Field(description="Rule that fired, e.g. 'candidate_proposed'")
    subject: str = Field(description="What the notification is about, e.g. a candidate id")
    channel: str = Field(description="webhook, email or amqp")
    target: str = Field(description="Where it goes: a URL, an address or an exchange")
    payload: dict[str, Any] = Field(
        description="The document delivered to the target (for a webhook, the JSON body of the POST)"
    )
    first_attempt_at: datetime = Field(description="When the first delivery attempt is due")


@contract("notifications", "NotificationAttemptFailed", 1)
class NotificationAttemptFailed(EventContract):
    """One delivery attempt failed; another is scheduled."""

    notification_id: str
    attempt: int = Field(ge=1, description="Which attempt failed, counting from 1")
    reason: str = Field(description="Why, e.g. 'HTTP 503: ...' or 'connection refused'")
    next_attempt_at: datetime = Field(description="When the next attempt is due")


@contract("notifications", "NotificationDelivered", 1)
class NotificationDelivered(EventContract):
    """The target accepted the notification (for a webhook, an HTTP 2xx answer)."""

    notification_id: str
    attempts: int = Field(ge=1, description="Attempts it took, the successful one included")


@contract("notifications", "NotificationFailed", 1)
class NotificationFailed(EventContract):
    """Delivery was given up after the last retry."""

    notification_id: str
    attempts: int = Field(ge=1, description="Attempts made, all failed")
    reason: str = Field(description="Why the last attempt failed, or why no attempt could be made")
