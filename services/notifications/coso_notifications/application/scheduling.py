"""Scheduling: when an event makes a rule fire, record a delivery for each subscribed webhook
(`coso.options.webhooks`) and for each subscription that lists the rule (any channel).

Runs inside the consumer's transaction (the ledger writes on its connection), so the
scheduled notifications and the consumer's checkpoint commit together. A notification that
is already scheduled (same rule, subject and target) is not scheduled again, whatever
redelivered or replayed the event.
"""

from __future__ import annotations

from collections.abc import Sequence

from coso_backbone.contracts.admissions import CandidateProposed
from coso_notifications.application.ports import Clock, ScheduleLedger, Templates
from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel, Rule, WebhookSubscription, notification_id
from coso_notifications.domain.scheduling import Trigger, schedule_deliveries
from coso_notifications.domain.texts import SOURCE_CHANNELS, candidate_proposed_text


class NotificationScheduler:
    def __init__(
        self,
        subscriptions: Sequence[WebhookSubscription],
        clock: Clock,
        templates: Templates | None = None,
        fixed_subscriptions: Sequence[Subscription] = (),
    ) -> None:
        self._subscriptions = list(subscriptions)
        self._clock = clock
        self._templates = templates
        self._fixed = list(fixed_subscriptions)

    def candidate_proposed(self, ledger: ScheduleLedger, trigger: Trigger, event: CandidateProposed) -> list[str]:
        """Schedule the `candidate_proposed` notifications; return the ids newly scheduled."""
        deliveries = schedule_deliveries(
            Rule.CANDIDATE_PROPOSED,
            event.candidate_id,
            candidate_proposed_text(event),
            event.model_dump(mode="json"),
            trigger,
            self._subscriptions,
            self._clock.now(),
        )
        deliveries += self._to_subscribers(ledger, Rule.CANDIDATE_PROPOSED, trigger, event)
        return self._schedule(ledger, deliveries)

    def _to_subscribers(
        self, ledger: ScheduleLedger, rule: Rule, trigger: Trigger, event: CandidateProposed
    ) -> list[Delivery]:
        """Deliveries to the subscriptions that list the rule, for the event's authority subtree."""
        if self._templates is None:
            return []
        data = event.model_dump(mode="json")
        context = {
            **event.model_dump(),
            "source_channel_label": SOURCE_CHANNELS.get(event.source_channel, event.source_channel.value),
        }
        deliveries = []
        for subscription in [*self._fixed, *ledger.subscriptions()]:
            if not subscription.hears(rule, frozenset(), event.authority_id):
                continue
            target = subscription.target
            key = target if subscription.channel is Channel.WEBHOOK else f"{subscription.channel.value}:{target}"
            nid = notification_id(rule, event.candidate_id, key)
            message = self._templates.render(rule, subscription.channel, subscription.language, context)
            payload = {
                "notification_id": nid,
                "rule": rule.value,
                "subject": event.candidate_id,
                "title": message.title,
                "text": message.text,
                "language": message.language,
                "event": trigger.as_dict(),
                "data": data,
            }
            deliveries.append(
                Delivery.schedule(
                    nid,
                    rule,
                    event.candidate_id,
                    target,
                    event.authority_id,
                    payload,
                    self._clock.now(),
                    channel=subscription.channel,
                )
            )
        return deliveries

    @staticmethod
    def _schedule(ledger: ScheduleLedger, deliveries: Sequence[Delivery]) -> list[str]:
        scheduled: list[str] = []
        for delivery in deliveries:
            if delivery.notification_id in scheduled or ledger.is_scheduled(delivery.notification_id):
                continue
            ledger.add(delivery)
            scheduled.append(delivery.notification_id)
        return scheduled
