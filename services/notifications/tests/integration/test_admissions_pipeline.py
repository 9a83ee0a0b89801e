"""A candidate's admission pipeline, as admissions publishes it, through the consumer: the
deadlines its events carry are reminded once each, and the steps that meet them stop them."""

from __future__ import annotations

import json
from datetime import date

from coso_backbone.contracts.admissions import (
    AdmissionCeremonyHeld,
    AdmissionDecided,
    ApplicationSubmitted,
    CandidateWithdrawn,
    DecisionDeadlineExtended,
    Document,
    GrassrootsResolved,
    JobCategory,
    MemberEnrolled,
    MemberStatus,
    MemberStatusChanged,
)
from coso_backbone.contracts.registry import OrganizationFounded, OrganizationKind
from coso_notifications.domain.signature import verify

AUTHORITY = "hn.kcn-thang-long"
BODY = "Chi bộ Công ty Minh Phát"


def _step(model, on: date, candidate: str = "c-1", **fields):
    return model(candidate_id=candidate, authority_id=AUTHORITY, on=on, body=BODY, **fields)


def _days(service, days: int, at: dict[date, list] | None = None) -> None:
    scheduler, deliverer = service.scheduler(), service.deliverer()
    for _ in range(days):
        for event in (at or {}).get(scheduler.today(), []):
            service.apply(service.event(event))
        scheduler.evaluate()
        service.deliver_until_settled(deliverer)
        service.clock.advance(24 * 3600)


def test_a_candidates_pipeline_from_admissions_events_reminds_each_deadline_once(notifications, receiver, smtp) -> None:
    hook = receiver()
    service = notifications(email={"host": "127.0.0.1", "port": smtp.port})
    service.subscribe(authority="hn", role="organization_department", channel="email", target="btc@hn.example")
    service.subscribe(authority="hn", role="organization_department", channel="webhook", target=hook.url, secret="k")
    service.apply(service.proposal("c-1"))
    decision = Document(number="125-QĐ/ĐU", issued_on=date(2025, 12, 8))
    submitted = service.event(_step(ApplicationSubmitted, date(2025, 11, 25), file_expires_on=date(2026, 11, 25)))
    resolved = service.event(_step(GrassrootsResolved, date(2025, 11, 25), decision_due=date(2025, 12, 2)))
    service.apply(submitted, resolved)
    assert service.apply(resolved).duplicates == 1  # redelivered by the broker: skipped
    pipeline = {
        # The decision deadline is extended once, then the decision comes after the new date.
        date(2025, 12, 1): [
            _step(DecisionDeadlineExtended, date(2025, 12, 1), reason="bổ sung hồ sơ", decision_due=date(2025, 12, 5))
        ],
        date(2025, 12, 8): [
            _step(AdmissionDecided, date(2025, 12, 8), document=decision, ceremony_due=date(2025, 12, 10))
        ],
        date(2025, 12, 12): [
            _step(
                AdmissionCeremonyHeld,
                date(2025, 12, 12),
                job_category=JobCategory.PRODUCTION_WORKER,
                enterprise_owner=False,
                probation_ends_on=date(2025, 12, 19),
                recognition_due=date(2026, 1, 5),
            )
        ],
    }
    _days(service, 30, pipeline)

    rules = sorted(json.loads(r.body)["rule"] for r in hook.accepted())
    assert rules == [
        "ceremony_overdue",  # 11 December: the ceremony was due on the 10th
        "decision_due_soon",  # for 2 December
        "decision_due_soon",  # for 5 December, after the extension
        "decision_overdue",  # 6 December: nobody decided by the 5th
        "probation_ending",  # 19 December
    ]
    assert len(smtp.messages) == len(rules)
    assert all(verify(r.body, "k", r.headers["X-Coso-Signature"]) for r in hook.accepted())
    # The recognition vote is due 5 January: not overdue within these 30 days; the file was decided in time.
    assert service.log(rule="recognition_overdue") == [] and service.log(rule="file_expiring") == []


def test_a_withdrawn_candidate_gets_no_more_reminders(notifications) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.apply(
        service.event(_step(GrassrootsResolved, date(2025, 11, 20), candidate="c-2", decision_due=date(2025, 11, 24))),
        service.event(
            _step(CandidateWithdrawn, date(2025, 11, 24), candidate="c-2", reason="chuyển công tác", stage="resolved")
        ),
    )
    _days(service, 5)
    assert service.log() == []


def _member(member_id: str, enterprise_id: str, status: MemberStatus) -> MemberEnrolled:
    return MemberEnrolled(
        member_id=member_id,
        authority_id=AUTHORITY,
        organization="",
        enterprise_id=enterprise_id,
        job_category=JobCategory.PRODUCTION_WORKER,
        status=status,
        admitted_on=date(2024, 11, 1),
        official_on=date(2025, 11, 24) if status is MemberStatus.OFFICIAL else None,
        via="import",
    )


def test_an_enterprise_with_three_official_members_and_no_organization_is_reported_once(notifications) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.apply(
        service.event(_member("m-1", "e-9", MemberStatus.OFFICIAL)),
        service.event(_member("m-2", "e-9", MemberStatus.OFFICIAL)),
        service.event(_member("m-3", "e-9", MemberStatus.PROBATIONARY)),
    )
    _days(service, 1)
    assert service.log() == []  # two official members are not enough

    recognised = MemberStatusChanged(
        member_id="m-3",
        authority_id=AUTHORITY,
        previous_status=MemberStatus.PROBATIONARY,
        status=MemberStatus.OFFICIAL,
        on=date(2025, 11, 26),
    )
    service.apply(service.event(recognised))
    _days(service, 3)
    [ready] = service.entry_feed("btc-hn")
    assert (ready["rule"], ready["subject"], ready["due_on"]) == (
        "enterprise_ready_for_organization",
        "e-9",
        "2025-11-26",
    )
    assert "có 3 đảng viên chính thức" in ready["text"]

    founded = OrganizationFounded(
        organization_id="o-9",
        name="Chi bộ Công ty e-9",
        kind=OrganizationKind.GRASSROOTS_CELL,
        authority_id=AUTHORITY,
        enterprise_ids=["e-9"],
        decision_number="12-QĐ/ĐU",
        founded_on=date(2025, 12, 1),
        official_members=3,
    )
    service.apply(service.event(founded))
    service.apply(service.event(_member("m-4", "e-9", MemberStatus.OFFICIAL)))
    _days(service, 3)
    assert len(service.entry_feed("btc-hn")) == 1
