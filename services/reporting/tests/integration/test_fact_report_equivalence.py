"""The pipeline and organizations reports, counted in SQL by their axes, give the answers
the record-by-record reports gave: over a seeded random province (candidates at every
stage, with deadlines set, extended, met and missed; organizations founded, dissolved and
merged; a commune merged into another; records under an unregistered authority), for
several days, periods, authorities and look-aheads, on SQLite and on PostgreSQL, with the
authorities named in the statements and (as for a national report) not.

The pipeline report reads the counts kept for the candidates' latest state and recounts the
candidates changed after its day (adapters/pipeline_counts.py): its answers are compared
with the kept counts filled by live delivery in one batch and in small ones, by a rebuild
in small pages and by the migration that adds them, for days before and after later steps.

`RecordByRecord` is the implementation the grouped reads replaced, kept here unchanged as
the oracle: it reads every candidate and organization as a record and applies
domain/pipeline.py's rules in Python (tests/record_by_record.py).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select

from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_backbone.envelope import Envelope
from coso_backbone.migrate import downgrade
from coso_reporting.adapters import fact_pipeline_queries
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.half_years import half_years_between
from coso_reporting.adapters.pipeline_counts import stage_moves
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.fact_reports import FactReports, FactReportSettings, _by_key, _section, _short
from coso_reporting.domain import fact_labels as labels
from coso_reporting.domain.errors import InvalidReportRequest
from coso_reporting.domain.rollup import roll_up, within
from services.reporting.tests.record_by_record import RecordReads, due_soon, open_deadlines, overdue, stage_on

D = date.fromisoformat
MERGER = D("2025-07-01")
COMMUNES = ("pv.a", "pv.b", "pv.c", "pv.old", "pv.a.kcn", "qv.x", "ghost")  # ghost: never registered
DAYS = (D("2024-12-31"), D("2025-06-30"), MERGER, D("2025-10-15"), D("2026-03-01"))  # reported on
EDGES = tuple(day + timedelta(days=k) for day in DAYS for k in (-1, 0, 1, 14, 15, 90, 91))
# Ids whose order differs between code points and a locale's collation.
CANDIDATE_IDS = ("c-1", "c_1", "C1", "c1", "c10", "c2", "cá", "cz", "c 1", "c.1")


class RecordByRecord(FactReports):
    """The pipeline and organizations reports as they were made before their reads were grouped."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(SqlFactQueries(engine), SqlAuthorityTrees(engine))
        self._records = RecordReads(engine)

    # --- a. organizations founded and ended ------------------------------------------------
    def organizations(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        party_columns = {
            **{f"founded_{k}": f"Thành lập: {v}" for k, v in labels.ORGANIZATION_KINDS.items()},
            "founded": "Tổng số thành lập",
            "dissolved": "Giải thể",
            "merged": "Hợp nhất vào tổ chức khác",
            "existing": f"Hiện có (ngày {_short(request.as_of)})",
        }
        party: list[tuple[str, dict[str, int]]] = []
        for o in self._records.organizations():
            if o.authority_id is None:
                continue
            values: dict[str, int] = {}
            if o.founded_on is not None and start <= o.founded_on <= end:
                values["founded"] = 1
                values[f"founded_{o.kind}"] = 1
            if o.ended_on is not None and start <= o.ended_on <= end and o.ended_by in ("dissolved", "merged"):
                values[o.ended_by] = 1
            if o.exists_on(request.as_of):
                values["existing"] = 1
            if values:
                party.append((o.authority_id, values))
        mass_columns = {
            **{f"founded_{k}": f"Thành lập: {v}" for k, v in labels.MASS_ORGANIZATION_KINDS.items()},
            "dissolved": "Giải thể",
            "existing_trade_union": f"Công đoàn cơ sở hiện có (ngày {_short(request.as_of)})",
        }
        mass: list[tuple[str, dict[str, int]]] = []
        for m in self._records.mass_organizations():
            if m.authority_id is None:
                continue
            values = {}
            if m.founded_on is not None and start <= m.founded_on <= end:
                values[f"founded_{m.kind}"] = 1
            if m.dissolved_on is not None and start <= m.dissolved_on <= end:
                values["dissolved"] = 1
            if m.kind == "trade_union" and m.exists_on(request.as_of):
                values["existing_trade_union"] = 1
            if values:
                mass.append((m.authority_id, values))
        party_rows, party_totals = roll_up(tree, authority_id, party, list(party_columns))
        mass_rows, mass_totals = roll_up(tree, authority_id, mass, list(mass_columns))
        return self._report(
            "organizations",
            request,
            tree,
            [
                _section("party", "Tổ chức cơ sở đảng", party_columns, party_rows, party_totals),
                _section("mass", "Tổ chức chính trị - xã hội", mass_columns, mass_rows, mass_totals),
            ],
        )

    # --- e. pipeline and deadlines --------------------------------------------------------------
    def pipeline(
        self, authority_id: str, start: date, end: date, as_of: date | None = None, within_days: int | None = None
    ) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        day = request.as_of
        days = self._settings.due_within_days if within_days is None else within_days
        if days < 0:
            raise InvalidReportRequest(
                f"within_days must not be negative, not {days}", field="within_days", rule="not_negative"
            )
        recorded = self._records.candidate_authorities()
        inside = within(tree, authority_id, recorded)
        candidates = self._records.candidates(None if inside == recorded else inside)
        unit_columns = {
            "before_application": "Chưa nộp hồ sơ",
            "in_progress": "Đang xét (đã nộp hồ sơ)",
            "decided": "Đã có quyết định, chưa kết nạp",
            "probationary": "Đảng viên dự bị",
            "recognised": "Đã công nhận chính thức",
            "ended": "Dừng (rút, không chấp thuận, xóa tên)",
            "overdue": "Quá hạn",
            "due_soon": f"Đến hạn trong {days} ngày",
        }
        group = {
            "proposed": "before_application",
            "awareness_class": "before_application",
            "application_submitted": "in_progress",
            "background_verified": "in_progress",
            "introduced": "in_progress",
            "cell_voted": "in_progress",
            "grassroots_resolved": "in_progress",
            "admission_decided": "decided",
            "ceremony_held": "probationary",
            "recognised": "recognised",
            "probationary_removed": "ended",
            "withdrawn": "ended",
            "rejected": "ended",
        }
        by_unit: list[tuple[str, dict[str, int]]] = []
        by_stage: list[tuple[str, dict[str, int]]] = []
        late, soon = [], []
        for candidate in candidates:
            if candidate.authority_id not in inside:
                continue
            stage = stage_on(candidate, day)
            if stage is None:
                continue
            values = {group[stage]: 1}
            by_stage.append((stage, {"candidates": 1}))
            for deadline in open_deadlines(candidate, day):
                if overdue(deadline, day):
                    late.append(deadline)
                    values["overdue"] = values.get("overdue", 0) + 1
                elif due_soon(deadline, day, days):
                    soon.append(deadline)
                    values["due_soon"] = values.get("due_soon", 0) + 1
            by_unit.append((candidate.authority_id, values))
        unit_rows, totals = roll_up(tree, authority_id, by_unit, list(unit_columns))
        stage_rows, stage_totals = _by_key(by_stage, labels.STAGES, ["candidates"])

        def listed(deadlines: list[Any], late_column: bool) -> list[dict[str, Any]]:
            rows = []
            for d in sorted(deadlines, key=lambda d: (d.due, d.candidate_id, d.deadline)):
                holder = tree.holder(d.authority_id)
                rows.append(
                    {
                        "key": f"{d.candidate_id}:{d.deadline}",
                        "label": d.display_ref or d.candidate_id,
                        "values": {
                            "candidate_id": d.candidate_id,
                            "unit": tree.name(holder) if holder else d.authority_id,
                            "deadline": labels.DEADLINES[d.deadline],
                            "due": _short(d.due),
                            "days": d.days_late(day) if late_column else -d.days_late(day),
                        },
                    }
                )
            return rows

        list_columns = {
            "candidate_id": "Mã hồ sơ",
            "unit": "Đơn vị",
            "deadline": "Thời hạn",
            "due": "Hạn",
        }
        return self._report(
            "pipeline",
            request,
            tree,
            [
                _section("units", "Theo đơn vị", unit_columns, unit_rows, totals),
                _section("stages", "Theo bước", {"candidates": "Số quần chúng"}, stage_rows, stage_totals, "Bước"),
                _section(
                    "overdue",
                    "Thời hạn đã quá",
                    {**list_columns, "days": "Số ngày quá hạn"},
                    listed(late, True),
                    None,
                    "Hồ sơ",
                ),
                _section(
                    "due_soon",
                    f"Thời hạn đến trong {days} ngày",
                    {**list_columns, "days": "Còn (ngày)"},
                    listed(soon, False),
                    None,
                    "Hồ sơ",
                ),
            ],
            notes=[f"Tình hình tại ngày {_short(day)}; hồ sơ ghi theo mã, không có thông tin cá nhân."],
        )


def _step(kind: type, candidate_id: str, authority_id: str, on: date, **more: Any) -> a.CandidateStep:
    return kind(candidate_id=candidate_id, authority_id=authority_id, on=on, body="Chi bộ", **more)


def _pipeline(rng: random.Random, candidate_id: str, authority_id: str, proposed_on: date) -> list[a.CandidateStep]:
    """A candidate's steps from its proposal: a random length of the road, days apart (some
    out of order), deadlines near their steps, and now and then a withdrawal or rejection."""
    day = proposed_on

    def later(most: int = 60) -> date:
        nonlocal day
        day += timedelta(days=rng.randint(0, most))
        return day

    def due(after: int) -> date:
        """Often on a report day or at the edge of a look-ahead, so ties and edges are met."""
        return rng.choice(EDGES) if rng.random() < 0.4 else day + timedelta(days=after)

    introducer = a.Introducer(
        kind=a.IntroducerKind.OFFICIAL_MEMBER, ref="m1", worked_with_candidate_since=proposed_on - timedelta(days=400)
    )
    road: list[a.CandidateStep] = []
    makers = [
        lambda: _step(a.AwarenessClassAttended, candidate_id, authority_id, later()),
        lambda: _step(a.ApplicationSubmitted, candidate_id, authority_id, later(), file_expires_on=due(200)),
        lambda: _step(a.BackgroundVerified, candidate_id, authority_id, later()),
        lambda: _step(a.CandidateIntroduced, candidate_id, authority_id, later(), introducers=[introducer]),
        lambda: _step(a.CellVoted, candidate_id, authority_id, later(), votes_for=3, official_members=3),
        lambda: _step(a.GrassrootsResolved, candidate_id, authority_id, later(), decision_due=due(60)),
        lambda: _step(
            a.DecisionDeadlineExtended,
            candidate_id,
            authority_id,
            later(20),
            reason="bổ sung",
            decision_due=due(rng.randint(0, 40)),
        ),
        lambda: _step(a.AdmissionDecided, candidate_id, authority_id, later(90), ceremony_due=due(30)),
        lambda: _step(
            a.AdmissionCeremonyHeld,
            candidate_id,
            authority_id,
            later(45),
            job_category=a.JobCategory.PRODUCTION_WORKER,
            enterprise_owner=False,
            probation_ends_on=day + timedelta(days=365),
            recognition_due=due(400),
        ),
        lambda: (
            _step(a.MemberRecognised, candidate_id, authority_id, later(420), votes_for=3, official_members=3)
            if rng.random() < 0.7
            else _step(a.ProbationaryMemberRemoved, candidate_id, authority_id, later(420), reason="không đạt")
        ),
    ]
    for make in makers[: rng.randint(0, len(makers))]:
        if rng.random() < 0.15:
            continue  # a step left out
        road.append(make())
    if rng.random() < 0.2:
        stop = a.CandidateWithdrawn if rng.random() < 0.5 else a.CandidateRejected
        road.append(_step(stop, candidate_id, authority_id, later(), reason="nghỉ việc", stage="proposed"))
    if len(road) > 2 and rng.random() < 0.2:
        road[0] = road[0].model_copy(update={"on": road[-1].on + timedelta(days=5)})  # recorded late
    return road


def _on_a_reported_day(n: int, edge: int, drawn: date) -> date:
    """Every fifth organization founded (`edge` 0) or ended (1) on a reported day, the others
    on the day drawn: a report's day is the edge its counts must get right."""
    return DAYS[n // 5 % len(DAYS)] if n % 5 == edge else drawn


def random_province(world, seed: int) -> list[Envelope]:
    """vn over provinces pv and qv; pv's communes a, b, c and old (merged into b on MERGER),
    a zone under a; candidates and organizations spread over them and over an id never
    registered."""
    rng = random.Random(seed)
    reg, adm = world.registry, world.admissions
    delivered = [
        world.authority("vn", name="Trung ương"),
        world.authority("pv", parent_id="vn"),
        world.authority("qv", parent_id="vn"),
        *(world.authority(c, parent_id="pv") for c in ("pv.a", "pv.b", "pv.c", "pv.old")),
        world.authority("pv.a.kcn", parent_id="pv.a"),
        world.authority("qv.x", parent_id="qv"),
        reg.record(
            "authority-pv.old",
            r.AuthorityMerged(
                authority_id="pv.old",
                successor_id="pv.b",
                merged_with=["pv.old"],
                effective_from=MERGER,
                legal_basis="Nghị quyết số 1",
            ),
        ),
    ]
    organization_ids: list[str] = []
    for n in range(40):
        organization_id, authority_id = f"o{n}", rng.choice(COMMUNES)
        founded_on = _on_a_reported_day(n, 0, D("2023-06-01") + timedelta(days=rng.randrange(1000)))
        kind = rng.choice(list(r.OrganizationKind))
        delivered.append(
            reg.record(
                f"organization-{organization_id}",
                r.OrganizationFounded(
                    organization_id=organization_id,
                    name=f"Chi bộ {n}",
                    kind=kind,
                    authority_id=authority_id,
                    enterprise_ids=[f"e{n}"],
                    decision_number=f"{n}-QĐ",
                    founded_on=founded_on,
                    official_members=3,
                ),
            )
        )
        ended_on = max(_on_a_reported_day(n, 1, founded_on + timedelta(days=rng.randint(1, 500))), founded_on)
        draw = rng.random()
        if draw < 0.25:
            ended: r.EventContract = r.OrganizationDissolved(
                organization_id=organization_id, reason="giải thể", decision_number="9-QĐ", effective_from=ended_on
            )
            delivered.append(reg.record(f"organization-{organization_id}", ended))
        elif draw < 0.4 and organization_ids:
            ended = r.OrganizationMergedInto(
                organization_id=organization_id,
                successor_id=rng.choice(organization_ids),
                decision_number="8-QĐ",
                effective_from=ended_on,
            )
            delivered.append(reg.record(f"organization-{organization_id}", ended))
        organization_ids.append(organization_id)
    for n in range(40):
        mass_id = f"u{n}"
        founded_on = _on_a_reported_day(n, 0, D("2023-06-01") + timedelta(days=rng.randrange(1000)))
        delivered.append(
            reg.record(
                f"mass-{mass_id}",
                r.MassOrganizationFounded(
                    mass_organization_id=mass_id,
                    kind=rng.choice(list(r.MassOrganizationKind)),
                    enterprise_id=f"e{n}",
                    authority_id=rng.choice(COMMUNES),
                    name=f"Tổ chức {n}",
                    founded_on=founded_on,
                    members=40,
                ),
            )
        )
        if rng.random() < 0.3:
            dissolved = r.MassOrganizationDissolved(
                mass_organization_id=mass_id,
                reason="giải thể",
                effective_from=max(
                    _on_a_reported_day(n, 1, founded_on + timedelta(days=rng.randint(1, 500))), founded_on
                ),
            )
            delivered.append(reg.record(f"mass-{mass_id}", dissolved))
    for n, candidate_id in enumerate((*CANDIDATE_IDS, *(f"k{i}" for i in range(90)))):
        authority_id = rng.choice(COMMUNES)
        proposed_on = D("2024-03-01") + timedelta(days=rng.randrange(700))
        proposal = a.CandidateProposed(
            candidate_id=candidate_id,
            enterprise_id=f"e{n}",
            authority_id=authority_id,
            source_channel=rng.choice(list(a.SourceChannel)),
            job_category=a.JobCategory.PRODUCTION_WORKER,
            proposed_on=proposed_on,
            display_ref=None if rng.random() < 0.3 else f"HS-{n:03d}",
        )
        delivered.append(adm.record(f"candidate-{candidate_id}", proposal))
        for step in _pipeline(rng, candidate_id, authority_id, proposed_on):
            delivered.append(adm.record(f"candidate-{candidate_id}", step))
    return delivered


@pytest.fixture(params=["named", "all_read"])
def engine(request, world, projection, monkeypatch):
    """The province's projection; "all_read": every report reads all authorities' rows and
    drops those outside its subtree, as a national report does."""
    if request.param == "all_read":
        monkeypatch.setattr(fact_pipeline_queries, "NAMED_AUTHORITIES_AT_MOST", 0)
    delivered = random_province(world, seed=7)
    outcome = projection.deliver(delivered)
    assert outcome.applied == len(delivered), projection.sink.letters
    return projection.engine


PERIODS = (
    (D("2025-01-01"), D("2025-12-31")),
    (D("2024-07-01"), D("2025-06-30")),
    (D("2023-01-01"), D("2026-12-31")),
    (D("2024-03-15"), D("2026-02-20")),  # days, months, a whole year, months, days: each piece of a span
)


def _authorities(day: date) -> tuple[str, ...]:
    return ("vn", "pv", "pv.a", "pv.b", "qv") + (("pv.old",) if day < MERGER else ())


def assert_same_pipeline(engine: Engine, within: tuple[int, ...] = (0, 14, 90)) -> int:
    """The pipeline report of every day and authority compared with the record-by-record one;
    how many were compared."""
    grouped = FactReports(SqlFactQueries(engine), SqlAuthorityTrees(engine))
    oracle = RecordByRecord(engine)
    compared = 0
    for day in DAYS:
        for authority_id in _authorities(day):
            for within_days in within:
                expected = oracle.pipeline(authority_id, *PERIODS[0], day, within_days=within_days)
                assert grouped.pipeline(authority_id, *PERIODS[0], day, within_days=within_days) == expected, (
                    day,
                    authority_id,
                    within_days,
                )
                compared += 1
    return compared


def test_the_grouped_pipeline_report_answers_what_the_record_by_record_one_did(engine) -> None:
    compared = assert_same_pipeline(engine)
    oracle = RecordByRecord(engine)
    national = oracle.pipeline("vn", *PERIODS[0], D("2025-10-15"), within_days=90)
    listed = [len(s["rows"]) for s in national["sections"] if s["key"] in ("overdue", "due_soon")]
    assert compared == 81 and min(listed) >= 3, "the comparison covers listed deadlines of both kinds"


def test_the_grouped_organizations_report_answers_what_the_record_by_record_one_did(engine) -> None:
    assert_organizations_as_record_by_record(engine)
    party = next(s for s in RecordByRecord(engine).organizations("vn", *PERIODS[2], D("2025-10-15"))["sections"])[
        "totals"
    ]
    assert party["founded"] and party["dissolved"] and party["merged"] and party["existing"]


# Days nearer the first founding than the last too (counted from the foundings up to them).
ORGANIZATION_DAYS = (D("2023-09-30"), D("2024-06-30"), *DAYS)


def assert_organizations_as_record_by_record(engine: Engine) -> None:
    grouped = FactReports(SqlFactQueries(engine), SqlAuthorityTrees(engine))
    oracle = RecordByRecord(engine)
    for day in ORGANIZATION_DAYS:
        for authority_id in _authorities(day):
            for period in PERIODS:
                expected = oracle.organizations(authority_id, *period, day)
                assert grouped.organizations(authority_id, *period, day) == expected, (day, authority_id, period)


def kept_organization_counts(engine: Engine) -> list[tuple[Any, ...]]:
    """The kept counts of existing organizations, then the kept foundings and endings by
    month and by year (rows a later batch brought to nothing left out: they add nothing)."""
    tables = (LIVE.organization_counts, LIVE.organization_monthly_flows, LIVE.organization_yearly_flows)
    with engine.connect() as connection:
        return [
            (table.name, *row)
            for table in tables
            for row in sorted(tuple(row) for row in connection.execute(select(table)))
            if any(row[-1 if table is LIVE.organization_counts else -4 :])
        ]


@pytest.mark.parametrize("batch", [5, None])
def test_the_organizations_counted_by_a_rebuild_in_pages_answer_as_record_by_record(world, projection, batch) -> None:
    """Kept live in batches of five events (an organization's founding and ending often in
    different batches) or in one: what a rebuild counts, and the record-by-record answers."""
    delivered = random_province(world, seed=11)
    for start in range(0, len(delivered), batch or len(delivered)):
        part = delivered[start : start + (batch or len(delivered))]
        assert projection.deliver(part).applied == len(part), projection.sink.letters
    kept_live = kept_organization_counts(projection.engine)
    assert {row[0] for row in kept_live} == {
        LIVE.organization_monthly_flows.name,
        LIVE.organization_yearly_flows.name,
        LIVE.organization_counts.name,
    }

    rebuild(projection.engine, world.sources, page_size=7)

    assert kept_live and kept_organization_counts(projection.engine) == kept_live
    assert_organizations_as_record_by_record(projection.engine)


def test_the_migration_counts_the_organizations_the_projection_keeps(world, projection) -> None:
    delivered = random_province(world, seed=13)
    assert projection.deliver(delivered).applied == len(delivered)
    kept_live = kept_organization_counts(projection.engine)
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0015")  # before p0016's table and indexes
    assert not inspect(projection.engine).has_table(LIVE.organization_counts.name)

    migrate_engine(projection.engine)

    assert kept_live and kept_organization_counts(projection.engine) == kept_live
    assert_organizations_as_record_by_record(projection.engine)


def test_the_pipeline_report_lists_the_earliest_deadlines_and_says_how_many_it_left_out(engine) -> None:
    oracle = RecordByRecord(engine)
    for limit in (1, 2, 3, 5, 8):
        bounded = FactReports(
            SqlFactQueries(engine), SqlAuthorityTrees(engine), FactReportSettings(listed_deadlines=limit)
        )
        for day in DAYS:
            expected = oracle.pipeline("vn", *PERIODS[0], day, within_days=90)
            report = bounded.pipeline("vn", *PERIODS[0], day, within_days=90)
            for key in ("overdue", "due_soon"):
                rows = next(s for s in report["sections"] if s["key"] == key)["rows"]
                assert rows == next(s for s in expected["sections"] if s["key"] == key)["rows"][:limit]
            units = next(s for s in report["sections"] if s["key"] == "units")["totals"]
            assert units == next(s for s in expected["sections"] if s["key"] == "units")["totals"]
            cut = f"Thời hạn đã quá: liệt kê {limit} hồ sơ có hạn sớm nhất trong số {units['overdue']}."
            assert (cut in report["notes"]) == (units["overdue"] > limit)


PIPELINE_KEPT = (
    LIVE.candidate_stages,
    LIVE.candidate_deadlines,
    LIVE.pipeline_counts,
    LIVE.deadline_counts,
    LIVE.stage_moves,
    LIVE.monthly_stage_moves,
    LIVE.stage_half_years,
)


def assert_moves_add_up(engine: Engine) -> None:
    """The kept moves between stages are those a recount of every candidate makes, by day
    and by month, and all of them sum to the kept counts (the latest state); the kept end of
    each half year, from the first move's to the last's, is the sum of the moves up to it."""
    daily, monthly = LIVE.stage_moves, LIVE.monthly_stage_moves
    with engine.connect() as connection:
        kept_days = sorted(tuple(row) for row in connection.execute(select(daily)))
        recounted = sorted(tuple(row) for row in connection.execute(stage_moves(LIVE)) if row.candidates)
        kept_months = sorted(tuple(row) for row in connection.execute(select(monthly)))
        counts = sorted(tuple(row) for row in connection.execute(select(LIVE.pipeline_counts)))
        kept_ends = sorted(tuple(row) for row in connection.execute(select(LIVE.stage_half_years)))
    assert kept_days and kept_days == recounted
    months: Counter[tuple[str, str, str]] = Counter()
    stages: Counter[tuple[str, str]] = Counter()
    ends: Counter[tuple[str, str, str]] = Counter()
    days = sorted(day for _, day, _, _ in kept_days)
    half_years = half_years_between(days[0], days[-1])
    for authority_id, day, stage, n in kept_days:
        months[(authority_id, day[:7], stage)] += n
        stages[(authority_id, stage)] += n
        for end in (end for end in half_years if day <= f"{end}-31"):
            ends[(end, authority_id, stage)] += n
    assert kept_months == sorted((*key, n) for key, n in months.items() if n)
    assert counts == sorted((*key, n) for key, n in stages.items() if n)
    assert kept_ends == sorted((*key, n) for key, n in ends.items() if n)


def _kept(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {t.name: sorted(tuple(row) for row in connection.execute(select(t))) for t in PIPELINE_KEPT}


@pytest.mark.parametrize("filling", ["small_batches", "rebuilt", "migrated"])
def test_the_kept_pipeline_counts_answer_alike_however_they_were_filled(
    world, projection, monkeypatch, filling
) -> None:
    """Kept by live batches of a few events (a candidate's steps spread over several), by a
    rebuild in pages of 7 events, by migration p0011 from the stored facts (the last two: the
    same rows as one live batch kept): the record-by-record answers, units written out or
    sent as one array."""
    delivered = random_province(world, seed=11)
    if filling == "small_batches":
        for start in range(0, len(delivered), 5):
            outcome = projection.deliver(delivered[start : start + 5])
            assert outcome.applied == len(delivered[start : start + 5]), projection.sink.letters
    else:
        outcome = projection.deliver(delivered)
        assert outcome.applied == len(delivered), projection.sink.letters
    kept = _kept(projection.engine)
    assert kept["reporting_fact_candidate_deadlines"] and len(kept["reporting_fact_pipeline_counts"]) > 20
    if filling == "rebuilt":
        rebuild(projection.engine, world.sources, page_size=7)
    elif filling == "migrated":
        downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0010")  # before p0011's tables
        assert not any(inspect(projection.engine).has_table(table.name) for table in PIPELINE_KEPT)
        migrate_engine(projection.engine)
    if filling != "small_batches":
        assert _kept(projection.engine) == kept
    assert_moves_add_up(projection.engine)

    assert assert_same_pipeline(projection.engine, within=(0, 90)) == 54
    monkeypatch.setattr(fact_pipeline_queries, "NAMED_AUTHORITIES_AT_MOST", 0)
    assert_same_pipeline(projection.engine, within=(14,))


def test_a_past_day_takes_back_the_stage_moves_of_the_rest_of_its_month_and_the_months_after(world, projection) -> None:
    """Kept event by event: candidates whose steps come on their proposal's day, before it,
    on the first and last days of months and after a withdrawal; the report of each side
    of those days (a month's last day reads months only, another day its month's days too)
    is the record-by-record one."""
    adm = world.admissions
    delivered = [world.authority("vn", name="Trung ương"), world.authority("pv", parent_id="vn")]
    delivered += [world.authority(unit, parent_id="pv") for unit in ("pv.a", "pv.b")]
    roads = {
        "k1": (
            "pv.a",
            "2025-03-31",
            [(a.AwarenessClassAttended, "2025-03-31"), (a.ApplicationSubmitted, "2025-04-01")],
        ),
        "k2": ("pv.a", "2025-04-15", [(a.AwarenessClassAttended, "2025-04-10"), (a.BackgroundVerified, "2025-06-30")]),
        "k3": ("pv.b", "2025-04-01", [(a.ApplicationSubmitted, "2025-05-20"), (a.CandidateWithdrawn, "2025-05-31")]),
        "k4": ("pv.b", "2025-05-20", [(a.CandidateIntroduced, "2025-07-01"), (a.AwarenessClassAttended, "2025-05-25")]),
    }
    introducer = a.Introducer(
        kind=a.IntroducerKind.OFFICIAL_MEMBER, ref="m1", worked_with_candidate_since=D("2024-01-01")
    )
    more = {
        a.ApplicationSubmitted: {"file_expires_on": D("2025-06-15")},
        a.CandidateIntroduced: {"introducers": [introducer]},
        a.CandidateWithdrawn: {"reason": "nghỉ việc", "stage": "application_submitted"},
    }
    for n, (candidate_id, (unit, proposed_on, steps)) in enumerate(roads.items()):
        proposal = a.CandidateProposed(
            candidate_id=candidate_id,
            enterprise_id=f"e{n}",
            authority_id=unit,
            source_channel=a.SourceChannel.ENTERPRISE_TRADE_UNION,
            job_category=a.JobCategory.PRODUCTION_WORKER,
            proposed_on=D(proposed_on),
        )
        delivered.append(adm.record(f"candidate-{candidate_id}", proposal))
        for kind, on in steps:
            step = _step(kind, candidate_id, unit, D(on), **more.get(kind, {}))
            delivered.append(adm.record(f"candidate-{candidate_id}", step))
    for event in delivered:
        assert projection.deliver([event]).applied == 1, projection.sink.letters
    assert_moves_add_up(projection.engine)

    grouped = FactReports(SqlFactQueries(projection.engine), SqlAuthorityTrees(projection.engine))
    oracle = RecordByRecord(projection.engine)
    days = ("2025-03-30", "2025-03-31", "2025-04-01", "2025-04-14", "2025-05-24", "2025-05-31", "2025-06-30")
    for day in (*days, "2025-07-01"):
        for authority_id in ("vn", "pv.b"):
            args = (authority_id, D("2025-01-01"), D("2025-12-31"), D(day))
            assert grouped.pipeline(*args, within_days=30) == oracle.pipeline(*args, within_days=30), args
