"""What a deadline rule schedules when it fires: one delivery per recipient that hears it.

Each reminder is keyed by rule, subject, due date and recipient (`deadline_notification_id`),
so however often a pass runs, or events are redelivered, a recipient gets it once. A
reminder for a digest subscription is held (channel `digest`) until the daily digest gathers it. The payload
is the same document on every channel:
`{"notification_id", "rule", "subject", "kind", "due_on", "authority", "title", "text",
"language", "context"}`; `title` and `text` come from the rule's template for the channel and
the recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coso_notifications.domain.deadlines import Deadline, DeadlineRule
from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel, deadline_notification_id


@dataclass(frozen=True)
class Message:
    """A rendered notification: a title (an email subject) and a text."""

    title: str
    text: str
    language: str


Render = Callable[[DeadlineRule, Deadline, Subscription, date], Message]


def reminders(
    rule: DeadlineRule,
    deadline: Deadline,
    subscriptions: Sequence[Subscription],
    render: Render,
    today: date,
    now: datetime,
) -> list[Delivery]:
    deliveries: list[Delivery] = []
    seen: set[str] = set()
    for subscription in subscriptions:
        if not subscription.hears(rule.rule, rule.roles, deadline.authority):
            continue
        nid = deadline_notification_id(
            rule.rule, deadline.subject, deadline.due_on, subscription.channel, subscription.target
        )
        if nid in seen:  # two subscriptions of one recipient: still one reminder
            continue
        seen.add(nid)
        message = render(rule, deadline, subscription, today)
        payload: dict[str, Any] = {
            "notification_id": nid,
            "rule": rule.rule.value,
            "subject": deadline.subject,
            "kind": deadline.kind.value,
            "due_on": deadline.due_on.isoformat(),
            "authority": deadline.authority,
            "title": message.title,
            "text": message.text,
            "language": message.language,
            "context": dict(deadline.context),
        }
        deliveries.append(
            Delivery.schedule(
                nid,
                rule.rule,
                deadline.subject,
                subscription.address if subscription.digest else subscription.target,
                deadline.authority,
                payload,
                now,
                channel=Channel.DIGEST if subscription.digest else subscription.channel,
                held=subscription.digest,
            )
        )
    return deliveries
