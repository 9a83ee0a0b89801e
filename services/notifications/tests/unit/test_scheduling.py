"""What the candidate_proposed rule schedules, and the Vietnamese text it carries."""

from datetime import UTC, date, datetime

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_notifications.domain.rules import Rule, WebhookSubscription, notification_id
from coso_notifications.domain.scheduling import Trigger, schedule_deliveries
from coso_notifications.domain.texts import candidate_proposed_text

NOW = datetime(2025, 11, 25, 8, 0, tzinfo=UTC)
EVENT = CandidateProposed(
    candidate_id="c-1",
    enterprise_id="e-9",
    authority_id="hn.kcn",
    source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
    job_category=JobCategory.PRODUCTION_WORKER,
    proposed_on=date(2025, 11, 3),
)
TRIGGER = Trigger("vn.coso.admissions.CandidateProposed.v1", "ev-1", "/coso/hn/admissions", "hn.kcn", NOW)


def test_the_text_says_in_vietnamese_who_proposed_whom_where_and_when() -> None:
    text = candidate_proposed_text(EVENT)

    assert "Quần chúng ưu tú c-1" in text
    assert "doanh nghiệp e-9" in text
    assert "03/11/2025" in text
    assert "Công đoàn cơ sở doanh nghiệp" in text


def test_a_rule_schedules_one_delivery_per_subscribed_webhook_with_the_event_data() -> None:
    hooks = [
        WebhookSubscription.of("https://a.example/hook", "k1", ["candidate_proposed"]),
        WebhookSubscription.of("https://b.example/hook", "k2", ["candidate_proposed"]),
        WebhookSubscription(url="https://c.example/hook", secret="k3", rules=frozenset()),
    ]
    data = EVENT.model_dump(mode="json")

    deliveries = schedule_deliveries(Rule.CANDIDATE_PROPOSED, "c-1", "văn bản", data, TRIGGER, hooks, NOW)

    assert [d.target for d in deliveries] == ["https://a.example/hook", "https://b.example/hook"]
    first = deliveries[0]
    assert first.notification_id == notification_id(Rule.CANDIDATE_PROPOSED, "c-1", "https://a.example/hook")
    assert first.authority == "hn.kcn"
    assert first.payload == {
        "notification_id": first.notification_id,
        "rule": "candidate_proposed",
        "subject": "c-1",
        "text": "văn bản",
        "event": {
            "type": "vn.coso.admissions.CandidateProposed.v1",
            "id": "ev-1",
            "source": "/coso/hn/admissions",
            "authority": "hn.kcn",
            "time": NOW.isoformat(),
        },
        "data": data,
    }


def test_the_text_names_the_proposing_offices_file_reference_when_there_is_one() -> None:
    with_reference = EVENT.model_copy(update={"display_ref": "CĐCS-2025-017"})

    assert "(hồ sơ CĐCS-2025-017)" in candidate_proposed_text(with_reference)
    assert "hồ sơ" not in candidate_proposed_text(EVENT)
