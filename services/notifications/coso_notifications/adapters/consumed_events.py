"""The events notifications consumes, and what each one does (the consumer's handlers).

- `CandidateProposed`: the `candidate_proposed` rule fires (webhooks of `coso.options.webhooks`),
  and the candidate is described (enterprise, file reference) for later deadline reminders.
- Admissions' pipeline events carry the deadlines admissions computed; each becomes a
  `Deadline` in the deadline book (`deadline_tracking.deadline_set`); the step that meets a
  deadline closes it (`deadline_met`); a candidate who leaves the pipeline (recognised,
  removed, withdrawn, rejected) closes all of its deadlines (`subject_left`):

  | event | deadlines |
  |---|---|
  | ApplicationSubmitted | file_expiry ← file_expires_on |
  | GrassrootsResolved, DecisionDeadlineExtended | decision_due ← decision_due (an extension moves it) |
  | AdmissionDecided | decision_due and file_expiry met; ceremony_due ← ceremony_due |
  | AdmissionCeremonyHeld | ceremony_due met; probation_end ← probation_ends_on; recognition_due ← recognition_due |
  | MemberRecognised, ProbationaryMemberRemoved, CandidateWithdrawn, CandidateRejected | all closed |
- Members (admissions' `MemberEnrolled`, `MemberStatusChanged`) and party organizations
  (registry's `OrganizationFounded`, `OrganizationDissolved`) per enterprise: the
  `enterprise_ready` condition of an enterprise with enough official members and no organization.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from coso_backbone.contracts.admissions import (
    AdmissionCeremonyHeld,
    AdmissionDecided,
    ApplicationSubmitted,
    CandidateProposed,
    CandidateRejected,
    CandidateStep,
    CandidateWithdrawn,
    DecisionDeadlineExtended,
    GrassrootsResolved,
    MemberEnrolled,
    MemberRecognised,
    MemberStatusChanged,
    ProbationaryMemberRemoved,
)
from coso_backbone.contracts.registry import OrganizationDissolved, OrganizationFounded
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers
from coso_notifications.adapters.sql import SqlScheduleLedger
from coso_notifications.adapters.sql_deadlines import SqlDeadlineBook, SqlPartyPresence
from coso_notifications.application import deadline_tracking
from coso_notifications.application.scheduling import NotificationScheduler
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.scheduling import Trigger


def trigger_of(envelope: Envelope) -> Trigger:
    return Trigger(
        event_type=envelope.type,
        event_id=envelope.id,
        source=envelope.source,
        authority=envelope.authority,
        time=envelope.time,
    )


def _deadline(event: CandidateStep, kind: DeadlineKind, due_on: date) -> Deadline:
    return Deadline(event.candidate_id, kind, due_on, event.authority_id, {"body": event.body})


def register_deadline_events(handlers: EventHandlers) -> EventHandlers:
    """Admissions' pipeline events: the deadlines they carry, and the steps that meet them.

    A new deadline-carrying event plugs in here: map its fields to a `Deadline` and call
    `deadline_tracking.deadline_set`; the scheduler needs nothing else.
    """

    def on_application_submitted(connection: Connection, envelope: Envelope, event: ApplicationSubmitted) -> None:
        book = SqlDeadlineBook(connection)
        deadline_tracking.deadline_set(book, _deadline(event, DeadlineKind.FILE_EXPIRY, event.file_expires_on))

    def on_decision_due(
        connection: Connection, envelope: Envelope, event: GrassrootsResolved | DecisionDeadlineExtended
    ) -> None:
        book = SqlDeadlineBook(connection)
        deadline_tracking.deadline_set(book, _deadline(event, DeadlineKind.DECISION_DUE, event.decision_due))

    def on_admission_decided(connection: Connection, envelope: Envelope, event: AdmissionDecided) -> None:
        book = SqlDeadlineBook(connection)
        deadline_tracking.deadline_met(book, event.candidate_id, DeadlineKind.DECISION_DUE)
        deadline_tracking.deadline_met(book, event.candidate_id, DeadlineKind.FILE_EXPIRY)  # decided in time
        deadline_tracking.deadline_set(book, _deadline(event, DeadlineKind.CEREMONY_DUE, event.ceremony_due))

    def on_ceremony_held(connection: Connection, envelope: Envelope, event: AdmissionCeremonyHeld) -> None:
        book = SqlDeadlineBook(connection)
        deadline_tracking.deadline_met(book, event.candidate_id, DeadlineKind.CEREMONY_DUE)
        deadline_tracking.deadline_set(book, _deadline(event, DeadlineKind.PROBATION_END, event.probation_ends_on))
        deadline_tracking.deadline_set(book, _deadline(event, DeadlineKind.RECOGNITION_DUE, event.recognition_due))

    def on_left_the_pipeline(
        connection: Connection,
        envelope: Envelope,
        event: MemberRecognised | ProbationaryMemberRemoved | CandidateWithdrawn | CandidateRejected,
    ) -> None:
        deadline_tracking.subject_left(SqlDeadlineBook(connection), event.candidate_id)

    handlers.on(ApplicationSubmitted, on_application_submitted)
    handlers.on(GrassrootsResolved, on_decision_due).on(DecisionDeadlineExtended, on_decision_due)
    handlers.on(AdmissionDecided, on_admission_decided).on(AdmissionCeremonyHeld, on_ceremony_held)
    for leaving in (MemberRecognised, ProbationaryMemberRemoved, CandidateWithdrawn, CandidateRejected):
        handlers.on(leaving, on_left_the_pipeline)
    return handlers


def register_presence_events(handlers: EventHandlers, minimum: int) -> EventHandlers:
    """Members (admissions) and party organizations (registry) per enterprise: the
    `enterprise_ready_for_organization` condition opens when an enterprise reaches `minimum`
    official members without an organization, and closes when one is founded."""

    def check(connection: Connection, enterprise_id: str, authority_id: str, on: date) -> None:
        deadline_tracking.enterprise_checked(
            SqlDeadlineBook(connection), SqlPartyPresence(connection), enterprise_id, authority_id, on, minimum
        )

    def on_member_enrolled(connection: Connection, envelope: Envelope, event: MemberEnrolled) -> None:
        presence = SqlPartyPresence(connection)
        presence.member(event.member_id, event.enterprise_id, event.authority_id, event.status.value)
        if event.enterprise_id is not None:
            check(connection, event.enterprise_id, event.authority_id, event.official_on or event.admitted_on)

    def on_member_status_changed(connection: Connection, envelope: Envelope, event: MemberStatusChanged) -> None:
        presence = SqlPartyPresence(connection)
        presence.member(event.member_id, None, event.authority_id, event.status.value)
        known = presence.enterprise_of(event.member_id)
        if known is not None:
            check(connection, known[0], known[1], event.on)

    def on_organization_founded(connection: Connection, envelope: Envelope, event: OrganizationFounded) -> None:
        SqlPartyPresence(connection).organization(event.organization_id, event.enterprise_ids, event.authority_id)
        for enterprise_id in event.enterprise_ids:
            check(connection, enterprise_id, event.authority_id, event.founded_on)

    def on_organization_dissolved(connection: Connection, envelope: Envelope, event: OrganizationDissolved) -> None:
        for enterprise_id, authority_id in SqlPartyPresence(connection).dissolve(event.organization_id):
            check(connection, enterprise_id, authority_id, event.effective_from)

    handlers.on(MemberEnrolled, on_member_enrolled).on(MemberStatusChanged, on_member_status_changed)
    return handlers.on(OrganizationFounded, on_organization_founded).on(
        OrganizationDissolved, on_organization_dissolved
    )


def event_handlers(scheduler: NotificationScheduler, minimum_official_members: int = 3) -> EventHandlers:
    def on_candidate_proposed(connection: Connection, envelope: Envelope, event: CandidateProposed) -> None:
        scheduler.candidate_proposed(SqlScheduleLedger(connection), trigger_of(envelope), event)
        deadline_tracking.candidate_described(SqlDeadlineBook(connection), event)

    handlers = register_deadline_events(EventHandlers().on(CandidateProposed, on_candidate_proposed))
    return register_presence_events(handlers, minimum_official_members)
