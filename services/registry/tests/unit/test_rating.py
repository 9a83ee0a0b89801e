"""Annual quality rating: score to level by bands, one rating a year, the cap on excellent."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import OrganizationKind, OrganizationRated, QualityLevel
from coso_registry.domain.errors import InvalidOrganization
from coso_registry.domain.organization import Organization
from coso_registry.domain.rating import DEFAULT_RATING_RULE, RatingRule, RatingRules, RatingSummary
from coso_registry.domain.size_rules import DEFAULT_RULE


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (90, QualityLevel.EXCELLENT),
        (89.9, QualityLevel.GOOD),
        (70, QualityLevel.GOOD),
        (50, QualityLevel.COMPLETE),
        (49.5, QualityLevel.NOT_COMPLETE),
    ],
)
def test_the_default_bands_turn_a_score_into_its_level(score: float, level: QualityLevel) -> None:
    assert DEFAULT_RATING_RULE.level_for(score) is level


def test_an_organization_is_rated_once_a_year_with_the_level_of_its_authoritys_bands() -> None:
    cell = Organization.found(
        "o1", "Chi bộ", OrganizationKind.GRASSROOTS_CELL, "bn.a", ["e1"], "1", date(2023, 3, 1), 5, DEFAULT_RULE
    )
    strict = RatingRules([RatingRule("bn", date(2024, 1, 1), excellent_from=95)]).for_authority(
        ["bn.a", "bn"], date(2024, 12, 31)
    )
    cell.rate(2024, 92, date(2025, 1, 15), strict)
    event = cell.pending[-1]
    assert isinstance(event, OrganizationRated) and event.level is QualityLevel.GOOD
    with pytest.raises(InvalidOrganization) as refused:
        cell.rate(2024, 95, date(2025, 1, 20), strict)
    assert refused.value.rule == "one rating per year"
    with pytest.raises(InvalidOrganization) as before_founding:
        cell.rate(2022, 80, date(2023, 1, 10), strict)
    assert before_founding.value.field == "year"


def test_more_excellent_than_the_cap_is_reported() -> None:
    within = RatingSummary({QualityLevel.EXCELLENT: 1, QualityLevel.GOOD: 4}, DEFAULT_RATING_RULE)
    above = RatingSummary({QualityLevel.EXCELLENT: 2, QualityLevel.GOOD: 3}, DEFAULT_RATING_RULE)
    assert within.findings() == []
    assert above.findings() == ["40% rated excellent, above the cap of 20% (default)"]
