"""Events published by the admissions service (exchange `admissions.events`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from coso_backbone.contracts import EventContract, contract


class SourceChannel(StrEnum):
    """Who proposed a candidate: the key axis of admission reports."""

    ENTERPRISE_TRADE_UNION = "enterprise_trade_union"
    LABOUR_FEDERATION = "labour_federation"
    INDUSTRIAL_ZONE_COMMITTEE = "industrial_zone_committee"
    COMMUNE_COMMITTEE = "commune_committee"
    YOUTH_UNION = "youth_union"
    ENTERPRISE_OWNER = "enterprise_owner"
    OTHER = "other"


class JobCategory(StrEnum):
    """What a candidate or member does in the enterprise: a report axis (e.g. workers vs owners)."""

    PRODUCTION_WORKER = "production_worker"
    TECHNICIAN = "technician"
    MANAGER = "manager"
    OWNER = "owner"
    SECURITY_GUARD = "security_guard"
    RETIREE = "retiree"
    OTHER = "other"


@contract("admissions", "CandidateProposed", 1)
class CandidateProposed(EventContract):
    """A promising worker (quần chúng ưu tú) was proposed for admission.

    Carries no personal data: no name, birth date or identity number. Those will stay in
    admissions, encrypted per person, so that forgetting a person leaves these events (and
    the statistics built from them) intact.
    """

    candidate_id: str = Field(description="Identifier admissions gave the candidate (a UUID)")
    enterprise_id: str = Field(description="Enterprise the candidate works in, as registered in the registry")
    authority_id: str = Field(description="Authority of that enterprise when the candidate was proposed")
    source_channel: SourceChannel = Field(description="Who proposed the candidate")
    job_category: JobCategory = Field(description="What the candidate does in the enterprise")
    proposed_on: date = Field(description="Date of the proposal")
    display_ref: str | None = Field(
        default=None,
        description=(
            "Opaque reference the proposing office uses for its own file, e.g. 'CĐCS-2025-017'; "
            "never a name or an identity number"
        ),
    )


# --- The admission pipeline ---------------------------------------------------------------
# One event per step of DOMAIN.md, past tense, each with the date, the responsible body and
# the document (number and date) of the step. Deadlines are computed by admissions on its
# working-day calendar and carried in the events, so that notifications and reporting need
# no rule of their own. None of these events carries personal data.


class Document(EventContract):
    """A paper of the file: a decision, a resolution, a certificate (số, ngày)."""

    number: str = Field(description="Document number as written on it, e.g. '125-QĐ/ĐU'")
    issued_on: date = Field(description="Date the document was signed or issued")


class IntroducerKind(StrEnum):
    """Who introduces a candidate (người giới thiệu)."""

    OFFICIAL_MEMBER = "official_member"
    TRADE_UNION_COMMITTEE = "trade_union_committee"
    YOUTH_UNION_COMMITTEE = "youth_union_committee"


class Introducer(EventContract):
    """One introducer of a candidate: an official member, or a trade-union/Youth-Union committee."""

    kind: IntroducerKind = Field(description="An official member, or the committee of a mass organization")
    ref: str = Field(description="Opaque reference of the member or committee (a member id, never a name)")
    worked_with_candidate_since: date = Field(
        description="Since when the introducer has worked with the candidate (at least the configured months)"
    )


class CandidateStep(EventContract):
    """Fields every step of the pipeline carries."""

    candidate_id: str = Field(description="The candidate (stream `candidate-<id>`)")
    authority_id: str = Field(description="Authority the candidate belongs to (of the enterprise at proposal)")
    on: date = Field(description="Date of the step")
    body: str = Field(
        description="Responsible body (cơ quan, tổ chức chịu trách nhiệm), e.g. 'Chi bộ Công ty Minh Phát'"
    )
    document: Document | None = Field(default=None, description="Document of the step (number, date), if any")


@contract("admissions", "AwarenessClassAttended", 1)
class AwarenessClassAttended(CandidateStep):
    """The candidate attended the party-awareness class (lớp bồi dưỡng nhận thức về Đảng).

    `document` is the class certificate.
    """


@contract("admissions", "ApplicationSubmitted", 1)
class ApplicationSubmitted(CandidateStep):
    """The candidate submitted the application and personal history (đơn, lý lịch)."""

    file_expires_on: date = Field(
        description="The file must be decided by this date or redone (application date + file validity months)"
    )


@contract("admissions", "BackgroundVerified", 1)
class BackgroundVerified(CandidateStep):
    """The candidate's personal history was verified (thẩm tra lý lịch)."""


@contract("admissions", "CandidateIntroduced", 1)
class CandidateIntroduced(CandidateStep):
    """The candidate was introduced (giới thiệu).

    By two official members, or by the trade-union/Youth-Union committee and one official member.
    """

    introducers: list[Introducer] = Field(description="The two introducers")


@contract("admissions", "CellVoted", 1)
class CellVoted(CandidateStep):
    """The party cell voted to admit the candidate with at least the configured share of its official members."""

    votes_for: int = Field(description="Official members who voted for admission")
    official_members: int = Field(description="Official members of the cell")


@contract("admissions", "GrassrootsResolved", 1)
class GrassrootsResolved(CandidateStep):
    """The grassroots party committee resolved to propose the admission to the competent authority."""

    decision_due: date = Field(description="The competent authority must decide by this date (working days)")


@contract("admissions", "DecisionDeadlineExtended", 1)
class DecisionDeadlineExtended(CandidateStep):
    """The competent authority extended its decision deadline (once)."""

    reason: str = Field(description="Why the decision needs more time")
    decision_due: date = Field(description="The new decision deadline")


@contract("admissions", "AdmissionDecided", 1)
class AdmissionDecided(CandidateStep):
    """The competent authority decided to admit the candidate (quyết định kết nạp); `document` is the decision."""

    ceremony_due: date = Field(description="The admission ceremony must be held by this date (working days)")


@contract("admissions", "AdmissionCeremonyHeld", 1)
class AdmissionCeremonyHeld(CandidateStep):
    """The admission ceremony was held: the candidate is a probationary member (đảng viên dự bị)."""

    job_category: JobCategory = Field(description="What the new member does in the enterprise")
    enterprise_owner: bool = Field(description="Whether an enterprise owner was admitted (counted separately)")
    probation_ends_on: date = Field(description="End of probation (ceremony date + probation months)")
    recognition_due: date = Field(description="Recognition as official member must be voted by this date")


@contract("admissions", "MemberRecognised", 1)
class MemberRecognised(CandidateStep):
    """The probationary member was recognised as an official member (công nhận đảng viên chính thức)."""

    votes_for: int = Field(description="Official members who voted for recognition")
    official_members: int = Field(description="Official members of the cell")


@contract("admissions", "ProbationaryMemberRemoved", 1)
class ProbationaryMemberRemoved(CandidateStep):
    """The probationary member was not recognised and was removed (xóa tên)."""

    reason: str = Field(description="Why the member was not recognised")


@contract("admissions", "CandidateWithdrawn", 1)
class CandidateWithdrawn(CandidateStep):
    """The candidate's file was withdrawn (by the candidate or the proposer) before admission."""

    reason: str = Field(description="Why the file was withdrawn")
    stage: str = Field(description="Stage the candidate had reached")


@contract("admissions", "CandidateRejected", 1)
class CandidateRejected(CandidateStep):
    """A body in the pipeline rejected the candidate before admission."""

    reason: str = Field(description="Why the candidate was rejected")
    stage: str = Field(description="Stage the candidate had reached")


# --- Personal data (Decree 13/2023) ------------------------------------------------------


@contract("admissions", "PersonalDataRecorded", 1)
class PersonalDataRecorded(EventContract):
    """A candidate's or member's personal data was recorded or corrected, sealed.

    `sealed` is ciphertext under a data key of this one person (envelope encryption; the
    data key is wrapped by admissions' master key and never leaves admissions). Nothing here
    is readable without that key, and once the person is erased the key no longer exists.
    """

    candidate_id: str = Field(description="The person (the candidate's id, kept when admitted)")
    authority_id: str = Field(description="Authority the candidate belongs to")
    recorded_on: date = Field(description="Date the data was recorded")
    sealed: str = Field(description="The personal fields, encrypted with the person's data key (Fernet token)")


@contract("admissions", "PersonalDataErased", 1)
class PersonalDataErased(EventContract):
    """The person's data key was destroyed: their personal data is unreadable everywhere from now on.

    The person's other events (stages, dates, channels) stay, so counts and statistics do not change.
    """

    candidate_id: str = Field(description="The person whose data was erased")
    authority_id: str = Field(description="Authority the candidate belongs to")
    erased_on: date = Field(description="Date of the erasure")
    reason: str = Field(description="Why, e.g. 'yêu cầu của chủ thể dữ liệu' (the person's request)")


# --- Members --------------------------------------------------------------------------------


class MemberStatus(StrEnum):
    """A party member's status."""

    PROBATIONARY = "probationary"
    OFFICIAL = "official"
    TRANSFERRED_OUT = "transferred_out"
    DECEASED = "deceased"
    REMOVED = "removed"


class TransferKind(StrEnum):
    """Chuyển sinh hoạt đảng: official (chính thức) or temporary (tạm thời)."""

    OFFICIAL = "official"
    TEMPORARY = "temporary"


@contract("admissions", "MemberEnrolled", 1)
class MemberEnrolled(EventContract):
    """A party member entered admissions' records: admitted through the pipeline, or imported.

    Carries no personal data (that is sealed in `PersonalDataRecorded` under the member's key).
    """

    member_id: str = Field(description="The member (stream `member-<id>`); the candidate's id when admitted")
    authority_id: str = Field(description="Authority of the member's party organization")
    organization: str = Field(description="The member's party organization (chi bộ / đảng bộ), id or name")
    enterprise_id: str | None = Field(default=None, description="Enterprise the member works in, if known")
    job_category: JobCategory = Field(description="What the member does")
    status: MemberStatus = Field(description="Probationary or official at enrolment")
    admitted_on: date = Field(description="Date of admission (the ceremony)")
    official_on: date | None = Field(default=None, description="Date recognised as official member, if already")
    via: str = Field(description="'admission' (through the pipeline) or 'import' (existing member)")


@contract("admissions", "MemberStatusChanged", 1)
class MemberStatusChanged(EventContract):
    """A member's status changed (recognised, removed, deceased, transferred out of the system)."""

    member_id: str = Field(description="The member")
    authority_id: str = Field(description="Authority of the member's party organization")
    previous_status: MemberStatus = Field(description="Status before")
    status: MemberStatus = Field(description="Status after")
    on: date = Field(description="Date of the change")
    reason: str | None = Field(default=None, description="Why, where it applies (removal, transfer out)")
    document: Document | None = Field(default=None, description="Decision of the change, if any")


@contract("admissions", "MemberTransferStarted", 1)
class MemberTransferStarted(EventContract):
    """A member's transfer (chuyển sinh hoạt đảng) was issued; it is pending until the destination confirms."""

    member_id: str = Field(description="The member")
    transfer_id: str = Field(description="The transfer (a UUID)")
    kind: TransferKind = Field(description="Official or temporary")
    from_organization: str = Field(description="Organization the member leaves")
    from_authority_id: str = Field(description="Authority the member leaves")
    to_organization: str = Field(description="Organization the member goes to")
    to_authority_id: str = Field(description="Authority of the destination")
    on: date = Field(description="Date the transfer letter was issued")
    document: Document | None = Field(default=None, description="The transfer letter (giấy giới thiệu)")
    present_by: date = Field(description="The member must present the letter to the destination by this date")
    returns_on: date | None = Field(default=None, description="End of a temporary transfer")
    job_category: JobCategory | None = Field(
        default=None, description="What the member does (lets another deployment enrol the member it receives)"
    )
    status: MemberStatus | None = Field(default=None, description="The member's status when transferred")
    admitted_on: date | None = Field(default=None, description="The member's date of admission")
    official_on: date | None = Field(default=None, description="The member's date of recognition, if official")


@contract("admissions", "MemberTransferReceived", 1)
class MemberTransferReceived(EventContract):
    """The destination confirmed it received the member: the transfer is complete."""

    member_id: str = Field(description="The member")
    transfer_id: str = Field(description="The transfer")
    kind: TransferKind = Field(description="Official or temporary")
    to_organization: str = Field(description="Organization that received the member")
    to_authority_id: str = Field(description="Authority that received the member")
    on: date = Field(description="Date of receipt")
    body: str = Field(description="Who confirmed the receipt")


@contract("admissions", "TransferReceiptConfirmed", 1)
class TransferReceiptConfirmed(EventContract):
    """Another deployment's admissions confirmed it received a member transferred to one of its authorities.

    Published by the destination's admissions (stream `incoming-transfer-<transfer_id>`); the
    source deployment, whose `ce-source` is `from_source`, consumes it and records
    `MemberTransferReceived` on the member. Within one deployment the receipt is recorded
    directly as `MemberTransferReceived`.
    """

    transfer_id: str = Field(description="The transfer, as the source's MemberTransferStarted named it")
    member_id: str = Field(description="The member, as the source knows them")
    from_source: str = Field(description="ce-source of the source deployment's admissions, e.g. /coso/hn/admissions")
    from_authority_id: str = Field(description="Authority the member leaves")
    to_authority_id: str = Field(description="Authority that received the member")
    to_organization: str = Field(description="Organization that received the member")
    kind: TransferKind = Field(description="Official or temporary")
    on: date = Field(description="Date of receipt")
    body: str = Field(description="Who confirmed the receipt")


class MemberRating(StrEnum):
    """Annual rating of a party member (xếp loại chất lượng đảng viên)."""

    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    COMPLETE = "complete"  # hoàn thành nhiệm vụ
    NOT_COMPLETE = "not_complete"  # không hoàn thành nhiệm vụ


@contract("admissions", "MemberRated", 1)
class MemberRated(EventContract):
    """A member was rated for a year (đánh giá, xếp loại chất lượng đảng viên hằng năm).

    One rating per member per year; a later `MemberRated` for the same year is a correction
    (`correction` true, with `previous_rating` and a reason) and replaces the earlier one.
    """

    member_id: str = Field(description="The member")
    authority_id: str = Field(description="Authority of the member's party organization when rated")
    year: int = Field(description="The year rated, e.g. 2025")
    rating: MemberRating = Field(description="excellent, good, complete or not_complete")
    rated_on: date = Field(description="Date of the rating")
    body: str = Field(description="Who rated, e.g. 'Chi bộ Công ty X' (the cell's meeting)")
    document: Document | None = Field(default=None, description="Minutes or decision of the rating, if any")
    correction: bool = Field(default=False, description="Whether this replaces an earlier rating of the same year")
    previous_rating: MemberRating | None = Field(default=None, description="The rating replaced (corrections)")
    reason: str | None = Field(default=None, description="Why the earlier rating was corrected")


# --- Inbound: the labour federation ---------------------------------------------------------


@contract("labour_federation", "CandidateProposalSubmitted", 1)
class CandidateProposalSubmitted(EventContract):
    """A labour federation (Liên đoàn Lao động) proposes a promising worker for admission.

    Inbound to admissions: the federation's integration publishes it on exchange
    `labour_federation.events` with routing key `CandidateProposalSubmitted`; admissions
    consumes it from its queue `admissions.labour_federation`. The body is this JSON object;
    `ce-*` headers are welcome but only the body is required. Admissions validates each message
    on arrival: one that is not valid JSON, breaks this schema, names an enterprise the
    registry does not know or a date in the future goes to `admissions.dead-letters` with the
    reason in `x-coso-reason`. A proposal is applied once per `proposal_id`, however often it
    is delivered. Personal fields are sealed on arrival and never published by admissions.
    """

    proposal_id: str = Field(min_length=1, max_length=100, description="The federation's id of the proposal")
    federation: str = Field(
        min_length=1, max_length=100, description="Which federation proposes, e.g. 'ldld-ha-noi' (its code)"
    )
    enterprise_tax_code: str = Field(
        pattern=r"^\d{10}(-?\d{3})?$",
        description="Tax code (mã số thuế) of the candidate's enterprise",
        examples=["0100109106", "0100109106-001"],
    )
    source_channel: SourceChannel = Field(
        default=SourceChannel.LABOUR_FEDERATION,
        description="labour_federation, or enterprise_trade_union when a grassroots union proposed through it",
    )
    job_category: JobCategory = Field(description="What the candidate does in the enterprise")
    proposed_on: date = Field(description="Date of the proposal; not in the future")
    display_ref: str | None = Field(default=None, max_length=64, description="The federation's file reference")
    full_name: str | None = Field(default=None, max_length=200, description="Họ và tên (personal data)")
    birth_date: date | None = Field(default=None, description="Ngày sinh (personal data)")
    national_id: str | None = Field(
        default=None,
        pattern=r"^(\d{9}|\d{12})$",
        description="Số CCCD/CMND (personal data)",
        examples=["001095000123"],
    )
