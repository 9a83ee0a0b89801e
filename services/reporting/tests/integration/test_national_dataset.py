"""A small version of the benchmark's synthetic nation (services/reporting/bench/national.py),
rebuilt and reported on: every record is counted once nationally, and the 2025 merger of
communes moves the old communes' history under their successors without losing any."""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone.contracts.admissions import CandidateProposed, MemberEnrolled
from coso_backbone.contracts.registry import EnterpriseRegistered, MassOrganizationFounded, OrganizationFounded
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.plans import SqlIndicatorHistory
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.fact_reports import FactReports
from coso_reporting.application.reports import Reports
from services.reporting.bench.national import (
    MERGER,
    PAGE,
    MemorySource,
    PageFile,
    SyntheticNation,
    envelopes,
    national_events,
    stream_of,
)

FIVE_YEARS = (date(2021, 1, 1), date(2025, 12, 31))
BEFORE = date.fromordinal(MERGER.toordinal() - 1)  # the last day of the old communes


def _count(events: list, kind: type) -> int:
    return sum(1 for e in events if isinstance(e, kind))


def _totals(report: dict, key: str) -> dict:
    return next(s for s in report["sections"] if s["key"] == key)["totals"]


def test_the_small_nation_is_counted_once_and_the_merger_keeps_every_record(projection) -> None:
    nation = national_events(0.001)
    sources = [
        MemorySource(envelopes(nation.registry, "registry", "/coso/nation/registry"), "/coso/nation/registry"),
        MemorySource(envelopes(nation.admissions, "admissions", "/coso/nation/admissions"), "/coso/nation/admissions"),
    ]
    stats = rebuild(projection.engine, sources)
    assert stats.refused == []

    engine = projection.engine
    trees = SqlAuthorityTrees(engine)
    reports = Reports(SqlIndicatorHistory(engine), trees)
    facts = FactReports(SqlFactQueries(engine), trees)
    national = reports.indicator_report("vn", *FIVE_YEARS, as_of=FIVE_YEARS[1])
    enterprises = _count(nation.registry, EnterpriseRegistered)
    assert national["totals"]["cumulative"] == {
        "enterprises": enterprises,
        "candidates_proposed": _count(nation.admissions, CandidateProposed),
    }
    members = facts.members("vn", *FIVE_YEARS, FIVE_YEARS[1])
    assert _totals(members, "units")["members"] == _count(nation.admissions, MemberEnrolled)
    coverage = _totals(facts.coverage("vn", *FIVE_YEARS, FIVE_YEARS[1]), "units")
    assert coverage["enterprises"] == enterprises
    assert coverage["with_party_organization"] == _count(nation.registry, OrganizationFounded)
    assert coverage["with_trade_union"] == _count(nation.registry, MassOrganizationFounded)

    # Province p01 before and after the merger: the old communes are its rows the day before,
    # gone the day of; their enterprises count under their successors; the total is unchanged.
    old = {o for o in nation.merged if o.startswith("p01.")}
    before = reports.indicator_report("p01", *FIVE_YEARS, as_of=BEFORE)
    after = reports.indicator_report("p01", *FIVE_YEARS, as_of=MERGER)
    assert old <= {row["authority_id"] for row in before["rows"]}
    assert not old & {row["authority_id"] for row in after["rows"]}
    assert before["totals"]["cumulative"] == after["totals"]["cumulative"]


def test_the_streamed_nation_is_the_listed_one_read_back_page_by_page(tmp_path) -> None:
    listed = national_events(0.001)
    streamed = SyntheticNation(0.001)
    with pytest.raises(RuntimeError):
        next(streamed.admissions())
    files = [PageFile(tmp_path / "r", "registry", "/r"), PageFile(tmp_path / "a", "admissions", "/a")]
    files[0].write(streamed.registry())
    files[1].write(streamed.admissions())

    for events, pages in ((listed.registry, files[0]), (listed.admissions, files[1])):
        source = pages.reader()
        assert source.info()["last_position"] == len(events) > PAGE  # more than one page
        read, position = [], 0
        while batch := source.read_after(position, 1234):
            read += batch
            position = batch[-1].sequence
        assert [e.sequence for e in read] == list(range(1, len(events) + 1))
        assert [(e.event_type, e.data_json, e.subject) for e in read] == [
            (e.event_name, e.to_new_event("vn").data_json(), stream_of(e)) for e in events
        ]
    assert (streamed.communes, streamed.merged) == (listed.communes, listed.merged)
