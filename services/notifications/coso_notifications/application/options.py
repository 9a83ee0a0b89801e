"""The service's own settings (`coso.options` in config.yml), checked at start.

```yaml
options:
  webhooks: [{url: https://..., secret: ..., rules: [candidate_proposed]}]
  retry: {base_seconds: 1.0, factor: 2.0, max_attempts: 6, max_delay_seconds: 3600}
  request_timeout_seconds: 10
  poll_seconds: 1.0
  batch_size: 50
```
A webhook with an empty url is left out, so an unset `COSO_NOTIFICATIONS_WEBHOOK_URL`
means no webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coso_notifications.domain.retry import RetryPolicy
from coso_notifications.domain.rules import Rule, WebhookSubscription, check_unique_urls


class WebhookOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = ""
    secret: str = ""
    rules: list[str] = Field(default_factory=lambda: [Rule.CANDIDATE_PROPOSED.value])


class RetryOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_seconds: float = 1.0
    factor: float = 2.0
    max_attempts: int = 6
    max_delay_seconds: float = 3600.0


class NotificationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhooks: list[WebhookOption] = Field(default_factory=list)
    retry: RetryOption = Field(default_factory=RetryOption)
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    batch_size: int = Field(default=50, ge=1, le=1000)

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> NotificationOptions:
        """Validate `coso.options`; raises pydantic's ValidationError or a NotificationsError."""
        parsed = cls.model_validate(dict(options))
        parsed.subscriptions()
        parsed.retry_policy()
        return parsed

    def subscriptions(self) -> list[WebhookSubscription]:
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
