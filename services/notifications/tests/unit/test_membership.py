"""The party presence conditions, and a bad minimum of official members refused (the minimum in
force per authority and date: test_rule_book.py)."""

from __future__ import annotations

import pytest

from coso_notifications.application.options import NotificationOptions
from coso_notifications.domain.errors import InvalidMinimum
from coso_notifications.domain.membership import OrganizationStrength, ready_for_organization


def test_a_minimum_that_is_not_a_positive_count_is_refused_naming_the_setting() -> None:
    with pytest.raises(InvalidMinimum) as refused:
        NotificationOptions.parse(
            {"minimum_official_members_overrides": [{"authority": "hn", "effective_from": "2026-01-01", "minimum": 0}]}
        )
    assert refused.value.field == "minimum_official_members_overrides[0].minimum"


def test_an_enterprise_is_ready_with_enough_official_members_or_a_trade_union_with_members() -> None:
    assert ready_for_organization(3, 0, has_organization=False, minimum=3)
    assert ready_for_organization(0, 25, has_organization=False, minimum=3)
    assert not ready_for_organization(2, 0, has_organization=False, minimum=3)
    assert not ready_for_organization(5, 25, has_organization=True, minimum=3)


def test_admissions_count_of_an_organization_is_trusted_only_once_it_reached_the_minimum() -> None:
    importing = OrganizationStrength(declared=3, known=1, armed=False)
    assert not importing.below(3)  # members still being imported: registry's count holds
    assert OrganizationStrength(declared=2, known=0, armed=False).below(3)  # founded below the minimum
    assert OrganizationStrength(declared=3, known=2, armed=True).below(3)
