"""Deadline reminders run with a fake clock, delivered to a real SMTP server, a local webhook
receiver and the in-app feed, on SQLite and PostgreSQL.

Admissions publishes no deadline-carrying event yet, so the deadline book is fed the way the
consumer's handlers will feed it (`Notifications.track`, `Notifications.meet`).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from datetime import date, timedelta

from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.signature import verify

AUTHORITY = "hn.kcn-thang-long"
HOOK_SECRET = "khóa-ký-của-liên-đoàn"


def _deadlines(subject: str = "c-1") -> list[Deadline]:
    return [
        Deadline(subject, DeadlineKind.DECISION_DUE, date(2025, 12, 5), AUTHORITY),
        Deadline(subject, DeadlineKind.CEREMONY_DUE, date(2025, 12, 10), AUTHORITY),
        Deadline(subject, DeadlineKind.PROBATION_END, date(2025, 12, 12), AUTHORITY),
        Deadline(subject, DeadlineKind.RECOGNITION_DUE, date(2025, 12, 19), AUTHORITY),
        Deadline(subject, DeadlineKind.FILE_EXPIRY, date(2026, 1, 2), AUTHORITY),
    ]


def _run_days(service, days: int, *, meet: dict[date, DeadlineKind] | None = None, subject: str = "c-1") -> None:
    """Move the clock day by day; three scheduler passes and a delivery round each day."""
    scheduler = service.scheduler()
    deliverer = service.deliverer()
    for _ in range(days):
        today = scheduler.today()
        if meet and today in meet:
            service.meet(subject, meet[today])
        for _ in range(3):
            scheduler.evaluate()
            service.clock.advance(4 * 3600)
        service.deliver_until_settled(deliverer)
        service.clock.advance(12 * 3600)


def test_a_candidates_deadlines_run_with_a_fake_clock_produce_each_reminder_once(notifications, receiver, smtp) -> None:
    hook = receiver()
    service = notifications(email={"host": "127.0.0.1", "port": smtp.port})
    service.apply(service.proposal("c-1"))
    service.subscribe(authority="hn", role="organization_department", channel="email", target="btc@hn.example")
    service.subscribe(
        authority="hn", role="organization_department", channel="webhook", target=hook.url, secret=HOOK_SECRET
    )
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.subscribe(authority="hp", role="organization_department", channel="email", target="btc@hp.example")
    service.track(*_deadlines())

    # The decision is taken on 3 December, before it falls due: no overdue reminder for it.
    _run_days(service, 31, meet={date(2025, 12, 3): DeadlineKind.DECISION_DUE})

    expected = ["ceremony_overdue", "decision_due_soon", "file_expiring", "probation_ending", "recognition_overdue"]
    emails = smtp.messages
    assert sorted(m["X-Coso-Delivery"] and json.loads(_body_of(service, m))["rule"] for m in emails) == expected
    assert {m["To"] for m in emails} == {"btc@hn.example"}
    hooks = hook.accepted()
    assert sorted(json.loads(r.body)["rule"] for r in hooks) == expected
    assert all(verify(r.body, HOOK_SECRET, r.headers["X-Coso-Signature"]) for r in hooks)
    assert Counter(r.headers["X-Coso-Delivery"] for r in hooks).most_common(1)[0][1] == 1
    feed = service.entry_feed("btc-hn")
    assert sorted(item["rule"] for item in feed) == expected

    decision = next(m for m in emails if "Quyết định kết nạp" in m["Subject"])
    assert decision["Subject"].startswith("[Sắp đến hạn]")
    assert "Kính gửi Ban Tổ chức" in decision.get_content()  # the email template of the rule
    assert "05/12/2025" in decision.get_content()
    webhook_decision = next(json.loads(r.body) for r in hooks if json.loads(r.body)["rule"] == "decision_due_soon")
    assert webhook_decision["due_on"] == "2025-12-05"
    assert webhook_decision["context"]["enterprise_id"] == "e-1"  # described by CandidateProposed
    assert "Kính gửi" not in webhook_decision["text"]  # the rule's default template, not the email's
    # The "due within 5 working days" reminder came on Friday 28 November (5 working days before).
    sent_on = service.log(rule="decision_due_soon", channel="email")[0]["scheduled_at"]
    assert sent_on.startswith("2025-11-28")


def _body_of(service, message) -> str:
    return json.dumps(service.entry(message["X-Coso-Delivery"])["payload"])


def test_a_redelivered_event_produces_no_second_email(notifications, smtp) -> None:
    service = notifications(email={"host": "127.0.0.1", "port": smtp.port})
    service.subscribe(
        authority="hn",
        role="labour_federation",
        channel="email",
        target="ldld@hn.example",
        rules=["candidate_proposed"],
    )
    proposal = service.proposal("c-7")
    service.apply(proposal)
    service.deliver_until_settled(service.deliverer())

    service.apply(proposal)  # redelivered: the checkpoint skips it
    service.apply(proposal, consumer=service.another_consumer("notifications-rebuilt"))  # replayed from scratch
    service.deliver_until_settled(service.deliverer())

    [email] = smtp.messages
    assert email["To"] == "ldld@hn.example"
    assert email["Subject"].startswith("Quần chúng ưu tú c-7 được đề nghị")

    # A deadline given again (its event redelivered) after its reminder went out: no second email.
    service.subscribe(authority="hn", role="organization_department", channel="email", target="btc@hn.example")
    deadline = Deadline("c-7", DeadlineKind.DECISION_DUE, date(2025, 11, 27), AUTHORITY)
    service.track(deadline)
    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())
    service.track(deadline)
    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())
    assert [m["To"] for m in smtp.messages] == ["ldld@hn.example", "btc@hn.example"]

    # An extension moves the deadline: that is a new due date, reminded once more.
    service.track(Deadline("c-7", DeadlineKind.DECISION_DUE, date(2025, 11, 28), AUTHORITY))
    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())
    assert len(smtp.messages) == 3


def test_a_webhook_receiver_that_fails_three_times_then_succeeds_gets_exactly_one_delivery(
    notifications, receiver
) -> None:
    hook = receiver(503, 500, 502)
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="webhook", target=hook.url, secret="k")
    service.track(Deadline("c-2", DeadlineKind.CEREMONY_DUE, date(2025, 11, 20), AUTHORITY))

    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())
    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())

    assert [r.answered for r in hook.received] == [503, 500, 502, 200]
    assert len({r.headers["X-Coso-Delivery"] for r in hook.received}) == 1
    [accepted] = hook.accepted()
    assert verify(accepted.body, "k", accepted.headers["X-Coso-Signature"])
    [entry] = service.log()
    assert (entry["rule"], entry["status"], entry["attempts"]) == ("ceremony_overdue", "delivered", 4)


class CrashingRepository:
    """The scheduler's repository, dying (as a process would) after `survive` recorded batches."""

    def __init__(self, inner, survive: int) -> None:
        self._inner = inner
        self._left = survive

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def record(self, fired, deliveries) -> int:
        if self._left == 0:
            raise SystemExit("killed")
        self._left -= 1
        return self._inner.record(fired, deliveries)


def test_a_restart_between_scheduling_and_sending_loses_nothing(notifications, receiver, smtp) -> None:
    hook = receiver()
    service = notifications(email={"host": "127.0.0.1", "port": smtp.port}, scheduler_batch_size=2)
    service.subscribe(authority="hn", role="organization_department", channel="email", target="btc@hn.example")
    service.subscribe(authority="hn", role="organization_department", channel="webhook", target=hook.url, secret="k")
    subjects = [f"c-{n}" for n in range(7)]
    service.track(*(Deadline(s, DeadlineKind.DECISION_DUE, date(2025, 11, 20), AUTHORITY) for s in subjects))

    # The first process dies in the middle of a pass, after scheduling two batches of two.
    dying = service.scheduler()
    dying._repository = CrashingRepository(dying._repository, survive=2)
    with contextlib.suppress(SystemExit):
        dying.evaluate()
    assert len(service.log("pending")) == 8  # 4 deadlines x 2 recipients, nothing sent yet

    # The restarted process (its own database connections) finishes the pass, then sends.
    service.clock.advance(3600)
    restarted = service.scheduler(fresh_store=True)
    result = restarted.evaluate()
    assert (result.fired, result.scheduled) == (3, 6)
    assert restarted.evaluate().scheduled == 0
    service.deliver_until_settled(service.deliverer(fresh_store=True))

    assert sorted(json.loads(r.body)["subject"] for r in hook.accepted()) == subjects
    assert len(smtp.messages) == 7
    assert len({m["X-Coso-Delivery"] for m in smtp.messages}) == 7
    assert service.log("pending") == []


def test_a_reminder_given_up_after_the_last_retry_is_a_failure_event_and_a_dead_letter(notifications, receiver) -> None:
    hook = receiver(500, 500)
    service = notifications(retry={"base_seconds": 1, "factor": 2, "max_attempts": 2})
    service.subscribe(authority="hn", role="organization_department", channel="webhook", target=hook.url, secret="k")
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.track(Deadline("c-3", DeadlineKind.FILE_EXPIRY, date(2025, 12, 1), AUTHORITY))

    service.scheduler().evaluate()
    service.deliver_until_settled(service.deliverer())

    [dead] = service.dead_letters()
    assert (dead["channel"], dead["rule"], dead["attempts"]) == ("webhook", "file_expiring", 2)
    assert dead["last_error"].startswith("HTTP 500")
    assert "NotificationFailed" in [e.event_type for e in service.stream(dead["notification_id"])]
    assert [e["channel"] for e in service.log(status="delivered")] == ["feed"]
    assert service.log(channel="webhook", subject="c-3")[0]["status"] == "failed"
    [item] = service.entry_feed("btc-hn")
    assert item["title"].startswith("[Sắp hết hạn] Hồ sơ quần chúng c-3")


def test_the_rules_follow_the_working_day_calendar_and_the_authoritys_settings(notifications) -> None:
    service = notifications(
        deadline_rules={"decision_due_soon": {"working_days": 2}},
        rule_overrides=[
            {"authority": "hn", "effective_from": "2025-07-01", "rule": "decision_due_soon", "working_days": 10}
        ],
    )
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.subscribe(authority="hp", role="organization_department", channel="feed", target="btc-hp")
    # Due on Monday 1 December: 4 working days after Tuesday 25 November.
    service.track(
        Deadline("in-hn", DeadlineKind.DECISION_DUE, date(2025, 12, 1), "hn.kcn"),
        Deadline("in-hp", DeadlineKind.DECISION_DUE, date(2025, 12, 1), "hp.kcn"),
    )

    service.scheduler().evaluate()
    assert [e["subject"] for e in service.log()] == ["in-hn"]  # hn warns 10 working days ahead
    service.clock.advance(timedelta(days=2).total_seconds())  # Thursday 27: 2 working days left
    service.scheduler().evaluate()
    assert sorted(e["subject"] for e in service.log()) == ["in-hn", "in-hp"]


def test_a_digest_subscription_gets_one_email_a_day_gathering_its_reminders(notifications, smtp) -> None:
    service = notifications(email={"host": "127.0.0.1", "port": smtp.port}, digest_hour=7)
    service.subscribe(
        authority="hn", role="organization_department", channel="email", target="btc@hn.example", digest=True
    )
    service.track(
        Deadline("c-a", DeadlineKind.CEREMONY_DUE, date(2025, 11, 20), AUTHORITY),
        Deadline("c-b", DeadlineKind.FILE_EXPIRY, date(2025, 12, 1), AUTHORITY),
    )
    scheduler, deliverer = service.scheduler(), service.deliverer()
    # 08:00 in Hanoi (the fake clock starts at 01:00 UTC): past the digest hour.
    for _ in range(3):
        scheduler.evaluate()
        service.deliver_until_settled(deliverer)
    [digest] = smtp.messages
    assert digest["Subject"] == "Tổng hợp thông báo ngày 25/11/2025 (2 việc cần theo dõi)"
    assert "Lễ kết nạp Đảng của c-a" in digest.get_content() and "Hồ sơ quần chúng c-b" in digest.get_content()

    # A reminder that fires later the same day waits for the next day's digest.
    service.clock.advance(3600)
    service.track(Deadline("c-c", DeadlineKind.DECISION_DUE, date(2025, 11, 24), AUTHORITY))
    scheduler.evaluate()
    service.deliver_until_settled(deliverer)
    assert len(smtp.messages) == 1
    service.clock.advance(20 * 3600)  # 05:00 the next day: before the digest hour
    scheduler.evaluate()
    service.deliver_until_settled(deliverer)
    assert len(smtp.messages) == 1
    service.clock.advance(3 * 3600)
    scheduler.evaluate()
    service.deliver_until_settled(deliverer)
    assert [m["Subject"] for m in smtp.messages][1] == "Tổng hợp thông báo ngày 26/11/2025 (1 việc cần theo dõi)"
    assert [e["status"] for e in service.log(channel="digest")] == ["delivered"] * 3
