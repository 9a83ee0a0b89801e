"""IndicatorChanged: one announcement per authority and indicator whose subtree total changed."""

from datetime import date

from coso_reporting.domain.announcements import indicator_changes
from coso_reporting.domain.indicators import Counts


def test_only_changed_indicators_are_announced_with_their_previous_value() -> None:
    changes = indicator_changes(
        {"hn": Counts(2, 5), "hn.a": Counts(1, 1)},
        {"hn": Counts(2, 7), "hn.a": Counts(1, 1), "hn.b": Counts(1, 0)},
        date(2026, 3, 1),
    )
    assert {a: [(e.indicator, e.previous, e.value) for e in events] for a, events in changes.items()} == {
        "hn": [("candidates_proposed", 5, 7)],
        "hn.b": [("enterprises", 0, 1)],
    }
