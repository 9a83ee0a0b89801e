"""Merging party organizations: same authority or stated, enterprises and members follow."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import OrganizationKind, OrganizationMergedInto, OrganizationsMerged
from coso_registry.domain.errors import InvalidOrganization, OrganizationDissolvedAlready
from coso_registry.domain.organization import Organization
from coso_registry.domain.size_rules import DEFAULT_RULE

FOUNDED = date(2024, 3, 1)
MERGED_ON = date(2025, 9, 1)


def _cell(organization_id: str, enterprise_id: str, authority_id: str = "bn.a") -> Organization:
    return Organization.found(
        organization_id,
        f"Chi bộ {enterprise_id}",
        OrganizationKind.GRASSROOTS_CELL,
        authority_id,
        [enterprise_id],
        "1-QĐ",
        FOUNDED,
        5,
        DEFAULT_RULE,
    )


def test_merging_cells_makes_a_combined_cell_covering_all_enterprises_and_ends_the_merged_ones() -> None:
    successor, first, second = _cell("o1", "e1"), _cell("o2", "e2"), _cell("o3", "e3")
    successor.absorb(
        [first, second], "9-QĐ", MERGED_ON, DEFAULT_RULE, kind=OrganizationKind.COMBINED_CELL, official_members=14
    )
    merged = successor.pending[-1]
    assert isinstance(merged, OrganizationsMerged)
    assert merged.merged_ids == ["o2", "o3"] and merged.official_members == 14
    assert successor.enterprise_ids == ["e1", "e2", "e3"] and successor.kind is OrganizationKind.COMBINED_CELL
    assert isinstance(first.pending[-1], OrganizationMergedInto)
    assert first.merged_into == "o1" and first.dissolved_on == MERGED_ON
    with pytest.raises(OrganizationDissolvedAlready):
        first.rename("Khác", "10", date(2025, 10, 1))


def test_a_single_enterprise_kind_covering_several_enterprises_is_refused_naming_kind() -> None:
    with pytest.raises(InvalidOrganization) as refused:
        _cell("o1", "e1").absorb([_cell("o2", "e2")], "9-QĐ", MERGED_ON, DEFAULT_RULE)
    assert refused.value.field == "kind"


def test_merging_across_authorities_needs_the_successors_authority_stated() -> None:
    with pytest.raises(InvalidOrganization) as refused:
        _cell("o1", "e1").absorb(
            [_cell("o2", "e2", "bn.b")], "9", MERGED_ON, DEFAULT_RULE, kind=OrganizationKind.COMBINED_CELL
        )
    assert refused.value.rule == "same authority, or authority_id stated"
    successor = _cell("o1", "e1")
    successor.absorb(
        [_cell("o2", "e2", "bn.b")],
        "9",
        MERGED_ON,
        DEFAULT_RULE,
        kind=OrganizationKind.COMBINED_CELL,
        authority_id="bn.b",
    )
    assert successor.authority_id == "bn.b"


def test_a_merger_stating_too_few_members_for_a_committee_is_refused() -> None:
    committee = Organization.found(
        "o1", "Đảng bộ", OrganizationKind.GRASSROOTS_COMMITTEE, "bn.a", ["e1"], "1", FOUNDED, 40, DEFAULT_RULE
    )
    other = Organization.found(
        "o2", "Chi bộ", OrganizationKind.GRASSROOTS_CELL, "bn.a", ["e1"], "1", FOUNDED, 5, DEFAULT_RULE
    )
    with pytest.raises(InvalidOrganization) as refused:
        committee.absorb([other], "9", MERGED_ON, DEFAULT_RULE, official_members=20)
    assert refused.value.field == "official_members"
    with pytest.raises(InvalidOrganization) as itself:
        committee.absorb([committee], "9", MERGED_ON, DEFAULT_RULE)
    assert itself.value.rule == "differs from successor_id"
