"""The admission rules in force, and their adoption by an authority for its subtree.

The rules in force for an authority on a day come from the defaults, `options.rules`, and the
rule sets of `RulesAdopted` events: adopted here (`adopt`, recorded in this stack's store and
published as any event) or received from a superior's stack through a link. The pipeline asks
`rules_for` at every step, so a rule set counts from the moment it is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from coso_admissions.application.ports import AuthorityLineage, RuleSetStore
from coso_admissions.domain.rules import AdmissionRules, RuleBook
from coso_backbone.contracts.rules import AdmissionRulesAdopted
from coso_backbone.rulesets.application import RuleSets
from coso_backbone.rulesets.lineage import Lineages
from coso_backbone.rulesets.precedence import RuleInForce


class AdmissionRuleSets(RuleSets):
    def __init__(
        self,
        store: RuleSetStore,
        options: RuleBook,
        today: Callable[[], date],
        hierarchy: AuthorityLineage | None = None,
    ) -> None:
        super().__init__(store, AdmissionRulesAdopted, today)
        self._options = options
        self._lineages = Lineages(hierarchy)

    def lineage(self, authority_id: str) -> list[str]:
        """The authority, its superiors in the registry's hierarchy, then its dotted prefixes."""
        return self._lineages.of(authority_id)

    def book(self, authority_id: str) -> RuleBook:
        """The options' rule sets and the stored ones. The hierarchy is looked up only when a
        set names an authority that is neither everywhere nor a dotted prefix of this one."""
        stored = self._store.rule_sets()
        named = {s.authority_id for s in [*self._options.rule_sets, *stored]}
        lineage = self._lineages.for_sets(authority_id, named)
        return self._options.with_sets(stored, lambda a: lineage if a == authority_id else self.lineage(a))

    def rules_for(self, authority_id: str, on: date) -> AdmissionRules:
        return self.book(authority_id).rules_for(authority_id, on)

    def rules_in_force(self, authority_id: str, on: date) -> Mapping[str, RuleInForce]:
        return self.book(authority_id).in_force(authority_id, on)
