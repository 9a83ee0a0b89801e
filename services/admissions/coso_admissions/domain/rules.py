"""The configurable rules of the admission pipeline, per authority and effective date.

DOMAIN.md gives defaults from current regulations; each authority may apply changed rules
from its own date. A `RuleBook` holds rule sets `{authority, effective_from, values}`: the
rules for a step are those of the most specific authority (an exact id or a dotted prefix:
`hn` covers `hn` and `hn.kcn-thang-long`) whose latest effective date is on or before the
step's date; anything a set does not say falls back to the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction
from typing import Any


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


@dataclass(frozen=True)
class RuleSet:
    authority: str
    effective_from: date
    values: Mapping[str, Any]

    def covers(self, authority_id: str) -> bool:
        return self.authority == "" or authority_id == self.authority or authority_id.startswith(self.authority + ".")


class RuleBook:
    def __init__(self, rule_sets: Iterable[RuleSet] = (), defaults: AdmissionRules | None = None) -> None:
        self._defaults = defaults or AdmissionRules()
        self._sets = list(rule_sets)
        for rule_set in self._sets:
            self._defaults.with_values(rule_set.values)  # refuse a bad configuration at start-up

    @classmethod
    def from_config(cls, entries: Iterable[Mapping[str, Any]]) -> RuleBook:
        """From `coso.options.rules`: [{authority, effective_from, <rule>: value, ...}]."""
        sets = []
        for entry in entries:
            values = {k: v for k, v in entry.items() if k not in ("authority", "effective_from")}
            effective = entry.get("effective_from", date.min)
            if not isinstance(effective, date):
                effective = date.fromisoformat(str(effective))
            sets.append(RuleSet(str(entry.get("authority", "")), effective, values))
        return cls(sets)

    def rules_for(self, authority_id: str, on: date) -> AdmissionRules:
        applicable = [s for s in self._sets if s.covers(authority_id) and s.effective_from <= on]
        if not applicable:
            return self._defaults
        chosen = max(applicable, key=lambda s: (len(s.authority), s.effective_from))
        return self._defaults.with_values(chosen.values)
