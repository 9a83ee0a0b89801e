"""What a rule schedules when it fires: one delivery per subscribed webhook.

Every payload has the same shape, whatever the rule:
`{"notification_id", "rule", "subject", "text", "event": {type, id, source, authority, time}, "data"}`,
where `data` is the triggering event's data as its contract defines it and `text` a
Vietnamese summary that a chat channel can show as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.rules import Rule, WebhookSubscription, notification_id, subscribers


@dataclass(frozen=True)
class Trigger:
    """The event that made a rule fire, as the payload names it."""

    event_type: str
    event_id: str
    source: str
    authority: str
    time: datetime

    def as_dict(self) -> dict[str, str]:
        return {
            "type": self.event_type,
            "id": self.event_id,
            "source": self.source,
            "authority": self.authority,
            "time": self.time.isoformat(),
        }


def schedule_deliveries(
    rule: Rule,
    subject: str,
    text: str,
    data: dict[str, Any],
    trigger: Trigger,
    subscriptions: Sequence[WebhookSubscription],
    now: datetime,
) -> list[Delivery]:
    deliveries = []
    for subscription in subscribers(subscriptions, rule):
        nid = notification_id(rule, subject, subscription.url)
        payload = {
            "notification_id": nid,
            "rule": rule.value,
            "subject": subject,
            "text": text,
            "event": trigger.as_dict(),
            "data": data,
        }
        deliveries.append(Delivery.schedule(nid, rule, subject, subscription.url, trigger.authority, payload, now))
    return deliveries
