"""The member aggregate: status transitions and transfers (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from coso_admissions.domain.errors import StepOutOfOrder, StepRefused
from coso_admissions.domain.member import Member
from coso_admissions.domain.rules import AdmissionRules
from coso_backbone.contracts.admissions import JobCategory, MemberEnrolled, MemberStatus, TransferKind

TODAY = date(2026, 6, 1)
RULES = AdmissionRules()


def enrolled(status: MemberStatus = MemberStatus.OFFICIAL) -> Member:
    event = MemberEnrolled(
        member_id="m-1",
        authority_id="hn.kcn-thang-long",
        organization="Chi bộ Công ty Minh Phát",
        job_category=JobCategory.TECHNICIAN,
        status=status,
        admitted_on=date(2020, 5, 19),
        official_on=date(2021, 5, 19) if status is MemberStatus.OFFICIAL else None,
        via="import",
    )
    return Member.from_history(Member.enrol(event).pending)


def test_a_member_cannot_be_enrolled_deceased_or_official_without_a_date() -> None:
    with pytest.raises(StepRefused) as refused:
        Member.enrol(
            MemberEnrolled(
                member_id="m-2",
                authority_id="hn",
                organization="Chi bộ",
                job_category=JobCategory.OTHER,
                status=MemberStatus.OFFICIAL,
                admitted_on=date(2020, 1, 1),
                via="import",
            )
        )
    assert refused.value.field == "official_on"


def test_status_moves_only_along_the_allowed_transitions() -> None:
    member = enrolled()
    member.change_status(MemberStatus.DECEASED, date(2026, 1, 5), TODAY)

    with pytest.raises(StepOutOfOrder) as refused:
        member.change_status(MemberStatus.OFFICIAL, date(2026, 2, 1), TODAY)

    assert refused.value.field == "status" and refused.value.rule == "from deceased a member can become: none"


def test_a_removal_needs_a_reason() -> None:
    with pytest.raises(StepRefused) as refused:
        enrolled().change_status(MemberStatus.REMOVED, date(2026, 1, 5), TODAY)

    assert refused.value.field == "reason"


def test_a_temporary_transfer_lasts_three_to_twelve_months() -> None:
    member = enrolled()

    with pytest.raises(StepRefused) as refused:
        member.start_transfer(
            "t-1", TransferKind.TEMPORARY, "Chi bộ X", "hn.ba-dinh", date(2026, 3, 1), TODAY, RULES, date(2026, 4, 1)
        )

    assert refused.value.field == "returns_on" and refused.value.rule == "3 to 12 months"


def test_a_transfer_stays_pending_until_the_destination_confirms_and_only_one_at_a_time() -> None:
    member = enrolled()
    member.start_transfer("t-1", TransferKind.OFFICIAL, "Chi bộ X", "hn.ba-dinh", date(2026, 3, 1), TODAY, RULES)
    assert member.pending_transfer is not None and member.pending_transfer.present_by == date(2026, 3, 31)

    with pytest.raises(StepOutOfOrder) as second:
        member.start_transfer("t-2", TransferKind.OFFICIAL, "Chi bộ Y", "hn.ba-dinh", date(2026, 3, 2), TODAY, RULES)
    member.receive_transfer("t-1", date(2026, 3, 10), TODAY, "Chi bộ X")

    assert second.value.rule == "one pending transfer at a time"
    assert (member.organization, member.authority_id, member.pending_transfer) == ("Chi bộ X", "hn.ba-dinh", None)
