"""What the notifications application needs from the outside world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from coso_backbone.rulesets.application import RuleSetStore as RuleSetStore
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.membership import OrganizationStrength
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.reminders import Message
from coso_notifications.domain.rule_book import NotificationRuleBook
from coso_notifications.domain.rules import Channel, Rule
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

    def subscriptions(self) -> list[Subscription]:
        """The subscriptions made over the API, read in the consumer's transaction."""
        ...

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


class ChannelSender(Protocol):
    """Sends one delivery on its channel (email, AMQP, feed); a failure is an answer, not an exception."""

    def send(self, delivery: Delivery, now: datetime) -> WebhookAnswer: ...


class DeadlineBook(Protocol):
    """The deadlines notifications tracks, written inside the consumer's transaction."""

    def track(self, deadline: Deadline) -> None:
        """Record a deadline, or move it (an extension): one per subject and kind, open."""

    def close(self, subject: str, kind: DeadlineKind | None = None) -> None:
        """The deadline was met (or the subject left the pipeline: every kind when `kind` is None)."""

    def describe(self, subject: str, authority: str, context: Mapping[str, str]) -> None:
        """Remember what a subject is (its enterprise, its file reference) for the templates."""


class PartyPresence(Protocol):
    """Official members, party organizations and trade unions per enterprise, from admissions'
    and registry's events, written inside the consumer's transaction."""

    def official_members(self, enterprise_id: str) -> int: ...

    def union_members(self, enterprise_id: str) -> int:
        """Members of the enterprise's grassroots trade unions."""
        ...

    def has_organization(self, enterprise_id: str) -> bool: ...

    def strength(self, organization_id: str) -> tuple[OrganizationStrength, str, str] | None:
        """The organization's official members (declared, known, armed), authority and name; None if unknown."""
        ...

    def arm(self, organization_id: str) -> None:
        """From now on admissions' count of the organization's official members is trusted."""

    def open_if_absent(self, deadline: Deadline) -> None:
        """Track a condition from its date, unless it is already open (its date stays)."""


class ReminderRepository(Protocol):
    """What the deadline scheduler reads and writes."""

    def open_deadlines(
        self,
        kind: DeadlineKind,
        rule: Rule,
        due_from: date | None,
        due_to: date,
        after: tuple[date, str] | None,
        limit: int,
    ) -> list[Deadline]:
        """Open deadlines of a kind due in [due_from, due_to] for which `rule` has not fired,
        ordered by (due_on, subject) and starting after `after`; with their subject's context."""
        ...

    def subscriptions(self) -> list[Subscription]: ...

    def held_items(self) -> list[Delivery]:
        """Reminders held for a daily digest and not gathered yet."""
        ...

    def digest_composed(self, channel: Channel, target: str, subject: str) -> bool:
        """Whether the digest `subject` (of one day) was already composed for this recipient."""
        ...

    def record_digest(self, digest: Delivery, items: list[Delivery]) -> bool:
        """In one transaction: add the digest, and record its items delivered (gathered)."""
        ...

    def record(self, fired: list[tuple[Rule, Deadline]], deliveries: list[Delivery]) -> int:
        """In one transaction: mark the rules fired for the deadlines and add the deliveries not
        already in the log (by notification id). Returns how many deliveries were new."""
        ...


class Templates(Protocol):
    def render(self, rule: Rule, channel: Channel, language: str, context: Mapping[str, Any]) -> Message:
        """The rule's template for the channel in the language, or its fallbacks (English last)."""
        ...

    def render_digest(self, language: str, items: Sequence[Mapping[str, Any]], day: date) -> Message:
        """The daily digest of `items` (each with rule, subject, due_on, title, text)."""
        ...


class SubscriptionStore(Protocol):
    def add(self, subscription: Subscription) -> None: ...

    def find(self, subscription_id: str) -> Subscription | None: ...

    def remove(self, subscription_id: str) -> bool: ...

    def list(self, authority: str | None, role: str | None, channel: str | None) -> list[Subscription]: ...

    def secret_for(self, url: str) -> str | None:
        """The secret of the webhook subscribed at this URL, if any."""
        ...


class DeliveryQueries(Protocol):
    def deliveries(
        self, status: DeliveryStatus | None, limit: int, offset: int, filters: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]: ...

    def feed(self, recipient: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """The in-app feed of a recipient: its feed notifications, newest first."""
        ...

    def delivery(self, notification_id: str) -> dict[str, Any] | None: ...

    def history(self, notification_id: str) -> list[dict[str, Any]]:
        """The notification's events, oldest first."""
        ...


class DeliveryMetrics(Protocol):
    def delivered(self, delivery: Delivery) -> None: ...

    def attempt_failed(self, delivery: Delivery) -> None: ...

    def given_up(self, delivery: Delivery) -> None: ...


class SchedulerMetrics(Protocol):
    def pass_done(self, result: Any, seconds: float) -> None:
        """A scheduler pass ended: what it examined, fired and scheduled, and how long it took."""


class MinimumInForce(Protocol):
    def minimum(self, authority_id: str, on: date) -> int:
        """The minimum of official members in force for the authority on the day."""
        ...


class RulesInForce(MinimumInForce, Protocol):
    """The rules in force as the store holds them now: a book to ask for a while (a scheduler's
    pass), or one question (the minimum of official members when an event changes them)."""

    def book(self) -> NotificationRuleBook: ...
