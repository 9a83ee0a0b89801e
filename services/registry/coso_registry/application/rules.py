"""The registry's rules in force (sizes, rating bands), and their adoption by an authority.

Rule sets come from `options.size_rules` / `options.rating_rules` and from `RulesAdopted`
events, adopted here (`adopt`, recorded in the registry's store and published as any event,
so they go down the links with the hierarchy) or received from a superior's stack. The size
check and the rating ask `sizes` and `ratings` at every command, so a set counts from the
moment it is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from coso_backbone.contracts.rules import RegistryRulesAdopted
from coso_backbone.rulesets.application import RuleSets
from coso_backbone.rulesets.commands import RulesAdoption
from coso_backbone.rulesets.precedence import Origin, RuleInForce, RuleSet
from coso_registry.application.organizations import chain_of
from coso_registry.application.ports import RegistryUnitOfWork, RuleSetStore
from coso_registry.domain.errors import InvalidConfiguration
from coso_registry.domain.rating import RatingRule
from coso_registry.domain.rule_book import RegistryRuleBook
from coso_registry.domain.size_rules import SizeRule


class RegistryRuleSets(RuleSets):
    def __init__(
        self,
        store: RuleSetStore,
        options: Sequence[RuleSet],
        today: Callable[[], date],
        unit_of_work: Callable[[], RegistryUnitOfWork],
    ) -> None:
        super().__init__(store, RegistryRulesAdopted, today)
        self._options = list(options)
        self._unit_of_work = unit_of_work
        self.sizes = _Sizes(self)
        self.ratings = _Ratings(self)

    def book(self, chain: Sequence[str] | None = None) -> RegistryRuleBook:
        """The options' rule sets and the stored ones (of the chain's authorities, if given)."""
        wanted = None if chain is None else [*chain, ""]
        return RegistryRuleBook([*self._options, *self._store.rule_sets(wanted)])

    def chain(self, authority_id: str, on: date) -> list[str]:
        with self._unit_of_work() as uow:
            return chain_of(uow, authority_id, on) or [authority_id]

    def check_adoption(self, command: RulesAdoption) -> None:
        """The rating bands the set would put in force still descend."""
        chain = self.chain(command.authority_id, command.effective_from)
        adopted = RuleSet(command.authority_id, command.effective_from, command.values.given(), Origin.ADOPTED, "", "")
        if not self.book(chain).with_sets([adopted]).bands_descend(chain, command.effective_from):
            raise InvalidConfiguration(
                "with these values the rating bands in force would not satisfy excellent_from > good_from > "
                "complete_from",
                field="values",
                rule="descending bands",
            )

    def rules_in_force(self, authority_id: str, on: date) -> Mapping[str, RuleInForce]:
        chain = self.chain(authority_id, on)
        return self.book(chain).in_force(chain, on)


class _Sizes:
    def __init__(self, rules: RegistryRuleSets) -> None:
        self._rules = rules

    def for_authority(self, chain: Sequence[str], on: date) -> SizeRule:
        return self._rules.book(chain).size_rule(chain, on)


class _Ratings:
    def __init__(self, rules: RegistryRuleSets) -> None:
        self._rules = rules

    def for_authority(self, chain: Sequence[str], on: date) -> RatingRule:
        return self._rules.book(chain).rating_rule(chain, on)
