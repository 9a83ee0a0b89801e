"""The indicator queries over a fake store of rows."""

import pytest

from coso_reporting.application.indicators import Indicators
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.indicators import LABELS, AuthorityCounts, Counts


class FakeQueries:
    def __init__(self, rows: list[AuthorityCounts]) -> None:
        self.rows = rows

    def authorities(self) -> list[AuthorityCounts]:
        return self.rows

    def positions(self) -> dict[str, int]:
        return {"/coso/hn/registry": 7}


ROWS = [
    AuthorityCounts("hn", "Thành ủy Hà Nội", "province", None, Counts(1, 0)),
    AuthorityCounts("hn.kcn", "Đảng ủy các KCN", "industrial_zone", "hn", Counts(2, 3)),
    AuthorityCounts("hn.gone", None, None, None, Counts(0, 0)),  # counted once, then moved away
    AuthorityCounts("dn", None, None, None, Counts(0, 1)),  # counted before its registration arrived
]


def test_all_lists_known_authorities_with_own_and_subtree_counts() -> None:
    answer = Indicators(FakeQueries(ROWS)).all()
    assert answer["indicators"] == LABELS
    assert answer["positions"] == {"/coso/hn/registry": 7}
    by_id = {a["authority_id"]: a for a in answer["authorities"]}
    assert set(by_id) == {"hn", "hn.kcn", "dn"}
    assert by_id["hn"]["own"] == {"enterprises": 1, "candidates_proposed": 0}
    assert by_id["hn"]["subtree"] == {"enterprises": 3, "candidates_proposed": 3}
    assert by_id["dn"]["registered"] is False


def test_one_authority_comes_with_its_subordinates() -> None:
    answer = Indicators(FakeQueries(ROWS)).of("hn")
    assert answer["subtree"] == {"enterprises": 3, "candidates_proposed": 3}
    assert [s["authority_id"] for s in answer["subordinates"]] == ["hn.kcn"]


@pytest.mark.parametrize("authority_id", ["nowhere", "hn.gone"])
def test_an_authority_without_indicators_is_refused_naming_the_field(authority_id: str) -> None:
    with pytest.raises(UnknownAuthority) as refused:
        Indicators(FakeQueries(ROWS)).of(authority_id)
    assert (refused.value.field, refused.value.rule) == ("authority_id", "exists")
    assert authority_id in refused.value.message
