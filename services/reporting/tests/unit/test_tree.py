"""The hierarchy of one day: which unit holds the records of units that ended."""

from datetime import date

import pytest

from coso_reporting.domain.tree import ROOTS_KEPT, AuthorityPeriod, Succession, Tree

MERGER = date(2025, 7, 1)
PERIODS = [
    AuthorityPeriod("bn", "Tỉnh ủy Bắc Ninh", "province", None, date(2000, 1, 1)),
    AuthorityPeriod("bn.a", "Đảng ủy xã A", "commune", "bn", date(2000, 1, 1), MERGER),
    AuthorityPeriod("bn.b", "Đảng ủy xã B", "commune", "bn", date(2000, 1, 1), MERGER),
    AuthorityPeriod("bn.c", "Đảng ủy xã C", "commune", "bn", date(2000, 1, 1)),
    AuthorityPeriod("bn.ab", "Đảng ủy xã AB", "commune", "bn", MERGER),
    AuthorityPeriod("bn.c.kcn", "Đảng ủy KCN", "industrial_zone", "bn.c", date(2010, 1, 1), date(2026, 1, 1)),
    AuthorityPeriod("bn.c.kcn", "Đảng ủy KCN Quế Võ", "industrial_zone", "bn.ab", date(2026, 1, 1)),
]
SUCCESSIONS = [Succession("bn.a", "bn.ab", MERGER), Succession("bn.b", "bn.ab", MERGER)]


def tree(day: date) -> Tree:
    return Tree(day, PERIODS, SUCCESSIONS)


def test_before_the_merger_the_old_units_hold_their_own_records() -> None:
    before = tree(date(2025, 6, 30))
    assert before.children("bn") == ["bn.a", "bn.b", "bn.c"]
    assert before.holder("bn.a") == "bn.a"
    assert before.holder("bn.ab") is None  # not founded yet


def test_after_the_merger_the_successor_holds_the_records_of_the_merged_units() -> None:
    after = tree(date(2025, 7, 1))
    assert after.children("bn") == ["bn.ab", "bn.c"]
    assert after.holder("bn.a") == "bn.ab"
    assert after.buckets_under("bn", ["bn.a", "bn.b", "bn.c", "bn.c.kcn", "bn"]) == {
        "bn.a": "bn.ab",
        "bn.b": "bn.ab",
        "bn.c": "bn.c",
        "bn.c.kcn": "bn.c",
        "bn": "bn",
    }


def test_a_reparented_unit_rolls_up_under_its_superior_of_the_day() -> None:
    assert tree(date(2025, 12, 31)).parent("bn.c.kcn") == "bn.c"
    later = tree(date(2026, 1, 1))
    assert later.parent("bn.c.kcn") == "bn.ab"
    assert later.name("bn.c.kcn") == "Đảng ủy KCN Quế Võ"
    assert later.subtree("bn.ab") == {"bn.ab", "bn.c.kcn"}


def test_records_of_unknown_units_or_outside_the_subtree_are_not_bucketed() -> None:
    today = tree(date(2026, 6, 1))
    assert today.buckets_under("bn.c", ["bn.a", "nowhere", "bn.c"]) == {"bn.c": "bn.c"}
    assert today.holder("nowhere") is None


def test_a_cycle_of_successions_holds_nothing() -> None:
    looped = Tree(date(2030, 1, 1), [], [Succession("x", "y", MERGER), Succession("y", "x", MERGER)])
    assert looped.holder("x") is None


def test_a_subtree_holds_its_units_and_the_units_merged_into_them() -> None:
    after = tree(date(2026, 1, 1))
    assert after.held_within("bn.ab") == {"bn.ab", "bn.c.kcn", "bn.a", "bn.b"}
    assert after.held_within("bn.c") == {"bn.c"}
    assert after.held_within("bn") == {"bn", "bn.ab", "bn.c", "bn.c.kcn", "bn.a", "bn.b"}
    assert tree(date(2025, 6, 30)).held_within("bn.a") == {"bn.a"}  # not merged yet
    assert after.held_within("nowhere") == set()


def test_a_subtree_s_buckets_are_worked_out_once_and_cannot_be_changed_by_a_caller() -> None:
    after = tree(date(2025, 7, 1))
    buckets = after.buckets("bn")
    assert after.buckets("bn") is buckets
    assert dict(buckets) == {
        "bn": "bn",
        "bn.ab": "bn.ab",
        "bn.c": "bn.c",
        "bn.c.kcn": "bn.c",
        "bn.a": "bn.ab",
        "bn.b": "bn.ab",
    }
    with pytest.raises(TypeError):
        buckets["elsewhere"] = "bn"  # type: ignore[index]
    held = after.held_within("bn")
    held.add("elsewhere")
    assert "elsewhere" not in after.held_within("bn")
    assert after.buckets("nowhere") == {}


def test_a_tree_keeps_the_buckets_of_a_bounded_number_of_roots() -> None:
    periods = [AuthorityPeriod("vn", "Trung ương", "central", None, date(2000, 1, 1))] + [
        AuthorityPeriod(f"u{n}", f"Đơn vị {n}", "commune", "vn", date(2000, 1, 1)) for n in range(ROOTS_KEPT + 5)
    ]
    many = Tree(date(2026, 1, 1), periods)
    for n in range(ROOTS_KEPT + 5):
        assert many.buckets(f"u{n}") == {f"u{n}": f"u{n}"}
    assert many.buckets("vn")["u3"] == "u3"
    assert len(many._buckets) <= ROOTS_KEPT
