"""Roll-up of own counts over the hierarchy of one day."""

from datetime import date

from coso_reporting.domain.hierarchy import roll_up, sum_by_bucket
from coso_reporting.domain.indicators import Counts
from coso_reporting.domain.tree import AuthorityPeriod, Succession, Tree

MERGER = date(2025, 7, 1)
SINCE = date(2000, 1, 1)


def tree(day: date) -> Tree:
    return Tree(
        day,
        [
            AuthorityPeriod("hn", "Thành ủy Hà Nội", "province", None, SINCE),
            AuthorityPeriod("hn.ba-dinh", "Đảng ủy phường Ba Đình", "commune", "hn", SINCE),
            AuthorityPeriod("hn.ba-dinh.kcn", "Đảng ủy KCN", "industrial_zone", "hn.ba-dinh", SINCE),
            AuthorityPeriod("hn.tay-ho", "Đảng ủy phường Tây Hồ", "commune", "hn", SINCE, MERGER),
            AuthorityPeriod("hn.quang-an", "Đảng ủy phường Quảng An", "commune", "hn", SINCE, MERGER),
            AuthorityPeriod("hn.tay-ho-moi", "Đảng ủy phường Tây Hồ (mới)", "commune", "hn", MERGER),
        ],
        [Succession("hn.tay-ho", "hn.tay-ho-moi", MERGER), Succession("hn.quang-an", "hn.tay-ho-moi", MERGER)],
    )


OWN = {
    "hn": Counts(1, 0),
    "hn.ba-dinh": Counts(2, 1),
    "hn.ba-dinh.kcn": Counts(3, 4),
    "hn.tay-ho": Counts(5, 0),
    "hn.quang-an": Counts(0, 2),
    "dn": Counts(0, 7),  # counted before its registration arrived
}


def test_subtree_totals_add_the_own_counts_of_every_descendant_of_the_day() -> None:
    rolled = roll_up(tree(date(2025, 6, 30)), OWN)
    assert rolled.subtree["hn"] == Counts(11, 7)
    assert rolled.subtree["hn.ba-dinh"] == Counts(5, 5)
    assert rolled.subtree["hn.tay-ho"] == Counts(5, 0)
    assert rolled.subtree["hn.quang-an"] == Counts(0, 2)


def test_after_a_merger_the_successor_holds_the_merged_units_counts() -> None:
    rolled = roll_up(tree(MERGER), OWN)
    assert "hn.tay-ho" not in rolled.own
    assert rolled.own["hn.tay-ho-moi"] == Counts(5, 2)
    assert rolled.subtree["hn"] == Counts(11, 7)


def test_counts_nobody_holds_that_day_are_set_apart_not_added_to_anybody() -> None:
    rolled = roll_up(tree(MERGER), OWN)
    assert rolled.unplaced == {"dn": Counts(0, 7)}
    before_anything = roll_up(tree(date(1999, 1, 1)), OWN)
    assert before_anything.own == {} and before_anything.unplaced.keys() == OWN.keys()


def test_a_cycle_in_the_superiors_counts_nothing_twice() -> None:
    looped = Tree(
        MERGER,
        [AuthorityPeriod("a", "A", "commune", "b", SINCE), AuthorityPeriod("b", "B", "commune", "a", SINCE)],
    )
    rolled = roll_up(looped, {"a": Counts(1, 0), "b": Counts(0, 1)})
    assert rolled.subtree == {"a": Counts(1, 1), "b": Counts(1, 1)}


def test_sums_by_bucket_give_the_subordinates_subtree_totals_in_one_pass() -> None:
    day = tree(MERGER)
    buckets = day.buckets_under("hn", OWN)
    sums, total = sum_by_bucket(OWN, buckets)
    assert sums == {"hn": Counts(1, 0), "hn.ba-dinh": Counts(5, 5), "hn.tay-ho-moi": Counts(5, 2)}
    assert total == Counts(11, 7)
