"""Coverage: which enterprises have a trade union, a party organization, members but no
organization, or enough official members to found one, on a day; and their size bands.

The size bands and the official members needed to found an organization are
configuration (defaults: under 50, 50–199, 200–999 and 1,000 or more workers; 3 official
members, DOMAIN.md), never constants: the rules change and authorities apply them at
different dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coso_reporting.domain.errors import InvalidReportRequest
from coso_reporting.domain.fact_records import (
    EnterpriseFact,
    EnterpriseMembers,
    MassOrganizationFact,
    OrganizationFact,
)

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
class Coverage:
    """One operating enterprise on a day, with what it has."""

    enterprise_id: str
    authority_id: str
    industrial_zone_id: str | None
    ownership: str | None
    size_band: str
    with_trade_union: bool
    with_party_organization: bool
    active_members: int
    official_members: int

    def measures(self, minimum_official: int) -> dict[str, int]:
        organized = self.with_party_organization
        return {
            "enterprises": 1,
            "with_trade_union": int(self.with_trade_union),
            "with_party_organization": int(organized),
            "members_without_organization": int(not organized and self.active_members > 0),
            "enough_members_without_organization": int(not organized and self.official_members >= minimum_official),
        }


def coverage_on(
    day: date,
    bands: SizeBands,
    enterprises: Iterable[EnterpriseFact],
    organizations: Iterable[OrganizationFact],
    mass_organizations: Iterable[MassOrganizationFact],
    members: Mapping[str, EnterpriseMembers],
) -> list[Coverage]:
    """Every enterprise operating on `day`, with its union, organization and members that day
    (`members`: per enterprise, as counted for that day)."""
    unions = {
        m.enterprise_id
        for m in mass_organizations
        if m.kind == "trade_union" and m.enterprise_id is not None and m.exists_on(day)
    }
    organized = {e for o in organizations if o.exists_on(day) for e in o.enterprise_ids}
    none = EnterpriseMembers(0, 0)
    found = []
    for enterprise in enterprises:
        if not enterprise.operating_on(day):
            continue
        place = enterprise.place_on(day)
        if place is None:
            continue
        found.append(
            Coverage(
                enterprise.enterprise_id,
                place.authority_id,
                place.industrial_zone_id,
                enterprise.ownership,
                bands.band_of(enterprise.worker_count),
                enterprise.enterprise_id in unions,
                enterprise.enterprise_id in organized,
                members.get(enterprise.enterprise_id, none).active,
                members.get(enterprise.enterprise_id, none).official,
            )
        )
    return found
