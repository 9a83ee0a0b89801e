"""What a member's change moves in the counts the projection keeps (domain/member_counts.py)."""

from __future__ import annotations

from datetime import date

from coso_reporting.domain.member_counts import (
    KEPT,
    ChangedMember,
    MemberCountChanges,
    last_change,
    recounted_between,
    status_now,
    status_on,
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
    # From the kept counts: every member changed after the day, or within the period's parts
    # outside its whole months.
    assert recounted_between(d("2025-12-31"), d("2025-01-01"), d("2025-12-31")) == ("2025-12-31", KEPT)
    assert recounted_between(d("2025-06-30"), d("2025-01-01"), d("2025-12-31")) == ("2025-06-30", KEPT)
    assert recounted_between(d("2025-12-31"), d("2025-01-01"), d("2025-10-15")) == ("2025-09-30", KEPT)
    assert recounted_between(d("2025-12-31"), d("2025-01-15"), d("2025-10-31")) == ("2025-01-14", KEPT)
    assert recounted_between(d("2025-12-31"), d("2025-03-02"), d("2025-03-31")) == ("2025-03-01", KEPT)


def test_from_a_half_years_end_the_members_recounted_lie_between_it_and_the_day() -> None:
    d = date.fromisoformat
    # The day is the end's: nothing to recount in a period of whole months ending on it.
    assert recounted_between(d("2021-12-31"), d("2021-01-01"), d("2021-12-31"), "2021-12-31") == (
        "2021-12-31",
        "2021-12-31",
    )
    # Backward from the end of the day's half year, forward from the one before.
    assert recounted_between(d("2023-05-31"), d("2023-01-01"), d("2023-05-31"), "2023-06-30") == (
        "2023-05-31",
        "2023-06-30",
    )
    assert recounted_between(d("2023-03-31"), d("2023-01-01"), d("2023-03-31"), "2022-12-31") == (
        "2022-12-31",
        "2023-03-31",
    )
    # The period ending within the day's month: its last month's part; starting within a
    # month: from its first day; a period after the day: the leavings up to its end.
    assert recounted_between(d("2023-03-15"), d("2023-01-01"), d("2023-03-15"), "2023-06-30") == (
        "2023-02-28",
        "2023-06-30",
    )
    assert recounted_between(d("2021-12-31"), d("2021-01-10"), d("2021-12-31"), "2021-12-31") == (
        "2021-01-09",
        "2021-12-31",
    )
    assert recounted_between(d("2021-06-30"), d("2021-01-01"), d("2021-12-31"), "2021-06-30") == (
        "2021-06-30",
        "2021-12-31",
    )


def test_a_members_status_on_a_day() -> None:
    official = row(official_on="2025-03-01")
    assert status_on(official, "2024-02-29") is None
    assert status_on(official, "2024-03-01") == "probationary"
    assert status_on(official, "2025-03-01") == "official"
    left = row(official_on="2025-03-01", status="deceased", ended_on="2025-06-01")
    assert status_on(left, "2025-05-31") == "official"
    assert status_on(left, "2025-06-01") == "deceased"
    assert status_on(left, KEPT) == status_now(left)


def test_the_kept_half_years_ends_move_by_the_members_status_on_their_last_day() -> None:
    ends = [("2024-06", "2024-06-30"), ("2024-12", "2024-12-31"), ("2025-06", "2025-06-30")]
    changes = MemberCountChanges(ends)
    # Admitted 2024-03-01, recognised official 2025-03-01, its enterprise's ownership known
    # from this batch: active at each end, probationary then official.
    changes.move("m1", row(), None, row(official_on="2025-03-01"), "cooperative")
    # Admitted after the first end, then left before the last: at the second end it makes up
    # for m1 taken out of the unknown ownership.
    changes.move("m2", None, None, row(admitted_on="2024-08-01", status="removed", ended_on="2025-01-10"), None)

    assert changes.changed_unit_ends() == {
        ("2025-06", "hn.a", "probationary", "production_worker"): -1,
        ("2025-06", "hn.a", "official", "production_worker"): 1,
        ("2024-12", "hn.a", "probationary", "production_worker"): 1,
    }
    assert changes.changed_composition_ends() == {
        ("2024-06", "production_worker", "", "probationary"): -1,
        ("2024-06", "production_worker", "cooperative", "probationary"): 1,
        ("2024-12", "production_worker", "cooperative", "probationary"): 1,
        ("2025-06", "production_worker", "", "probationary"): -1,
        ("2025-06", "production_worker", "cooperative", "official"): 1,
    }


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
