"""Rules (what makes a notification fire) and webhook subscriptions to them.

A notification is identified by its rule, its subject and its target: the same candidate
proposed twice to the same webhook is one notification, whatever redelivers the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from coso_notifications.domain.errors import InvalidWebhook, UnknownChannel, UnknownRule

# Namespace of notification ids (uuid5): fixed forever, or every id would change.
_NOTIFICATION_NAMESPACE = uuid.UUID("5b0c6f3e-2f4a-5d8e-9c1b-636f736f6e6f")


class Rule(StrEnum):
    """The rules notifications knows: one that fires on an event, the others on deadlines."""

    CANDIDATE_PROPOSED = "candidate_proposed"
    DECISION_DUE_SOON = "decision_due_soon"
    DECISION_OVERDUE = "decision_overdue"
    CEREMONY_OVERDUE = "ceremony_overdue"
    PROBATION_ENDING = "probation_ending"
    RECOGNITION_OVERDUE = "recognition_overdue"
    FILE_EXPIRING = "file_expiring"
    ENTERPRISE_READY = "enterprise_ready_for_organization"
    ORGANIZATION_BELOW_MINIMUM = "organization_below_minimum"
    PLAN_BEHIND_SCHEDULE = "plan_behind_schedule"
    DAILY_DIGEST = "daily_digest"  # one message a day gathering a digest subscription's reminders

    @classmethod
    def parse(cls, name: str, field: str = "rule") -> Rule:
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise UnknownRule(f"rule {name!r} is unknown (known: {known})", field=field, rule="known rule") from None


class Channel(StrEnum):
    """How a notification reaches its recipient."""

    WEBHOOK = "webhook"
    EMAIL = "email"
    AMQP = "amqp"
    FEED = "feed"
    DIGEST = "digest"  # held for the recipient's daily digest (its target: '<channel>:<target>')

    @classmethod
    def parse(cls, name: str, field: str = "channel") -> Channel:
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(c.value for c in cls)
            raise UnknownChannel(
                f"channel {name!r} is unknown (known: {known})", field=field, rule=f"one of {known}"
            ) from None


@dataclass(frozen=True)
class WebhookSubscription:
    """A URL that receives the notifications of some rules, signed with its secret."""

    url: str
    secret: str = field(repr=False)
    rules: frozenset[Rule]

    @classmethod
    def of(cls, url: str, secret: str, rules: Iterable[str], field: str = "webhooks[0]") -> WebhookSubscription:
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            raise InvalidWebhook(
                f"webhook url {url!r} must be an http:// or https:// URL of at most 2000 characters",
                field=f"{field}.url",
                rule="http or https URL",
            )
        if not secret:
            raise InvalidWebhook(
                f"webhook {url} needs a secret to sign its deliveries", field=f"{field}.secret", rule="required"
            )
        parsed = frozenset(Rule.parse(name, f"{field}.rules") for name in rules)
        if not parsed:
            raise InvalidWebhook(f"webhook {url} subscribes to no rule", field=f"{field}.rules", rule="not empty")
        return cls(url, secret, parsed)


def subscribers(subscriptions: Sequence[WebhookSubscription], rule: Rule) -> list[WebhookSubscription]:
    return [s for s in subscriptions if rule in s.rules]


def check_unique_urls(subscriptions: Mapping[str, WebhookSubscription]) -> None:
    """Two webhooks with one URL would make one notification id with two secrets.

    `subscriptions` maps where each one was configured (e.g. 'webhooks[1]') to it.
    """
    seen: set[str] = set()
    for where, subscription in subscriptions.items():
        if subscription.url in seen:
            raise InvalidWebhook(
                f"webhook {subscription.url} is configured twice; list its rules once",
                field=f"{where}.url",
                rule="unique",
            )
        seen.add(subscription.url)


def notification_id(rule: Rule, subject: str, target: str) -> str:
    """The same for the same rule, subject and target, on every run and every machine."""
    return str(uuid.uuid5(_NOTIFICATION_NAMESPACE, f"{rule.value}\n{subject}\n{target}"))


def deadline_notification_id(rule: Rule, subject: str, due_on: date, channel: Channel, target: str) -> str:
    """The exactly-once key of a deadline reminder: rule, subject, due date and recipient.

    A deadline moved to another date (an extension) is a new key, so it is reminded again.
    """
    key = f"{rule.value}\n{subject}\n{due_on.isoformat()}\n{channel.value}:{target}"
    return str(uuid.uuid5(_NOTIFICATION_NAMESPACE, key))
