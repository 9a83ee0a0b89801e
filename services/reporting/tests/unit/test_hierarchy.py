"""Roll-up of own counts over the hierarchy of authorities."""

from coso_reporting.domain.hierarchy import subordinates, subtree_totals
from coso_reporting.domain.indicators import AuthorityCounts, Counts


def node(authority_id: str, parent_id: str | None, enterprises: int = 0, candidates: int = 0) -> AuthorityCounts:
    return AuthorityCounts(
        authority_id, f"Đảng ủy {authority_id}", "commune", parent_id, Counts(enterprises, candidates)
    )


def test_subtree_totals_add_the_own_counts_of_every_descendant() -> None:
    totals = subtree_totals(
        [
            node("hn", None, 1, 0),
            node("hn.ba-dinh", "hn", 2, 1),
            node("hn.ba-dinh.kcn", "hn.ba-dinh", 3, 4),
            node("hn.tay-ho", "hn", 5, 0),
        ]
    )
    assert totals == {
        "hn": Counts(11, 5),
        "hn.ba-dinh": Counts(5, 5),
        "hn.ba-dinh.kcn": Counts(3, 4),
        "hn.tay-ho": Counts(5, 0),
    }


def test_an_authority_whose_superior_is_not_known_is_the_root_of_its_own_subtree() -> None:
    totals = subtree_totals([node("hn.ba-dinh", "hn", 2, 1), node("hn.ba-dinh.kcn", "hn.ba-dinh", 1, 1)])
    assert totals == {"hn.ba-dinh": Counts(3, 2), "hn.ba-dinh.kcn": Counts(1, 1)}


def test_a_cycle_in_the_parent_links_counts_each_authority_once() -> None:
    totals = subtree_totals([node("a", "b", 1, 0), node("b", "a", 0, 1), node("c", "c", 1, 1)])
    assert totals == {"a": Counts(1, 1), "b": Counts(1, 1), "c": Counts(1, 1)}


def test_subordinates_are_the_direct_children_sorted() -> None:
    tree = [node("hn", None), node("hn.z", "hn"), node("hn.a", "hn"), node("hn.a.x", "hn.a"), node("c", "c")]
    assert subordinates(tree) == {"hn": ["hn.a", "hn.z"], "hn.a": ["hn.a.x"]}


def test_buckets_map_each_descendant_to_the_subordinate_whose_subtree_holds_it() -> None:
    from coso_reporting.domain.hierarchy import buckets_under, sum_by_bucket
    from coso_reporting.domain.indicators import AuthorityCounts, Counts

    tree = [
        AuthorityCounts("vn", "TW", "central", None, Counts()),
        AuthorityCounts("p1", "Tỉnh 1", "province", "vn", Counts()),
        AuthorityCounts("p1.x", "Xã", "commune", "p1", Counts()),
        AuthorityCounts("p2", "Tỉnh 2", "province", "vn", Counts()),
        AuthorityCounts("other", "Khác", "province", None, Counts()),
    ]
    buckets = buckets_under(tree, "vn")
    assert buckets == {"vn": "vn", "p1": "p1", "p1.x": "p1", "p2": "p2"}
    sums, total = sum_by_bucket(
        {"p1.x": Counts(1, 2), "p1": Counts(1, 0), "vn": Counts(0, 1), "other": Counts(5, 5)}, buckets
    )
    assert sums == {"p1": Counts(2, 2), "vn": Counts(0, 1)}
    assert total == Counts(2, 3)
