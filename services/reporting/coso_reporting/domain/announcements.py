"""Which indicator values changed: the `IndicatorChanged` events reporting publishes.

Subscribers (notifications, a superior authority's deployment, a wall dashboard) learn
that an indicator's value over an authority's subtree changed, with the new and the
previous value. One event per authority and indicator whose total changed in a batch of
applied events, so a burst of proposals is one announcement, not hundreds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from coso_backbone.contracts.reporting import IndicatorChanged
from coso_reporting.domain.indicators import Counts

INDICATORS = ("enterprises", "candidates_proposed")


def stream_of_indicators(authority_id: str) -> str:
    return f"indicators-{authority_id}"


def indicator_changes(
    before: Mapping[str, Counts], after: Mapping[str, Counts], as_of: date
) -> dict[str, list[IndicatorChanged]]:
    """Per authority, the indicators whose subtree totals differ between `before` and `after`."""
    changes: dict[str, list[IndicatorChanged]] = {}
    for authority_id in sorted(after.keys() | before.keys()):
        old, new = before.get(authority_id, Counts()), after.get(authority_id, Counts())
        for indicator in INDICATORS:
            previous, value = getattr(old, indicator), getattr(new, indicator)
            if previous != value:
                changes.setdefault(authority_id, []).append(
                    IndicatorChanged(
                        authority_id=authority_id, indicator=indicator, value=value, previous=previous, as_of=as_of
                    )
                )
    return changes
