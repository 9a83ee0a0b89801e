"""The events notifications consumes, and what each one does (the consumer's handlers)."""

from __future__ import annotations

from sqlalchemy import Connection

from coso_backbone.contracts.admissions import CandidateProposed
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers
from coso_notifications.adapters.sql import SqlScheduleLedger
from coso_notifications.application.scheduling import NotificationScheduler
from coso_notifications.domain.scheduling import Trigger


def trigger_of(envelope: Envelope) -> Trigger:
    return Trigger(
        event_type=envelope.type,
        event_id=envelope.id,
        source=envelope.source,
        authority=envelope.authority,
        time=envelope.time,
    )


def event_handlers(scheduler: NotificationScheduler) -> EventHandlers:
    def on_candidate_proposed(connection: Connection, envelope: Envelope, event: CandidateProposed) -> None:
        scheduler.candidate_proposed(SqlScheduleLedger(connection), trigger_of(envelope), event)

    return EventHandlers().on(CandidateProposed, on_candidate_proposed)
