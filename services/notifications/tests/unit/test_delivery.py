"""A delivery's life: scheduled, attempts failed and retried, delivered or given up."""

from datetime import UTC, datetime, timedelta

import pytest

from coso_backbone.contracts.notifications import (
    NotificationAttemptFailed,
    NotificationDelivered,
    NotificationFailed,
    NotificationScheduled,
)
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.errors import DeliveryAlreadyFinished
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import Rule

NOW = datetime(2025, 11, 25, 8, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=1, factor=2, max_attempts=3)


def _scheduled() -> Delivery:
    return Delivery.schedule(
        "n-1", Rule.CANDIDATE_PROPOSED, "c-1", "https://hook.example/in", "hn", {"notification_id": "n-1"}, NOW
    )


def test_a_scheduled_delivery_is_due_at_once_and_records_what_it_will_send() -> None:
    delivery = _scheduled()

    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.is_due(NOW)
    [scheduled] = delivery.pending
    assert isinstance(scheduled, NotificationScheduled)
    assert (scheduled.channel, scheduled.target, scheduled.payload) == (
        "webhook",
        "https://hook.example/in",
        {"notification_id": "n-1"},
    )


def test_a_failed_attempt_schedules_the_next_one_after_the_backoff() -> None:
    delivery = _scheduled()

    delivery.attempt_failed(NOW, "HTTP 503", POLICY)
    delivery.attempt_failed(NOW + timedelta(seconds=1), "HTTP 502", POLICY)

    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == NOW + timedelta(seconds=3)
    assert not delivery.is_due(NOW + timedelta(seconds=2.9))
    assert delivery.last_error == "HTTP 502"
    failures = [e for e in delivery.pending if isinstance(e, NotificationAttemptFailed)]
    assert [(e.attempt, e.reason) for e in failures] == [(1, "HTTP 503"), (2, "HTTP 502")]


def test_the_last_failed_attempt_gives_the_delivery_up_with_its_reason() -> None:
    delivery = _scheduled()

    for second in range(3):
        delivery.attempt_failed(NOW + timedelta(seconds=second), f"HTTP 500 #{second + 1}", POLICY)

    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None
    assert not delivery.is_due(NOW + timedelta(days=1))
    assert isinstance(delivery.pending[-1], NotificationFailed)
    assert (delivery.pending[-1].attempts, delivery.pending[-1].reason) == (3, "HTTP 500 #3")


def test_a_delivered_notification_counts_its_attempts_and_is_never_attempted_again() -> None:
    delivery = _scheduled()
    delivery.attempt_failed(NOW, "HTTP 503", POLICY)

    delivery.delivered(NOW + timedelta(seconds=1))

    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.pending[-1] == NotificationDelivered(notification_id="n-1", attempts=2)
    with pytest.raises(DeliveryAlreadyFinished):
        delivery.attempt_failed(NOW + timedelta(seconds=2), "HTTP 500", POLICY)


def test_an_undeliverable_notification_is_given_up_at_once() -> None:
    delivery = _scheduled()

    delivery.undeliverable(NOW, "no webhook is configured for https://hook.example/in any more")

    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.pending[-1].reason.startswith("no webhook is configured")  # type: ignore[attr-defined]
