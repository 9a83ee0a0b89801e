"""The registry's rules in force: party organization sizes and the quality rating's bands, from
rule sets (`options.size_rules` / `options.rating_rules`, `RulesAdopted` events adopted here or
received from a superior's stack) over the defaults of current regulations.

Rule by rule, the nearest authority up the hierarchy with a set in force wins, then the latest
date, then this stack's own adoption over a received one over the options
(`coso_backbone.rulesets.precedence`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from coso_backbone.rulesets.precedence import Origin, RuleInForce, RuleSet, in_force
from coso_registry.domain.rating import DEFAULT_RATING_RULE, RatingRule
from coso_registry.domain.size_rules import DEFAULT_RULE, SizeRule

SIZE_RULES = ("min_founding_members", "min_committee_members")
RATING_RULES = ("excellent_from", "good_from", "complete_from", "excellent_cap")
DEFAULTS: dict[str, Any] = {
    **{name: getattr(DEFAULT_RULE, name) for name in SIZE_RULES},
    **{name: float(getattr(DEFAULT_RATING_RULE, name)) for name in RATING_RULES},
}


class SizeRuleSource(Protocol):
    def for_authority(self, chain: Sequence[str], on: date) -> SizeRule:
        """`chain`: the authority and its superiors, nearest first, as of `on`."""


class RatingRuleSource(Protocol):
    def for_authority(self, chain: Sequence[str], on: date) -> RatingRule:
        """`chain`: the authority and its superiors, nearest first, as of `on`."""


def _origin_of(rules: Mapping[str, RuleInForce], names: Sequence[str]) -> tuple[str | None, date]:
    """The authority and date that describe a rule made of several values: those of the nearest
    set that gives one of them (the default if none does)."""
    for name in names:
        rule = rules[name]
        if rule.origin is not Origin.DEFAULT:
            return rule.authority_id or None, rule.effective_from or date.min
    return None, date.min


class RegistryRuleBook:
    def __init__(self, rule_sets: Iterable[RuleSet] = ()) -> None:
        self._sets = list(rule_sets)

    def with_sets(self, more: Iterable[RuleSet]) -> RegistryRuleBook:
        return RegistryRuleBook([*self._sets, *more])

    def in_force(self, chain: Sequence[str], on: date) -> dict[str, RuleInForce]:
        return in_force(DEFAULTS, self._sets, chain, on)

    def size_rule(self, chain: Sequence[str], on: date) -> SizeRule:
        rules = self.in_force(chain, on)
        authority_id, effective_from = _origin_of(rules, SIZE_RULES)
        return SizeRule(authority_id, effective_from, *(int(rules[n].value) for n in SIZE_RULES))

    def rating_rule(self, chain: Sequence[str], on: date) -> RatingRule:
        rules = self.in_force(chain, on)
        authority_id, effective_from = _origin_of(rules, RATING_RULES)
        return RatingRule(authority_id, effective_from, *(float(rules[n].value) for n in RATING_RULES))

    def bands_descend(self, chain: Sequence[str], on: date) -> bool:
        rule = self.rating_rule(chain, on)
        return rule.excellent_from > rule.good_from > rule.complete_from
