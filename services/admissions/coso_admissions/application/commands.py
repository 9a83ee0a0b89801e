"""Commands and queries admissions accepts, validated on arrival (each error names its field)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from coso_backbone.contracts.admissions import (
    Document,
    Introducer,
    JobCategory,
    MemberRating,
    MemberStatus,
    SourceChannel,
    TransferKind,
)
from coso_backbone.contracts.rules import AdmissionRuleValues
from coso_backbone.rulesets.commands import RulesAdoption
from coso_backbone.rulesets.commands import RulesOfAuthority as RulesOfAuthority


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PersonalFields(Command):
    """A person's personal data (Decree 13/2023): sealed under the person's own key, never in clear in events."""

    full_name: str = Field(min_length=1, max_length=200, description="Họ và tên")
    birth_date: date = Field(description="Ngày sinh")
    sex: Sex | None = Field(default=None, description="Giới tính")
    ethnicity: str | None = Field(default=None, max_length=100, description="Dân tộc")
    religion: str | None = Field(default=None, max_length=100, description="Tôn giáo")
    education: str | None = Field(default=None, max_length=200, description="Trình độ học vấn, chuyên môn")
    national_id: str | None = Field(
        default=None, pattern=r"^(\d{9}|\d{12})$", description="Số CCCD (12 digits) or old CMND (9 digits)"
    )


class RecordPersonalData(Command):
    """Record or correct a candidate's personal data."""

    personal: PersonalFields


class ErasePerson(Command):
    """Forget a person's personal data (the right to erasure); their other records stay."""

    reason: str = Field(min_length=1, max_length=2000)


class ProposeCandidate(Command):
    """Propose a promising worker of a registered enterprise for admission."""

    enterprise_id: str = Field(min_length=1, max_length=100, description="Enterprise the candidate works in")
    source_channel: SourceChannel = Field(description="Who proposes the candidate")
    job_category: JobCategory = Field(description="What the candidate does in the enterprise")
    proposed_on: date = Field(description="Date of the proposal; not in the future")
    display_ref: str | None = Field(
        default=None, max_length=64, description="Opaque reference of the proposing office; never a name"
    )
    personal: PersonalFields | None = Field(
        default=None, description="The candidate's personal data, sealed under their own key on arrival"
    )


class CandidatesOfAuthority(Command):
    """Which candidates to list: those of one authority (or all the caller may see), a page at a time."""

    authority_id: str | None = Field(default=None, min_length=1, max_length=100)
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class StepCommand(Command):
    """What every step of the admission pipeline states."""

    on: date = Field(description="Date of the step; not in the future, not before the previous step")
    body: str = Field(min_length=1, max_length=300, description="Responsible body (cơ quan, tổ chức chịu trách nhiệm)")
    document: Document | None = Field(default=None, description="Document of the step: number and date")
    expected_version: int | None = Field(
        default=None, ge=1, description="Version of the candidate the caller read; refused if it changed since"
    )


class AttendAwarenessClass(StepCommand):
    """The candidate attended the party-awareness class; `document` is the certificate."""


class SubmitApplication(StepCommand):
    """The candidate submitted the application and personal history."""


class VerifyBackground(StepCommand):
    """The candidate's personal history was verified."""


class Introduce(StepCommand):
    """Two introducers: two official members, or a trade-union/Youth-Union committee and one official member."""

    introducers: list[Introducer] = Field(min_length=1, max_length=5)


class Vote(StepCommand):
    """A vote of the cell: how many official members voted for, out of how many."""

    votes_for: int = Field(ge=0, le=100_000)
    official_members: int = Field(ge=1, le=100_000)


class ResolveInGrassroots(StepCommand):
    """The grassroots committee resolved to propose the admission; `document` is its resolution."""


class WithReason(StepCommand):
    """A step that needs a reason: an extension, a removal, a withdrawal, a rejection."""

    reason: str = Field(min_length=1, max_length=2000)


class DecideAdmission(StepCommand):
    """The competent authority decided to admit; `document` is the decision."""


class HoldCeremony(StepCommand):
    """The admission ceremony was held."""


# --- members ----------------------------------------------------------------------------


class ChangeMemberStatus(Command):
    """Change a member's status (recognition and removal of probationary members go through the pipeline)."""

    status: MemberStatus
    on: date
    reason: str | None = Field(default=None, max_length=2000)
    document: Document | None = None


class StartTransfer(Command):
    """Issue a transfer letter (chuyển sinh hoạt đảng) to another organization, possibly of another authority."""

    kind: TransferKind
    to_organization: str = Field(min_length=1, max_length=300)
    to_authority_id: str = Field(min_length=1, max_length=100)
    on: date
    returns_on: date | None = Field(default=None, description="End of a temporary transfer")
    document: Document | None = None


class RateMember(Command):
    """The member's annual rating (xếp loại chất lượng đảng viên); once a year unless a stated correction."""

    year: int = Field(ge=1930, le=2100, description="The year rated")
    rating: MemberRating = Field(description="excellent, good, complete or not_complete")
    on: date = Field(description="Date of the rating; not in the future")
    body: str = Field(min_length=1, max_length=300, description="Who rated, e.g. 'Chi bộ Công ty X'")
    document: Document | None = None
    correction_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="Given only to correct the year's earlier rating: why it is corrected",
    )


class RatingsOfAuthority(Command):
    """How the members of an authority were rated in a year."""

    authority_id: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=1930, le=2100)


class ReceiveTransfer(Command):
    """The destination confirms it received the member."""

    on: date
    body: str = Field(min_length=1, max_length=300, description="Who confirms, e.g. 'Chi bộ Công ty X'")


class MembersOfAuthority(Command):
    """Which members to list: those of one authority (or all the caller may see), a page at a time."""

    authority_id: str | None = Field(default=None, min_length=1, max_length=100)
    status: MemberStatus | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class TransfersOfAuthority(Command):
    """Transfers leaving or reaching an authority; `pending` lists those not yet received."""

    authority_id: str = Field(min_length=1, max_length=100)
    pending: bool = True


class ImportedMember(Command):
    """One row of a members file (CSV or XLSX): an existing member, with their personal data."""

    member_id: str | None = Field(default=None, max_length=100, description="Chosen by the caller, or generated")
    authority_id: str = Field(min_length=1, max_length=100)
    organization: str = Field(min_length=1, max_length=300)
    enterprise_id: str | None = Field(default=None, max_length=100)
    job_category: JobCategory
    status: MemberStatus
    admitted_on: date
    official_on: date | None = None
    full_name: str = Field(min_length=1, max_length=200)
    birth_date: date
    sex: Sex | None = None
    ethnicity: str | None = Field(default=None, max_length=100)
    religion: str | None = Field(default=None, max_length=100)
    education: str | None = Field(default=None, max_length=200)
    national_id: str | None = Field(default=None, pattern=r"^(\d{9}|\d{12})$")

    def personal(self) -> PersonalFields:
        return PersonalFields.model_validate(self.model_dump(include=set(PersonalFields.model_fields)))


class AdoptRules(RulesAdoption):
    """An authority adopts admission rules for its subtree from a date (each rule optional)."""

    values: AdmissionRuleValues = Field(description="The rules it sets, e.g. {'decision_working_days': 45}")
