"""Coverage: which enterprises have a trade union, a party organization, members but no
organization, or enough official members to found one, on a day; and their size bands.

The size bands and the official members needed to found an organization are
configuration (defaults: under 50, 50–199, 200–999 and 1,000 or more workers; 3 official
members, DOMAIN.md), never constants: the rules change and authorities apply them at
different dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coso_reporting.domain.errors import InvalidReportRequest

DEFAULT_BAND_LIMITS = (50, 200, 1000)
DEFAULT_MINIMUM_OFFICIAL_MEMBERS = 3
UNKNOWN_SIZE = "unknown"


@dataclass(frozen=True)
class SizeBands:
    """Worker-count bands given by their lower limits: (50, 200, 1000) makes <50, 50–199,
    200–999 and ≥1000."""

    limits: tuple[int, ...] = DEFAULT_BAND_LIMITS

    def __post_init__(self) -> None:
        if not self.limits or any(b <= a for a, b in zip(self.limits, self.limits[1:], strict=False)):
            raise InvalidReportRequest(
                f"size band limits must be increasing, not {list(self.limits)}", field="size_bands", rule="increasing"
            )
        if self.limits[0] <= 0:
            raise InvalidReportRequest("size band limits must be positive", field="size_bands", rule="positive")

    @classmethod
    def of(cls, limits: Sequence[int] | None) -> SizeBands:
        return cls(tuple(int(limit) for limit in limits)) if limits else cls()

    def keys(self) -> list[str]:
        lows = [0, *self.limits]
        highs = [*self.limits, None]
        return [f"{low}-{high - 1}" if high is not None else f"{low}+" for low, high in zip(lows, highs, strict=True)]

    def labels(self) -> dict[str, str]:
        found = {}
        lows = [0, *self.limits]
        highs = [*self.limits, None]
        for key, low, high in zip(self.keys(), lows, highs, strict=True):
            if low == 0:
                found[key] = f"Dưới {_thousands(high or 0)} lao động"
            elif high is None:
                found[key] = f"Từ {_thousands(low)} lao động trở lên"
            else:
                found[key] = f"Từ {_thousands(low)} đến {_thousands(high - 1)} lao động"
        found[UNKNOWN_SIZE] = "Chưa rõ số lao động"
        return found

    def band_of(self, workers: int | None) -> str:
        if workers is None:
            return UNKNOWN_SIZE
        keys = self.keys()
        for key, limit in zip(keys, self.limits, strict=False):
            if workers < limit:
                return key
        return keys[-1]


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


MEASURES = (
    "enterprises",
    "with_trade_union",
    "with_party_organization",
    "members_without_organization",
    "enough_members_without_organization",
)


@dataclass(frozen=True)
class CoverageGroup:
    """Enterprises alike on a day, counted together by the projection (a nation has almost a
    million): where they lay (authority, industrial zone), ownership, size band, and whether
    each has a trade union, a party organization, active members, at least the minimum of
    official members. On the day means: registered by then and not closed (a suspended
    enterprise still counts), placed where its registration or latest move put it, with the
    trade unions and organizations founded by then and not yet dissolved or merged, and the
    members admitted by then who have not left (probationary until recognised official)."""

    authority_id: str
    industrial_zone_id: str | None
    ownership: str | None
    size_band: str
    with_trade_union: bool
    with_party_organization: bool
    with_members: bool
    enough_official_members: bool
    count: int

    def measures(self) -> dict[str, int]:
        organized = self.with_party_organization
        return {
            "enterprises": self.count,
            "with_trade_union": self.count * self.with_trade_union,
            "with_party_organization": self.count * organized,
            "members_without_organization": self.count * (not organized and self.with_members),
            "enough_members_without_organization": self.count * (not organized and self.enough_official_members),
        }


@dataclass(frozen=True)
class CoverageCounts:
    """The measures (`MEASURES`, `CoverageGroup.measures`) of the enterprises of a subtree's
    units on a day, summed by the projection along each axis of the coverage report: by
    authority, size band, ownership (None: unknown) and industrial zone (None: none)."""

    units: dict[str, dict[str, int]]
    size_bands: dict[str, dict[str, int]]
    ownership: dict[str | None, dict[str, int]]
    industrial_zones: dict[str | None, dict[str, int]]
