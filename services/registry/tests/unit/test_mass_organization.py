"""Mass organizations in an enterprise: members over time, chair, dissolution."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import MassOrganizationKind
from coso_registry.domain.errors import InvalidOrganization, OrganizationDissolvedAlready
from coso_registry.domain.mass_organization import MassOrganization


def _union() -> MassOrganization:
    return MassOrganization.found(
        "u1", MassOrganizationKind.TRADE_UNION, "e1", "bn.a", "Công đoàn cơ sở Công ty May", date(2023, 1, 5), 120, None
    )


def test_the_current_membership_is_the_latest_count() -> None:
    union = _union()
    union.count_members(300, date(2025, 6, 30))
    union.count_members(200, date(2024, 6, 30))
    assert union.member_count == 300
    assert union.members == {date(2023, 1, 5): 120, date(2024, 6, 30): 200, date(2025, 6, 30): 300}


def test_a_new_chair_must_differ_and_a_dissolved_union_accepts_no_change() -> None:
    union = _union()
    union.change_chair("Trần Thị Hoa", date(2024, 1, 1))
    with pytest.raises(InvalidOrganization):
        union.change_chair("Trần Thị Hoa", date(2024, 2, 1))
    union.dissolve("doanh nghiệp giải thể", date(2025, 1, 1))
    with pytest.raises(OrganizationDissolvedAlready):
        union.count_members(10, date(2025, 2, 1))
    replayed = MassOrganization.replay(union.pending)
    assert (replayed.chair, replayed.dissolved_on, replayed.version) == ("Trần Thị Hoa", date(2025, 1, 1), 3)
