"""The fact projection and its reports: real registry and admissions events delivered through
the consumer, on SQLite and on PostgreSQL, and the numbers the reports give for a small
province (two communes and an industrial zone) as of two days."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy import event, select

from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_backbone.envelope import Envelope
from coso_backbone.openapi import OpenApi, http_routes
from coso_reporting.adapters.exports import file_formats
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.fact_tables import FACT_TABLES
from coso_reporting.adapters.fact_tables import metadata as fact_metadata
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.fact_exports import FactExports
from coso_reporting.application.fact_reports import FactReports
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.entrypoints.fact_routes import FACT_ROUTES
from coso_reporting.entrypoints.service import ReportingService
from services.reporting.tests.pdf_check import GLYPH_WORDS, check_glyphs, pdf_text

D = date.fromisoformat
YEAR = (D("2025-01-01"), D("2025-12-31"))


def enterprise(enterprise_id: str, authority_id: str, workers: int = 120, **more: object) -> r.EnterpriseRegistered:
    return r.EnterpriseRegistered(
        enterprise_id=enterprise_id,
        tax_code="0100109106",
        name=f"Công ty {enterprise_id}",
        authority_id=authority_id,
        ownership=more.get("ownership", r.Ownership.DOMESTIC_PRIVATE),
        worker_count=workers,
        registered_on=D("2024-01-02"),
        industrial_zone_id=more.get("zone"),
    )


def member(member_id: str, authority_id: str, enterprise_id: str, **more: object) -> a.MemberEnrolled:
    status = more.get("status", a.MemberStatus.OFFICIAL)
    return a.MemberEnrolled(
        member_id=member_id,
        authority_id=authority_id,
        organization="o?",
        enterprise_id=enterprise_id,
        job_category=more.get("job", a.JobCategory.PRODUCTION_WORKER),
        status=status,
        admitted_on=more.get("admitted_on", D("2020-05-01")),
        official_on=D("2021-05-01") if status is a.MemberStatus.OFFICIAL else None,
        via="import",
    )


def step(kind: type, candidate_id: str, authority_id: str, on: str, **more: object) -> a.CandidateStep:
    return kind(candidate_id=candidate_id, authority_id=authority_id, on=D(on), body="Chi bộ", **more)


def candidate(candidate_id: str, enterprise_id: str, authority_id: str, ref: str) -> a.CandidateProposed:
    return a.CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        source_channel=a.SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=a.JobCategory.PRODUCTION_WORKER,
        proposed_on=D("2025-01-10"),
        display_ref=ref,
    )


def province(world) -> list[Envelope]:
    """hn with communes hn.a, hn.b and the zone hn.kcn; four enterprises, organizations,
    members, ratings and three candidates."""
    reg, adm = world.registry, world.admissions
    return [
        world.authority("hn"),
        world.authority("hn.a", parent_id="hn", name="Đảng ủy phường Ánh Dương"),
        world.authority("hn.b", parent_id="hn", name="Đảng ủy xã Bình Minh"),
        world.authority("hn.kcn", parent_id="hn", name="Đảng ủy các KCN"),
        reg.record("enterprise-e1", enterprise("e1", "hn.a")),
        reg.record(
            "enterprise-e2", enterprise("e2", "hn.b", 30, ownership=r.Ownership.FOREIGN_INVESTED, zone="hn.kcn")
        ),
        reg.record(
            "enterprise-e2", r.WorkforceCounted(enterprise_id="e2", worker_count=1500, counted_on=D("2025-06-01"))
        ),
        reg.record("enterprise-e3", enterprise("e3", "hn.a")),
        reg.record(
            "enterprise-e3", r.EnterpriseClosed(enterprise_id="e3", reason="giải thể", effective_from=D("2025-05-01"))
        ),
        reg.record("enterprise-e4", enterprise("e4", "hn.b")),
        reg.record(
            "enterprise-e4",
            r.EnterpriseMoved(
                enterprise_id="e4",
                authority_id="hn.a",
                previous_authority_id="hn.b",
                industrial_zone_id=None,
                previous_industrial_zone_id=None,
                effective_from=D("2025-09-01"),
            ),
        ),
        reg.record("mass-u1", mass("u1", r.MassOrganizationKind.TRADE_UNION, "e1", "hn.a", "2025-02-01")),
        reg.record("mass-u2", mass("u2", r.MassOrganizationKind.TRADE_UNION, "e2", "hn.b", "2023-02-01")),
        reg.record("mass-y1", mass("y1", r.MassOrganizationKind.YOUTH_UNION, "e1", "hn.a", "2025-05-05")),
        reg.record("organization-o1", organization("o1", "hn.a", ["e1"], "2025-03-01")),
        reg.record("organization-o2", organization("o2", "hn.b", ["e4"], "2025-04-01")),
        reg.record(
            "organization-o2",
            r.OrganizationDissolved(
                organization_id="o2",
                reason="không đủ đảng viên",
                decision_number="9-QĐ",
                effective_from=D("2025-10-01"),
            ),
        ),
        reg.record(
            "organization-o1",
            r.OrganizationRated(
                organization_id="o1",
                year=2025,
                score=95,
                level=r.QualityLevel.EXCELLENT,
                authority_id="hn.a",
                rated_on=D("2025-12-20"),
            ),
        ),
        adm.record("member-m1", member("m1", "hn.b", "e2")),
        adm.record("member-m2", member("m2", "hn.b", "e2")),
        adm.record("member-m3", member("m3", "hn.b", "e2")),
        adm.record(
            "member-m4",
            member("m4", "hn.a", "e1", status=a.MemberStatus.PROBATIONARY, admitted_on=D("2025-06-01")),
        ),
        adm.record(
            "member-m5",
            member(
                "m5",
                "hn.b",
                "e4",
                status=a.MemberStatus.PROBATIONARY,
                job=a.JobCategory.OWNER,
                admitted_on=D("2025-02-01"),
            ),
        ),
        adm.record(
            "member-m5",
            a.MemberStatusChanged(
                member_id="m5",
                authority_id="hn.b",
                previous_status=a.MemberStatus.PROBATIONARY,
                status=a.MemberStatus.OFFICIAL,
                on=D("2025-08-01"),
            ),
        ),
        adm.record(
            "member-m5",
            a.MemberTransferReceived(
                member_id="m5",
                transfer_id="t1",
                kind=a.TransferKind.OFFICIAL,
                to_organization="o1",
                to_authority_id="hn.a",
                on=D("2025-09-15"),
                body="Chi bộ o1",
            ),
        ),
        adm.record("member-m6", member("m6", "hn.a", "e1")),
        adm.record(
            "member-m6",
            a.MemberStatusChanged(
                member_id="m6",
                authority_id="hn.a",
                previous_status=a.MemberStatus.OFFICIAL,
                status=a.MemberStatus.DECEASED,
                on=D("2025-07-01"),
            ),
        ),
        adm.record("member-m1", rated("m1", a.MemberRating.GOOD)),
        adm.record("member-m1", rated("m1", a.MemberRating.EXCELLENT)),  # a correction replaces it
        adm.record("member-m2", rated("m2", a.MemberRating.COMPLETE)),
        adm.record("candidate-c1", candidate("c1", "e1", "hn.a", "CĐCS-2025-001")),
        adm.record(
            "candidate-c1",
            step(a.ApplicationSubmitted, "c1", "hn.a", "2025-02-01", file_expires_on=D("2026-02-01")),
        ),
        adm.record(
            "candidate-c1", step(a.GrassrootsResolved, "c1", "hn.a", "2025-10-01", decision_due=D("2025-12-01"))
        ),
        adm.record("candidate-c2", candidate("c2", "e2", "hn.b", "CĐCS-2025-002")),
        adm.record(
            "candidate-c2", step(a.GrassrootsResolved, "c2", "hn.b", "2025-10-01", decision_due=D("2025-11-15"))
        ),
        adm.record(
            "candidate-c2",
            step(
                a.DecisionDeadlineExtended, "c2", "hn.b", "2025-11-10", reason="bổ sung", decision_due=D("2026-01-10")
            ),
        ),
        adm.record("candidate-c3", candidate("c3", "e2", "hn.b", "CĐCS-2025-003")),
        adm.record(
            "candidate-c3", step(a.CandidateWithdrawn, "c3", "hn.b", "2025-03-01", reason="nghỉ việc", stage="proposed")
        ),
    ]


def mass(
    mass_id: str, kind: r.MassOrganizationKind, enterprise_id: str, authority_id: str, on: str
) -> r.MassOrganizationFounded:
    return r.MassOrganizationFounded(
        mass_organization_id=mass_id,
        kind=kind,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        name=f"Tổ chức {mass_id}",
        founded_on=D(on),
        members=40,
    )


def organization(organization_id: str, authority_id: str, enterprises: list[str], on: str) -> r.OrganizationFounded:
    return r.OrganizationFounded(
        organization_id=organization_id,
        name=f"Chi bộ {organization_id}",
        kind=r.OrganizationKind.GRASSROOTS_CELL,
        authority_id=authority_id,
        enterprise_ids=enterprises,
        decision_number="1-QĐ/ĐU",
        founded_on=D(on),
        official_members=3,
    )


def rated(member_id: str, rating: a.MemberRating) -> a.MemberRated:
    return a.MemberRated(
        member_id=member_id, authority_id="hn.b", year=2025, rating=rating, rated_on=D("2025-12-15"), body="Chi bộ"
    )


def reports_of(projection) -> FactReports:
    return FactReports(SqlFactQueries(projection.engine), SqlAuthorityTrees(projection.engine))


def section(report: dict, key: str) -> dict[str, dict]:
    """A section's rows as {row key: values}, with the totals under 'total'."""
    found = next(s for s in report["sections"] if s["key"] == key)
    rows = {row["key"]: row["values"] for row in found["rows"]}
    if found["totals"] is not None:
        rows["total"] = found["totals"]
    return rows


@pytest.fixture
def reports(world, projection) -> FactReports:
    delivered = province(world)
    outcome = projection.deliver(delivered)
    assert outcome.applied == len(delivered), projection.sink.letters
    return reports_of(projection)


def test_coverage_counts_operating_enterprises_by_unit_band_ownership_and_zone(reports) -> None:
    report = reports.coverage("hn", *YEAR, D("2025-12-31"))

    units = section(report, "units")
    # e3 closed in May; e4 moved to hn.a in September and lost its organization in October.
    assert units["hn.a"] == {
        "enterprises": 2,
        "with_trade_union": 1,
        "with_party_organization": 1,
        "members_without_organization": 1,
        "enough_members_without_organization": 0,
    }
    assert units["hn.b"] == {
        "enterprises": 1,
        "with_trade_union": 1,
        "with_party_organization": 0,
        "members_without_organization": 1,
        "enough_members_without_organization": 1,
    }
    assert units["hn.kcn"]["enterprises"] == 0
    assert units["total"]["enterprises"] == 3
    bands = section(report, "size_bands")
    assert (bands["0-49"]["enterprises"], bands["50-199"]["enterprises"], bands["1000+"]["enterprises"]) == (0, 2, 1)
    assert section(report, "ownership")["foreign_invested"]["with_trade_union"] == 1
    zones = section(report, "industrial_zones")
    assert zones["hn.kcn"]["enterprises"] == 1 and zones["none"]["enterprises"] == 2


def test_coverage_as_of_an_earlier_day_places_enterprises_where_they_were(reports) -> None:
    units = section(reports.coverage("hn", *YEAR, D("2025-08-01")), "units")
    # On 1 August e4 was still under hn.b, with its organization o2; m4 (probationary) is in e1.
    assert units["hn.b"]["enterprises"] == 2
    assert units["hn.b"]["with_party_organization"] == 1
    assert units["hn.a"] == {
        "enterprises": 1,
        "with_trade_union": 1,
        "with_party_organization": 1,
        "members_without_organization": 0,
        "enough_members_without_organization": 0,
    }


def test_organizations_founded_and_ended_in_the_period_by_kind(reports) -> None:
    report = reports.organizations("hn", *YEAR, D("2025-12-31"))
    party = section(report, "party")
    assert party["hn.a"]["founded_grassroots_cell"] == 1 and party["hn.a"]["existing"] == 1
    assert party["hn.b"]["founded"] == 1 and party["hn.b"]["dissolved"] == 1 and party["hn.b"]["existing"] == 0
    mass_orgs = section(report, "mass")
    assert mass_orgs["hn.a"]["founded_trade_union"] == 1 and mass_orgs["hn.a"]["founded_youth_union"] == 1
    assert mass_orgs["total"]["founded_trade_union"] == 1  # u2 was founded in 2023
    assert mass_orgs["total"]["existing_trade_union"] == 2


def test_member_composition_on_the_day_with_transfers_and_leavers(reports) -> None:
    report = reports.members("hn", *YEAR, D("2025-12-31"))
    units = section(report, "units")
    # m5 (an owner, official since August) transferred to hn.a; m6 died in July.
    assert units["hn.a"] == {
        "members": 2,
        "probationary": 1,
        "official": 1,
        "production_worker": 1,
        "owner": 1,
        "admitted": 2,
        "left": 1,
    }
    assert units["hn.b"]["members"] == 3 and units["hn.b"]["official"] == 3
    assert section(report, "statuses")["deceased"]["members"] == 1
    assert section(report, "ownership")["foreign_invested"]["members"] == 3
    assert section(report, "job_categories")["owner"]["official"] == 1


def test_reports_of_another_day_and_unit_run_the_statements_built_for_the_first(reports, projection) -> None:
    """The members, coverage and organizations reports build their statements once per shape
    (building them took longer than a commune's report took to run): another day, period
    and unit of the same shape are parameters of the same statements."""
    executed: list[Any] = []

    def record(connection: Any, statement: Any, *_: Any) -> None:
        executed.append(statement)

    def statements_of(*request: Any) -> dict[str, Any]:
        executed.clear()
        for name in ("members", "coverage", "organizations"):
            reports.report(name, *request)
        # The reports' own reads (not the hierarchy's, the checkpoints', the kept settings' or
        # the first and last kept half year or founding, which choose where a report starts).
        kept_with = ("coverage_settings", "SELECT min(")
        return {str(s): s for s in executed if "reporting_fact_" in str(s) and not any(k in str(s) for k in kept_with)}

    event.listen(projection.engine, "before_execute", record)
    try:
        first = statements_of("hn", *YEAR, D("2025-12-31"))
        then = statements_of("hn.a", D("2025-02-01"), D("2025-08-01"), D("2025-08-01"))
    finally:
        event.remove(projection.engine, "before_execute", record)
    assert len(first) == 4  # members (by unit and composition); coverage; organizations: party, mass
    assert then.keys() == first.keys()
    assert all(then[sql] is first[sql] for sql in first)


def test_ratings_of_a_year_count_the_corrected_rating_once(reports) -> None:
    report = reports.ratings("hn", *YEAR, D("2025-12-31"), year=2025)
    assert section(report, "organizations")["hn.a"]["excellent"] == 1
    members = section(report, "members")
    assert members["hn.b"] == {"excellent": 1, "good": 0, "complete": 1, "not_complete": 0, "rated": 2}
    assert any("100.0%" in note and "vượt" in note for note in report["notes"])


def test_pipeline_lists_overdue_and_near_deadlines_by_reference_only(reports) -> None:
    report = reports.pipeline("hn", *YEAR, D("2025-12-31"), within_days=14)
    units = section(report, "units")
    assert units["hn.a"]["in_progress"] == 1 and units["hn.a"]["overdue"] == 1
    assert units["hn.b"]["in_progress"] == 1 and units["hn.b"]["ended"] == 1 and units["hn.b"]["due_soon"] == 1
    overdue = next(s for s in report["sections"] if s["key"] == "overdue")["rows"]
    assert [(row["label"], row["values"]["due"], row["values"]["days"]) for row in overdue] == [
        ("CĐCS-2025-001", "01/12/2025", 30)
    ]
    soon = next(s for s in report["sections"] if s["key"] == "due_soon")["rows"]
    # The extension replaced c2's decision deadline of 15 November.
    assert [(row["label"], row["values"]["due"]) for row in soon] == [("CĐCS-2025-002", "10/01/2026")]
    assert section(report, "stages")["withdrawn"]["candidates"] == 1

    commune = reports.pipeline("hn.a", *YEAR, D("2025-12-31"), within_days=14)
    assert section(commune, "stages")["total"] == {"candidates": 1}  # c1 only: c2 and c3 are hn.b's
    assert [row["label"] for row in next(s for s in commune["sections"] if s["key"] == "overdue")["rows"]] == [
        "CĐCS-2025-001"
    ]


def test_a_report_for_an_authority_that_did_not_exist_is_refused(reports) -> None:
    with pytest.raises(UnknownAuthority):
        reports.coverage("hn.nowhere", *YEAR, D("2025-12-31"))


def test_facts_arriving_before_their_record_are_kept(world, projection) -> None:
    """A workforce count delivered before the enterprise's registration is not lost."""
    reg = world.registry
    counted = reg.record(
        "enterprise-e9", r.WorkforceCounted(enterprise_id="e9", worker_count=2000, counted_on=D("2025-06-01"))
    )
    authority = world.authority("hn")
    registered = reg.record("enterprise-e9", enterprise("e9", "hn", 10))
    projection.deliver([counted])
    projection.deliver([authority, registered])
    bands = section(reports_of(projection).coverage("hn", *YEAR, D("2025-12-31")), "size_bands")
    assert bands["1000+"]["enterprises"] == 1


def test_an_organization_founded_twice_is_dead_lettered_with_the_reason(world, projection) -> None:
    reg = world.registry
    authority = world.authority("hn")
    first = reg.record("organization-o1", organization("o1", "hn", ["e1"], "2025-03-01"))
    again = reg.record("organization-o1b", organization("o1", "hn", ["e1"], "2025-03-02"))
    outcome = projection.deliver([authority, first, again])
    assert outcome.applied == 2
    [letter] = projection.sink.letters
    assert "organization o1 is already founded" in letter.reason


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def fact_exports(world, projection_at, sqlite_url: str) -> FactExports:
    projection = projection_at(sqlite_url)
    delivered = [
        *province(world),
        world.authority("hn.a.x", parent_id="hn.a", name="Chi bộ thử " + " ".join(GLYPH_WORDS)),
        world.registry.record("enterprise-e7", enterprise("e7", "hn.a.x", 2500)),
    ]
    projection.deliver(delivered)
    formats = file_formats()
    return FactExports(reports_of(projection), formats, place="Hà Nội", today=lambda: D("2026-01-05"))


def test_the_coverage_xlsx_has_a_captioned_table_per_section_with_totals(fact_exports: FactExports) -> None:
    exported = fact_exports.report("xlsx", "coverage", "hn", *YEAR, D("2025-12-31"))
    assert exported.filename == "bao-cao-bao-phu-hn-2025-12-31.xlsx"
    sheet = load_workbook(BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    cells = {str(c) for row in rows for c in row if c is not None}
    assert {"Theo đơn vị", "Theo quy mô lao động", "Theo khu công nghiệp", "Hà Nội, ngày 05 tháng 01 năm 2026"} <= cells
    totals = [row for row in rows if row[1] == "Tổng cộng"]
    assert len(totals) == 4 and all(row[2] == 4 for row in totals)  # e1, e2, e4 and e7 operate


def test_the_coverage_pdf_renders_vietnamese_diacritics(fact_exports: FactExports, tmp_path: Path) -> None:
    exported = fact_exports.report("pdf", "coverage", "hn.a", *YEAR, D("2025-12-31"))
    document = tmp_path / exported.filename
    document.write_bytes(exported.content)
    text = pdf_text(document)
    assert "Doanh nghiệp có tổ chức đảng, công đoàn, đảng viên" in text and "Theo quy mô lao động" in text
    check_glyphs(document, tmp_path)


# --- HTTP ---------------------------------------------------------------------------------------
def test_the_reports_are_served_over_http_with_refusals_naming_the_parameter(reporting_api: str) -> None:
    coverage = requests.get(f"{reporting_api}/reports/coverage", params={"authority_id": "hn"}, timeout=10)
    assert coverage.status_code == 200, coverage.text
    units = section(coverage.json(), "units")
    assert units["hn.kcn"]["enterprises"] == 1 and units["total"]["enterprises"] == 2

    pdf_file = requests.get(f"{reporting_api}/reports/pipeline.pdf", params={"authority_id": "hn"}, timeout=30)
    assert pdf_file.status_code == 200 and pdf_file.content.startswith(b"%PDF")
    assert "bao-cao-phat-trien-dang-vien-hn-" in pdf_file.headers["Content-Disposition"]

    bad_day = requests.get(
        f"{reporting_api}/reports/members", params={"authority_id": "hn", "as_of": "31/12"}, timeout=10
    )
    assert bad_day.status_code == 422 and bad_day.json()["field"] == "as_of"
    bad_year = requests.get(f"{reporting_api}/reports/ratings", params={"authority_id": "hn", "year": "x"}, timeout=10)
    assert bad_year.status_code == 422 and bad_year.json()["field"] == "year"
    unknown = requests.get(f"{reporting_api}/reports/coverage", params={"authority_id": "hn.none"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["field"] == "authority_id"
    other_option = requests.get(
        f"{reporting_api}/reports/coverage", params={"authority_id": "hn", "year": 2025}, timeout=10
    )
    assert other_option.status_code == 200  # the ratings' option is ignored by the other reports
    no_such = requests.get(f"{reporting_api}/reports/nothing", params={"authority_id": "hn"}, timeout=10)
    assert no_such.status_code == 422 and no_such.json()["field"] == "report"


def test_every_fact_report_route_is_declared_for_openapi() -> None:
    declared = {(route.method, route.path) for route in FACT_ROUTES}
    served = {
        (method, path) for method, path in http_routes(ReportingService) if path.startswith("/reports/<string:name>")
    }
    assert served == declared
    assert OpenApi("reporting", "1", FACT_ROUTES).document()["paths"]["/reports/{name}"]["get"]["parameters"]


# --- rebuild and RabbitMQ --------------------------------------------------------------------------
def fact_rows(projection) -> dict[str, list[tuple]]:
    with projection.engine.connect() as connection:
        return {t.name: sorted(tuple(r) for r in connection.execute(select(t))) for t in FACT_TABLES}


def test_a_rebuild_in_small_pages_yields_the_facts_live_consumption_yields(world, projection) -> None:
    delivered = province(world)
    projection.deliver(delivered)
    live, report = fact_rows(projection), reports_of(projection).members("hn", *YEAR, D("2025-12-31"))

    stats = rebuild(projection.engine, world.sources, page_size=4)

    assert stats.refused == [] and stats.events == len(delivered)
    assert fact_rows(projection) == live
    assert all(live.values()), "every fact table has rows to compare"
    assert reports_of(projection).members("hn", *YEAR, D("2025-12-31")) == report


def test_the_fact_tables_after_a_rebuild_are_the_ones_the_migration_creates(world, projection) -> None:
    def differences() -> list:
        with projection.engine.connect() as connection:
            ours = {"include_name": lambda name, kind, _: kind != "table" or name in fact_metadata.tables}
            return compare_metadata(MigrationContext.configure(connection, opts=ours), fact_metadata)

    assert differences() == []
    world.authority("hn")
    rebuild(projection.engine, world.sources)
    assert differences() == []


@pytest.mark.rabbitmq
def test_facts_published_over_rabbitmq_reach_the_reports_through_the_real_consumer(
    world, projection_at, sqlite_url: str, consume_over_rabbitmq
) -> None:
    """Registry's and admissions' relays publish to their exchanges; reporting's consumer loop
    (its queues bound to the fact events too) applies them; the reports then count them."""
    projection = projection_at(sqlite_url)
    province(world)
    consume_over_rabbitmq(world, projection)

    assert projection.sink.letters == []
    report = reports_of(projection)
    assert section(report.coverage("hn", *YEAR, D("2025-12-31")), "units")["total"]["with_trade_union"] == 2
    assert section(report.pipeline("hn", *YEAR, D("2025-12-31")), "units")["total"]["overdue"] == 1
