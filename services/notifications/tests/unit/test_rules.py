"""Rules, webhook subscriptions and notification ids; the `coso.options` that configure them."""

import pytest
from pydantic import ValidationError

from coso_notifications.application.options import NotificationOptions
from coso_notifications.domain.errors import InvalidWebhook, UnknownRule
from coso_notifications.domain.rules import Rule, WebhookSubscription, notification_id, subscribers


def test_a_notification_id_is_the_same_for_the_same_rule_subject_and_target() -> None:
    first = notification_id(Rule.CANDIDATE_PROPOSED, "c-1", "https://a.example/hook")

    assert first == notification_id(Rule.CANDIDATE_PROPOSED, "c-1", "https://a.example/hook")
    assert first != notification_id(Rule.CANDIDATE_PROPOSED, "c-2", "https://a.example/hook")
    assert first != notification_id(Rule.CANDIDATE_PROPOSED, "c-1", "https://b.example/hook")
    assert len(first) == 36


def test_only_webhooks_subscribed_to_a_rule_receive_it() -> None:
    subscribed = WebhookSubscription.of("https://a.example/hook", "k", ["candidate_proposed"])
    other = WebhookSubscription(url="https://b.example/hook", secret="k", rules=frozenset())

    assert subscribers([subscribed, other], Rule.CANDIDATE_PROPOSED) == [subscribed]


def test_a_subscription_does_not_show_its_secret() -> None:
    assert "hush" not in repr(WebhookSubscription.of("https://a.example/hook", "hush", ["candidate_proposed"]))


@pytest.mark.parametrize(
    ("url", "secret", "rules", "error", "field", "rule"),
    [
        ("ftp://a.example/hook", "k", ["candidate_proposed"], InvalidWebhook, "webhooks[2].url", "http or https URL"),
        ("https://a.example/hook", "", ["candidate_proposed"], InvalidWebhook, "webhooks[2].secret", "required"),
        ("https://a.example/hook", "k", [], InvalidWebhook, "webhooks[2].rules", "not empty"),
        ("https://a.example/hook", "k", ["member_died"], UnknownRule, "webhooks[2].rules", "known rule"),
    ],
)
def test_an_unusable_webhook_is_refused_naming_its_field_and_rule(
    url: str, secret: str, rules: list[str], error: type, field: str, rule: str
) -> None:
    with pytest.raises(error) as refused:
        WebhookSubscription.of(url, secret, rules, field="webhooks[2]")

    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_webhook_with_an_empty_url_is_no_webhook() -> None:
    options = NotificationOptions.parse({"webhooks": [{"url": "", "secret": "", "rules": ["candidate_proposed"]}]})

    assert options.subscriptions() == []


def test_options_default_to_one_second_doubling_over_six_attempts() -> None:
    policy = NotificationOptions.parse({}).retry_policy()

    assert (policy.base_seconds, policy.factor, policy.max_attempts) == (1.0, 2.0, 6)


def test_the_same_url_configured_twice_is_refused_where_it_repeats() -> None:
    webhook = {"url": "https://a.example/hook", "secret": "k", "rules": ["candidate_proposed"]}

    with pytest.raises(InvalidWebhook) as refused:
        NotificationOptions.parse({"webhooks": [webhook, {"url": ""}, webhook]})

    assert (refused.value.field, refused.value.rule) == ("webhooks[2].url", "unique")


def test_an_unknown_option_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        NotificationOptions.parse({"webhook": []})

    assert refused.value.errors()[0]["loc"] == ("webhook",)
