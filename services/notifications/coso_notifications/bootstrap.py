"""The notifications composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer
from coso_backbone.contracts.rules import NotificationRulesAdopted
from coso_backbone.eventstore import EventStore
from coso_backbone.handlers import EventHandlers
from coso_backbone.rulesets.records import SqlRuleSets
from coso_notifications.adapters.channels import AmqpExchangeSender, FeedSender, SmtpEmailSender
from coso_notifications.adapters.clock import SystemClock
from coso_notifications.adapters.consumed_events import event_handlers
from coso_notifications.adapters.hierarchy import authority_lineage
from coso_notifications.adapters.metrics import PrometheusDeliveryMetrics, PrometheusSchedulerMetrics, report_pending
from coso_notifications.adapters.sql import SqlDeliveries, SqlDeliveryQueries
from coso_notifications.adapters.sql_deadlines import SqlReminders, SqlSubscriptions
from coso_notifications.adapters.templates import JinjaTemplates
from coso_notifications.adapters.webhook_sender import HttpWebhookSender
from coso_notifications.adapters.working_days import national_calendar
from coso_notifications.application.deadline_scheduler import DeadlineScheduler
from coso_notifications.application.delivering import Deliverer
from coso_notifications.application.delivery_log import DeliveryLog
from coso_notifications.application.options import NotificationOptions
from coso_notifications.application.ports import ChannelSender, Clock, WebhookSender
from coso_notifications.application.rules import NotificationRuleSets
from coso_notifications.application.scheduling import NotificationScheduler
from coso_notifications.application.subscriptions import Subscriptions
from coso_notifications.domain.calendar import WorkingCalendar
from coso_notifications.domain.rules import Channel

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
CONSUMER = "notifications"
CONSUMES = ("admissions", "registry", "reporting")
# The consumer of the rules superiors' stacks adopt, sent down a link (exchange notifications.superior-rules).
SUPERIOR_RULES_CONSUMER = "notifications-superior-rules"


class NotificationsApp:
    """What the entrypoints get: the delivery log, the subscriptions, the rules and the store behind them."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        self.log = DeliveryLog(SqlDeliveryQueries(store))
        self.subscriptions = Subscriptions(SqlSubscriptions(store))
        self.rules = rule_sets(settings, store)


def build(settings: CosoSettings) -> NotificationsApp:
    store = wiring.event_store(settings)
    report_pending(SqlDeliveries(store).pending_count)
    return NotificationsApp(settings, store)


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def options_of(settings: CosoSettings) -> NotificationOptions:
    """The checked `coso.options`; raises a NotificationsError or pydantic's ValidationError."""
    return NotificationOptions.parse(settings.options)


def rule_sets(settings: CosoSettings, store: EventStore, clock: Clock | None = None) -> NotificationRuleSets:
    """The rules in force: defaults, options, and the rule sets of the store (adopted here or
    received), over the hierarchy the consumer keeps; "today" is the calendar's."""
    options = options_of(settings)
    zone, time = options.calendar.zone(), clock or SystemClock()

    def today() -> date:
        return time.now().astimezone(zone).date()

    return NotificationRuleSets(
        SqlRuleSets(store, settings.source), options.rulebook(), today, authority_lineage(store)
    )


def handlers(settings: CosoSettings, store: EventStore, clock: Clock | None = None) -> EventHandlers:
    options = options_of(settings)
    scheduler = NotificationScheduler(
        options.subscriptions(),
        clock or SystemClock(),
        JinjaTemplates(options.templates_dir or None),
        options.fixed_subscriptions(),
    )
    return event_handlers(scheduler, rule_sets(settings, store, clock))


def calendar(settings: CosoSettings) -> WorkingCalendar:
    option = options_of(settings).calendar
    return national_calendar(option.country, option.extra_holidays, option.extra_working_days, option.weekend)


def deadline_scheduler(settings: CosoSettings, store: EventStore, clock: Clock | None = None) -> DeadlineScheduler:
    options = options_of(settings)
    return DeadlineScheduler(
        SqlReminders(store),
        rule_sets(settings, store, clock),
        calendar(settings),
        clock or SystemClock(),
        options.calendar.zone(),
        JinjaTemplates(options.templates_dir or None),
        options.fixed_subscriptions(),
        batch_size=options.scheduler_batch_size,
        poll_seconds=options.scheduler_poll_seconds,
        metrics=PrometheusSchedulerMetrics(),
        digest_hour=options.digest_hour,
    )


def channels(settings: CosoSettings) -> dict[Channel, ChannelSender]:
    """The non-webhook channels: the feed always, email when an SMTP host is set, AMQP always."""
    options = options_of(settings)
    chosen: dict[Channel, ChannelSender] = {
        Channel.FEED: FeedSender(),
        Channel.AMQP: AmqpExchangeSender(options.amqp.uri or settings.amqp_uri, options.request_timeout_seconds),
    }
    if options.email.host:
        email = options.email
        chosen[Channel.EMAIL] = SmtpEmailSender(
            email.host,
            email.port,
            email.sender,
            email.sender_name,
            email.username,
            email.password,
            email.starttls,
            options.request_timeout_seconds,
        )
    return chosen


def deliverer(
    settings: CosoSettings, store: EventStore, clock: Clock | None = None, sender: WebhookSender | None = None
) -> Deliverer:
    options = options_of(settings)
    fixed_secrets = {s.target: s.secret for s in options.fixed_subscriptions() if s.channel is Channel.WEBHOOK}
    subscriptions = SqlSubscriptions(store)

    def webhook_secret(url: str) -> str | None:
        return fixed_secrets.get(url) or subscriptions.secret_for(url)

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
        channels=channels(settings),
        webhook_secret=webhook_secret,
        concurrency=options.concurrency,
    )


def superior_rules_consumer(settings: CosoSettings, store: EventStore) -> Consumer:
    """The consumer of the `RulesAdopted` superiors' stacks send down a link into this stack's
    `notifications.superior-rules` exchange, which no other consumer reads."""
    return wiring.superior_rules_consumer(settings, store, NotificationRulesAdopted, SUPERIOR_RULES_CONSUMER)


def superior_sources(settings: CosoSettings) -> bool:
    """Whether a link brings a superior's notification rules down here (`coso-link service-config`)."""
    return wiring.superior_sources(settings, "notifications")


def worker_loops(settings: CosoSettings, consumer_name: str = CONSUMER) -> list[tuple[str, wiring.Loop]]:
    """The worker publishes notifications' events, consumes admissions', registry's and
    reporting's, applies the rules its superiors adopt, schedules deadline reminders and delivers."""
    store = wiring.event_store(settings)
    consumer = wiring.consumer(settings, store, handlers(settings, store), consumer_name)
    report_pending(SqlDeliveries(store).pending_count)
    loops = [
        wiring.relay_loop(settings, store),
        wiring.consumer_loop(settings, consumer, CONSUMES),
        ("deadline-scheduler", deadline_scheduler(settings, store).run),
        ("deliverer", deliverer(settings, store).run),
    ]
    if superior_sources(settings):
        rules = superior_rules_consumer(settings, store)
        loops.append(wiring.superior_rules_loop(settings, rules, NotificationRulesAdopted))
    return loops


def consumer_names(settings: CosoSettings) -> list[str]:
    return [CONSUMER, SUPERIOR_RULES_CONSUMER] if superior_sources(settings) else [CONSUMER]
