"""Rules an authority adopts for its subtree: `RulesAdopted`, one contract per producer.

DOMAIN.md's regulatory numbers are configuration with defaults, and each authority may apply
changed ones from its own date. An authority records that decision as a `RulesAdopted` event
on the producer whose rules they are (`admissions.events`, `registry.events`,
`notifications.events`): the subtree it
applies to, the date it takes effect, its legal basis (the decision's number and text) and the
values it sets. Every value is optional (a set says only what it changes) and validated here,
as the service's options are, so a bad rule set is refused when adopted and dead-lettered with
its reason when received. The events carry no personal data: every link policy lets them cross,
and a superior's go down its links to the lower stacks (docs/FEDERATION.md).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coso_backbone.contracts import EventContract, contract


class _RuleValues(BaseModel):
    """Values of a rule set: every rule optional; at least one is set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="after")
    def _not_empty(self) -> _RuleValues:
        if not self.model_fields_set or all(getattr(self, name) is None for name in self.model_fields_set):
            known = ", ".join(type(self).model_fields)
            raise ValueError(f"a rule set sets at least one rule ({known})")
        return self

    def given(self) -> dict[str, Any]:
        """The values this set gives, JSON-ready (the rules it leaves alone are absent)."""
        return self.model_dump(mode="json", exclude_none=True)


Days = Annotated[int, Field(ge=0, le=3650)]
Months = Annotated[int, Field(ge=0, le=600)]


class AdmissionRuleValues(_RuleValues):
    """The admission pipeline's rules (DOMAIN.md, defaults in brackets)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"minProperties": 1, "examples": [{"decision_working_days": 45}]},
    )

    introducer_months: Months | None = Field(
        default=None, description="An introducer has worked with the candidate this long (12)"
    )
    vote_share: str | None = Field(
        default=None, description="Share of official members a vote needs, a fraction in (0, 1] such as '2/3' (2/3)"
    )
    file_valid_months: Months | None = Field(default=None, description="A file expires after (12)")
    decision_working_days: Days | None = Field(
        default=None, description="The authority decides within, after the grassroots resolution (60)"
    )
    extension_working_days: Days | None = Field(default=None, description="One extension of that (30)")
    ceremony_working_days: Days | None = Field(default=None, description="Ceremony after the decision (30)")
    probation_months: Months | None = Field(default=None, description="Probation (12)")
    recognition_working_days: Days | None = Field(
        default=None, description="Recognition voted within, after probation ends (30)"
    )
    transfer_letter_days: Days | None = Field(default=None, description="Transfer letter presented within (30)")
    temporary_transfer_min_months: Months | None = Field(default=None, description="Temporary transfer (3)")
    temporary_transfer_max_months: Months | None = Field(default=None, description="Temporary transfer (12)")

    @field_validator("vote_share", mode="before")
    @classmethod
    def _fraction(cls, value: Any) -> Any:
        if value is None:
            return None
        try:
            share = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a fraction such as '2/3' or 0.75") from None
        if not 0 < share <= 1:
            raise ValueError(f"{value} must be more than 0 and at most 1")
        return str(share)


class RegistryRuleValues(_RuleValues):
    """The registry's rules: party organization sizes and the quality rating's bands."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"minProperties": 1, "examples": [{"min_founding_members": 5}]},
    )

    min_founding_members: int | None = Field(
        default=None, ge=1, description="Official members needed to found a party organization (3)"
    )
    min_committee_members: int | None = Field(
        default=None, ge=1, description="Members from which a grassroots organization may be a committee (30)"
    )
    excellent_from: float | None = Field(default=None, ge=0, le=100, description="Score rated excellent from (90)")
    good_from: float | None = Field(default=None, ge=0, le=100, description="Score rated good from (70)")
    complete_from: float | None = Field(default=None, ge=0, le=100, description="Score rated complete from (50)")
    excellent_cap: float | None = Field(
        default=None, ge=0, le=1, description="Largest share of rated units that may be excellent (0.20)"
    )


ReminderDays = Annotated[int, Field(ge=0, le=365)]


class NotificationRuleValues(_RuleValues):
    """Notifications' rules: how many working days ahead a deadline is reminded, which reminders
    are on, and the minimum of official members behind the party presence conditions. (Who
    hears a reminder, its roles, stays each stack's `options`: recipients are local.)"""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"minProperties": 1, "examples": [{"decision_due_soon_working_days": 10}]},
    )

    decision_due_soon_working_days: ReminderDays | None = Field(
        default=None, description="Remind of the admission decision this many working days before it is due (5)"
    )
    probation_ending_working_days: ReminderDays | None = Field(
        default=None, description="Remind of the end of probation this many working days before (5)"
    )
    file_expiring_working_days: ReminderDays | None = Field(
        default=None, description="Remind of a candidate file's expiry this many working days before (20)"
    )
    decision_due_soon_enabled: bool | None = Field(default=None, description="Remind of a decision due soon (on)")
    decision_overdue_enabled: bool | None = Field(default=None, description="Tell of an overdue decision (on)")
    ceremony_overdue_enabled: bool | None = Field(default=None, description="Tell of an overdue ceremony (on)")
    probation_ending_enabled: bool | None = Field(default=None, description="Remind of probation ending (on)")
    recognition_overdue_enabled: bool | None = Field(default=None, description="Tell of an overdue recognition (on)")
    file_expiring_enabled: bool | None = Field(default=None, description="Remind of a file expiring (on)")
    enterprise_ready_for_organization_enabled: bool | None = Field(
        default=None, description="Tell of an enterprise ready for a party organization (on)"
    )
    organization_below_minimum_enabled: bool | None = Field(
        default=None, description="Tell of a party organization below the minimum of official members (on)"
    )
    plan_behind_schedule_enabled: bool | None = Field(
        default=None, description="Tell of a plan's target behind schedule (on)"
    )
    minimum_official_members: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Official members from which an enterprise is ready for, and below which an organization "
        "falls short of, a party organization (3)",
    )


class _RulesAdopted(EventContract):
    authority_id: str = Field(
        min_length=1, max_length=100, description="The authority whose subtree the rules apply to"
    )
    effective_from: date = Field(description="The day the rules take effect")
    legal_basis: str = Field(
        min_length=1,
        max_length=2000,
        description="The decision adopting them: its number and date, or its text (required)",
    )

    @field_validator("authority_id", "legal_basis")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


@contract("admissions", "RulesAdopted", 1)
class AdmissionRulesAdopted(_RulesAdopted):
    """An authority adopted admission rules for its subtree from a date."""

    values: AdmissionRuleValues


@contract("registry", "RulesAdopted", 1)
class RegistryRulesAdopted(_RulesAdopted):
    """An authority adopted registry rules (sizes, rating bands) for its subtree from a date."""

    values: RegistryRuleValues

    @model_validator(mode="after")
    def _descending_bands(self) -> RegistryRulesAdopted:
        v = self.values
        bands = [b for b in (v.excellent_from, v.good_from, v.complete_from) if b is not None]
        if len(bands) == 3 and not bands[0] > bands[1] > bands[2]:
            raise ValueError("values: bands must satisfy excellent_from > good_from > complete_from")
        return self


@contract("notifications", "RulesAdopted", 1)
class NotificationRulesAdopted(_RulesAdopted):
    """An authority adopted notification rules (reminders' working days, which reminders are on,
    the minimum of official members) for its subtree from a date."""

    values: NotificationRuleValues
