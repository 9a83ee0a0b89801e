"""Tracking deadlines: what the consumer's handlers do with deadline-carrying events.

Admissions' events carry computed deadlines (notifications never computes one); a handler
turns each into a `Deadline` and calls `deadline_set`; an event that meets a deadline (the
decision was taken, the ceremony held) calls `deadline_met`; a candidate withdrawn or
rejected calls `subject_left`. `CandidateProposed` only describes the subject, so that the
reminders can name its enterprise and file reference.

Conditions are tracked the same way: an enterprise that reaches the minimum of official
members, or has a trade union with members, without a party organization opens an
`enterprise_ready` entry dated that day (`enterprise_checked`), closed when an organization is
founded or the members leave; a party organization that falls below the minimum of official
members opens an `organization_below_minimum` entry (`organization_checked`), closed when it
recovers or is dissolved. The minimum is the one in force for the authority on that day
(options, or rules adopted here or by a superior).
"""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.admissions import CandidateProposed
from coso_notifications.application.ports import DeadlineBook, MinimumInForce, PartyPresence
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.membership import OrganizationStrength, ready_for_organization


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
    book: DeadlineBook,
    presence: PartyPresence,
    enterprise_id: str,
    authority_id: str,
    on: date,
    minimums: MinimumInForce,
) -> None:
    """Open or close the enterprise's `enterprise_ready` condition after a change of its
    members, trade unions or organizations."""
    official = presence.official_members(enterprise_id)
    union = presence.union_members(enterprise_id)
    minimum = minimums.minimum(authority_id, on)
    if ready_for_organization(official, union, presence.has_organization(enterprise_id), minimum):
        context = {"official_members": str(official), "union_members": str(union), "minimum": str(minimum)}
        presence.open_if_absent(Deadline(enterprise_id, DeadlineKind.ENTERPRISE_READY, on, authority_id, context))
    else:
        book.close(enterprise_id, DeadlineKind.ENTERPRISE_READY)


def organization_checked(
    book: DeadlineBook, presence: PartyPresence, organization_id: str, on: date, minimums: MinimumInForce
) -> None:
    """Open or close the organization's `organization_below_minimum` condition after a change
    of its members or of the organization.

    Once per breach: the condition is dated the day the breach began and fires once for that
    date; it closes when the organization recovers (or is dissolved), so a later breach is a
    new date and fires again.
    """
    found = presence.strength(organization_id)
    if found is None:
        book.close(organization_id, DeadlineKind.ORGANIZATION_BELOW_MINIMUM)
        return
    strength, authority_id, name = found
    minimum = minimums.minimum(authority_id, on)
    if not strength.armed and strength.known >= minimum:
        presence.arm(organization_id)
        strength = OrganizationStrength(strength.declared, strength.known, armed=True)
    if strength.below(minimum):
        context = {"official_members": str(strength.counted()), "minimum": str(minimum), "name": name}
        presence.open_if_absent(
            Deadline(organization_id, DeadlineKind.ORGANIZATION_BELOW_MINIMUM, on, authority_id, context)
        )
    else:
        book.close(organization_id, DeadlineKind.ORGANIZATION_BELOW_MINIMUM)
