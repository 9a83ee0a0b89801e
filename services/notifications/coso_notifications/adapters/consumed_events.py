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
- Members (admissions' `MemberEnrolled`, `MemberStatusChanged`, an official
  `MemberTransferReceived`), party organizations (registry's `OrganizationFounded`, `...Renamed`,
  `...Upgraded`, `...Transferred`, `...Dissolved`, and `AuthorityMerged`/`AuthorityDissolved`
  moving them to a successor) and trade unions (`MassOrganizationFounded`,
  `MassMembershipCounted`, `MassOrganizationDissolved`): the conditions `enterprise_ready` (enough
  official members, or a trade union with members, and no organization) and
  `organization_below_minimum`. A member is tied to an organization by its `organization`
  (admissions gives an id or a name: matched against registry's id and name) or by working in
  an enterprise the organization covers.
- Registry's `AuthorityRegistered` and `AuthorityReparented`: who answers to whom
  (`adapters/hierarchy.py`), so that a superior's rule sets cover its subtree.
- Reporting's `PlanBehindSchedule` (a plan's target behind at a checkpoint) tracks the condition
  `plan_behind` dated the checkpoint, told once per checkpoint; `PlanBackOnSchedule` closes it.
"""

from __future__ import annotations

from collections.abc import Callable
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
    MemberTransferReceived,
    ProbationaryMemberRemoved,
    TransferKind,
)
from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityMerged,
    MassMembershipCounted,
    MassOrganizationDissolved,
    MassOrganizationFounded,
    MassOrganizationKind,
    OrganizationDissolved,
    OrganizationFounded,
    OrganizationRenamed,
    OrganizationTransferred,
    OrganizationUpgraded,
)
from coso_backbone.contracts.reporting import PlanBackOnSchedule, PlanBehindSchedule
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers
from coso_notifications.adapters.hierarchy import register_hierarchy_events
from coso_notifications.adapters.sql import SqlScheduleLedger
from coso_notifications.adapters.sql_deadlines import SqlDeadlineBook, SqlPartyPresence
from coso_notifications.application import deadline_tracking
from coso_notifications.application.ports import MinimumInForce
from coso_notifications.application.scheduling import NotificationScheduler
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.rule_book import NotificationRuleBook
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


def register_presence_events(handlers: EventHandlers, minimums: MinimumInForce) -> EventHandlers:
    """Members (admissions), party organizations and trade unions (registry): the conditions
    `enterprise_ready_for_organization` (enough official members, or a trade union with members,
    and no organization) and `organization_below_minimum` (an organization with fewer official
    members than the minimum in force for its authority)."""

    def enterprise(connection: Connection, enterprise_id: str, authority_id: str, on: date) -> None:
        deadline_tracking.enterprise_checked(
            SqlDeadlineBook(connection), SqlPartyPresence(connection), enterprise_id, authority_id, on, minimums
        )

    def organizations(connection: Connection, organization_ids: set[str], on: date) -> None:
        for organization_id in sorted(organization_ids):
            deadline_tracking.organization_checked(
                SqlDeadlineBook(connection), SqlPartyPresence(connection), organization_id, on, minimums
            )

    def member_changed(connection: Connection, member_id: str, on: date, change: Callable[[], None]) -> None:
        """Apply a change to a member; re-check its enterprises and organizations before and after."""
        presence = SqlPartyPresence(connection)
        before, tied = presence.enterprise_of(member_id), set(presence.organizations_of_member(member_id))
        change()
        after = presence.enterprise_of(member_id)
        tied |= set(presence.organizations_of_member(member_id))
        for place in {p for p in (before, after) if p is not None}:
            enterprise(connection, place[0], place[1], on)
        organizations(connection, tied, on)

    def on_member_enrolled(connection: Connection, envelope: Envelope, event: MemberEnrolled) -> None:
        presence = SqlPartyPresence(connection)
        member_changed(
            connection,
            event.member_id,
            event.official_on or event.admitted_on,
            lambda: presence.member(
                event.member_id, event.enterprise_id, event.authority_id, event.status.value, event.organization
            ),
        )

    def on_member_status_changed(connection: Connection, envelope: Envelope, event: MemberStatusChanged) -> None:
        presence = SqlPartyPresence(connection)
        member_changed(
            connection,
            event.member_id,
            event.on,
            lambda: presence.member(event.member_id, None, event.authority_id, event.status.value),
        )

    def on_transfer_received(connection: Connection, envelope: Envelope, event: MemberTransferReceived) -> None:
        if event.kind is not TransferKind.OFFICIAL:
            return  # a temporary transfer keeps the member in its organization
        presence = SqlPartyPresence(connection)
        member_changed(
            connection,
            event.member_id,
            event.on,
            lambda: presence.transferred(event.member_id, event.to_organization, event.to_authority_id),
        )

    def on_organization_founded(connection: Connection, envelope: Envelope, event: OrganizationFounded) -> None:
        SqlPartyPresence(connection).organization(
            event.organization_id, event.enterprise_ids, event.authority_id, event.name, event.official_members
        )
        for enterprise_id in event.enterprise_ids:
            enterprise(connection, enterprise_id, event.authority_id, event.founded_on)
        organizations(connection, {event.organization_id}, event.founded_on)

    def on_organization_changed(
        connection: Connection,
        envelope: Envelope,
        event: OrganizationRenamed | OrganizationUpgraded | OrganizationTransferred,
    ) -> None:
        presence = SqlPartyPresence(connection)
        if isinstance(event, OrganizationRenamed):
            known = presence.organization_changed(event.organization_id, name=event.name)
        elif isinstance(event, OrganizationUpgraded):
            known = presence.organization_changed(event.organization_id, declared=event.official_members)
        else:
            known = presence.organization_changed(event.organization_id, authority_id=event.authority_id)
        if known:
            organizations(connection, {event.organization_id}, event.effective_from)

    def on_organization_dissolved(connection: Connection, envelope: Envelope, event: OrganizationDissolved) -> None:
        for enterprise_id, authority_id in SqlPartyPresence(connection).dissolve(event.organization_id):
            enterprise(connection, enterprise_id, authority_id, event.effective_from)
        organizations(connection, {event.organization_id}, event.effective_from)  # closes its condition

    def on_authority_succeeded(
        connection: Connection, envelope: Envelope, event: AuthorityMerged | AuthorityDissolved
    ) -> None:
        successor = event.successor_id
        if successor is None:
            return
        presence = SqlPartyPresence(connection)
        moved = set(presence.organizations_under(event.authority_id))
        for organization_id in moved:
            presence.organization_changed(organization_id, authority_id=successor)
        organizations(connection, moved, event.effective_from)

    def on_mass_founded(connection: Connection, envelope: Envelope, event: MassOrganizationFounded) -> None:
        SqlPartyPresence(connection).mass_organization(
            event.mass_organization_id, event.kind.value, event.enterprise_id, event.authority_id, event.members
        )
        if event.kind is MassOrganizationKind.TRADE_UNION:
            enterprise(connection, event.enterprise_id, event.authority_id, event.founded_on)

    def on_mass_counted(connection: Connection, envelope: Envelope, event: MassMembershipCounted) -> None:
        place = SqlPartyPresence(connection).mass_counted(event.mass_organization_id, event.members)
        if place is not None:
            enterprise(connection, place[0], place[1], event.counted_on)

    def on_mass_dissolved(connection: Connection, envelope: Envelope, event: MassOrganizationDissolved) -> None:
        place = SqlPartyPresence(connection).mass_dissolved(event.mass_organization_id)
        if place is not None:
            enterprise(connection, place[0], place[1], event.effective_from)

    handlers.on(MemberEnrolled, on_member_enrolled).on(MemberStatusChanged, on_member_status_changed)
    handlers.on(MemberTransferReceived, on_transfer_received)
    handlers.on(OrganizationFounded, on_organization_founded).on(OrganizationDissolved, on_organization_dissolved)
    for changed in (OrganizationRenamed, OrganizationUpgraded, OrganizationTransferred):
        handlers.on(changed, on_organization_changed)
    handlers.on(AuthorityMerged, on_authority_succeeded).on(AuthorityDissolved, on_authority_succeeded)
    handlers.on(MassOrganizationFounded, on_mass_founded).on(MassMembershipCounted, on_mass_counted)
    return handlers.on(MassOrganizationDissolved, on_mass_dissolved)


def register_plan_events(handlers: EventHandlers) -> EventHandlers:
    """Reporting's checkpoints: a target behind schedule at a checkpoint is told once to the
    plan's authority's subscribers (`plan_behind_schedule`); back on schedule closes it."""

    def on_behind(connection: Connection, envelope: Envelope, event: PlanBehindSchedule) -> None:
        context = {
            "title": event.title,
            "plan_id": event.plan_id,
            "indicator": event.indicator.value,
            "checkpoint_kind": event.checkpoint_kind.value,
            "target": str(event.target),
            "achieved": str(event.achieved),
            "progress_percent": f"{event.progress * 100:.1f}",
            "expected_percent": f"{event.expected_share * 100:.1f}",
        }
        subject = plan_target_subject(event.plan_id, event.indicator.value)
        deadline = Deadline(subject, DeadlineKind.PLAN_BEHIND, event.checkpoint, event.authority_id, context)
        deadline_tracking.deadline_set(SqlDeadlineBook(connection), deadline)

    def on_back(connection: Connection, envelope: Envelope, event: PlanBackOnSchedule) -> None:
        subject = plan_target_subject(event.plan_id, event.indicator.value)
        deadline_tracking.deadline_met(SqlDeadlineBook(connection), subject, DeadlineKind.PLAN_BEHIND)

    return handlers.on(PlanBehindSchedule, on_behind).on(PlanBackOnSchedule, on_back)


def plan_target_subject(plan_id: str, indicator: str) -> str:
    return f"{plan_id}/{indicator}"


def event_handlers(scheduler: NotificationScheduler, minimums: MinimumInForce | None = None) -> EventHandlers:
    def on_candidate_proposed(connection: Connection, envelope: Envelope, event: CandidateProposed) -> None:
        scheduler.candidate_proposed(SqlScheduleLedger(connection), trigger_of(envelope), event)
        deadline_tracking.candidate_described(SqlDeadlineBook(connection), event)

    handlers = register_deadline_events(EventHandlers().on(CandidateProposed, on_candidate_proposed))
    handlers = register_presence_events(handlers, minimums or NotificationRuleBook())
    return register_hierarchy_events(register_plan_events(handlers))
