"""The rules' use case every service shares: an adoption becomes the service's `RulesAdopted`
event only when the contract and the service's own check accept it, the rules in force are
asked for today unless a day is given, and a caller without the grant adopts nothing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import pytest
from pydantic import Field, ValidationError

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.rules import AdmissionRulesAdopted, AdmissionRuleValues
from coso_backbone.errors import CosoError
from coso_backbone.rulesets.application import RuleSets
from coso_backbone.rulesets.commands import RulesAdoption, RulesOfAuthority
from coso_backbone.rulesets.guarded import GuardedRules
from coso_backbone.rulesets.precedence import RuleInForce, RuleSet, in_force
from coso_backbone.rulesets.routes import rules_routes

TODAY = date(2026, 3, 1)


class AdoptRules(RulesAdoption):
    values: AdmissionRuleValues = Field(description="The rules it sets")


class Refused(CosoError):
    pass


class ListedRuleSets:
    def __init__(self) -> None:
        self.adopted: list[EventContract] = []

    def adopt(self, event: EventContract) -> dict[str, Any]:
        self.adopted.append(event)
        return {"position": len(self.adopted)}

    def rule_sets(self, authority_ids: Collection[str] | None = None) -> list[RuleSet]:
        return []


class ProbationRules(RuleSets):
    """Refuses a probation over 24 months; asked days are remembered."""

    def __init__(self, store: ListedRuleSets) -> None:
        super().__init__(store, AdmissionRulesAdopted, lambda: TODAY)
        self.asked: list[date] = []

    def check_adoption(self, command: RulesAdoption) -> None:
        if (command.values.probation_months or 0) > 24:
            raise Refused("at most 24 months", field="values", rule="probation")

    def rules_in_force(self, authority_id: str, on: date) -> Mapping[str, RuleInForce]:
        self.asked.append(on)
        return in_force({"probation_months": 12}, [], [authority_id], on)


class Grants:
    def require(self, principal: Any, authority_id: str, role: Any) -> None:
        if (authority_id, role) not in principal:
            raise Refused(f"not {role} on {authority_id}", field="authority_id", rule=f"{role} granted")


def adoption(**values: Any) -> AdoptRules:
    return AdoptRules.model_validate(
        {"authority_id": " hn ", "effective_from": "2026-01-01", "legal_basis": "QĐ 12", "values": values}
    )


def test_an_adoption_is_recorded_as_the_service_s_rules_adopted_event() -> None:
    store = ListedRuleSets()

    ProbationRules(store).adopt(adoption(probation_months=18))

    [event] = store.adopted
    assert isinstance(event, AdmissionRulesAdopted)
    assert (event.authority_id, event.values.given()) == ("hn", {"probation_months": 18})


def test_an_adoption_the_service_refuses_is_not_recorded() -> None:
    store = ListedRuleSets()

    with pytest.raises(Refused):
        ProbationRules(store).adopt(adoption(probation_months=30))

    assert store.adopted == []


def test_the_rules_in_force_are_those_of_today_unless_a_day_is_asked() -> None:
    rules = ProbationRules(ListedRuleSets())

    today = rules.in_force(RulesOfAuthority(authority_id="hn"))
    asked = rules.in_force(RulesOfAuthority(authority_id="hn", on=date(2025, 5, 1)))

    assert (today["on"], asked["on"], rules.asked) == ("2026-03-01", "2025-05-01", [TODAY, date(2025, 5, 1)])
    assert today["rules"]["probation_months"]["origin"] == "default"


def test_a_viewer_asks_the_rules_but_only_an_editor_adopts_them() -> None:
    store = ListedRuleSets()
    viewer = GuardedRules(ProbationRules(store), Grants(), {("hn", "viewer")}, editor="editor", viewer="viewer")

    assert viewer.in_force(RulesOfAuthority(authority_id="hn"))["authority_id"] == "hn"
    with pytest.raises(Refused, match="not editor on hn"):
        viewer.adopt(adoption(probation_months=18))
    assert store.adopted == []


def test_a_request_naming_no_rule_is_refused_naming_values() -> None:
    with pytest.raises(ValidationError) as refused:
        adoption()

    assert [e["loc"][0] for e in refused.value.errors()] == ["values"]


def test_the_rules_routes_declare_an_adoption_and_the_rules_in_force_of_an_authority_on_a_day() -> None:
    post, get = rules_routes(AdoptRules, "Adopt", "In force", authority="The authority", on="The day", secured=False)

    assert (post.method, post.path, post.request, post.status, post.secured) == (
        "POST",
        "/rules",
        AdoptRules,
        201,
        False,
    )
    assert [(p.name, p.description, p.required) for p in get.query] == [
        ("authority_id", "The authority", True),
        ("on", "The day", False),
    ]
