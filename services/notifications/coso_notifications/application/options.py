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
Subscriptions listed here are fixed; more are added over the HTTP API.
A webhook with an empty url is left out, so an unset `COSO_NOTIFICATIONS_WEBHOOK_URL`
means no webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from coso_notifications.domain.deadlines import DEFAULT_RULES, DeadlineRule, RuleBook, RuleOverride
from coso_notifications.domain.errors import InvalidCalendar, InvalidDeadlineRule
from coso_notifications.domain.membership import MinimumBook, MinimumOverride
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.retry import RetryPolicy
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
        parsed.minimums()
        return parsed

    def minimums(self) -> MinimumBook:
        """The minimum of official members: the default, and per authority subtree from a date."""
        overrides = [
            MinimumOverride(o.authority, o.effective_from, o.minimum) for o in self.minimum_official_members_overrides
        ]
        return MinimumBook(self.minimum_official_members, overrides)

    def rulebook(self) -> RuleBook:
        """The deadline rules: the defaults with `deadline_rules` applied, and the overrides."""
        for name in self.deadline_rules:
            self._default(name, f"deadline_rules.{name}")
        defaults = [
            self.deadline_rules[r.rule.value].applied_to(r) if r.rule.value in self.deadline_rules else r
            for r in DEFAULT_RULES
        ]
        by_name = {r.rule.value: r for r in defaults}
        overrides = []
        for index, option in enumerate(self.rule_overrides):
            self._default(option.rule, f"rule_overrides[{index}].rule")
            overrides.append(
                RuleOverride(option.authority, option.effective_from, option.applied_to(by_name[option.rule]))
            )
        return RuleBook(defaults, overrides)

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
