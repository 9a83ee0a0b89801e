"""How a batch moves the counts of the organizations existing now (no I/O)."""

from __future__ import annotations

from coso_reporting.domain.organization_counts import existing_changes, existing_under, flow_changes, flows_of


def org(authority: str | None = "a", kind: str | None = "grassroots", founded: str | None = "2025-01-01", ended=None):
    return {"authority_id": authority, "kind": kind, "founded_on": founded, "ended_on": ended}


def test_an_organization_exists_now_once_founded_under_an_authority_and_until_it_ends() -> None:
    assert existing_under(org(), "ended_on") == ("a", "grassroots")
    assert existing_under(org(kind=None), "ended_on") == ("a", "")
    assert existing_under(org(founded=None), "ended_on") is None
    assert existing_under(org(authority=None), "ended_on") is None
    assert existing_under(org(ended="2025-06-01"), "ended_on") is None
    assert existing_under(None, "ended_on") is None


def test_a_batch_moves_the_counts_by_what_its_records_were_and_became() -> None:
    before = {
        "founded": org(founded=None),
        "ending": org(),
        "moving": org(authority="a"),
        "renamed": org(),
    }
    after = {
        "founded": org(),
        "ending": org(ended="2025-06-01"),
        "moving": org(authority="b"),
        "renamed": org(),
        "new": org(authority="b", kind="partial"),
    }

    assert existing_changes(before, after, "ended_on") == {
        ("a", "grassroots"): 1 - 1 - 1,
        ("b", "grassroots"): 1,
        ("b", "partial"): 1,
    }


def test_changes_that_cancel_out_leave_no_count_to_move() -> None:
    assert existing_changes({"x": org(authority="a")}, {"x": org(authority="a")}, "ended_on") == {}
    before = {"x": org(authority="a"), "y": org(authority="b", founded=None)}
    after = {"x": org(authority="a", ended="2025-02-01"), "y": org(authority="a")}
    assert existing_changes(before, after, "ended_on") == {}


def test_an_organization_counts_its_founding_and_its_ending_in_their_months() -> None:
    merged = {**org(ended="2025-06-10"), "ended_by": "merged"}
    assert flows_of(merged, "ended_on", causes=True) == [
        (("a", "grassroots", "2025-01"), (1, 0, 0, 0)),
        (("a", "grassroots", "2025-06"), (0, 1, 0, 1)),
    ]
    dissolved = {**org(ended="2025-06-10"), "ended_by": "dissolved"}
    assert flows_of(dissolved, "ended_on", causes=True)[1] == (("a", "grassroots", "2025-06"), (0, 1, 1, 0))
    union = {"authority_id": "a", "kind": None, "founded_on": "2024-12-31", "dissolved_on": "2025-01-01"}
    assert flows_of(union, "dissolved_on", causes=False) == [
        (("a", "", "2024-12"), (1, 0, 0, 0)),
        (("a", "", "2025-01"), (0, 1, 1, 0)),
    ]
    assert flows_of(org(founded=None), "ended_on", causes=True) == []
    assert flows_of(org(authority=None), "ended_on", causes=True) == []


def test_a_batch_moves_the_flows_by_what_its_records_were_and_became() -> None:
    before = {"ending": org(), "moving": org(founded="2025-02-03"), "same": org()}
    after = {
        "ending": {**org(ended="2025-03-01"), "ended_by": "dissolved"},
        "moving": org(founded="2025-04-05"),
        "same": org(),
        "new": org(authority="b"),
    }
    assert flow_changes(before, after, "ended_on", causes=True) == {
        ("a", "grassroots", "2025-03"): [0, 1, 1, 0],
        ("a", "grassroots", "2025-02"): [-1, 0, 0, 0],
        ("a", "grassroots", "2025-04"): [1, 0, 0, 0],
        ("b", "grassroots", "2025-01"): [1, 0, 0, 0],
    }
