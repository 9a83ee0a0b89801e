"""The member aggregate: status transitions and transfers (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from coso_admissions.domain.errors import StepOutOfOrder, StepRefused
from coso_admissions.domain.member import Member
from coso_admissions.domain.rules import AdmissionRules
from coso_backbone.contracts.admissions import (
    JobCategory,
    MemberEnrolled,
    MemberRated,
    MemberRating,
    MemberStatus,
    TransferKind,
)

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


def test_a_member_is_rated_once_a_year_and_a_second_rating_is_refused_unless_a_stated_correction() -> None:
    member = enrolled()
    member.rate(2025, MemberRating.GOOD, date(2025, 12, 20), TODAY, "Chi bộ Công ty Minh Phát")

    with pytest.raises(StepOutOfOrder) as refused:
        member.rate(2025, MemberRating.EXCELLENT, date(2025, 12, 28), TODAY, "Chi bộ Công ty Minh Phát")
    assert (refused.value.field, refused.value.rule) == (
        "year",
        "one rating per member per year; a correction states its reason",
    )

    member.rate(2025, MemberRating.EXCELLENT, date(2026, 1, 5), TODAY, "Đảng ủy Khối", correction_reason="phúc tra")
    corrected = member.pending[-1]
    assert isinstance(corrected, MemberRated)
    assert (corrected.correction, corrected.previous_rating) == (True, MemberRating.GOOD)
    assert member.ratings == {2025: MemberRating.EXCELLENT}


def test_a_correction_needs_an_earlier_rating_and_a_rating_cannot_precede_admission_or_come_from_the_future() -> None:
    member = enrolled()
    with pytest.raises(StepOutOfOrder) as nothing:
        member.rate(2025, MemberRating.GOOD, date(2025, 12, 20), TODAY, "Chi bộ", correction_reason="nhầm")
    with pytest.raises(StepRefused) as early:
        member.rate(2019, MemberRating.GOOD, date(2025, 12, 20), TODAY, "Chi bộ")
    with pytest.raises(StepRefused) as ahead:
        member.rate(2026, MemberRating.GOOD, date(2025, 12, 20), TODAY, "Chi bộ")

    assert nothing.value.field == "correction_reason"
    assert (early.value.field, early.value.rule) == ("year", "not before the year of admission")
    assert (ahead.value.field, ahead.value.rule) == ("year", "not after the rating's year")


def test_a_deceased_member_is_not_rated() -> None:
    member = enrolled()
    member.change_status(MemberStatus.DECEASED, date(2025, 3, 1), TODAY)

    with pytest.raises(StepOutOfOrder) as refused:
        member.rate(2025, MemberRating.GOOD, date(2025, 12, 20), TODAY, "Chi bộ")

    assert refused.value.rule == "only active members are rated"
