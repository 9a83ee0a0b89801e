"""The candidate through every stage of the pipeline, on Vietnam's real calendar (no I/O).

Dates are chosen so that deadlines cross real holidays: the 60 working days after a grassroots
resolution of 15 December 2025 run across Tết 2026 (16–20 February), the ceremony deadline
across the Hùng Kings holiday (27 April 2026), the recognition deadline across 30 April and
the observed Labour Day of 3 May 2027.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction

import pytest

from coso_admissions.adapters.vietnam_calendar import vietnam_calendar
from coso_admissions.domain.candidate import Candidate, Stage, StepFacts
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import StepOutOfOrder, StepRefused
from coso_admissions.domain.rules import AdmissionRules
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import (
    AdmissionCeremonyHeld,
    AdmissionDecided,
    ApplicationSubmitted,
    CandidateIntroduced,
    CandidateRejected,
    Document,
    GrassrootsResolved,
    Introducer,
    IntroducerKind,
    JobCategory,
    MemberRecognised,
    ProbationaryMemberRemoved,
    SourceChannel,
)

CALENDAR = vietnam_calendar()
RULES = AdmissionRules()
TODAY = date(2027, 12, 31)
MINH_PHAT = EnterpriseOnRecord("ent-1", "hn.kcn-thang-long", "0100109106", "Công ty TNHH Minh Phát")


def facts(on: date, body: str = "Chi bộ Công ty Minh Phát", number: str | None = "01-NQ/CB") -> StepFacts:
    document = Document(number=number, issued_on=on) if number else None
    return StepFacts(on=on, body=body, today=TODAY, document=document)


def member(ref: str, since: date = date(2024, 6, 1)) -> Introducer:
    return Introducer(kind=IntroducerKind.OFFICIAL_MEMBER, ref=ref, worked_with_candidate_since=since)


Step = Callable[[Candidate], None]

# The happy path, one step at a time (each rebuilt from the history before it).
HAPPY: list[Step] = [
    lambda c: c.attend_awareness_class(facts(date(2025, 9, 20), "Trung tâm Chính trị", "CC-118")),
    lambda c: c.submit_application(facts(date(2025, 10, 1), number=None), RULES),
    lambda c: c.verify_background(facts(date(2025, 10, 20))),
    lambda c: c.introduce(facts(date(2025, 11, 3), number=None), [member("m-1"), member("m-2")], RULES),
    lambda c: c.vote_in_cell(facts(date(2025, 11, 10)), 10, 12, RULES),
    lambda c: c.resolve_in_grassroots(facts(date(2025, 12, 15), "Đảng ủy Công ty"), RULES, CALENDAR),
    lambda c: c.decide_admission(facts(date(2026, 3, 16), "Đảng ủy Khối", "125-QĐ/ĐU"), RULES, CALENDAR),
    lambda c: c.hold_ceremony(facts(date(2026, 4, 3)), RULES, CALENDAR),
    lambda c: c.recognise(facts(date(2027, 4, 20), "Đảng ủy Khối", "88-QĐ/ĐU"), 11, 12, RULES),
]
RESOLVED, ON_PROBATION = 6, 8


def history(steps: Sequence[Step], job: JobCategory = JobCategory.PRODUCTION_WORKER) -> list[EventContract]:
    proposal = Candidate.propose(
        "c-1",
        enterprise=MINH_PHAT,
        source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=job,
        proposed_on=date(2025, 9, 1),
        today=TODAY,
    ).pending
    events: list[EventContract] = list(proposal)
    for step in steps:
        candidate = Candidate.from_history(events)
        step(candidate)
        events.extend(candidate.pending)
    return events


def candidate_after(steps: int, job: JobCategory = JobCategory.PRODUCTION_WORKER) -> Candidate:
    return Candidate.from_history(history(HAPPY[:steps], job))


def test_the_happy_path_reaches_official_membership_with_every_deadline_on_the_working_day_calendar() -> None:
    events = history(HAPPY)
    candidate = Candidate.from_history(events)

    assert candidate.stage is Stage.OFFICIAL and candidate.version == 10
    assert [type(e).__name__ for e in events[1:]] == [
        "AwarenessClassAttended",
        "ApplicationSubmitted",
        "BackgroundVerified",
        "CandidateIntroduced",
        "CellVoted",
        "GrassrootsResolved",
        "AdmissionDecided",
        "AdmissionCeremonyHeld",
        "MemberRecognised",
    ]
    assert candidate.file_expires_on == date(2026, 10, 1)
    # 60 working days from 15 Dec 2025 skip 1 Jan and the five days of Tết (16–20 Feb 2026):
    # 17 March, where a calendar without Tết would say 10 March.
    assert candidate.decision_due == date(2026, 3, 17)
    # 30 working days from 16 Mar 2026 skip the Hùng Kings holiday observed on Monday 27 April.
    assert candidate.ceremony_due == date(2026, 4, 28)
    assert candidate.probation_ends_on == date(2027, 4, 3)
    # 30 working days from 3 Apr 2027 skip 16 and 30 April and the observed Labour Day of 3 May.
    assert candidate.recognition_due == date(2027, 5, 19)


def test_the_deadlines_travel_in_the_events_that_compute_them() -> None:
    events = history(HAPPY)

    [application] = [e for e in events if isinstance(e, ApplicationSubmitted)]
    [resolution] = [e for e in events if isinstance(e, GrassrootsResolved)]
    [decision] = [e for e in events if isinstance(e, AdmissionDecided)]
    [ceremony] = [e for e in events if isinstance(e, AdmissionCeremonyHeld)]
    assert application.file_expires_on == date(2026, 10, 1)
    assert resolution.decision_due == date(2026, 3, 17)
    assert decision.ceremony_due == date(2026, 4, 28) and decision.document is not None
    assert (ceremony.probation_ends_on, ceremony.recognition_due) == (date(2027, 4, 3), date(2027, 5, 19))
    assert ceremony.body == "Chi bộ Công ty Minh Phát"


def test_admitting_an_enterprise_owner_is_recorded_as_such() -> None:
    events = history(HAPPY[:ON_PROBATION], job=JobCategory.OWNER)

    assert isinstance(events[-1], AdmissionCeremonyHeld) and events[-1].enterprise_owner is True


def test_a_member_not_recognised_is_removed_with_the_reason() -> None:
    candidate = candidate_after(ON_PROBATION)
    with pytest.raises(StepRefused) as refused:
        candidate.recognise(facts(date(2027, 4, 20)), 6, 12, RULES)
    assert refused.value.field == "votes_for"

    candidate.remove(facts(date(2027, 4, 21), "Đảng ủy Khối", "90-QĐ/ĐU"), "không được chi bộ đề nghị công nhận")

    [removed] = candidate.pending
    assert isinstance(removed, ProbationaryMemberRemoved) and removed.reason.startswith("không được")
    assert candidate.stage is Stage.REMOVED


def test_a_step_out_of_order_is_refused_naming_the_stage_rule() -> None:
    candidate = candidate_after(3)  # background verified, not yet introduced

    with pytest.raises(StepOutOfOrder) as refused:
        candidate.vote_in_cell(facts(date(2025, 11, 10)), 10, 12, RULES)

    assert refused.value.field == "stage"
    assert refused.value.rule == "cell_voted comes right after introduced"
    assert candidate.pending == []


def test_introduction_by_a_single_member_is_refused() -> None:
    candidate = candidate_after(3)
    committee = Introducer(
        kind=IntroducerKind.TRADE_UNION_COMMITTEE, ref="cdcs-1", worked_with_candidate_since=date(2024, 1, 1)
    )

    with pytest.raises(StepRefused) as refused:
        candidate.introduce(facts(date(2025, 11, 3)), [member("m-1"), member("m-1")], RULES)

    assert refused.value.field == "introducers"
    candidate.introduce(facts(date(2025, 11, 3)), [committee, member("m-1")], RULES)
    assert isinstance(candidate.pending[0], CandidateIntroduced)


def test_an_introducer_who_worked_with_the_candidate_less_than_twelve_months_is_refused() -> None:
    candidate = candidate_after(3)

    with pytest.raises(StepRefused) as refused:
        candidate.introduce(facts(date(2025, 11, 3)), [member("m-1"), member("m-2", date(2025, 5, 1))], RULES)

    assert refused.value.field == "introducers.1.worked_with_candidate_since"
    assert "12 months" in (refused.value.rule or "")


def test_a_cell_vote_below_two_thirds_is_refused() -> None:
    candidate = candidate_after(4)

    with pytest.raises(StepRefused) as refused:
        candidate.vote_in_cell(facts(date(2025, 11, 10)), 7, 12, RULES)

    assert (refused.value.field, refused.value.rule) == ("votes_for", "at least 2/3 of the official members")
    candidate.vote_in_cell(facts(date(2025, 11, 10)), 8, 12, RULES)  # exactly two thirds passes


def test_a_file_older_than_twelve_months_before_the_decision_must_be_redone() -> None:
    candidate = candidate_after(2)  # application of 1 Oct 2025

    with pytest.raises(StepRefused) as refused:
        candidate.verify_background(facts(date(2026, 10, 2)))

    assert refused.value.field == "on"
    assert "redone" in (refused.value.rule or "")


def test_an_expired_file_is_redone_from_the_application_and_can_always_be_closed() -> None:
    candidate = candidate_after(RESOLVED)  # application of 1 Oct 2025, decision due 17 Mar 2026

    candidate.submit_application(facts(date(2026, 10, 5), number=None), RULES)

    assert (candidate.stage, candidate.file_expires_on) == (Stage.APPLICATION_SUBMITTED, date(2027, 10, 5))
    assert candidate.decision_due is None
    assert Candidate.from_history([*history(HAPPY[:RESOLVED]), *candidate.pending]).summary() == candidate.summary()
    expired = candidate_after(4)
    expired.withdraw(facts(date(2026, 10, 5), number=None), "hồ sơ quá hạn, không làm lại")
    assert expired.stage is Stage.WITHDRAWN


def test_an_application_is_not_redone_while_the_file_is_valid() -> None:
    with pytest.raises(StepOutOfOrder):
        candidate_after(4).submit_application(facts(date(2026, 9, 30), number=None), RULES)


def test_a_decision_after_its_deadline_is_refused_unless_extended_once() -> None:
    candidate = candidate_after(RESOLVED)
    late = facts(date(2026, 3, 18), "Đảng ủy Khối", "125-QĐ/ĐU")

    with pytest.raises(StepRefused) as refused:
        candidate.decide_admission(late, RULES, CALENDAR)
    assert refused.value.field == "on" and "60 working days" in (refused.value.rule or "")

    candidate.extend_decision_deadline(facts(date(2026, 3, 10)), "chờ thẩm tra bổ sung", RULES, CALENDAR)
    assert candidate.decision_due == date(2026, 4, 29)
    with pytest.raises(StepRefused) as twice:
        candidate.extend_decision_deadline(facts(date(2026, 3, 11)), "lần hai", RULES, CALENDAR)
    assert twice.value.rule == "the decision deadline can be extended once"
    candidate.decide_admission(late, RULES, CALENDAR)
    assert candidate.stage is Stage.ADMISSION_DECIDED


def test_a_decision_needs_its_document() -> None:
    candidate = candidate_after(RESOLVED)

    with pytest.raises(StepRefused) as refused:
        candidate.decide_admission(facts(date(2026, 3, 16), number=None), RULES, CALENDAR)

    assert refused.value.field == "document"


def test_a_ceremony_after_its_deadline_is_refused() -> None:
    candidate = candidate_after(RESOLVED + 1)

    with pytest.raises(StepRefused) as refused:
        candidate.hold_ceremony(facts(date(2026, 4, 29)), RULES, CALENDAR)

    assert refused.value.field == "on" and "30 working days" in (refused.value.rule or "")


def test_recognition_before_probation_ends_or_after_its_deadline_is_refused() -> None:
    candidate = candidate_after(ON_PROBATION)

    with pytest.raises(StepRefused) as early:
        candidate.recognise(facts(date(2027, 4, 2)), 11, 12, RULES)
    with pytest.raises(StepRefused) as late:
        candidate.recognise(facts(date(2027, 5, 20)), 11, 12, RULES)

    assert "12 months of probation" in (early.value.rule or "")
    assert "30 working days after probation" in (late.value.rule or "")


def test_a_step_dated_in_the_future_or_before_the_previous_step_is_refused() -> None:
    candidate = candidate_after(1)  # class attended on 20 Sep 2025

    with pytest.raises(StepRefused) as before:
        candidate.submit_application(facts(date(2025, 9, 19)), RULES)
    with pytest.raises(StepRefused) as future:
        candidate.submit_application(StepFacts(on=date(2025, 10, 2), body="Chi bộ", today=date(2025, 10, 1)), RULES)

    assert before.value.rule == "not before the previous step"
    assert future.value.rule == "not in the future"


def test_a_candidate_can_be_rejected_at_any_stage_before_the_ceremony_and_nothing_follows() -> None:
    candidate = candidate_after(4)

    candidate.reject(facts(date(2025, 11, 5), number=None), "chưa đủ tiêu chuẩn")

    assert isinstance(candidate.pending[0], CandidateRejected) and candidate.pending[0].stage == "introduced"
    with pytest.raises(StepOutOfOrder) as closed:
        candidate.vote_in_cell(facts(date(2025, 11, 10)), 10, 12, RULES)
    assert closed.value.rule == "no step after the file is closed"


def test_a_probationary_member_is_removed_not_withdrawn() -> None:
    candidate = candidate_after(ON_PROBATION)

    with pytest.raises(StepOutOfOrder) as refused:
        candidate.withdraw(facts(date(2026, 5, 1)), "xin rút")

    assert refused.value.rule == "withdrawal before the admission ceremony"


def test_rules_of_the_authority_apply_instead_of_the_defaults() -> None:
    lenient = RULES.with_values({"vote_share": "1/2", "introducer_months": 6})
    candidate = candidate_after(3)

    candidate.introduce(facts(date(2025, 11, 3)), [member("m-1"), member("m-2", date(2025, 5, 1))], lenient)
    candidate.vote_in_cell(facts(date(2025, 11, 10)), 6, 12, lenient)

    assert lenient.vote_share == Fraction(1, 2)
    assert candidate.stage is Stage.CELL_VOTED


def test_the_candidate_rebuilt_from_its_stream_equals_the_one_that_raised_the_events() -> None:
    events = history(HAPPY[:ON_PROBATION])
    live = Candidate.from_history(events[:-1])
    HAPPY[ON_PROBATION - 1](live)

    rebuilt = Candidate.from_history(events)

    assert rebuilt.summary() == live.summary()
    assert isinstance(events[-1], AdmissionCeremonyHeld) and not isinstance(events[-1], MemberRecognised)
