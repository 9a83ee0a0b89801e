"""The configurable rules of the admission pipeline, per authority and effective date.

DOMAIN.md gives defaults from current regulations; each authority may apply changed rules
from its own date. A `RuleBook` holds rule sets `{authority, effective_from, values}`: the
rules for a step are, rule by rule, those of the most specific authority (an exact id, a
superior in the hierarchy, or a dotted prefix: `hn` covers `hn` and `hn.kcn-thang-long`) whose
latest effective date is on or before the step's date; a rule no set gives keeps its default.
Sets come from `options.rules` and from `RulesAdopted` events, adopted here or received from a
superior's stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction
from typing import Any, Protocol

from coso_backbone.rulesets.precedence import Origin, RuleInForce, RuleSet, dotted_lineage, in_force


@dataclass(frozen=True)
class AdmissionRules:
    introducer_months: int = 12
    vote_share: Fraction = Fraction(2, 3)
    file_valid_months: int = 12
    decision_working_days: int = 60
    extension_working_days: int = 30
    ceremony_working_days: int = 30
    probation_months: int = 12
    recognition_working_days: int = 30
    transfer_letter_days: int = 30
    temporary_transfer_min_months: int = 3
    temporary_transfer_max_months: int = 12

    def with_values(self, values: Mapping[str, Any]) -> AdmissionRules:
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown admission rules {sorted(unknown)}; known: {sorted(known)}")
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            if name == "vote_share":
                parsed[name] = Fraction(str(value))
                if not 0 < parsed[name] <= 1:
                    raise ValueError(f"vote_share {value} must be in (0, 1]")
            else:
                parsed[name] = int(value)
                if parsed[name] < 0:
                    raise ValueError(f"{name} must not be negative")
        return replace(self, **parsed)


class RulesInForce(Protocol):
    """Anything that answers the rules in force for an authority on a day."""

    def rules_for(self, authority_id: str, on: date) -> AdmissionRules: ...


def default_values() -> dict[str, Any]:
    """The defaults as rule values (the vote share as a fraction's text, as rule sets give it)."""
    defaults = AdmissionRules()
    return {f.name: str(v) if isinstance(v := getattr(defaults, f.name), Fraction) else v for f in fields(defaults)}


class RuleBook:
    """Rule sets over the defaults, by the precedence of `coso_backbone.rulesets.precedence`:
    rule by rule, the most specific authority, then the latest date, then this stack's own
    adoption over one received from a superior over the options."""

    def __init__(
        self,
        rule_sets: Iterable[RuleSet] = (),
        defaults: AdmissionRules | None = None,
        lineage: Callable[[str], Sequence[str]] = dotted_lineage,
    ) -> None:
        self._defaults = defaults or AdmissionRules()
        self._sets = list(rule_sets)
        self._lineage = lineage
        for rule_set in self._sets:
            self._defaults.with_values(rule_set.values)  # refuse a bad configuration at start-up

    @classmethod
    def from_config(cls, entries: Iterable[Mapping[str, Any]]) -> RuleBook:
        """From `coso.options.rules`: [{authority, effective_from, <rule>: value, ...}]."""
        sets = []
        for index, entry in enumerate(entries):
            values = {k: v for k, v in entry.items() if k not in ("authority", "effective_from")}
            effective = entry.get("effective_from", date.min)
            if not isinstance(effective, date):
                effective = date.fromisoformat(str(effective))
            sets.append(RuleSet(str(entry.get("authority", "")), effective, values, Origin.OPTIONS, position=index))
        return cls(sets)

    @property
    def rule_sets(self) -> list[RuleSet]:
        return list(self._sets)

    def with_sets(self, more: Iterable[RuleSet], lineage: Callable[[str], Sequence[str]] | None = None) -> RuleBook:
        """This book with more rule sets (adopted here or received), e.g. read from the store."""
        return RuleBook([*self._sets, *more], self._defaults, lineage or self._lineage)

    def in_force(self, authority_id: str, on: date) -> dict[str, RuleInForce]:
        """Every rule with its value and where it comes from."""
        return in_force(default_values(), self._sets, self._lineage(authority_id), on)

    def rules_for(self, authority_id: str, on: date) -> AdmissionRules:
        chosen = self.in_force(authority_id, on)
        return self._defaults.with_values({n: r.value for n, r in chosen.items() if r.origin is not Origin.DEFAULT})
