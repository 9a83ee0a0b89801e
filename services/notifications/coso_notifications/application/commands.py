"""What the rules' entrypoints send the application: adopt rules for a subtree, ask the rules in force."""

from __future__ import annotations

from pydantic import Field

from coso_backbone.contracts.rules import NotificationRuleValues
from coso_backbone.rulesets.commands import RulesAdoption
from coso_backbone.rulesets.commands import RulesOfAuthority as RulesOfAuthority


class AdoptRules(RulesAdoption):
    """An authority adopts notification rules for its subtree from a date (each rule optional)."""

    values: NotificationRuleValues = Field(description="The rules it sets, e.g. {'decision_due_soon_working_days': 10}")
