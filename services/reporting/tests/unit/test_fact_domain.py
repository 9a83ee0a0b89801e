"""The fact reports' domain rules, without I/O: size bands, coverage, stages and deadlines,
roll-up over the tree of a day, and the fact batch applying events to rows."""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_reporting.domain.coverage import CoverageGroup, SizeBands
from coso_reporting.domain.errors import DuplicateRecord, InvalidReportRequest
from coso_reporting.domain.facts import FactBatch, fact_keys
from coso_reporting.domain.rollup import OWN_UNITS, roll_up
from coso_reporting.domain.tree import AuthorityPeriod, Succession, Tree
from services.reporting.tests.record_by_record import CandidateFact, Step, due_soon, open_deadlines, overdue, stage_on

D = date.fromisoformat


# --- size bands -------------------------------------------------------------------------------
def test_default_size_bands_split_at_50_200_and_1000_workers() -> None:
    bands = SizeBands()
    assert [bands.band_of(n) for n in (0, 49, 50, 199, 200, 999, 1000, 40_000)] == [
        "0-49",
        "0-49",
        "50-199",
        "50-199",
        "200-999",
        "200-999",
        "1000+",
        "1000+",
    ]
    assert bands.band_of(None) == "unknown"
    assert bands.labels()["1000+"] == "Từ 1.000 lao động trở lên"
    assert bands.labels()["0-49"] == "Dưới 50 lao động"


def test_size_bands_come_from_configuration_and_must_increase() -> None:
    assert SizeBands.of([10, 100]).keys() == ["0-9", "10-99", "100+"]
    with pytest.raises(InvalidReportRequest) as refused:
        SizeBands.of([100, 10])
    assert refused.value.field == "size_bands"


# --- coverage ---------------------------------------------------------------------------------
def _group(organized: bool, members: bool, enough: bool, count: int = 2) -> CoverageGroup:
    return CoverageGroup("x", None, "domestic_private", "50-199", True, organized, members, enough, count)


def test_members_without_an_organization_count_only_where_there_is_no_organization() -> None:
    assert _group(organized=False, members=True, enough=True).measures() == {
        "enterprises": 2,
        "with_trade_union": 2,
        "with_party_organization": 0,
        "members_without_organization": 2,
        "enough_members_without_organization": 2,
    }
    organized = _group(organized=True, members=True, enough=True, count=3).measures()
    assert organized["with_party_organization"] == 3
    assert organized["members_without_organization"] == organized["enough_members_without_organization"] == 0
    assert _group(organized=False, members=False, enough=False).measures()["members_without_organization"] == 0


# --- stages and deadlines (the record-by-record reference the SQL is compared with) ------------
def _candidate(**steps: Step) -> CandidateFact:
    return CandidateFact("c1", "x", "REF-1", D("2025-01-01"), dict(steps))


def test_the_stage_reached_is_the_furthest_step_taken_by_the_day() -> None:
    c = _candidate(
        application_submitted=Step(D("2025-02-01"), D("2026-02-01")),
        awareness_class=Step(D("2025-03-01")),
        grassroots_resolved=Step(D("2025-05-01"), D("2025-07-01")),
    )
    assert stage_on(c, D("2024-12-31")) is None
    assert stage_on(c, D("2025-01-15")) == "proposed"
    assert stage_on(c, D("2025-03-15")) == "application_submitted"  # the class came after the application
    assert stage_on(c, D("2025-05-01")) == "grassroots_resolved"


def test_a_withdrawal_ends_the_file_and_closes_its_deadlines() -> None:
    c = _candidate(application_submitted=Step(D("2025-02-01"), D("2025-03-01")), withdrawn=Step(D("2025-04-01")))
    assert open_deadlines(c, D("2025-03-15"))[0].deadline == "file_expires_on"
    assert stage_on(c, D("2025-04-01")) == "withdrawn"
    assert open_deadlines(c, D("2025-04-01")) == []


def test_an_extension_replaces_the_decision_deadline_from_its_day_and_the_decision_closes_it() -> None:
    c = _candidate(
        grassroots_resolved=Step(D("2025-05-01"), D("2025-07-01")),
        decision_extended=Step(D("2025-06-20"), D("2025-08-15")),
        admission_decided=Step(D("2025-08-01"), D("2025-09-10")),
    )
    [before] = open_deadlines(c, D("2025-06-19"))
    [after] = open_deadlines(c, D("2025-07-10"))
    assert (before.deadline, before.due) == ("decision_due", D("2025-07-01"))
    assert (after.deadline, after.due) == ("decision_due", D("2025-08-15"))
    assert not overdue(after, D("2025-07-10")) and due_soon(after, D("2025-08-10"), 7)
    [ceremony] = open_deadlines(c, D("2025-09-20"))
    assert ceremony.deadline == "ceremony_due" and overdue(ceremony, D("2025-09-20"))
    assert ceremony.days_late(D("2025-09-20")) == 10


def test_due_soon_counts_the_day_itself_and_n_days_ahead_only() -> None:
    [deadline] = open_deadlines(_candidate(admission_decided=Step(D("2025-01-02"), D("2025-01-20"))), D("2025-01-10"))
    assert due_soon(deadline, D("2025-01-20"), 0)
    assert due_soon(deadline, D("2025-01-10"), 10) and not due_soon(deadline, D("2025-01-09"), 10)
    assert not overdue(deadline, D("2025-01-20")) and overdue(deadline, D("2025-01-21"))


# --- roll-up ------------------------------------------------------------------------------------
def test_roll_up_sums_subtrees_by_direct_subordinate_and_follows_successors() -> None:
    periods = [
        AuthorityPeriod("p", "Tỉnh", "province", None, D("2020-01-01")),
        AuthorityPeriod("a", "Xã A", "commune", "p", D("2020-01-01")),
        AuthorityPeriod("a.kcn", "KCN", "industrial_zone", "a", D("2020-01-01")),
        AuthorityPeriod("b", "Xã B", "commune", "p", D("2020-01-01"), D("2025-07-01")),
    ]
    tree = Tree(D("2025-08-01"), periods, [Succession("b", "a", D("2025-07-01"))])
    rows, totals = roll_up(
        tree, "p", [("a.kcn", {"n": 2}), ("b", {"n": 3}), ("p", {"n": 1}), ("elsewhere", {"n": 9})], ["n"]
    )
    assert [(row["key"], row["label"], row["values"]) for row in rows] == [
        ("a", "Xã A", {"n": 5}),
        ("p", OWN_UNITS, {"n": 1}),
    ]
    assert totals == {"n": 6}


# --- the fact batch -------------------------------------------------------------------------------
def test_a_late_workforce_count_does_not_replace_a_newer_one() -> None:
    batch = FactBatch()
    batch.add_all(
        [
            r.WorkforceCounted(enterprise_id="e1", worker_count=500, counted_on=D("2025-06-01")),
            r.WorkforceCounted(enterprise_id="e1", worker_count=100, counted_on=D("2025-01-01")),
        ]
    )
    assert batch.enterprises["e1"]["worker_count"] == 500
    assert batch.enterprises["e1"]["registered_on"] is None  # kept until the registration arrives


def test_a_merger_ends_the_merged_and_gives_the_successor_their_enterprises() -> None:
    batch = FactBatch.starting_from(
        {},
        {
            "o2": {
                "founded_on": "2024-01-01",
                "kind": "grassroots_cell",
                "name": "o2",
                "authority_id": "x",
                "ended_on": None,
                "ended_by": None,
                "successor_id": None,
                "official_members": 3,
            }
        },
        {},
        {},
    )
    events = [
        r.OrganizationsMerged(
            organization_id="o1",
            merged_ids=["o2"],
            kind=r.OrganizationKind.GRASSROOTS_COMMITTEE,
            authority_id="y",
            enterprise_ids=["e1", "e2", "e1"],
            decision_number="5-QĐ",
            effective_from=D("2025-07-01"),
        ),
        r.OrganizationMergedInto(
            organization_id="o2", successor_id="o1", decision_number="5-QĐ", effective_from=D("2025-07-01")
        ),
    ]
    assert fact_keys(events).organizations == {"o1", "o2"}
    batch.add_all(events)
    assert batch.organization_enterprises == {"o1": ["e1", "e2"]}
    assert (batch.organizations["o2"]["ended_by"], batch.organizations["o2"]["successor_id"]) == ("merged", "o1")
    assert batch.organizations["o1"]["kind"] == "grassroots_committee"


def test_founding_an_organization_twice_is_refused() -> None:
    founded = r.OrganizationFounded(
        organization_id="o1",
        name="Chi bộ",
        kind=r.OrganizationKind.GRASSROOTS_CELL,
        authority_id="x",
        enterprise_ids=["e1"],
        decision_number="1",
        founded_on=D("2025-01-01"),
        official_members=3,
    )
    batch = FactBatch()
    batch.add(founded)
    with pytest.raises(DuplicateRecord):
        batch.add(founded)


def test_member_events_record_recognition_leaving_and_official_transfers_only() -> None:
    batch = FactBatch()
    batch.add_all(
        [
            a.MemberEnrolled(
                member_id="m1",
                authority_id="x",
                organization="o1",
                enterprise_id="e1",
                job_category=a.JobCategory.TECHNICIAN,
                status=a.MemberStatus.PROBATIONARY,
                admitted_on=D("2024-01-01"),
                via="admission",
            ),
            a.MemberStatusChanged(
                member_id="m1",
                authority_id="x",
                previous_status=a.MemberStatus.PROBATIONARY,
                status=a.MemberStatus.OFFICIAL,
                on=D("2025-01-02"),
            ),
            a.MemberTransferReceived(
                member_id="m1",
                transfer_id="t",
                kind=a.TransferKind.TEMPORARY,
                to_organization="o9",
                to_authority_id="z",
                on=D("2025-02-01"),
                body="b",
            ),
        ]
    )
    row = batch.members["m1"]
    assert (row["status"], row["official_on"], row["authority_id"], row["ended_on"]) == (
        "official",
        "2025-01-02",
        "x",
        None,
    )


def test_a_report_refuses_an_unknown_option_and_ignores_another_reports_option() -> None:
    from coso_reporting.application.fact_reports import FactReports

    class NoTrees:
        def as_of(self, day: date) -> Tree:
            return Tree(day, [AuthorityPeriod("p", "Tỉnh", "province", None, D("2020-01-01"))])

    class NoFacts:
        def organization_ratings(self, year: int) -> list[tuple[str, str]]:
            return [("p", "good")] if year == 2024 else []

        def member_ratings(self, year: int) -> list[tuple[str, str]]:
            return []

    reports = FactReports(NoFacts(), NoTrees())  # type: ignore[arg-type]
    with pytest.raises(InvalidReportRequest) as refused:
        reports.report("ratings", "p", D("2025-01-01"), D("2025-12-31"), None, colour="red")
    assert refused.value.field == "colour"
    rated = reports.report("ratings", "p", D("2025-01-01"), D("2025-12-31"), None, year=2024, within_days=3)
    assert rated["year"] == 2024 and rated["sections"][0]["totals"]["good"] == 1
