"""Reporting's checkpoints through the consumer: a plan's target behind schedule is told once
per checkpoint to the plan's authority's subscribers, in Vietnamese."""

from __future__ import annotations

from datetime import date

from coso_backbone.contracts.reporting import (
    CheckpointKind,
    PlanBackOnSchedule,
    PlanBehindSchedule,
    TargetIndicator,
)

PLAN = {"plan_id": "hn-2025", "authority_id": "hn", "indicator": TargetIndicator.MEMBERS_ADMITTED, "target": 40}


def _behind(checkpoint: date, kind: CheckpointKind, achieved: int, share: float) -> PlanBehindSchedule:
    return PlanBehindSchedule(
        **PLAN,
        title="Kế hoạch phát triển đảng viên năm 2025",
        checkpoint=checkpoint,
        checkpoint_kind=kind,
        achieved=achieved,
        progress=achieved / 40,
        expected_share=share,
    )


def _days(service, days: int) -> None:
    scheduler, deliverer = service.scheduler(), service.deliverer()
    for _ in range(days):
        scheduler.evaluate()
        service.deliver_until_settled(deliverer)
        service.clock.advance(24 * 3600)


def test_a_target_behind_at_a_checkpoint_is_told_once_to_the_plans_authority(notifications) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    service.subscribe(authority="hcm", role="organization_department", channel="feed", target="btc-hcm")
    q3 = service.event(_behind(date(2025, 9, 30), CheckpointKind.QUARTER, 12, 0.7479))
    service.apply(q3)
    assert service.apply(q3).duplicates == 1  # redelivered: skipped
    _days(service, 3)
    [told] = service.entry_feed("btc-hn")
    assert (told["rule"], told["subject"], told["due_on"]) == (
        "plan_behind_schedule",
        "hn-2025/members_admitted",
        "2025-09-30",
    )
    assert told["title"] == '[Chậm tiến độ] Chỉ tiêu "Kết nạp đảng viên" của Kế hoạch phát triển đảng viên năm 2025'
    assert "mốc cuối quý ngày 30/09/2025" in told["text"] and "mới đạt 12/40 (30.0%)" in told["text"]
    assert "đã qua 74.8% kỳ kế hoạch" in told["text"]
    assert service.entry_feed("btc-hcm") == []

    # Still behind at the yearly summary: told again, for that checkpoint.
    _days(service, 35)  # to 2026-01-02
    service.apply(service.event(_behind(date(2025, 12, 31), CheckpointKind.YEAR, 30, 1.0)))
    _days(service, 2)
    assert [e["due_on"] for e in service.entry_feed("btc-hn")] == ["2025-12-31", "2025-09-30"]
    assert "tổng kết năm" in service.entry_feed("btc-hn")[0]["text"]


def test_a_target_back_on_schedule_before_the_scheduler_ran_is_not_told(notifications) -> None:
    service = notifications()
    service.subscribe(authority="hn", role="organization_department", channel="feed", target="btc-hn")
    back = PlanBackOnSchedule(
        **PLAN,
        checkpoint=date(2025, 11, 30),
        checkpoint_kind=CheckpointKind.MONTH,
        achieved=38,
        progress=0.95,
        expected_share=0.9151,
    )
    service.apply(
        service.event(_behind(date(2025, 9, 30), CheckpointKind.QUARTER, 12, 0.7479)),
        service.event(back),
    )
    _days(service, 2)
    assert service.entry_feed("btc-hn") == []
