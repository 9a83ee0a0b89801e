"""The deliverer: sends due deliveries, records each attempt, retries with backoff.

One pass (`deliver_due`) takes the due pending deliveries, claims each (so a second
deliverer, or this one after a restart, does not send it at the same time), POSTs it and
records the outcome as events: delivered, attempt failed (next attempt scheduled), or
failed for good after the last attempt. `run` repeats passes until told to stop.

Delivery is at least once. The outcome is recorded after the POST: if the process stops
in between, the claim expires and the notification is sent again, with the same
`X-Coso-Delivery` id, by which receivers dedupe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta

from coso_notifications.application.ports import Clock, DeliveryMetrics, DeliveryRepository, WebhookSender
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import WebhookSubscription
from coso_notifications.domain.webhook import webhook_request

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(
        self,
        repository: DeliveryRepository,
        sender: WebhookSender,
        clock: Clock,
        policy: RetryPolicy,
        subscriptions: Sequence[WebhookSubscription],
        metrics: DeliveryMetrics,
        batch_size: int = 50,
        claim_for: timedelta = timedelta(minutes=2),
        poll_seconds: float = 1.0,
    ) -> None:
        self._repository = repository
        self._sender = sender
        self._clock = clock
        self._policy = policy
        self._secrets = {s.url: s.secret for s in subscriptions}
        self._metrics = metrics
        self._batch_size = batch_size
        self._claim_for = claim_for
        self._poll_seconds = poll_seconds

    def deliver_due(self) -> int:
        """Attempt every delivery due now (at most one batch); return how many were attempted."""
        attempted = 0
        for delivery in self._repository.due(self._clock.now(), self._batch_size):
            now = self._clock.now()  # a pass can take long: each claim runs from its own start
            if not self._repository.claim(delivery, now, now + self._claim_for):
                continue
            self._attempt(delivery)
            attempted += 1
        return attempted

    def _attempt(self, delivery: Delivery) -> None:
        secret = self._secrets.get(delivery.target)
        if secret is None:
            delivery.undeliverable(self._clock.now(), f"no webhook is configured for {delivery.target} any more")
        else:
            answer = self._sender.send(webhook_request(delivery, secret, self._clock.now()))
            if answer.accepted:
                delivery.delivered(self._clock.now())
            else:
                delivery.attempt_failed(self._clock.now(), answer.reason, self._policy)
        self._repository.save(delivery)
        if delivery.status is DeliveryStatus.DELIVERED:
            self._metrics.delivered(delivery)
        elif delivery.status is DeliveryStatus.FAILED:
            log.warning(
                "notification %s to %s failed: %s", delivery.notification_id, delivery.target, delivery.last_error
            )
            self._metrics.given_up(delivery)
        else:
            self._metrics.attempt_failed(delivery)

    def run(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set; a failing database is retried with backoff."""
        backoff = 0.5
        while not stop.is_set():
            try:
                attempted = self.deliver_due()
                backoff = 0.5
            except Exception as exc:  # noqa: BLE001 - keep delivering once the database is back
                log.warning("deliverer: %s; retrying in %.1fs", exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if attempted < self._batch_size:
                stop.wait(self._poll_seconds)
