"""The service's own settings (`coso.options` in config.yml), checked at start.

```yaml
options:
  webhooks: [{url: https://..., secret: ..., rules: [candidate_proposed]}]
  retry: {base_seconds: 1.0, factor: 2.0, max_attempts: 6, max_delay_seconds: 3600}
  request_timeout_seconds: 10
  poll_seconds: 1.0
  batch_size: 50
  calendar: {country: VN, time_zone: Asia/Ho_Chi_Minh, extra_holidays: [], extra_working_days: []}
  deadline_rules: {decision_due_soon: {working_days: 5, roles: [organization_department]}, ...}
  rule_overrides: [{authority: hn, effective_from: 2025-07-01, rule: decision_due_soon, working_days: 10}]
  subscriptions: [{authority: hn, role: organization_department, channel: email, target: btc@hn.vn}]
  email: {host: 127.0.0.1, port: 25, sender: thongbao@coso.local}
  amqp: {uri: ""}   # empty: the service's own broker
  scheduler_poll_seconds: 60
  minimum_official_members: 3
  minimum_official_members_overrides: [{authority: hn, effective_from: 2026-01-01, minimum: 5}]
```
Subscriptions listed here are fixed; more are added over the HTTP API. The deadline rules and
the minimum are the `options` layer of the rules in force (`rule_sets`): rules adopted here or
received from a superior take precedence as `coso_backbone.rulesets.precedence` says.
A webhook with an empty url is left out, so an unset `COSO_NOTIFICATIONS_WEBHOOK_URL`
means no webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from coso_backbone.rulesets.precedence import EVERYWHERE, Origin, RuleSet
from coso_notifications.domain.deadlines import DEFAULT_RULES, DeadlineRule, Timing
from coso_notifications.domain.errors import InvalidCalendar, InvalidDeadlineRule
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rule_book import (
    MINIMUM,
    NotificationRuleBook,
    check_minimum,
    enabled_rule,
    roles_rule,
    working_days_rule,
)
from coso_notifications.domain.rules import Rule, WebhookSubscription, check_unique_urls

_DEFAULTS = {r.rule.value: r for r in DEFAULT_RULES}


def _unset_is_empty(value: Any) -> Any:
    """`url: ${VAR:}` with VAR unset reads as YAML null: an unset setting is an empty one."""
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_unset_is_empty)]


class WebhookOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Text = ""
    secret: Text = ""
    rules: list[str] = Field(default_factory=lambda: [Rule.CANDIDATE_PROPOSED.value])


class RetryOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_seconds: float = 1.0
    factor: float = 2.0
    max_attempts: int = 6
    max_delay_seconds: float = 3600.0


class CalendarOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Text = "VN"
    time_zone: Text = "Asia/Ho_Chi_Minh"
    weekend: list[int] = Field(default_factory=lambda: [5, 6])
    extra_holidays: list[date] = Field(default_factory=list)
    extra_working_days: list[date] = Field(default_factory=list)

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidCalendar(
                f"time zone {self.time_zone!r} is unknown", field="calendar.time_zone", rule="IANA time zone"
            ) from None


class DeadlineRuleOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    working_days: int | None = None
    roles: list[str] | None = None
    enabled: bool | None = None

    def applied_to(self, rule: DeadlineRule) -> DeadlineRule:
        return DeadlineRule(
            rule.rule,
            rule.kind,
            rule.timing,
            rule.working_days if self.working_days is None else self.working_days,
            rule.roles if self.roles is None else frozenset(self.roles),
            rule.enabled if self.enabled is None else self.enabled,
        )

    def values(self, rule: DeadlineRule, where: str) -> dict[str, Any]:
        """The rule values this option gives (checked as a rule's settings are)."""
        self.applied_to(rule)
        if self.working_days is not None and rule.timing is not Timing.BEFORE:
            raise InvalidDeadlineRule(
                f"{where}.working_days: {rule.rule.value} does not remind ahead, it has no working days",
                field=f"{where}.working_days",
                rule="only for a rule that reminds ahead",
            )
        given: dict[str, Any] = {}
        if self.working_days is not None:
            given[working_days_rule(rule.rule)] = self.working_days
        if self.enabled is not None:
            given[enabled_rule(rule.rule)] = self.enabled
        if self.roles is not None:
            given[roles_rule(rule.rule)] = sorted(set(self.roles))
        return given


class RuleOverrideOption(DeadlineRuleOption):
    authority: str
    effective_from: date
    rule: str


class MinimumOverrideOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authority: Text = ""
    effective_from: date
    minimum: int


class EmailOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: Text = ""  # empty: no email channel
    port: int = Field(default=25, ge=1, le=65535)
    sender: Text = "thongbao@coso.local"
    sender_name: Text = "coso - Thông báo"
    username: Text = ""
    password: Text = ""
    starttls: bool = False


class AmqpOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uri: Text = ""  # empty: the service's own broker


class SubscriptionOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authority: Text = ""
    role: str
    channel: str
    target: str
    rules: list[str] = Field(default_factory=list)
    secret: Text = ""
    language: Text = "vi"
    digest: bool = False


class NotificationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calendar: CalendarOption = Field(default_factory=CalendarOption)
    deadline_rules: dict[str, DeadlineRuleOption] = Field(default_factory=dict)
    rule_overrides: list[RuleOverrideOption] = Field(default_factory=list)
    subscriptions_fixed: list[SubscriptionOption] = Field(default_factory=list, alias="subscriptions")
    email: EmailOption = Field(default_factory=EmailOption)
    amqp: AmqpOption = Field(default_factory=AmqpOption)
    scheduler_poll_seconds: float = Field(default=60.0, gt=0, le=86400)
    scheduler_batch_size: int = Field(default=500, ge=1, le=10000)
    minimum_official_members: int = Field(default=3, ge=1, le=100)  # to found (and keep) a party organization
    minimum_official_members_overrides: list[MinimumOverrideOption] = Field(default_factory=list)
    digest_hour: int = Field(default=7, ge=0, le=23)  # local hour from which the daily digest goes out
    templates_dir: Text = ""

    webhooks: list[WebhookOption] = Field(default_factory=list)
    retry: RetryOption = Field(default_factory=RetryOption)
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    batch_size: int = Field(default=50, ge=1, le=1000)
    concurrency: int = Field(default=4, ge=1, le=64)  # deliveries sent at once by the deliverer

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> NotificationOptions:
        """Validate `coso.options`; raises pydantic's ValidationError or a NotificationsError."""
        parsed = cls.model_validate(dict(options))
        parsed.subscriptions()
        parsed.retry_policy()
        parsed.rulebook()
        parsed.fixed_subscriptions()
        parsed.calendar.zone()
        return parsed

    def rule_sets(self) -> list[RuleSet]:
        """The options as rule sets: `deadline_rules` and `minimum_official_members` everywhere
        from the start, each of `rule_overrides` and `minimum_official_members_overrides` for
        its authority's subtree from its date (a later entry beats an earlier one)."""
        everywhere: dict[str, Any] = {}
        for name, option in self.deadline_rules.items():
            everywhere.update(option.values(self._default(name, f"deadline_rules.{name}"), f"deadline_rules.{name}"))
        if "minimum_official_members" in self.model_fields_set:
            everywhere[MINIMUM] = check_minimum(self.minimum_official_members, MINIMUM)
        sets = [RuleSet(EVERYWHERE, date.min, everywhere, Origin.OPTIONS)] if everywhere else []
        for index, override in enumerate(self.rule_overrides):
            where = f"rule_overrides[{index}]"
            values = override.values(self._default(override.rule, f"{where}.rule"), where)
            sets.append(
                RuleSet(override.authority, override.effective_from, values, Origin.OPTIONS, position=len(sets))
            )
        for index, minimum in enumerate(self.minimum_official_members_overrides):
            value = check_minimum(minimum.minimum, f"minimum_official_members_overrides[{index}].minimum")
            sets.append(
                RuleSet(minimum.authority, minimum.effective_from, {MINIMUM: value}, Origin.OPTIONS, position=len(sets))
            )
        return sets

    def rulebook(self) -> NotificationRuleBook:
        """The rules in force by the options alone: the defaults, then the options' rule sets."""
        return NotificationRuleBook(self.rule_sets())

    @staticmethod
    def _default(name: str, field: str) -> DeadlineRule:
        if name not in _DEFAULTS:
            known = ", ".join(_DEFAULTS)
            raise InvalidDeadlineRule(
                f"{name!r} is not a deadline rule (known: {known})", field=field, rule="known rule"
            )
        return _DEFAULTS[name]

    def fixed_subscriptions(self) -> list[Subscription]:
        return [
            Subscription.of(
                f"config-{index}", s.authority, s.role, s.channel, s.target, s.rules, s.secret, s.language, s.digest
            )
            for index, s in enumerate(self.subscriptions_fixed)
        ]

    def subscriptions(self) -> list[WebhookSubscription]:
        """The webhooks of `webhooks` (for the event rule `candidate_proposed`)."""
        configured = {
            f"webhooks[{index}]": WebhookSubscription.of(
                webhook.url, webhook.secret, webhook.rules, field=f"webhooks[{index}]"
            )
            for index, webhook in enumerate(self.webhooks)
            if webhook.url.strip()
        }
        check_unique_urls(configured)
        return list(configured.values())

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            base_seconds=self.retry.base_seconds,
            factor=self.retry.factor,
            max_attempts=self.retry.max_attempts,
            max_delay_seconds=self.retry.max_delay_seconds,
        )
