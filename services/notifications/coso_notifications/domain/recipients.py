"""Recipients: who subscribed to which rules, for which authority subtree, in which role, by
which channel.

An organization department (role `organization_department`) of the province 'hn' that
subscribes by email hears of every deadline in 'hn' and below; a labour federation's system
can subscribe a webhook or an AMQP exchange; the in-app feed is a channel whose target is the
recipient's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coso_notifications.domain.deadlines import covers
from coso_notifications.domain.errors import InvalidSubscription
from coso_notifications.domain.rules import Channel, Rule

LANGUAGES = ("vi", "en")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAME = re.compile(r"^[A-Za-z0-9_.:\-]{1,200}$")


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    authority: str
    role: str
    channel: Channel
    target: str
    rules: frozenset[Rule] = frozenset()  # empty: every rule the role hears
    secret: str = field(default="", repr=False)
    language: str = "vi"
    digest: bool = False  # reminders gathered into one message a day

    @property
    def address(self) -> str:
        """The recipient as a delivery-log target of a digest item: '<channel>:<target>'."""
        return f"{self.channel.value}:{self.target}"

    @classmethod
    def of(
        cls,
        subscription_id: str,
        authority: str,
        role: str,
        channel: str,
        target: str,
        rules: list[str] | None = None,
        secret: str = "",
        language: str = "vi",
        digest: bool = False,
    ) -> Subscription:
        parsed_channel = Channel.parse(channel)
        if parsed_channel is Channel.DIGEST or (digest and parsed_channel is Channel.FEED):
            raise InvalidSubscription(
                "a digest is asked for with `digest: true` on an email, webhook or AMQP subscription",
                field="digest" if digest else "channel",
                rule="digest of email, webhook or amqp",
            )
        target = target.strip()
        if not _NAME.match(role):
            raise InvalidSubscription(
                f"role {role!r} must be a short name (letters, digits, _ . : -)", field="role", rule="name"
            )
        if authority and not _NAME.match(authority):
            raise InvalidSubscription(f"authority {authority!r} is not an authority id", field="authority", rule="id")
        if language not in LANGUAGES:
            raise InvalidSubscription(
                f"language {language!r} is not offered", field="language", rule=f"one of {', '.join(LANGUAGES)}"
            )
        _check_target(parsed_channel, target, secret)
        parsed_rules = frozenset(Rule.parse(name, "rules") for name in rules or [])
        return cls(subscription_id, authority, role, parsed_channel, target, parsed_rules, secret, language, digest)

    def hears(self, rule: Rule, roles: frozenset[str], authority: str) -> bool:
        """Whether a notification of `rule` for `authority`, meant for `roles`, reaches this subscription."""
        wanted = rule in self.rules if self.rules else self.role in roles
        return wanted and covers(authority, self.authority)

    def as_dict(self) -> dict[str, object]:
        return {
            "subscription_id": self.subscription_id,
            "authority": self.authority,
            "role": self.role,
            "channel": self.channel.value,
            "target": self.target,
            "rules": sorted(r.value for r in self.rules),
            "language": self.language,
            "signed": bool(self.secret),
            "digest": self.digest,
        }


def _check_target(channel: Channel, target: str, secret: str) -> None:
    if channel is Channel.EMAIL and not _EMAIL.match(target):
        raise InvalidSubscription(f"{target!r} is not an email address", field="target", rule="email address")
    if channel is Channel.WEBHOOK:
        if not target.lower().startswith(("http://", "https://")) or len(target) > 2000:
            raise InvalidSubscription(
                f"webhook url {target!r} must be an http:// or https:// URL", field="target", rule="http or https URL"
            )
        if not secret:
            raise InvalidSubscription(
                "a webhook needs a secret to sign its deliveries", field="secret", rule="required"
            )
    if channel in (Channel.AMQP, Channel.FEED) and not _NAME.match(target):
        raise InvalidSubscription(
            f"{target!r} must be an exchange or recipient name (letters, digits, _ . : -)", field="target", rule="name"
        )
