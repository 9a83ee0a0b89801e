"""Tracking deadlines: what the consumer's handlers do with deadline-carrying events.

Admissions' events carry computed deadlines (notifications never computes one); a handler
turns each into a `Deadline` and calls `deadline_set`; an event that meets a deadline (the
decision was taken, the ceremony held) calls `deadline_met`; a candidate withdrawn or
rejected calls `subject_left`. `CandidateProposed` only describes the subject, so that the
reminders can name its enterprise and file reference.

Conditions are tracked the same way: an enterprise that reaches the minimum of official
members without a party organization opens an `enterprise_ready` entry dated that day
(`enterprise_checked`), closed when an organization is founded or members leave.
"""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.admissions import CandidateProposed
from coso_notifications.application.ports import DeadlineBook, PartyPresence
from coso_notifications.domain.deadlines import Deadline, DeadlineKind, ready_for_organization


def candidate_described(book: DeadlineBook, event: CandidateProposed) -> None:
    context = {"enterprise_id": event.enterprise_id, "display_ref": event.display_ref or ""}
    book.describe(event.candidate_id, event.authority_id, context)


def deadline_set(book: DeadlineBook, deadline: Deadline) -> None:
    book.track(deadline)


def deadline_met(book: DeadlineBook, subject: str, kind: DeadlineKind) -> None:
    book.close(subject, kind)


def subject_left(book: DeadlineBook, subject: str) -> None:
    book.close(subject, None)


def enterprise_checked(
    book: DeadlineBook, presence: PartyPresence, enterprise_id: str, authority_id: str, on: date, minimum: int
) -> None:
    """Open or close the enterprise's `enterprise_ready` condition after a change of its members or organizations."""
    official = presence.official_members(enterprise_id)
    if ready_for_organization(official, presence.has_organization(enterprise_id), minimum):
        context = {"official_members": str(official)}
        presence.open_if_absent(Deadline(enterprise_id, DeadlineKind.ENTERPRISE_READY, on, authority_id, context))
    else:
        book.close(enterprise_id, DeadlineKind.ENTERPRISE_READY)
