"""The notifications composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.eventstore import EventStore
from coso_backbone.handlers import EventHandlers
from coso_notifications.adapters.clock import SystemClock
from coso_notifications.adapters.consumed_events import event_handlers
from coso_notifications.adapters.metrics import PrometheusDeliveryMetrics, report_pending
from coso_notifications.adapters.sql import SqlDeliveries, SqlDeliveryQueries
from coso_notifications.adapters.webhook_sender import HttpWebhookSender
from coso_notifications.application.delivering import Deliverer
from coso_notifications.application.delivery_log import DeliveryLog
from coso_notifications.application.options import NotificationOptions
from coso_notifications.application.ports import Clock, WebhookSender
from coso_notifications.application.scheduling import NotificationScheduler

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
CONSUMER = "notifications"
CONSUMES = ("admissions",)


class NotificationsApp:
    """What the entrypoints get: the delivery log and the store behind it."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        self.log = DeliveryLog(SqlDeliveryQueries(store))


def build(settings: CosoSettings) -> NotificationsApp:
    store = wiring.event_store(settings)
    report_pending(SqlDeliveries(store).pending_count)
    return NotificationsApp(settings, store)


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def options_of(settings: CosoSettings) -> NotificationOptions:
    """The checked `coso.options`; raises a NotificationsError or pydantic's ValidationError."""
    return NotificationOptions.parse(settings.options)


def handlers(settings: CosoSettings, clock: Clock | None = None) -> EventHandlers:
    options = options_of(settings)
    return event_handlers(NotificationScheduler(options.subscriptions(), clock or SystemClock()))


def deliverer(
    settings: CosoSettings, store: EventStore, clock: Clock | None = None, sender: WebhookSender | None = None
) -> Deliverer:
    options = options_of(settings)
    return Deliverer(
        SqlDeliveries(store),
        sender or HttpWebhookSender(options.request_timeout_seconds),
        clock or SystemClock(),
        options.retry_policy(),
        options.subscriptions(),
        PrometheusDeliveryMetrics(),
        batch_size=options.batch_size,
        # A claim outlives the longest request, so a live deliverer's claim never expires under it.
        claim_for=timedelta(seconds=options.request_timeout_seconds + 60),
        poll_seconds=options.poll_seconds,
    )


def worker_loops(settings: CosoSettings, consumer_name: str = CONSUMER) -> list[tuple[str, wiring.Loop]]:
    """The worker publishes notifications' events, consumes admissions' and delivers."""
    store = wiring.event_store(settings)
    consumer = wiring.consumer(settings, store, handlers(settings), consumer_name)
    report_pending(SqlDeliveries(store).pending_count)
    return [
        wiring.relay_loop(settings, store),
        wiring.consumer_loop(settings, consumer, CONSUMES),
        ("deliverer", deliverer(settings, store).run),
    ]


def consumer_names(settings: CosoSettings) -> list[str]:
    return [CONSUMER]
