"""What a member's change moves in the counts the projection keeps (domain/member_counts.py)."""

from __future__ import annotations

from datetime import date

from coso_reporting.domain.member_counts import (
    ChangedMember,
    MemberCountChanges,
    last_change,
    recounted_since,
    status_now,
    whole_months,
)


def row(**changes: object) -> dict[str, object]:
    member = {
        "authority_id": "hn.a",
        "organization": "o1",
        "enterprise_id": "e1",
        "job_category": "production_worker",
        "status": "probationary",
        "admitted_on": "2024-03-01",
        "official_on": None,
        "ended_on": None,
    }
    return {**member, **changes}


def test_a_member_counts_with_the_status_of_its_last_recorded_day() -> None:
    assert status_now(row()) == "probationary"
    assert status_now(row(status="official", official_on="2025-03-01")) == "official"
    assert status_now(row(status="deceased", official_on="2025-03-01", ended_on="2025-09-09")) == "deceased"
    assert last_change(row(official_on="2025-03-01", ended_on="2025-01-01")) == "2025-03-01"


def test_a_recognised_member_moves_from_probationary_to_official_in_its_unit_and_enterprise() -> None:
    changes = MemberCountChanges()
    before = row()
    after = row(status="official", official_on="2025-03-01")

    changes.move("m1", before, "foreign_invested", after, "foreign_invested")

    assert changes.changed_counts() == {
        ("hn.a", "production_worker", "foreign_invested", "probationary"): -1,
        ("hn.a", "production_worker", "foreign_invested", "official"): 1,
    }
    assert changes.changed_enterprises() == {"e1": [0, 0, 1]}
    kept = ("production_worker", "foreign_invested")
    assert changes.changes_removed == {
        ChangedMember("2024-03-01", "m1", "hn.a", *kept, "probationary", "2024-03-01", None, None)
    }
    assert changes.changes_added == {
        ChangedMember("2025-03-01", "m1", "hn.a", *kept, "official", "2024-03-01", "2025-03-01", None)
    }


def test_a_member_not_admitted_yet_counts_nowhere_and_one_whose_enterprise_changed_ownership_moves() -> None:
    changes = MemberCountChanges()
    changes.move("m2", None, None, row(admitted_on=None), None)
    assert changes.changed_counts() == {} and changes.changes_added == set()

    changes.move("m3", row(), None, row(), "cooperative")

    assert changes.changed_counts() == {
        ("hn.a", "production_worker", "", "probationary"): -1,
        ("hn.a", "production_worker", "cooperative", "probationary"): 1,
    }
    assert changes.changed_enterprises() == {}
    assert changes.changes_removed == {
        ChangedMember("2024-03-01", "m3", "hn.a", "production_worker", "", "probationary", "2024-03-01", None, None)
    }
    assert changes.changes_added == {
        ChangedMember(
            "2024-03-01", "m3", "hn.a", "production_worker", "cooperative", "probationary", "2024-03-01", None, None
        )
    }


def test_a_member_counts_in_the_flows_of_its_admission_month_and_of_its_leaving_month() -> None:
    changes = MemberCountChanges()
    changes.move("m1", None, None, row(), "cooperative")
    assert changes.changed_flows() == {("hn.a", "2024-03", "admitted"): 1}

    changes.move("m1", row(), "cooperative", row(status="deceased", ended_on="2025-01-09"), "cooperative")
    assert changes.changed_flows() == {("hn.a", "2024-03", "admitted"): 1, ("hn.a", "2025-01", "deceased"): 1}

    transferred = row(status="transferred_out", authority_id="hn.b", ended_on="2025-02-01")
    changes.move("m1", row(status="deceased", ended_on="2025-01-09"), "cooperative", transferred, "cooperative")
    assert changes.changed_flows() == {("hn.b", "2024-03", "admitted"): 1, ("hn.b", "2025-02", "transferred_out"): 1}


def test_whole_months_of_a_period_and_the_members_recounted_outside_them() -> None:
    d = date.fromisoformat
    assert whole_months(d("2025-01-01"), d("2025-12-31")) == ("2025-01", "2025-12")
    assert whole_months(d("2025-01-15"), d("2025-06-30")) == ("2025-02", "2025-06")
    assert whole_months(d("2024-12-01"), d("2025-02-27")) == ("2024-12", "2025-01")
    assert whole_months(d("2025-03-02"), d("2025-03-31")) is None
    assert recounted_since(d("2025-12-31"), d("2025-01-01"), d("2025-12-31")) == d("2026-01-01")
    assert recounted_since(d("2025-06-30"), d("2025-01-01"), d("2025-12-31")) == d("2025-07-01")
    assert recounted_since(d("2025-12-31"), d("2025-01-01"), d("2025-10-15")) == d("2025-10-01")
    assert recounted_since(d("2025-12-31"), d("2025-01-15"), d("2025-10-31")) == d("2025-01-15")
    assert recounted_since(d("2025-12-31"), d("2025-03-02"), d("2025-03-31")) == d("2025-03-02")


def test_the_counts_move_summed_per_unit_status_and_job_group_and_over_every_unit() -> None:
    changes = MemberCountChanges()
    changes.move("m1", None, None, row(), "cooperative")
    changes.move("m2", None, None, row(job_category="teacher", authority_id="hn.b"), None)

    assert changes.changed_units() == {
        ("hn.a", "probationary", "production_worker"): 1,
        ("hn.b", "probationary", ""): 1,
    }
    assert changes.changed_compositions() == {
        ("production_worker", "cooperative", "probationary"): 1,
        ("teacher", "", "probationary"): 1,
    }
