"""When to try a failed delivery again: exponential backoff, then give up.

Attempt n+1 is due `base_seconds * factor**(n-1)` seconds after attempt n failed (capped at
`max_delay_seconds`); after `max_attempts` failed attempts the delivery is given up. With the
defaults (1 s, ×2, 6 attempts) the attempts come at 0, 1, 3, 7, 15 and 31 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from coso_notifications.domain.errors import InvalidRetryPolicy


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 1.0
    factor: float = 2.0
    max_attempts: int = 6
    max_delay_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if not self.base_seconds > 0:
            raise InvalidRetryPolicy("the first retry delay must be positive", field="retry.base_seconds", rule="> 0")
        if not self.factor >= 1:
            raise InvalidRetryPolicy(
                "delays must not shrink: factor must be at least 1", field="retry.factor", rule=">= 1"
            )
        if not 1 <= self.max_attempts <= 100:
            raise InvalidRetryPolicy(
                "max_attempts must be between 1 and 100", field="retry.max_attempts", rule="between 1 and 100"
            )
        if not self.max_delay_seconds >= self.base_seconds:
            raise InvalidRetryPolicy(
                "max_delay_seconds must be at least base_seconds",
                field="retry.max_delay_seconds",
                rule=">= base_seconds",
            )

    def gives_up_after(self, attempt: int) -> bool:
        """Whether failed attempt number `attempt` (from 1) is the last one."""
        return attempt >= self.max_attempts

    def delay_after(self, attempt: int) -> timedelta:
        """How long to wait after failed attempt number `attempt` (from 1)."""
        if attempt < 1:
            raise ValueError("attempts count from 1")
        exponent = min(attempt - 1, 64)  # beyond this every sane policy is at its cap
        return timedelta(seconds=min(self.base_seconds * self.factor**exponent, self.max_delay_seconds))

    def delays(self) -> list[timedelta]:
        """The waits between consecutive attempts, for a delivery that never succeeds."""
        return [self.delay_after(attempt) for attempt in range(1, self.max_attempts)]
