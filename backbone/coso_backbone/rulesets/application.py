"""The rules' use cases as every service has them: adopt a rule set for an authority's subtree
(a `RulesAdopted` event of the service's contract, recorded with its rule set), and answer the
rules in force for an authority on a day, each with where it comes from.

A service subclasses `RuleSets` with its contract and says how its rules in force are worked out
(`rules_in_force`: its rule book, the lineage it uses) and, if it has one, the check an adoption
must pass beyond the contract's own (`check_adoption`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any, Protocol

from coso_backbone.contracts import EventContract
from coso_backbone.rulesets.commands import RulesAdoption, RulesOfAuthority
from coso_backbone.rulesets.precedence import RuleInForce, RuleSet, answer


class RuleSetStore(Protocol):
    """Rule sets adopted here (recorded as `RulesAdopted` events) or received from superiors."""

    def adopt(self, event: EventContract) -> dict[str, Any]:
        """Record the event and its rule set in one transaction; answers what was recorded."""

    def rule_sets(self, authority_ids: Collection[str] | None = None) -> list[RuleSet]:
        """The rule sets of those authorities (None: all)."""


class RuleSets:
    """Adopt rules (as `adopted`, the service's `RulesAdopted` contract) and the rules in force."""

    def __init__(self, store: RuleSetStore, adopted: type[EventContract], today: Callable[[], date]) -> None:
        self._store = store
        self._adopted = adopted
        self._today = today

    def rules_in_force(self, authority_id: str, on: date) -> Mapping[str, RuleInForce]:
        """Every rule of the service as in force for the authority on the day."""
        raise NotImplementedError

    def check_adoption(self, command: RulesAdoption) -> None:
        """Refuse an adoption the contract accepts but the rules it would put in force do not
        (naming the field and the rule); none by default."""

    def adopt(self, command: RulesAdoption) -> dict[str, Any]:
        event = self._adopted.model_validate(
            {
                "authority_id": command.authority_id,
                "effective_from": command.effective_from,
                "legal_basis": command.legal_basis,
                "values": command.values,
            }
        )
        self.check_adoption(command)
        return self._store.adopt(event)

    def in_force(self, query: RulesOfAuthority) -> dict[str, Any]:
        on = query.on or self._today()
        return answer(query.authority_id, on, self.rules_in_force(query.authority_id, on))
