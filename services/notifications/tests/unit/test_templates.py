"""Templates: Vietnamese first, per rule and channel, English as the fallback."""

from __future__ import annotations

from datetime import date

from jinja2 import DictLoader

from coso_notifications.adapters.templates import JinjaTemplates
from coso_notifications.domain.rules import Channel, Rule

CONTEXT = {
    "subject": "c-1",
    "display_ref": "CĐCS-2025-017",
    "enterprise_id": "e-1",
    "authority": "hn.kcn",
    "due_on": date(2025, 12, 5),
    "working_days_left": 5,
    "days_overdue": 0,
    "official_members": "3",
}


def test_every_deadline_rule_has_a_vietnamese_and_an_english_text() -> None:
    templates = JinjaTemplates()
    for rule in Rule:
        if rule is Rule.DAILY_DIGEST:
            continue
        vietnamese = templates.render(rule, Channel.FEED, "vi", {**CONTEXT, **_proposal()})
        english = templates.render(rule, Channel.FEED, "en", {**CONTEXT, **_proposal()})
        assert (vietnamese.language, english.language) == ("vi", "en"), rule
        assert vietnamese.title and vietnamese.text and vietnamese.title != english.title


def test_the_channels_own_template_wins_over_the_rules() -> None:
    templates = JinjaTemplates()
    email = templates.render(Rule.DECISION_DUE_SOON, Channel.EMAIL, "vi", CONTEXT)
    webhook = templates.render(Rule.DECISION_DUE_SOON, Channel.WEBHOOK, "vi", CONTEXT)
    assert email.title == webhook.title == "[Sắp đến hạn] Quyết định kết nạp Đảng cho quần chúng CĐCS-2025-017"
    assert email.text.startswith("Kính gửi Ban Tổ chức")
    assert "05/12/2025" in webhook.text and "5 ngày làm việc" in webhook.text


def test_a_rule_without_a_vietnamese_template_falls_back_to_english() -> None:
    only_english = DictLoader({"decision_overdue.en.j2": "Overdue {{ subject }}\nsince {{ due_on }}"})
    templates = JinjaTemplates(loader=only_english, packaged=False)
    message = templates.render(Rule.DECISION_OVERDUE, Channel.EMAIL, "vi", CONTEXT)
    assert (message.title, message.text, message.language) == ("Overdue c-1", "since 2025-12-05", "en")
    assert templates.names(Rule.DECISION_OVERDUE, Channel.EMAIL, "vi") == [
        "decision_overdue.email.vi.j2",
        "decision_overdue.vi.j2",
        "decision_overdue.email.en.j2",
        "decision_overdue.en.j2",
    ]


def _proposal() -> dict[str, object]:
    return {
        "candidate_id": "c-1",
        "proposed_on": date(2025, 11, 20),
        "source_channel": "enterprise_trade_union",
        "source_channel_label": "Công đoàn cơ sở doanh nghiệp",
        "authority_id": "hn.kcn",
    }


def test_a_configured_template_replaces_the_packaged_one() -> None:
    local = DictLoader({"decision_overdue.vi.j2": "Quá hạn: {{ subject }}\nBan Tổ chức {{ authority }}"})
    message = JinjaTemplates(loader=local).render(Rule.DECISION_OVERDUE, Channel.EMAIL, "vi", CONTEXT)
    assert (message.title, message.language) == ("Quá hạn: c-1", "vi")


def test_a_broken_template_falls_back_instead_of_stopping_the_reminders() -> None:
    broken = DictLoader({"decision_overdue.vi.j2": "{{ no_such_field }}"})
    message = JinjaTemplates(loader=broken).render(Rule.DECISION_OVERDUE, Channel.EMAIL, "vi", CONTEXT)
    assert message.language == "en" and message.title.startswith("[Overdue]")


def test_the_daily_digest_lists_its_reminders_in_vietnamese() -> None:
    items = [
        {"title": "[Quá hạn] Lễ kết nạp Đảng của c-1", "text": "Đã quá hạn.\nĐơn vị: hn."},
        {"title": "[Sắp hết hạn] Hồ sơ quần chúng c-2", "text": "Hết hiệu lực."},
    ]
    message = JinjaTemplates().render_digest("vi", items, date(2025, 12, 1))
    assert message.title == "Tổng hợp thông báo ngày 01/12/2025 (2 việc cần theo dõi)"
    assert "1. [Quá hạn] Lễ kết nạp Đảng của c-1" in message.text
    assert "2. [Sắp hết hạn] Hồ sơ quần chúng c-2" in message.text
