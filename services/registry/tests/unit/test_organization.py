"""Party organizations: founding rules, upgrade, transfer, dissolution; size rules per authority."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import OrganizationKind, OrganizationUpgraded
from coso_registry.domain.errors import InvalidOrganization, OrganizationDissolvedAlready
from coso_registry.domain.organization import Organization
from coso_registry.domain.size_rules import DEFAULT_RULE, SizeRule, SizeRules

FOUNDED = date(2024, 3, 1)


def _cell(members: int = 5, rule: SizeRule = DEFAULT_RULE) -> Organization:
    return Organization.found(
        "o1", "Chi bộ Công ty May", OrganizationKind.GRASSROOTS_CELL, "bn.a", ["e1"], "12-QĐ/ĐU", FOUNDED, members, rule
    )


def test_founding_with_fewer_official_members_than_the_rule_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidOrganization) as refused:
        _cell(members=2)
    assert refused.value.field == "official_members"
    assert refused.value.rule == ">= 3 official members to found"


def test_an_authoritys_own_rule_applies_to_its_subtree_from_its_date() -> None:
    rules = SizeRules([SizeRule("bn", date(2025, 1, 1), min_founding_members=5)])
    assert rules.for_authority(["bn.a", "bn"], date(2024, 12, 31)) == DEFAULT_RULE
    assert rules.for_authority(["bn.a", "bn"], date(2025, 1, 1)).min_founding_members == 5
    assert rules.for_authority(["hn.x", "hn"], date(2025, 1, 1)) == DEFAULT_RULE
    with pytest.raises(InvalidOrganization) as refused:
        _cell(members=4, rule=rules.for_authority(["bn.a", "bn"], date(2025, 1, 1)))
    assert "rule of bn from 2025-01-01" in refused.value.message


def test_a_grassroots_committee_needs_thirty_members_by_default() -> None:
    with pytest.raises(InvalidOrganization) as refused:
        Organization.found(
            "o1", "Đảng bộ", OrganizationKind.GRASSROOTS_COMMITTEE, "bn.a", ["e1"], "1", FOUNDED, 29, DEFAULT_RULE
        )
    assert refused.value.field == "kind"


def test_a_combined_cell_covers_several_enterprises_and_others_exactly_one() -> None:
    with pytest.raises(InvalidOrganization):
        Organization.found(
            "o1", "Chi bộ ghép", OrganizationKind.COMBINED_CELL, "bn.a", ["e1"], "1", FOUNDED, 3, DEFAULT_RULE
        )
    with pytest.raises(InvalidOrganization):
        Organization.found(
            "o1", "Chi bộ", OrganizationKind.GRASSROOTS_CELL, "bn.a", ["e1", "e2"], "1", FOUNDED, 3, DEFAULT_RULE
        )
    combined = Organization.found(
        "o1", "Chi bộ ghép", OrganizationKind.COMBINED_CELL, "bn.a", ["e1", "e2"], "1", FOUNDED, 3, DEFAULT_RULE
    )
    assert combined.enterprise_ids == ["e1", "e2"]


def test_a_cell_with_enough_members_is_upgraded_to_a_committee() -> None:
    cell = _cell()
    with pytest.raises(InvalidOrganization):
        cell.upgrade(12, "30-QĐ/ĐU", date(2025, 1, 1), DEFAULT_RULE)
    cell.upgrade(31, "30-QĐ/ĐU", date(2025, 1, 1), DEFAULT_RULE)
    assert cell.kind is OrganizationKind.GRASSROOTS_COMMITTEE
    assert isinstance(cell.pending[-1], OrganizationUpgraded)


def test_a_dissolved_organization_accepts_no_change_and_replays_as_dissolved() -> None:
    cell = _cell()
    cell.transfer("bn.b", "40-QĐ/ĐU", date(2025, 7, 1))
    cell.dissolve("doanh nghiệp giải thể", "41-QĐ/ĐU", date(2025, 9, 1))
    with pytest.raises(OrganizationDissolvedAlready):
        cell.rename("Chi bộ mới", "42", date(2025, 10, 1))
    replayed = Organization.replay(cell.pending)
    assert (replayed.authority_id, replayed.dissolved_on, replayed.version) == ("bn.b", date(2025, 9, 1), 3)
