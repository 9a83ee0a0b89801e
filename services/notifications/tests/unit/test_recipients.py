"""Subscriptions: who hears which rule, and what a subscription must name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coso_notifications.domain.deadlines import DEFAULT_RULES, Deadline, DeadlineKind
from coso_notifications.domain.errors import InvalidSubscription, UnknownChannel, UnknownRule
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.reminders import Message, reminders
from coso_notifications.domain.rules import Channel, Rule

DECISION_SOON = DEFAULT_RULES[0]


def _email(authority: str = "hn", role: str = "organization_department", **kw) -> Subscription:
    return Subscription.of("s-1", authority, role, "email", kw.pop("target", "btc@hn.example"), **kw)


def test_a_role_hears_its_rules_for_its_authority_subtree() -> None:
    subscription = _email()
    assert subscription.hears(Rule.DECISION_DUE_SOON, DECISION_SOON.roles, "hn.kcn-thang-long")
    assert not subscription.hears(Rule.DECISION_DUE_SOON, DECISION_SOON.roles, "hp.kcn")
    assert not _email(role="labour_federation").hears(Rule.DECISION_DUE_SOON, DECISION_SOON.roles, "hn")


def test_a_subscription_listing_rules_hears_exactly_those() -> None:
    subscription = _email(role="labour_federation", rules=["candidate_proposed"])
    assert subscription.hears(Rule.CANDIDATE_PROPOSED, frozenset(), "hn.x")
    assert not subscription.hears(Rule.DECISION_DUE_SOON, DECISION_SOON.roles, "hn.x")


@pytest.mark.parametrize(
    ("channel", "target", "secret", "field", "rule"),
    [
        ("email", "btc-at-hn", "", "target", "email address"),
        ("webhook", "ftp://x", "k", "target", "http or https URL"),
        ("webhook", "https://x.example/hook", "", "secret", "required"),
        ("amqp", "bad exchange!", "", "target", "name"),
    ],
)
def test_a_subscription_with_a_bad_target_is_refused_naming_the_field(channel, target, secret, field, rule) -> None:
    with pytest.raises(InvalidSubscription) as refused:
        Subscription.of("s", "hn", "organization_department", channel, target, secret=secret)
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_unknown_channels_rules_and_languages_are_refused() -> None:
    with pytest.raises(UnknownChannel):
        Subscription.of("s", "hn", "r", "sms", "0900")
    with pytest.raises(UnknownRule):
        _email(rules=["everything"])
    with pytest.raises(InvalidSubscription) as refused:
        _email(language="fr")
    assert refused.value.field == "language"


def test_a_reminder_is_one_per_recipient_and_keyed_by_rule_subject_due_date_and_recipient() -> None:
    deadline = Deadline("c-1", DeadlineKind.DECISION_DUE, date(2025, 12, 5), "hn.kcn")
    twice = [_email(), Subscription.of("s-2", "hn.kcn", "organization_department", "email", "btc@hn.example")]
    feed = Subscription.of("s-3", "hn", "organization_department", "feed", "btc-hn")

    def render(rule, deadline, subscription, today) -> Message:
        return Message(f"title {subscription.channel.value}", "text", "vi")

    now = datetime(2025, 11, 28, 1, tzinfo=UTC)
    first = reminders(DECISION_SOON, deadline, [*twice, feed], render, date(2025, 11, 28), now)
    assert [(d.channel, d.target) for d in first] == [(Channel.EMAIL, "btc@hn.example"), (Channel.FEED, "btc-hn")]
    again = reminders(DECISION_SOON, deadline, [*twice, feed], render, date(2025, 12, 1), now)
    assert [d.notification_id for d in again] == [d.notification_id for d in first]
    moved = reminders(
        DECISION_SOON,
        Deadline("c-1", deadline.kind, date(2025, 12, 8), "hn.kcn"),
        twice,
        render,
        date(2025, 12, 1),
        now,
    )
    assert moved[0].notification_id != first[0].notification_id
    assert first[0].payload["title"] == "title email" and first[0].payload["due_on"] == "2025-12-05"
