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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from coso_notifications.application.ports import (
    ChannelSender,
    Clock,
    DeliveryMetrics,
    DeliveryRepository,
    WebhookSender,
)
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import Channel, WebhookSubscription
from coso_notifications.domain.webhook import WebhookAnswer, webhook_request

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
        channels: Mapping[Channel, ChannelSender] | None = None,
        webhook_secret: Callable[[str], str | None] | None = None,
        concurrency: int = 1,
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
        self._channels = dict(channels or {})
        self._webhook_secret = webhook_secret
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="deliverer") if concurrency > 1 else None

    def deliver_due(self) -> int:
        """Attempt every delivery due now (at most one batch); return how many were attempted.

        With `concurrency` > 1 the claimed deliveries of a batch are sent by that many threads
        (each claim, attempt and record of a delivery stays in one thread, in order).
        """
        due = self._repository.due(self._clock.now(), self._batch_size)
        if self._pool is None:
            return sum(self._claim_and_attempt(delivery) for delivery in due)
        return sum(self._pool.map(self._claim_and_attempt, due))

    def _claim_and_attempt(self, delivery: Delivery) -> int:
        now = self._clock.now()  # a pass can take long: each claim runs from its own start
        if not self._repository.claim(delivery, now, now + self._claim_for):
            return 0
        self._attempt(delivery)
        return 1

    def _send(self, delivery: Delivery) -> WebhookAnswer | str:
        """The answer of the target, or why no attempt can ever be made."""
        if delivery.channel is Channel.WEBHOOK:
            secret = self._secrets.get(delivery.target)
            if secret is None and self._webhook_secret is not None:
                secret = self._webhook_secret(delivery.target)
            if secret is None:
                return f"no webhook is configured for {delivery.target} any more"
            return self._sender.send(webhook_request(delivery, secret, self._clock.now()))
        channel = self._channels.get(delivery.channel)
        if channel is None:
            return f"the {delivery.channel.value} channel is not configured"
        return channel.send(delivery, self._clock.now())

    def _attempt(self, delivery: Delivery) -> None:
        answer = self._send(delivery)
        if isinstance(answer, str):
            delivery.undeliverable(self._clock.now(), answer)
        elif answer.accepted:
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
