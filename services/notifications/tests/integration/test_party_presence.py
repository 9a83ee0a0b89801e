"""Conditions on party organizations and trade unions, from admissions' and registry's events
through the consumer: an organization below the minimum of official members is reported once
per breach, and an enterprise with a trade union but no party organization is reported ready."""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.admissions import (
    JobCategory,
    MemberEnrolled,
    MemberStatus,
    MemberStatusChanged,
    MemberTransferReceived,
    TransferKind,
)
from coso_backbone.contracts.registry import (
    MassMembershipCounted,
    MassOrganizationDissolved,
    MassOrganizationFounded,
    MassOrganizationKind,
    OrganizationDissolved,
    OrganizationFounded,
    OrganizationKind,
    OrganizationTransferred,
)

AUTHORITY = "hn.kcn-thang-long"
CELL = "Chi bộ Công ty Minh Phát"


def _days(service, days: int) -> None:
    scheduler, deliverer = service.scheduler(), service.deliverer()
    for _ in range(days):
        scheduler.evaluate()
        service.deliver_until_settled(deliverer)
        service.clock.advance(24 * 3600)


def _founded(organization_id: str = "o-1", declared: int = 3, authority: str = AUTHORITY) -> OrganizationFounded:
    return OrganizationFounded(
        organization_id=organization_id,
        name=CELL,
        kind=OrganizationKind.GRASSROOTS_CELL,
        authority_id=authority,
        enterprise_ids=["e-1"],
        decision_number="12-QĐ/ĐU",
        founded_on=date(2025, 11, 1),
        official_members=declared,
    )


def _member(member_id: str, organization: str = CELL, enterprise_id: str | None = None) -> MemberEnrolled:
    return MemberEnrolled(
        member_id=member_id,
        authority_id=AUTHORITY,
        organization=organization,
        enterprise_id=enterprise_id,
        job_category=JobCategory.PRODUCTION_WORKER,
        status=MemberStatus.OFFICIAL,
        admitted_on=date(2023, 11, 1),
        official_on=date(2024, 11, 1),
        via="import",
    )


def _below(service) -> list[dict]:
    return [e for e in service.entry_feed("btc-hn") if e["rule"] == "organization_below_minimum"]


def test_an_organization_below_the_minimum_is_reported_once_per_breach_and_again_after_recovering(
    notifications,
) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    # Registry founds the cell with 3 official members; admissions imports them one by one:
    # tied by the cell's name, or by working in the enterprise it covers.
    service.apply(
        service.event(_founded()),
        service.event(_member("m-1")),
        service.event(_member("m-2")),
        service.event(_member("m-3", organization="", enterprise_id="e-1")),
    )
    _days(service, 2)
    assert _below(service) == []  # an import in progress is no breach

    died = MemberStatusChanged(
        member_id="m-2",
        authority_id=AUTHORITY,
        previous_status=MemberStatus.OFFICIAL,
        status=MemberStatus.DECEASED,
        on=date(2025, 11, 27),
    )
    service.apply(service.event(died))
    _days(service, 5)
    [breach] = _below(service)
    assert (breach["subject"], breach["due_on"]) == ("o-1", "2025-11-27")
    assert "chỉ còn 2 đảng viên chính thức (tối thiểu 3)" in breach["text"]
    assert CELL in breach["title"]

    # A new member brings it back to the minimum; an official transfer away breaks it again.
    service.apply(service.event(_member("m-4", organization="o-1")))
    _days(service, 2)
    assert len(_below(service)) == 1
    transferred = MemberTransferReceived(
        member_id="m-4",
        transfer_id="t-1",
        kind=TransferKind.OFFICIAL,
        to_organization="Chi bộ Công ty Hòa Bình",
        to_authority_id="hn.ba-dinh",
        on=date(2025, 12, 3),
        body="Đảng ủy phường Ba Đình",
    )
    service.apply(service.event(transferred))
    _days(service, 3)
    assert sorted(e["due_on"] for e in _below(service)) == ["2025-11-27", "2025-12-03"]

    # Dissolved: no longer reported, whatever happens to its members.
    service.apply(
        service.event(
            OrganizationDissolved(
                organization_id="o-1",
                reason="không đủ đảng viên chính thức",
                decision_number="30-QĐ/ĐU",
                effective_from=date(2025, 12, 8),
            )
        )
    )
    _days(service, 2)
    assert len(_below(service)) == 2


def test_the_minimum_is_the_one_in_force_for_the_authority_on_the_day(notifications) -> None:
    service = notifications(
        minimum_official_members_overrides=[{"authority": "hn", "effective_from": "2025-10-01", "minimum": 4}]
    )
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.subscribe(authority="hcm", role="organization_department", channel="feed", target="btc-hcm")
    service.apply(service.event(_founded("o-hn", declared=3)), service.event(_founded("o-hcm", 3, "hcm.kcn")))
    _days(service, 1)
    assert [e["subject"] for e in _below(service)] == ["o-hn"]
    assert service.entry_feed("btc-hcm") == []
    assert "(tối thiểu 4)" in _below(service)[0]["text"]

    # Moved under an authority where 3 is enough: the breach closes.
    moved = OrganizationTransferred(
        organization_id="o-hn",
        authority_id="hcm.kcn",
        previous_authority_id=AUTHORITY,
        decision_number="5-QĐ/TU",
        effective_from=date(2025, 11, 26),
    )
    service.apply(service.event(moved))
    _days(service, 2)
    assert len(_below(service)) == 1
    assert service.log(rule="organization_below_minimum", status="pending") == []


def _union(enterprise_id: str, members: int, kind: MassOrganizationKind = MassOrganizationKind.TRADE_UNION):
    return MassOrganizationFounded(
        mass_organization_id=f"{kind.value}-{enterprise_id}",
        kind=kind,
        enterprise_id=enterprise_id,
        authority_id=AUTHORITY,
        name=f"Công đoàn cơ sở {enterprise_id}",
        founded_on=date(2025, 11, 25),
        members=members,
    )


def _ready(service) -> list[dict]:
    return [e for e in service.entry_feed("btc-hn") if e["rule"] == "enterprise_ready_for_organization"]


def test_an_enterprise_with_a_trade_union_with_members_but_no_party_organization_is_reported_ready(
    notifications,
) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.apply(
        service.event(_union("e-5", 120)),
        service.event(_union("e-6", 0)),  # a union without members yet
        service.event(_union("e-7", 40, MassOrganizationKind.YOUTH_UNION)),  # not a trade union
    )
    _days(service, 3)
    [ready] = _ready(service)
    assert (ready["subject"], ready["due_on"]) == ("e-5", "2025-11-25")
    assert "có công đoàn cơ sở với 120 đoàn viên" in ready["text"]

    # e-6's union counts its first members; e-5's union is dissolved, then founded again later.
    service.apply(
        service.event(
            MassMembershipCounted(mass_organization_id="trade_union-e-6", members=15, counted_on=date(2025, 11, 28))
        ),
        service.event(
            MassOrganizationDissolved(
                mass_organization_id="trade_union-e-5", reason="sáp nhập", effective_from=date(2025, 11, 28)
            )
        ),
    )
    _days(service, 2)
    assert sorted((e["subject"], e["due_on"]) for e in _ready(service)) == [
        ("e-5", "2025-11-25"),
        ("e-6", "2025-11-28"),
    ]
