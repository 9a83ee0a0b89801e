"""The effective-dated hierarchy as plain Python: timelines, trees as of a day, successors."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import AuthorityLevel, AuthorityMerged, AuthorityRenamed
from coso_registry.domain.authority import Authority
from coso_registry.domain.errors import AuthorityNoLongerExists, InvalidAuthority
from coso_registry.domain.hierarchy import Hierarchy, Succession, successions_of, successors_on

JULY = date(2025, 7, 1)
BASIS = "Nghị quyết 1656/NQ-UBTVQH15"


def _province() -> Authority:
    return Authority.register("bn", "Tỉnh ủy Bắc Ninh", AuthorityLevel.PROVINCE, None, date(2020, 1, 1))


def _commune(authority_id: str, parent: str = "bn", since: date = date(2020, 1, 1)) -> Authority:
    return Authority.register(authority_id, f"Đảng ủy xã {authority_id}", AuthorityLevel.COMMUNE, parent, since)


def test_a_renamed_authority_keeps_its_old_name_before_the_effective_date() -> None:
    bloc = Authority.register("bn.khoi", "Đảng ủy Khối doanh nghiệp", AuthorityLevel.BLOC, "bn", date(2015, 1, 1))
    bloc.rename("Đảng ủy Khối các cơ quan và doanh nghiệp", date(2020, 10, 1), "QĐ 12-QĐ/TU")
    assert bloc.state_on(date(2020, 9, 30)).name == "Đảng ủy Khối doanh nghiệp"  # type: ignore[union-attr]
    assert bloc.state_on(date(2020, 10, 1)).name == "Đảng ủy Khối các cơ quan và doanh nghiệp"  # type: ignore[union-attr]
    assert isinstance(bloc.pending[-1], AuthorityRenamed)
    assert bloc.pending[-1].legal_basis == "QĐ 12-QĐ/TU"


def test_a_change_dated_before_the_last_change_is_refused() -> None:
    commune = _commune("a")
    commune.rename("Xã A mới", date(2024, 1, 1), BASIS)
    with pytest.raises(InvalidAuthority) as refused:
        commune.rename("Xã A cũ", date(2023, 1, 1), BASIS)
    assert refused.value.field == "effective_from"
    assert refused.value.rule == "changes of an authority are recorded in date order"


def test_a_change_without_legal_basis_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidAuthority) as refused:
        _commune("a").rename("Xã A mới", JULY, "  ")
    assert refused.value.field == "legal_basis"


def test_a_merged_authority_no_longer_exists_and_accepts_no_change() -> None:
    commune = _commune("a")
    commune.merge_into("abc", ["a", "b", "c"], JULY, BASIS)
    assert commune.exists_on(date(2025, 6, 30))
    assert not commune.exists_on(JULY)
    with pytest.raises(AuthorityNoLongerExists) as refused:
        commune.rename("Xã A mới", date(2025, 8, 1), BASIS)
    assert refused.value.field == "authority_id"


def test_an_authority_cannot_be_merged_into_itself_or_split_into_one() -> None:
    with pytest.raises(InvalidAuthority):
        _commune("a").merge_into("a", ["a"], JULY, BASIS)
    with pytest.raises(InvalidAuthority) as refused:
        _commune("a").split_into(["b", "b"], JULY, BASIS)
    assert refused.value.field == "successor_ids"


def test_an_authority_replayed_from_its_events_has_the_same_timeline() -> None:
    commune = _commune("a")
    commune.reparent("hn", date(2022, 1, 1), BASIS)
    commune.rename("Phường A", date(2023, 1, 1), BASIS)
    commune.merge_into("abc", ["a", "b"], JULY, BASIS)
    events = [
        *Authority.register("a", "Đảng ủy xã a", AuthorityLevel.COMMUNE, "bn", date(2020, 1, 1)).pending,
        *commune.pending[1:],
    ]
    replayed = Authority.replay(events)
    assert replayed.periods == commune.periods
    assert replayed.ending == commune.ending
    assert replayed.version == 4
    assert isinstance(events[-1], AuthorityMerged)


def _restructured() -> list[Authority]:
    province = _province()
    a, b, c, d = (_commune(x) for x in "abcd")
    merged = _commune("abc", since=JULY)
    village = Authority.register("a.kcn", "Đảng ủy KCN Quế Võ", AuthorityLevel.INDUSTRIAL_ZONE, "a", date(2021, 1, 1))
    for unit in (a, b, c):
        unit.merge_into("abc", ["a", "b", "c"], JULY, BASIS)
    village.reparent("abc", JULY, BASIS)
    return [province, a, b, c, d, merged, village]


def test_the_tree_as_of_a_day_uses_the_hierarchy_of_that_day() -> None:
    authorities = _restructured()
    before = Hierarchy.of(authorities, date(2025, 6, 30))
    after = Hierarchy.of(authorities, JULY)
    assert before.children("bn") == ["a", "b", "c", "d"]
    assert after.children("bn") == ["abc", "d"]
    assert [n.authority_id for n in before.subtree("a")] == ["a", "a.kcn"]
    assert [n.authority_id for n in after.subtree("abc")] == ["abc", "a.kcn"]
    assert after.subtree("a") == []
    assert after.ancestors("a.kcn") == ["abc", "bn"]
    assert after.tree()[0]["children"][0]["authority_id"] == "abc"


def test_the_successor_of_merged_units_is_found_transitively() -> None:
    authorities = _restructured()
    lifetimes = {a.authority_id: (a.effective_from, a.ending.on if a.ending else None) for a in authorities}
    successions = [s for a in authorities for s in successions_of(a)]
    later = [*successions, Succession("abc", "bn.north", date(2027, 1, 1), "merged")]
    lifetimes["abc"] = (JULY, date(2027, 1, 1))
    lifetimes["bn.north"] = (date(2027, 1, 1), None)
    assert successors_on("a", date(2025, 6, 30), lifetimes, later) == ["a"]
    assert successors_on("a", date(2026, 1, 1), lifetimes, later) == ["abc"]
    assert successors_on("a", date(2027, 6, 1), lifetimes, later) == ["bn.north"]
    assert successors_on("d", date(2027, 6, 1), lifetimes, later) == ["d"]


def test_a_split_unit_has_several_successors_and_a_dissolved_one_none() -> None:
    lifetimes = {"x": (date(2020, 1, 1), JULY), "x1": (JULY, None), "x2": (JULY, None), "y": (date(2020, 1, 1), JULY)}
    successions = [Succession("x", "x1", JULY, "split"), Succession("x", "x2", JULY, "split")]
    assert successors_on("x", JULY, lifetimes, successions) == ["x1", "x2"]
    assert successors_on("y", JULY, lifetimes, successions) == []
