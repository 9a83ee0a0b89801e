"""The indicator queries over a fake store of rows and a fake hierarchy."""

from datetime import date

import pytest

from coso_reporting.application.indicators import Indicators
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.indicators import LABELS, AuthorityCounts, Counts
from coso_reporting.domain.tree import AuthorityPeriod, Succession, Tree


class FakeQueries:
    def __init__(self, rows: list[AuthorityCounts]) -> None:
        self.rows = rows

    def authorities(self) -> list[AuthorityCounts]:
        return self.rows

    def positions(self) -> dict[str, int]:
        return {"/coso/hn/registry": 7}


class FakeTrees:
    """Hanoi with its industrial-zone committee; a ward `hn.old` merged into hn.kcn in 2025."""

    def as_of(self, day: date) -> Tree:
        merger = date(2025, 7, 1)
        periods = [
            AuthorityPeriod("hn", "Thành ủy Hà Nội", "province", None, date(2000, 1, 1)),
            AuthorityPeriod("hn.kcn", "Đảng ủy các KCN", "industrial_zone", "hn", date(2000, 1, 1)),
            AuthorityPeriod("hn.old", "Đảng ủy phường cũ", "commune", "hn", date(2000, 1, 1), merger),
        ]
        return Tree(day, periods, [Succession("hn.old", "hn.kcn", merger)])


def indicators(rows: list[AuthorityCounts]) -> Indicators:
    return Indicators(FakeQueries(rows), FakeTrees(), today=lambda: date(2026, 1, 1))


ROWS = [
    AuthorityCounts("hn", "Thành ủy Hà Nội", "province", None, Counts(1, 0)),
    AuthorityCounts("hn.kcn", "Đảng ủy các KCN", "industrial_zone", "hn", Counts(2, 3)),
    AuthorityCounts("hn.gone", None, None, None, Counts(0, 0)),  # counted once, then moved away
    AuthorityCounts("dn", None, None, None, Counts(0, 1)),  # counted before its registration arrived
    AuthorityCounts("hn.old", "Đảng ủy phường cũ", "commune", "hn", Counts(4, 5)),
]


def test_all_lists_known_authorities_with_own_and_subtree_counts() -> None:
    answer = indicators(ROWS).all()
    assert answer["indicators"] == LABELS
    assert answer["positions"] == {"/coso/hn/registry": 7}
    by_id = {a["authority_id"]: a for a in answer["authorities"]}
    assert set(by_id) == {"hn", "hn.kcn", "dn"}
    assert by_id["hn"]["own"] == {"enterprises": 1, "candidates_proposed": 0}
    assert by_id["hn"]["subtree"] == {"enterprises": 7, "candidates_proposed": 8}
    assert by_id["dn"]["registered"] is False


def test_today_the_successor_holds_the_merged_wards_counts_and_before_the_merger_the_ward_its_own() -> None:
    today = {a["authority_id"]: a for a in indicators(ROWS).all()["authorities"]}
    assert "hn.old" not in today
    assert today["hn.kcn"]["own"] == {"enterprises": 6, "candidates_proposed": 8}
    before = {a["authority_id"]: a for a in indicators(ROWS).all(date(2025, 6, 30))["authorities"]}
    assert before["hn.old"]["own"] == {"enterprises": 4, "candidates_proposed": 5}
    assert before["hn.kcn"]["own"] == {"enterprises": 2, "candidates_proposed": 3}
    assert before["hn"]["subtree"] == today["hn"]["subtree"]


def test_one_authority_comes_with_its_subordinates() -> None:
    answer = indicators(ROWS).of("hn")
    assert answer["subtree"] == {"enterprises": 7, "candidates_proposed": 8}
    assert [s["authority_id"] for s in answer["subordinates"]] == ["hn.kcn"]


@pytest.mark.parametrize("authority_id", ["nowhere", "hn.gone", "hn.old"])
def test_an_authority_without_indicators_is_refused_naming_the_field(authority_id: str) -> None:
    with pytest.raises(UnknownAuthority) as refused:
        indicators(ROWS).of(authority_id)
    assert (refused.value.field, refused.value.rule) == ("authority_id", "exists")
    assert authority_id in refused.value.message
