"""Scheduling: when an event makes a rule fire, record a delivery for each subscribed webhook.

Runs inside the consumer's transaction (the ledger writes on its connection), so the
scheduled notifications and the consumer's checkpoint commit together. A notification that
is already scheduled (same rule, subject and target) is not scheduled again, whatever
redelivered or replayed the event.
"""

from __future__ import annotations

from collections.abc import Sequence

from coso_backbone.contracts.admissions import CandidateProposed
from coso_notifications.application.ports import Clock, ScheduleLedger
from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.rules import Rule, WebhookSubscription
from coso_notifications.domain.scheduling import Trigger, schedule_deliveries
from coso_notifications.domain.texts import candidate_proposed_text


class NotificationScheduler:
    def __init__(self, subscriptions: Sequence[WebhookSubscription], clock: Clock) -> None:
        self._subscriptions = list(subscriptions)
        self._clock = clock

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
        return self._schedule(ledger, deliveries)

    @staticmethod
    def _schedule(ledger: ScheduleLedger, deliveries: Sequence[Delivery]) -> list[str]:
        scheduled = []
        for delivery in deliveries:
            if ledger.is_scheduled(delivery.notification_id):
                continue
            ledger.add(delivery)
            scheduled.append(delivery.notification_id)
        return scheduled
