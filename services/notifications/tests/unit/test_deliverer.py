"""The deliverer's decisions, with in-memory fakes of its ports (no I/O)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from coso_notifications.application.delivering import Deliverer
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import Rule, WebhookSubscription
from coso_notifications.domain.signature import verify
from coso_notifications.domain.webhook import WebhookAnswer, WebhookRequest

START = datetime(2025, 11, 25, 8, 0, tzinfo=UTC)
HOOK = WebhookSubscription.of("https://hook.example/in", "k", ["candidate_proposed"])


class Clock:
    def __init__(self) -> None:
        self.time = START

    def now(self) -> datetime:
        return self.time


class Deliveries:
    def __init__(self, *deliveries: Delivery) -> None:
        self.rows = {d.notification_id: d for d in deliveries}
        self.claimed_by_others: set[str] = set()
        self.events: list[object] = []

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        return [copy.deepcopy(d) for d in self.rows.values() if d.is_due(now)][:limit]

    def claim(self, delivery: Delivery, now: datetime, until: datetime) -> bool:
        if delivery.notification_id in self.claimed_by_others:
            return False
        self.rows[delivery.notification_id].next_attempt_at = until
        return True

    def save(self, delivery: Delivery) -> None:
        self.events += delivery.pending
        delivery.pending = []
        self.rows[delivery.notification_id] = copy.deepcopy(delivery)


class Sender:
    def __init__(self, *statuses: int | None) -> None:
        self.statuses = list(statuses)
        self.sent: list[WebhookRequest] = []

    def send(self, request: WebhookRequest) -> WebhookAnswer:
        self.sent.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return WebhookAnswer(status, "" if status else "connection refused")


class Metrics:
    def __init__(self) -> None:
        self.counts = {"delivered": 0, "attempt_failed": 0, "given_up": 0}

    def delivered(self, delivery: Delivery) -> None:
        self.counts["delivered"] += 1

    def attempt_failed(self, delivery: Delivery) -> None:
        self.counts["attempt_failed"] += 1

    def given_up(self, delivery: Delivery) -> None:
        self.counts["given_up"] += 1


def _scheduled(target: str = HOOK.url, notification_id: str = "n-1") -> Delivery:
    delivery = Delivery.schedule(
        notification_id, Rule.CANDIDATE_PROPOSED, "c-1", target, "hn", {"notification_id": notification_id}, START
    )
    delivery.pending = []
    return delivery


def _deliverer(
    deliveries: Deliveries, sender: Sender, clock: Clock, metrics: Metrics, max_attempts: int = 3
) -> Deliverer:
    policy = RetryPolicy(base_seconds=10, factor=2, max_attempts=max_attempts)
    return Deliverer(deliveries, sender, clock, policy, [HOOK], metrics)


def test_a_failed_attempt_is_retried_only_once_its_backoff_has_passed() -> None:
    deliveries, sender, clock, metrics = Deliveries(_scheduled()), Sender(503, 200), Clock(), Metrics()
    deliverer = _deliverer(deliveries, sender, clock, metrics)

    assert deliverer.deliver_due() == 1
    clock.time += timedelta(seconds=9)
    assert deliverer.deliver_due() == 0
    clock.time += timedelta(seconds=1)
    assert deliverer.deliver_due() == 1

    assert deliveries.rows["n-1"].status is DeliveryStatus.DELIVERED
    assert deliveries.rows["n-1"].attempts == 2
    assert all(verify(r.body, "k", r.headers["X-Coso-Signature"]) for r in sender.sent)
    assert metrics.counts == {"delivered": 1, "attempt_failed": 1, "given_up": 0}


def test_a_target_that_never_answers_is_given_up_after_the_last_attempt() -> None:
    deliveries, sender, clock, metrics = Deliveries(_scheduled()), Sender(None, None, None), Clock(), Metrics()
    deliverer = _deliverer(deliveries, sender, clock, metrics)

    for _ in range(3):
        deliverer.deliver_due()
        clock.time += timedelta(hours=1)

    assert deliveries.rows["n-1"].status is DeliveryStatus.FAILED
    assert deliveries.rows["n-1"].last_error == "connection refused"
    assert metrics.counts == {"delivered": 0, "attempt_failed": 2, "given_up": 1}
    assert deliverer.deliver_due() == 0


def test_a_delivery_claimed_by_another_deliverer_is_not_sent() -> None:
    deliveries, sender = Deliveries(_scheduled()), Sender()
    deliveries.claimed_by_others.add("n-1")

    assert _deliverer(deliveries, sender, Clock(), Metrics()).deliver_due() == 0
    assert sender.sent == []


def test_a_delivery_to_a_webhook_no_longer_configured_is_given_up_without_sending() -> None:
    deliveries, sender = Deliveries(_scheduled(target="https://removed.example/hook")), Sender()

    _deliverer(deliveries, sender, Clock(), Metrics()).deliver_due()

    assert sender.sent == []
    assert deliveries.rows["n-1"].status is DeliveryStatus.FAILED
    assert "no webhook is configured" in (deliveries.rows["n-1"].last_error or "")
