"""Subscriptions: who hears which rules, managed over the HTTP API."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from coso_notifications.application.ports import SubscriptionStore
from coso_notifications.domain.errors import InvalidSubscription, SubscriptionConflict, UnknownSubscription
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel


class Subscriptions:
    def __init__(self, store: SubscriptionStore) -> None:
        self._store = store

    def subscribe(self, request: Mapping[str, Any]) -> dict[str, object]:
        for name in ("authority", "role", "channel", "target"):
            if not isinstance(request.get(name), str) or not request[name].strip():
                raise InvalidSubscription(f"{name} is required", field=name, rule="required")
        rules = request.get("rules") or []
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise InvalidSubscription("rules must be a list of rule names", field="rules", rule="list of names")
        subscription = Subscription.of(
            str(uuid.uuid4()),
            request["authority"].strip(),
            request["role"].strip(),
            request["channel"],
            request["target"],
            rules,
            str(request.get("secret") or ""),
            str(request.get("language") or "vi"),
            digest=self._flag(request.get("digest", False)),
        )
        if subscription.channel is Channel.WEBHOOK:
            known = self._store.secret_for(subscription.target)
            if known is not None and known != subscription.secret:
                raise SubscriptionConflict(
                    f"webhook {subscription.target} is already subscribed with another secret",
                    field="secret",
                    rule="one secret per webhook URL",
                )
        self._store.add(subscription)
        return subscription.as_dict()

    @staticmethod
    def _flag(value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidSubscription("digest must be true or false", field="digest", rule="boolean")
        return value

    def list(
        self, authority: str | None = None, role: str | None = None, channel: str | None = None
    ) -> list[dict[str, object]]:
        if channel:
            Channel.parse(channel)
        return [s.as_dict() for s in self._store.list(authority or None, role or None, channel or None)]

    def unsubscribe(self, subscription_id: str) -> dict[str, str]:
        if not self._store.remove(subscription_id):
            raise UnknownSubscription(
                f"no subscription has the id {subscription_id}", field="subscription_id", rule="exists"
            )
        return {"deleted": subscription_id}
