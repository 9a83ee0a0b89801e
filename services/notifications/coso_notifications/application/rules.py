"""Notifications' rules in force, and their adoption by an authority for its subtree.

The rules in force for an authority on a day come from the defaults, the options
(`deadline_rules`, `rule_overrides`, `minimum_official_members[_overrides]`) and the rule sets
of `RulesAdopted` events: adopted here (`adopt`, recorded in this stack's store and published
on `notifications.events`, so the links carry them down to lower stacks) or received from a
superior's stack. The deadline scheduler takes a `book` at each pass and the consumer asks
`minimum` at each change of members, so a rule set counts from the moment it is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from coso_backbone.contracts.rules import NotificationRulesAdopted
from coso_backbone.rulesets.application import RuleSets
from coso_backbone.rulesets.lineage import AuthorityHierarchy, HierarchySource, Lineages
from coso_backbone.rulesets.precedence import RuleInForce
from coso_notifications.application.ports import RuleSetStore
from coso_notifications.domain.rule_book import NotificationRuleBook


class NotificationRuleSets(RuleSets):
    def __init__(
        self,
        store: RuleSetStore,
        options: NotificationRuleBook,
        today: Callable[[], date],
        hierarchy: HierarchySource | None = None,
    ) -> None:
        super().__init__(store, NotificationRulesAdopted, today)
        self._options = options
        self._hierarchy = hierarchy

    def book(self) -> NotificationRuleBook:
        """The rules in force as recorded now, for many questions in a row (a scheduler's pass):
        the hierarchy is read whole, once, if a rule set needs it."""
        return self._book(self._hierarchy.snapshot() if self._hierarchy is not None else None)

    def _book(self, hierarchy: AuthorityHierarchy | None) -> NotificationRuleBook:
        """The options' rule sets and the stored ones. An authority's superiors are looked up
        only when a set names one that is not a dotted prefix of it."""
        stored = self._store.rule_sets()
        named = {s.authority_id for s in [*self._options.rule_sets, *stored]}
        lineages = Lineages(hierarchy)
        return self._options.with_sets(stored, lambda authority_id: lineages.for_sets(authority_id, named))

    def minimum(self, authority_id: str, on: date) -> int:
        """One question (the consumer asks at each change of members): the hierarchy is walked."""
        return self._book(self._hierarchy).minimum(authority_id, on)

    def rules_in_force(self, authority_id: str, on: date) -> Mapping[str, RuleInForce]:
        return self._book(self._hierarchy).in_force(authority_id, on)
