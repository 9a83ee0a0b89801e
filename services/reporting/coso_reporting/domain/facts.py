"""The facts of a run of events: what they change in the fact tables, worked out in memory.

The fact tables (adapters/tables.py, `reporting_fact_*`) hold what the reports other than
the indicator counts need: enterprises (where, how big, since when, still operating), party
and mass organizations, members, ratings and the candidates' steps. A run of events is
applied here to the rows it touches, loaded beforehand (`fact_keys` says which); the adapter
then writes the final rows in a statement or two per table, so a page of 5,000 events costs
about as many statements as one event.

Rows are plain dicts named like the columns; days are ISO strings (`YYYY-MM-DD`), so they
compare as dates. An event about something not recorded yet (a count for an enterprise
whose registration comes later, a rating of an unknown organization) keeps its data in a
row of its own whose other columns stay empty until the record arrives: the two sources'
events are not ordered with each other, and the reports skip rows that are not complete.

Histories a report "as of a day" needs are kept where they matter: an enterprise's places
(authority and industrial zone from a day on), the days an organization was founded and
ended, a member's admission, recognition and leaving, every step of a candidate with the
deadline it set. The latest worker count and membership count stand for every day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from coso_backbone.contracts import EventContract
from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_reporting.domain.errors import DuplicateRecord

Row = dict[str, Any]

ENDED_MEMBER_STATUSES = frozenset({"transferred_out", "deceased", "removed"})

# The step each pipeline event records, and the deadline (field) it sets, if any.
STEP_OF: dict[type[EventContract], tuple[str, str | None]] = {
    a.AwarenessClassAttended: ("awareness_class", None),
    a.ApplicationSubmitted: ("application_submitted", "file_expires_on"),
    a.BackgroundVerified: ("background_verified", None),
    a.CandidateIntroduced: ("introduced", None),
    a.CellVoted: ("cell_voted", None),
    a.GrassrootsResolved: ("grassroots_resolved", "decision_due"),
    a.DecisionDeadlineExtended: ("decision_extended", "decision_due"),
    a.AdmissionDecided: ("admission_decided", "ceremony_due"),
    a.AdmissionCeremonyHeld: ("ceremony_held", "recognition_due"),
    a.MemberRecognised: ("recognised", None),
    a.ProbationaryMemberRemoved: ("probationary_removed", None),
    a.CandidateWithdrawn: ("withdrawn", None),
    a.CandidateRejected: ("rejected", None),
}

REGISTRY_EVENTS: tuple[type[EventContract], ...] = (
    r.EnterpriseRegistered,
    r.EnterpriseUpdated,
    r.EnterpriseMoved,
    r.EnterpriseSuspended,
    r.EnterpriseResumed,
    r.EnterpriseClosed,
    r.WorkforceCounted,
    r.OrganizationFounded,
    r.OrganizationRenamed,
    r.OrganizationUpgraded,
    r.OrganizationTransferred,
    r.OrganizationDissolved,
    r.OrganizationsMerged,
    r.OrganizationMergedInto,
    r.OrganizationRated,
    r.MassOrganizationFounded,
    r.MassMembershipCounted,
    r.MassOrganizationDissolved,
)
ADMISSIONS_EVENTS: tuple[type[EventContract], ...] = (
    a.CandidateProposed,
    *STEP_OF,
    a.MemberEnrolled,
    a.MemberStatusChanged,
    a.MemberTransferReceived,
    a.MemberRated,
)
FACT_EVENTS = REGISTRY_EVENTS + ADMISSIONS_EVENTS

ENTERPRISE_COLUMNS = (
    "authority_id",
    "industrial_zone_id",
    "ownership",
    "worker_count",
    "workers_counted_on",
    "registered_on",
    "status",
    "status_since",
    "closed_on",
)
ORGANIZATION_COLUMNS = (
    "name",
    "kind",
    "authority_id",
    "founded_on",
    "ended_on",
    "ended_by",
    "successor_id",
    "official_members",
)
MASS_COLUMNS = ("kind", "enterprise_id", "authority_id", "founded_on", "dissolved_on", "members", "members_counted_on")
MEMBER_COLUMNS = (
    "authority_id",
    "organization",
    "enterprise_id",
    "job_category",
    "status",
    "admitted_on",
    "official_on",
    "ended_on",
)


@dataclass(frozen=True)
class FactKeys:
    """The records a run of events reads and changes (their rows are loaded first)."""

    enterprises: frozenset[str]
    organizations: frozenset[str]
    mass_organizations: frozenset[str]
    members: frozenset[str]


def fact_keys(events: Iterable[EventContract]) -> FactKeys:
    enterprises: set[str] = set()
    organizations: set[str] = set()
    mass: set[str] = set()
    members: set[str] = set()
    for event in events:
        sort = sort_of(type(event))
        if sort == "member":
            members.add(event.member_id)  # type: ignore[attr-defined]
        elif sort == "enterprise":
            enterprises.add(event.enterprise_id)  # type: ignore[attr-defined]
        elif sort == "mass_organization":
            mass.add(event.mass_organization_id)  # type: ignore[attr-defined]
        elif isinstance(event, r.OrganizationsMerged):
            organizations.add(event.organization_id)
            organizations.update(event.merged_ids)
        elif sort == "organization":
            organizations.add(event.organization_id)  # type: ignore[attr-defined]
    return FactKeys(frozenset(enterprises), frozenset(organizations), frozenset(mass), frozenset(members))


@cache
def sort_of(event_type: type[EventContract]) -> str:
    """Which record an event of this type is about: `enterprise`, `organization`,
    `mass_organization`, `member`, or `other` (ratings, candidates and their steps, events
    the fact tables ignore). Worked out once per type: a chain of `isinstance` tests for
    each event of a rebuild's pages cost a tenth of its time."""
    if issubclass(event_type, ENTERPRISE_EVENTS):
        return "enterprise"
    if issubclass(event_type, (*ORGANIZATION_EVENTS, r.OrganizationsMerged)):
        return "organization"
    if issubclass(event_type, MASS_EVENTS):
        return "mass_organization"
    if issubclass(event_type, MEMBER_EVENTS):
        return "member"
    return "other"


@cache
def is_fact_event(event_type: type[EventContract]) -> bool:
    """Whether the fact tables care about events of this type (once per type)."""
    return issubclass(event_type, FACT_EVENTS)


ENTERPRISE_EVENTS = (
    r.EnterpriseRegistered,
    r.EnterpriseUpdated,
    r.EnterpriseMoved,
    r.EnterpriseSuspended,
    r.EnterpriseResumed,
    r.EnterpriseClosed,
    r.WorkforceCounted,
)
ORGANIZATION_EVENTS = (
    r.OrganizationFounded,
    r.OrganizationRenamed,
    r.OrganizationUpgraded,
    r.OrganizationTransferred,
    r.OrganizationDissolved,
    r.OrganizationMergedInto,
)
MASS_EVENTS = (r.MassOrganizationFounded, r.MassMembershipCounted, r.MassOrganizationDissolved)
MEMBER_EVENTS = (a.MemberEnrolled, a.MemberStatusChanged, a.MemberTransferReceived)


@dataclass
class FactBatch:
    """The rows a run of events leaves behind, starting from the stored rows it touches.

    `enterprises`, `organizations`, `mass_organizations`, `members`: the final rows of every
    record touched (keyed by id, without the id column). The other dicts hold rows to
    upsert by their composite key; `organization_enterprises` replaces each listed
    organization's set of enterprises.
    """

    enterprises: dict[str, Row] = field(default_factory=dict)
    organizations: dict[str, Row] = field(default_factory=dict)
    mass_organizations: dict[str, Row] = field(default_factory=dict)
    members: dict[str, Row] = field(default_factory=dict)
    places: dict[tuple[str, str], Row] = field(default_factory=dict)
    organization_enterprises: dict[str, list[str]] = field(default_factory=dict)
    organization_ratings: dict[tuple[str, int], Row] = field(default_factory=dict)
    member_ratings: dict[tuple[str, int], Row] = field(default_factory=dict)
    candidates: dict[str, Row] = field(default_factory=dict)
    steps: dict[tuple[str, str], Row] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)  # names of the dicts above that changed

    @classmethod
    def starting_from(
        cls,
        enterprises: Mapping[str, Row],
        organizations: Mapping[str, Row],
        mass_organizations: Mapping[str, Row],
        members: Mapping[str, Row],
    ) -> FactBatch:
        return cls(
            enterprises={k: dict(v) for k, v in enterprises.items()},
            organizations={k: dict(v) for k, v in organizations.items()},
            mass_organizations={k: dict(v) for k, v in mass_organizations.items()},
            members={k: dict(v) for k, v in members.items()},
        )

    def add_all(self, events: Sequence[EventContract]) -> None:
        for event in events:
            self.add(event)

    def add(self, event: EventContract) -> None:
        sort = sort_of(type(event))
        if sort == "member":  # the most numerous first
            self._member(event)
        elif sort == "enterprise":
            self._enterprise(event)
        elif sort == "organization":
            self._organization(event)
        elif isinstance(event, r.OrganizationRated):
            self.organization_ratings[(event.organization_id, event.year)] = {
                "authority_id": event.authority_id,
                "level": event.level.value,
                "score": float(event.score),
            }
            self.changed.add("organization_ratings")
        elif sort == "mass_organization":
            self._mass(event)
        elif isinstance(event, a.MemberRated):
            self.member_ratings[(event.member_id, event.year)] = {
                "authority_id": event.authority_id,
                "rating": event.rating.value,
            }
            self.changed.add("member_ratings")
        elif isinstance(event, a.CandidateProposed):
            self.candidates[event.candidate_id] = {
                "authority_id": event.authority_id,
                "enterprise_id": event.enterprise_id,
                "display_ref": event.display_ref,
                "proposed_on": event.proposed_on.isoformat(),
            }
            self.changed.add("candidates")
        elif isinstance(event, a.CandidateStep):
            step, deadline = STEP_OF[type(event)]
            due = getattr(event, deadline) if deadline else None
            self.steps[(event.candidate_id, step)] = {
                "authority_id": event.authority_id,
                "on_day": event.on.isoformat(),
                "due": due.isoformat() if due else None,
            }
            self.changed.add("steps")

    # --- enterprises -------------------------------------------------------------------
    def _enterprise(self, event: EventContract) -> None:
        row = self._row(self.enterprises, event.enterprise_id, ENTERPRISE_COLUMNS)  # type: ignore[attr-defined]
        self.changed.add("enterprises")
        match event:
            case r.EnterpriseRegistered():
                day = event.registered_on.isoformat()
                row.update(
                    authority_id=event.authority_id,
                    industrial_zone_id=event.industrial_zone_id,
                    ownership=event.ownership.value,
                    registered_on=day,
                )
                if row["status"] is None:
                    row.update(status="operating", status_since=day)
                _count_workers(row, event.worker_count, day)
                self._place(event.enterprise_id, day, event.authority_id, event.industrial_zone_id)
            case r.EnterpriseUpdated():
                if event.ownership is not None:
                    row["ownership"] = event.ownership.value
            case r.EnterpriseMoved():
                row.update(authority_id=event.authority_id, industrial_zone_id=event.industrial_zone_id)
                self._place(
                    event.enterprise_id, event.effective_from.isoformat(), event.authority_id, event.industrial_zone_id
                )
            case r.EnterpriseSuspended():
                row.update(status="suspended", status_since=event.effective_from.isoformat())
            case r.EnterpriseResumed():
                row.update(status="operating", status_since=event.effective_from.isoformat())
            case r.EnterpriseClosed():
                day = event.effective_from.isoformat()
                row.update(status="closed", status_since=day, closed_on=day)
            case r.WorkforceCounted():
                _count_workers(row, event.worker_count, event.counted_on.isoformat())

    def _place(self, enterprise_id: str, day: str, authority_id: str, zone: str | None) -> None:
        self.places[(enterprise_id, day)] = {"authority_id": authority_id, "industrial_zone_id": zone}
        self.changed.add("places")

    # --- party organizations -------------------------------------------------------------
    def _organization(self, event: EventContract) -> None:
        organization_id: str = event.organization_id  # type: ignore[attr-defined]
        row = self._row(self.organizations, organization_id, ORGANIZATION_COLUMNS)
        self.changed.add("organizations")
        match event:
            case r.OrganizationFounded():
                if row["founded_on"] is not None:
                    raise DuplicateRecord(
                        f"organization {organization_id} is already founded", field="organization_id", rule="unique"
                    )
                row.update(
                    name=event.name,
                    kind=event.kind.value,
                    authority_id=event.authority_id,
                    founded_on=event.founded_on.isoformat(),
                    official_members=event.official_members,
                )
                self._cover(organization_id, event.enterprise_ids)
            case r.OrganizationRenamed():
                row["name"] = event.name
            case r.OrganizationUpgraded():
                row.update(kind=event.kind.value, official_members=event.official_members)
            case r.OrganizationTransferred():
                row["authority_id"] = event.authority_id
            case r.OrganizationDissolved():
                row.update(ended_on=event.effective_from.isoformat(), ended_by="dissolved")
            case r.OrganizationMergedInto():
                row.update(
                    ended_on=event.effective_from.isoformat(), ended_by="merged", successor_id=event.successor_id
                )
            case r.OrganizationsMerged():
                row.update(kind=event.kind.value, authority_id=event.authority_id)
                if event.official_members is not None:
                    row["official_members"] = event.official_members
                self._cover(organization_id, event.enterprise_ids)

    def _cover(self, organization_id: str, enterprise_ids: Sequence[str]) -> None:
        self.organization_enterprises[organization_id] = sorted(set(enterprise_ids))
        self.changed.add("organization_enterprises")

    # --- mass organizations ----------------------------------------------------------------
    def _mass(self, event: EventContract) -> None:
        mass_id: str = event.mass_organization_id  # type: ignore[attr-defined]
        row = self._row(self.mass_organizations, mass_id, MASS_COLUMNS)
        self.changed.add("mass_organizations")
        match event:
            case r.MassOrganizationFounded():
                if row["founded_on"] is not None:
                    raise DuplicateRecord(
                        f"mass organization {mass_id} is already founded", field="mass_organization_id", rule="unique"
                    )
                day = event.founded_on.isoformat()
                row.update(kind=event.kind.value, enterprise_id=event.enterprise_id, authority_id=event.authority_id)
                row["founded_on"] = day
                if row["members_counted_on"] is None or row["members_counted_on"] <= day:
                    row.update(members=event.members, members_counted_on=day)
            case r.MassMembershipCounted():
                day = event.counted_on.isoformat()
                if row["members_counted_on"] is None or row["members_counted_on"] <= day:
                    row.update(members=event.members, members_counted_on=day)
            case r.MassOrganizationDissolved():
                row["dissolved_on"] = event.effective_from.isoformat()

    # --- members -------------------------------------------------------------------------
    def _member(self, event: EventContract) -> None:
        row = self._row(self.members, event.member_id, MEMBER_COLUMNS)  # type: ignore[attr-defined]
        self.changed.add("members")
        match event:
            case a.MemberEnrolled():  # most of a national rebuild's events: set field by field
                admitted = event.admitted_on.isoformat()
                status = event.status._value_  # as `.value`, without the property's cost
                row["authority_id"] = event.authority_id
                row["organization"] = event.organization
                row["enterprise_id"] = event.enterprise_id
                row["job_category"] = event.job_category._value_
                row["status"] = status
                row["admitted_on"] = admitted
                if event.official_on is not None:
                    row["official_on"] = event.official_on.isoformat()
                else:
                    row["official_on"] = admitted if event.status is a.MemberStatus.OFFICIAL else None
                row["ended_on"] = admitted if status in ENDED_MEMBER_STATUSES else None
            case a.MemberStatusChanged():
                day = event.on.isoformat()
                row["status"] = event.status.value
                if row["authority_id"] is None:
                    row["authority_id"] = event.authority_id
                if event.status is a.MemberStatus.OFFICIAL:
                    row.update(official_on=day, ended_on=None)
                elif event.status.value in ENDED_MEMBER_STATUSES:
                    row["ended_on"] = day
                else:
                    row["ended_on"] = None
            case a.MemberTransferReceived():
                if event.kind is a.TransferKind.OFFICIAL:
                    row.update(authority_id=event.to_authority_id, organization=event.to_organization)

    @staticmethod
    def _row(rows: dict[str, Row], key: str, columns: Sequence[str]) -> Row:
        row = rows.get(key)
        if row is None:
            row = rows[key] = dict.fromkeys(columns)
        return row


def _count_workers(row: Row, workers: int, day: str) -> None:
    """The latest count stands: an older one arriving late does not replace a newer one."""
    if row["workers_counted_on"] is None or row["workers_counted_on"] <= day:
        row.update(worker_count=workers, workers_counted_on=day)
