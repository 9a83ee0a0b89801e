"""Notifications' rules in force for an authority on a day: each deadline reminder's working days
ahead, whether it is on and which roles hear it, and the minimum of official members behind
the party presence conditions.

They come from rule sets over the defaults (DOMAIN.md, `deadlines.DEFAULT_RULES`): the
service's options, and `RulesAdopted` events adopted here or received from a superior's stack.
Rule by rule, the nearest authority in the lineage with a set in force wins, then the latest
date, then this stack's own adoption over a received one over the options
(`coso_backbone.rulesets.precedence`). A rule is named after the reminder it sets:
`decision_due_soon_working_days`, `file_expiring_enabled`, `decision_overdue_roles`, and
`minimum_official_members`. Roles are options only (recipients are local); the others may
be adopted (`adoptable_rules`, the fields of `NotificationRuleValues`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from coso_backbone.rulesets.precedence import RuleInForce, RuleSet, dotted_lineage, in_force
from coso_notifications.domain.deadlines import DEFAULT_RULES, DeadlineRule, Timing
from coso_notifications.domain.errors import InvalidMinimum
from coso_notifications.domain.rules import Rule

MINIMUM = "minimum_official_members"
DEFAULT_MINIMUM = 3  # official members to found (and keep) a party organization (DOMAIN.md)


def working_days_rule(rule: Rule) -> str:
    return f"{rule.value}_working_days"


def enabled_rule(rule: Rule) -> str:
    return f"{rule.value}_enabled"


def roles_rule(rule: Rule) -> str:
    return f"{rule.value}_roles"


def rule_values(rule: DeadlineRule) -> dict[str, Any]:
    """A deadline rule's settings as rule values (working days only for a rule that reminds ahead)."""
    values: dict[str, Any] = {}
    if rule.timing is Timing.BEFORE:
        values[working_days_rule(rule.rule)] = rule.working_days
    values[enabled_rule(rule.rule)] = rule.enabled
    values[roles_rule(rule.rule)] = sorted(rule.roles)
    return values


def adoptable_rules(rules: Sequence[DeadlineRule] = DEFAULT_RULES) -> list[str]:
    """The rules an authority may adopt for its subtree: every rule but the roles."""
    names = [working_days_rule(r.rule) for r in rules if r.timing is Timing.BEFORE]
    return [*names, *(enabled_rule(r.rule) for r in rules), MINIMUM]


def check_minimum(value: int, field: str) -> int:
    if not 1 <= value <= 100:
        raise InvalidMinimum(f"{field}: {value} is not between 1 and 100", field=field, rule="between 1 and 100")
    return value


class NotificationRuleBook:
    """Rule sets over the defaults. A book is a snapshot: it remembers what it worked out (a
    scheduler's pass asks once per deadline). Two authorities whose lineages hold the same
    authorities with rule sets, in the same order, have the same rules in force: the rules are
    worked out once for them all (once per pass when no set names an authority)."""

    def __init__(
        self,
        rule_sets: Iterable[RuleSet] = (),
        deadline_rules: Sequence[DeadlineRule] = DEFAULT_RULES,
        minimum: int = DEFAULT_MINIMUM,
        lineage: Callable[[str], Sequence[str]] = dotted_lineage,
    ) -> None:
        self._rules = tuple(deadline_rules)
        self._sets = list(rule_sets)
        self._lineage = lineage
        self._minimum = check_minimum(minimum, MINIMUM)
        self._defaults: dict[str, Any] = {MINIMUM: minimum}
        for rule in self._rules:
            self._defaults.update(rule_values(rule))
        self._named = {s.authority_id for s in self._sets}
        self._covering: dict[str, tuple[str, ...]] = {}
        self._known: dict[tuple[tuple[str, ...], date], dict[str, RuleInForce]] = {}
        self._settings: dict[tuple[Rule, tuple[str, ...], date], DeadlineRule] = {}

    @property
    def rule_sets(self) -> list[RuleSet]:
        return list(self._sets)

    @property
    def deadline_rules(self) -> tuple[DeadlineRule, ...]:
        """Every deadline rule with its default settings (what fires on which kind, and when)."""
        return self._rules

    def with_sets(
        self, more: Iterable[RuleSet], lineage: Callable[[str], Sequence[str]] | None = None
    ) -> NotificationRuleBook:
        """This book with more rule sets (adopted here or received), e.g. read from the store."""
        return NotificationRuleBook([*self._sets, *more], self._rules, self._minimum, lineage or self._lineage)

    def _covering_of(self, authority_id: str) -> tuple[str, ...]:
        """The authorities of the lineage that have rule sets, nearest first: all that decides
        among the sets (a set for everywhere is farther than any of them)."""
        found = self._covering.get(authority_id)
        if found is None:
            lineage = self._lineage(authority_id)
            found = self._covering[authority_id] = tuple(a for a in lineage if a in self._named)
        return found

    def in_force(self, authority_id: str, on: date) -> dict[str, RuleInForce]:
        """Every rule with its value and where it comes from."""
        covering = self._covering_of(authority_id)
        found = self._known.get((covering, on))
        if found is None:
            found = self._known[(covering, on)] = in_force(self._defaults, self._sets, covering, on)
        return found

    def deadline_rule(self, rule: DeadlineRule, authority_id: str, on: date) -> DeadlineRule:
        """The rule's settings in force for the authority on the day."""
        key = (rule.rule, self._covering_of(authority_id), on)
        found = self._settings.get(key)
        if found is None:
            values: Mapping[str, RuleInForce] = self.in_force(authority_id, on)
            days = values.get(working_days_rule(rule.rule))
            found = self._settings[key] = DeadlineRule(
                rule.rule,
                rule.kind,
                rule.timing,
                rule.working_days if days is None else int(days.value),
                frozenset(values[roles_rule(rule.rule)].value),
                bool(values[enabled_rule(rule.rule)].value),
            )
        return found

    def minimum(self, authority_id: str, on: date) -> int:
        """The minimum of official members in force for the authority on the day."""
        return int(self.in_force(authority_id, on)[MINIMUM].value)

    def widest(self, rule: DeadlineRule) -> int:
        """The most working days ahead the rule reminds anywhere, on any day (bounds a query)."""
        name = working_days_rule(rule.rule)
        given = [int(s.values[name]) for s in self._sets if name in s.values]
        return max([rule.working_days, *given])
