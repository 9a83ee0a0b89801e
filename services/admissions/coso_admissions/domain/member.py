"""The party member: enrolled on admission or imported, then status changes and transfers.

Rebuilt from its stream `member-<id>` like the candidate. Statuses move only along the
allowed transitions; a transfer (chuyển sinh hoạt đảng) stays pending until the destination
confirms receipt, and only one transfer is pending at a time. Each year the member is rated
once (xếp loại chất lượng); a second rating of the same year must say it is a correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coso_admissions.domain.calendar import add_months
from coso_admissions.domain.errors import StepOutOfOrder, StepRefused
from coso_admissions.domain.rules import AdmissionRules
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import (
    Document,
    JobCategory,
    MemberEnrolled,
    MemberRated,
    MemberRating,
    MemberStatus,
    MemberStatusChanged,
    MemberTransferReceived,
    MemberTransferStarted,
    PersonalDataErased,
    PersonalDataRecorded,
    TransferKind,
)

ALLOWED: dict[MemberStatus, frozenset[MemberStatus]] = {
    MemberStatus.PROBATIONARY: frozenset({MemberStatus.OFFICIAL, MemberStatus.REMOVED, MemberStatus.DECEASED}),
    MemberStatus.OFFICIAL: frozenset({MemberStatus.TRANSFERRED_OUT, MemberStatus.REMOVED, MemberStatus.DECEASED}),
    MemberStatus.TRANSFERRED_OUT: frozenset(),
    MemberStatus.DECEASED: frozenset(),
    MemberStatus.REMOVED: frozenset(),
}
ACTIVE = frozenset({MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL})


def stream_of_member(member_id: str) -> str:
    return f"member-{member_id}"


@dataclass(frozen=True)
class PendingTransfer:
    transfer_id: str
    kind: TransferKind
    to_organization: str
    to_authority_id: str
    present_by: date


@dataclass
class Member:
    member_id: str
    authority_id: str
    organization: str
    job_category: JobCategory
    status: MemberStatus
    admitted_on: date
    official_on: date | None
    last_on: date
    pending_transfer: PendingTransfer | None = None
    temporary_organization: str | None = None
    sealed_personal_data: str | None = None
    erased: bool = False
    ratings: dict[int, MemberRating] = field(default_factory=dict)
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def enrol(cls, enrolled: MemberEnrolled) -> Member:
        """A new member; the event was built by the pipeline (admission) or by an import."""
        if enrolled.status not in ACTIVE:
            raise StepRefused(
                f"a member is enrolled probationary or official, not {enrolled.status.value}",
                field="status",
                rule="probationary or official at enrolment",
            )
        if enrolled.status is MemberStatus.OFFICIAL and enrolled.official_on is None:
            raise StepRefused("an official member needs the date of recognition", field="official_on", rule="required")
        if enrolled.official_on is not None and enrolled.official_on < enrolled.admitted_on:
            raise StepRefused("recognised before being admitted", field="official_on", rule="not before admitted_on")
        member = cls._born(enrolled)
        member.pending.append(enrolled)
        return member

    @classmethod
    def from_history(cls, events: Sequence[EventContract]) -> Member:
        if not events or not isinstance(events[0], MemberEnrolled):
            raise ValueError("a member's history starts with MemberEnrolled")
        member = cls._born(events[0])
        member.version = 1
        for event in events[1:]:
            member._when(event)
            member.version += 1
        return member

    @classmethod
    def _born(cls, e: MemberEnrolled) -> Member:
        return cls(
            member_id=e.member_id,
            authority_id=e.authority_id,
            organization=e.organization,
            job_category=e.job_category,
            status=e.status,
            admitted_on=e.admitted_on,
            official_on=e.official_on,
            last_on=e.official_on or e.admitted_on,
        )

    def change_status(
        self, status: MemberStatus, on: date, today: date, reason: str | None = None, document: Document | None = None
    ) -> None:
        self._check_date(on, today)
        if status not in ALLOWED[self.status]:
            allowed = ", ".join(sorted(s.value for s in ALLOWED[self.status])) or "none"
            raise StepOutOfOrder(
                f"member {self.member_id} is {self.status.value}; it cannot become {status.value}",
                field="status",
                rule=f"from {self.status.value} a member can become: {allowed}",
            )
        if status in (MemberStatus.REMOVED, MemberStatus.TRANSFERRED_OUT) and not reason:
            raise StepRefused(f"{status.value} needs a reason", field="reason", rule="required for this status")
        self._raise(
            MemberStatusChanged(
                member_id=self.member_id,
                authority_id=self.authority_id,
                previous_status=self.status,
                status=status,
                on=on,
                reason=reason,
                document=document,
            )
        )

    def start_transfer(
        self,
        transfer_id: str,
        kind: TransferKind,
        to_organization: str,
        to_authority_id: str,
        on: date,
        today: date,
        rules: AdmissionRules,
        returns_on: date | None = None,
        document: Document | None = None,
    ) -> None:
        self._check_date(on, today)
        if self.status not in ACTIVE:
            raise StepOutOfOrder(
                f"member {self.member_id} is {self.status.value}", field="status", rule="only active members transfer"
            )
        if self.pending_transfer is not None:
            raise StepOutOfOrder(
                f"transfer {self.pending_transfer.transfer_id} of member {self.member_id} is still pending",
                field="member_id",
                rule="one pending transfer at a time",
            )
        if to_organization == self.organization and to_authority_id == self.authority_id:
            raise StepRefused("the member is already there", field="to_organization", rule="a different organization")
        if kind is TransferKind.TEMPORARY:
            shortest = add_months(on, rules.temporary_transfer_min_months)
            longest = add_months(on, rules.temporary_transfer_max_months)
            if returns_on is None or not shortest <= returns_on <= longest:
                raise StepRefused(
                    f"a temporary transfer from {on.isoformat()} must end between {shortest.isoformat()} and "
                    f"{longest.isoformat()}",
                    field="returns_on",
                    rule=f"{rules.temporary_transfer_min_months} to {rules.temporary_transfer_max_months} months",
                )
        elif returns_on is not None:
            raise StepRefused("an official transfer has no end", field="returns_on", rule="temporary transfers only")
        self._raise(
            MemberTransferStarted(
                member_id=self.member_id,
                transfer_id=transfer_id,
                kind=kind,
                from_organization=self.organization,
                from_authority_id=self.authority_id,
                to_organization=to_organization,
                to_authority_id=to_authority_id,
                on=on,
                document=document,
                present_by=on + timedelta(days=rules.transfer_letter_days),
                returns_on=returns_on,
                job_category=self.job_category,
                status=self.status,
                admitted_on=self.admitted_on,
                official_on=self.official_on,
            )
        )

    def receive_transfer(self, transfer_id: str, on: date, today: date, body: str) -> None:
        """The destination confirms receipt (the letter may be presented late: that is reported, not refused)."""
        self._check_date(on, today)
        pending = self.pending_transfer
        if pending is None or pending.transfer_id != transfer_id:
            raise StepOutOfOrder(
                f"member {self.member_id} has no pending transfer {transfer_id}",
                field="transfer_id",
                rule="the pending transfer of the member",
            )
        self._raise(
            MemberTransferReceived(
                member_id=self.member_id,
                transfer_id=transfer_id,
                kind=pending.kind,
                to_organization=pending.to_organization,
                to_authority_id=pending.to_authority_id,
                on=on,
                body=body,
            )
        )

    def rate(
        self,
        year: int,
        rating: MemberRating,
        on: date,
        today: date,
        body: str,
        document: Document | None = None,
        correction_reason: str | None = None,
    ) -> None:
        """The annual rating: once per year; a second one for the same year only as a stated correction."""
        if on > today:
            raise StepRefused(f"{on.isoformat()} is after today", field="on", rule="not in the future")
        if year > on.year:
            raise StepRefused(
                f"a rating on {on.isoformat()} cannot be for {year}", field="year", rule="not after the rating's year"
            )
        if year < self.admitted_on.year:
            raise StepRefused(
                f"member {self.member_id} was admitted in {self.admitted_on.year}, after {year}",
                field="year",
                rule="not before the year of admission",
            )
        if self.status not in ACTIVE:
            raise StepOutOfOrder(
                f"member {self.member_id} is {self.status.value}", field="status", rule="only active members are rated"
            )
        previous = self.ratings.get(year)
        if previous is not None and not correction_reason:
            raise StepOutOfOrder(
                f"member {self.member_id} is already rated {previous.value} for {year}",
                field="year",
                rule="one rating per member per year; a correction states its reason",
            )
        if previous is None and correction_reason:
            raise StepOutOfOrder(
                f"member {self.member_id} has no rating for {year} to correct",
                field="correction_reason",
                rule="only an existing rating is corrected",
            )
        self._raise(
            MemberRated(
                member_id=self.member_id,
                authority_id=self.authority_id,
                year=year,
                rating=rating,
                rated_on=on,
                body=body,
                document=document,
                correction=previous is not None,
                previous_rating=previous,
                reason=correction_reason,
            )
        )

    def erase_personal_data(self, on: date, reason: str) -> None:
        """Forget an imported member's personal data (the application destroys the key)."""
        if self.erased:
            raise StepOutOfOrder(
                f"the personal data of member {self.member_id} is already erased",
                field="member_id",
                rule="a person is erased once",
            )
        self._raise(
            PersonalDataErased(candidate_id=self.member_id, authority_id=self.authority_id, erased_on=on, reason=reason)
        )

    def _check_date(self, on: date, today: date) -> None:
        if on > today:
            raise StepRefused(f"{on.isoformat()} is after today", field="on", rule="not in the future")
        if on < self.last_on:
            raise StepRefused(
                f"{on.isoformat()} comes before the member's last change ({self.last_on.isoformat()})",
                field="on",
                rule="not before the previous change",
            )

    def _raise(self, event: EventContract) -> None:
        self._when(event)
        self.pending.append(event)

    def _when(self, event: EventContract) -> None:
        match event:
            case MemberStatusChanged():
                self.status, self.last_on = event.status, event.on
                if event.status is MemberStatus.OFFICIAL:
                    self.official_on = event.on
            case MemberTransferStarted():
                self.last_on = event.on
                self.pending_transfer = PendingTransfer(
                    event.transfer_id, event.kind, event.to_organization, event.to_authority_id, event.present_by
                )
            case MemberTransferReceived():
                self.last_on, self.pending_transfer = event.on, None
                if event.kind is TransferKind.OFFICIAL:
                    self.organization, self.authority_id = event.to_organization, event.to_authority_id
                    self.temporary_organization = None
                else:
                    self.temporary_organization = event.to_organization
            case MemberRated():
                self.ratings[event.year] = event.rating
            case PersonalDataRecorded():
                self.sealed_personal_data = event.sealed
            case PersonalDataErased():
                self.sealed_personal_data, self.erased = None, True
            case _:
                raise ValueError(f"{type(event).__name__} is not an event of a member")

    def summary(self) -> dict[str, Any]:
        transfer = self.pending_transfer
        return {
            "member_id": self.member_id,
            "authority_id": self.authority_id,
            "organization": self.organization,
            "temporary_organization": self.temporary_organization,
            "job_category": self.job_category.value,
            "status": self.status.value,
            "admitted_on": self.admitted_on.isoformat(),
            "official_on": self.official_on.isoformat() if self.official_on else None,
            "pending_transfer": None
            if transfer is None
            else {
                "transfer_id": transfer.transfer_id,
                "kind": transfer.kind.value,
                "to_organization": transfer.to_organization,
                "to_authority_id": transfer.to_authority_id,
                "present_by": transfer.present_by.isoformat(),
            },
            "ratings": {str(year): rating.value for year, rating in sorted(self.ratings.items())},
            "personal_data": "erased" if self.erased else ("recorded" if self.sealed_personal_data else "none"),
            "version": self.version + len(self.pending),
        }
