"""Prometheus metrics of deliveries (sent, failed attempts, given up, pending) and of the
deadline scheduler (reminders scheduled, rules fired, pass duration).

`coso_notifications_pending` is read from the delivery log when Prometheus scrapes, so the
API process and the worker report the same number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from coso_notifications.domain.delivery import Delivery

log = logging.getLogger(__name__)

SENT = Counter("coso_notifications_sent_total", "Notifications the target accepted", ["channel", "rule"])
ATTEMPTS_FAILED = Counter(
    "coso_notifications_attempts_failed_total", "Failed delivery attempts that will be retried", ["channel", "rule"]
)
FAILED = Counter(
    "coso_notifications_failed_total", "Notifications given up after the last attempt", ["channel", "rule"]
)
REMINDERS_SCHEDULED = Counter(
    "coso_notifications_reminders_scheduled_total", "Deadline reminders scheduled by the scheduler"
)
DEADLINES_FIRED = Counter("coso_notifications_deadline_rules_fired_total", "Deadline rules fired for a deadline")
SCHEDULER_PASS = Histogram(
    "coso_notifications_scheduler_pass_seconds",
    "Duration of one deadline scheduler pass",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60),
)
PENDING = Gauge("coso_notifications_pending", "Notifications scheduled and neither delivered nor given up")


class PrometheusDeliveryMetrics:
    def delivered(self, delivery: Delivery) -> None:
        SENT.labels(delivery.channel.value, delivery.rule.value).inc()

    def attempt_failed(self, delivery: Delivery) -> None:
        ATTEMPTS_FAILED.labels(delivery.channel.value, delivery.rule.value).inc()

    def given_up(self, delivery: Delivery) -> None:
        FAILED.labels(delivery.channel.value, delivery.rule.value).inc()


class PrometheusSchedulerMetrics:
    def pass_done(self, result: Any, seconds: float) -> None:
        REMINDERS_SCHEDULED.inc(result.scheduled)
        DEADLINES_FIRED.inc(result.fired)
        SCHEDULER_PASS.observe(seconds)


def report_pending(count: Callable[[], int]) -> None:
    """Have the pending gauge ask `count` at each scrape (NaN while the database fails)."""

    def read() -> float:
        try:
            return float(count())
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("metrics: cannot count pending notifications: %s", exc)
            return float("nan")

    PENDING.set_function(read)
