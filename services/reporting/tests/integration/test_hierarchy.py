"""The effective-dated hierarchy end to end: registry's restructuring events projected by the
real consumer, and the reports drawn on the tree of their `as_of` day (SQLite and PostgreSQL).

The scenario of registry's own restructuring test: province bn with communes a, b, c, d
since 2020 and an industrial-zone committee under a; on 2025-07-01 a, b and c merge into
the new commune abc (registry records one AuthorityMerged per commune and moves the
committee under abc); on 2026-01-01 the province takes the committee directly under
itself and d is renamed. The events are registry's contract events appended to a
registry-side store (reporting's tests never import another service).
"""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.registry import (
    AuthorityLevel,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthoritySplit,
)
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.domain.errors import UnknownAuthority

BASIS = "Nghị quyết 1658/NQ-UBTVQH15"
BEFORE, MERGER, REFORM, TODAY = date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 1), date(2026, 6, 1)
H1 = (date(2025, 1, 1), BEFORE)


def registered(world, authority_id: str, level: AuthorityLevel, parent: str | None, since: date) -> Envelope:
    event = AuthorityRegistered(
        authority_id=authority_id, name=f"Đảng ủy {authority_id}", level=level, parent_id=parent, effective_from=since
    )
    return world.registry.record(f"authority-{authority_id}", event)


def proposed(world, candidate_id: str, enterprise_id: str, authority_id: str, on: date) -> Envelope:
    event = CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=JobCategory.PRODUCTION_WORKER,
        proposed_on=on,
    )
    return world.admissions.record(f"candidate-{candidate_id}", event)


def restructured(world) -> list[Envelope]:
    """The province's history, in the registry's order, then the candidates."""
    since = date(2020, 1, 1)
    commune, zone = AuthorityLevel.COMMUNE, AuthorityLevel.INDUSTRIAL_ZONE
    events = [registered(world, "bn", AuthorityLevel.PROVINCE, None, since)]
    events += [registered(world, f"bn.{c}", commune, "bn", since) for c in "abcd"]
    events.append(registered(world, "bn.a.kcn", zone, "bn.a", date(2021, 1, 1)))
    events += [world.enterprise(f"e{c}", f"bn.{c}") for c in "abcd"]
    events.append(world.enterprise("ek", "bn.a.kcn"))
    events.append(registered(world, "bn.abc", commune, "bn", MERGER))
    for merged in ("bn.a", "bn.b", "bn.c"):
        event = AuthorityMerged(
            authority_id=merged,
            successor_id="bn.abc",
            merged_with=["bn.a", "bn.b", "bn.c"],
            effective_from=MERGER,
            legal_basis=BASIS,
        )
        events.append(world.registry.record(f"authority-{merged}", event))
    for parent, previous, on in (("bn.abc", "bn.a", MERGER), ("bn", "bn.abc", REFORM)):
        moved = AuthorityReparented(
            authority_id="bn.a.kcn", parent_id=parent, previous_parent_id=previous, effective_from=on, legal_basis=BASIS
        )
        events.append(world.registry.record("authority-bn.a.kcn", moved))
    renamed = AuthorityRenamed(authority_id="bn.d", name="Đảng ủy phường D", effective_from=REFORM, legal_basis=BASIS)
    events.append(world.registry.record("authority-bn.d", renamed))
    for candidate, enterprise, on in (
        ("ca", "ea", date(2025, 3, 4)),
        ("cb", "eb", date(2025, 5, 10)),
        ("cc", "ec", date(2025, 6, 1)),
        ("cd", "ed", date(2025, 6, 15)),
        ("ck", "ek", date(2025, 4, 1)),
    ):
        events.append(proposed(world, candidate, enterprise, "bn", on))
    return events


@pytest.fixture
def province(world, projection):
    outcome = projection.deliver(restructured(world))
    assert outcome.dead_lettered == 0, [letter.reason for letter in projection.sink.letters]
    return projection


def reports(projection) -> Reports:
    engine = projection.engine
    return Reports(
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: TODAY,
    )


def rows(report: dict) -> dict[str, tuple[str, int, int]]:
    """authority -> (name, cumulative enterprises, cumulative candidates)"""
    return {
        r["authority_id"]: (r["name"], r["cumulative"]["enterprises"], r["cumulative"]["candidates_proposed"])
        for r in report["rows"]
    }


def test_a_report_as_of_the_day_before_the_merger_shows_the_three_communes_with_their_own_counts(province) -> None:
    report = reports(province).indicator_report("bn", *H1, as_of=BEFORE)
    assert rows(report) == {
        "bn.a": ("Đảng ủy bn.a", 2, 2),  # with its industrial-zone committee
        "bn.b": ("Đảng ủy bn.b", 1, 1),
        "bn.c": ("Đảng ủy bn.c", 1, 1),
        "bn.d": ("Đảng ủy bn.d", 1, 1),
    }
    assert report["as_of"] == "2025-06-30"


def test_todays_report_shows_the_successor_holding_the_merged_communes_history_under_todays_names(province) -> None:
    report = reports(province).indicator_report("bn", *H1)
    assert report["as_of"] == TODAY.isoformat()
    assert rows(report) == {
        "bn.a.kcn": ("Đảng ủy bn.a.kcn", 1, 1),  # under the province itself since 2026
        "bn.abc": ("Đảng ủy bn.abc", 3, 3),
        "bn.d": ("Đảng ủy phường D", 1, 1),
    }
    assert report["totals"]["in_period"]["candidates_proposed"] == 5
    between = reports(province).indicator_report("bn", *H1, as_of=date(2025, 9, 1))
    assert rows(between)["bn.abc"] == ("Đảng ủy bn.abc", 4, 4)  # the committee was under abc then


def test_candidates_proposed_in_a_merged_commune_before_the_merger_count_under_the_successor_today(province) -> None:
    admissions = reports(province).admissions("bn.abc", date(2025, 1, 1), date(2025, 12, 31))
    assert admissions["total"] == 3
    assert reports(province).trend("bn.abc", *H1)["months"][2]["candidates_proposed"] == 1  # March: ca
    with pytest.raises(UnknownAuthority) as refused:
        reports(province).admissions("bn.abc", *H1, as_of=BEFORE)
    assert refused.value.field == "authority_id" and "did not exist on 2025-06-30" in refused.value.message
    indicators = {a["authority_id"]: a for a in province.indicators.all(TODAY)["authorities"]}
    assert set(indicators) == {"bn", "bn.a.kcn", "bn.abc", "bn.d"}
    assert indicators["bn.abc"]["own"] == {"enterprises": 3, "candidates_proposed": 3}
    assert indicators["bn"]["subtree"] == {"enterprises": 5, "candidates_proposed": 5}


def test_plan_progress_rolls_up_the_tree_of_its_as_of_day(province) -> None:
    engine = province.engine
    plans = Plans(
        lambda: SqlPlanUnitOfWork(EventStore(engine)),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: TODAY,
    )
    plans.adopt(
        AdoptPlan(
            plan_id="abc-2025",
            authority_id="bn.abc",
            title="Kế hoạch năm 2025",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            adopted_on=date(2025, 7, 15),
        )
    )
    plans.set_target(SetTarget(plan_id="abc-2025", indicator=TargetIndicator.CANDIDATES_PROPOSED, value=10))
    [at_year_end] = plans.progress("abc-2025", date(2025, 12, 31))["targets"]
    [today] = plans.progress("abc-2025", TODAY)["targets"]
    assert (at_year_end["achieved"], today["achieved"]) == (4, 3)  # the committee left abc on 2026-01-01
    assert plans.progress("abc-2025", TODAY)["superior_name"] == "Đảng ủy bn"
    with pytest.raises(UnknownAuthority):
        plans.adopt(AdoptPlan(authority_id="bn.a", title="x", period_start=TODAY, period_end=TODAY, adopted_on=TODAY))


def test_a_rebuild_after_the_merger_reproduces_the_same_trees_and_reports(world, province) -> None:
    def hierarchy_rows() -> dict:
        return {
            name: found
            for name, found in province.rows().items()
            if name in {LIVE.authority_periods.name, LIVE.successions.name}
        }

    live_rows, live_reports = (
        hierarchy_rows(),
        [reports(province).indicator_report("bn", *H1, as_of=day) for day in (BEFORE, MERGER, TODAY)],
    )
    assert len(live_rows[LIVE.successions.name]) == 3

    stats = rebuild(province.engine, world.sources)

    assert stats.refused == []
    assert hierarchy_rows() == live_rows
    assert [reports(province).indicator_report("bn", *H1, as_of=day) for day in (BEFORE, MERGER, TODAY)] == live_reports


def test_a_change_of_an_authority_not_registered_is_dead_lettered_with_the_reason_and_the_rest_applied(
    world, projection
) -> None:
    rename = AuthorityRenamed(authority_id="bn.x", name="Xã X", effective_from=MERGER, legal_basis=BASIS)
    outcome = projection.deliver(
        [
            world.registry.record("authority-bn.x", rename),
            registered(world, "bn", AuthorityLevel.PROVINCE, None, date(2020, 1, 1)),
        ]
    )
    assert (outcome.applied, outcome.dead_lettered) == (1, 1)
    [letter] = projection.sink.letters
    assert "authority bn.x is not registered (yet)" in letter.reason
    assert [a["authority_id"] for a in projection.indicators.all()["authorities"]] == ["bn"]


def test_an_authority_merged_before_reporting_knew_it_still_hands_its_records_to_the_successor(
    world, projection
) -> None:
    merged = AuthorityMerged(
        authority_id="bn.old", successor_id="bn.new", merged_with=["bn.old"], effective_from=MERGER, legal_basis=BASIS
    )
    projection.deliver(
        [
            registered(world, "bn", AuthorityLevel.PROVINCE, None, date(2020, 1, 1)),
            registered(world, "bn.new", AuthorityLevel.COMMUNE, "bn", MERGER),
            world.registry.record("authority-bn.old", merged),
            world.enterprise("e1", "bn.old"),
        ]
    )
    indicators = {a["authority_id"]: a for a in projection.indicators.all(TODAY)["authorities"]}
    assert indicators["bn.new"]["own"]["enterprises"] == 1


@pytest.mark.rabbitmq
def test_the_restructuring_published_over_rabbitmq_reaches_the_reports_through_the_real_consumer(
    world, projection_at, sqlite_url: str, consume_over_rabbitmq
) -> None:
    """Registry's and admissions' relays publish to their exchanges; reporting's consumer loop
    (queues named after the run) applies them; the reports then answer for both days."""
    projection = projection_at(sqlite_url)
    restructured(world)
    consume_over_rabbitmq(world, projection)

    assert projection.sink.letters == []
    assert set(rows(reports(projection).indicator_report("bn", *H1, as_of=BEFORE))) == {"bn.a", "bn.b", "bn.c", "bn.d"}
    assert rows(reports(projection).indicator_report("bn", *H1))["bn.abc"] == ("Đảng ủy bn.abc", 3, 3)


def test_a_days_tree_is_read_again_once_the_projection_moved_or_the_entry_aged(world, projection) -> None:
    now = [0.0]
    trees = SqlAuthorityTrees(projection.engine, max_age=10.0, clock=lambda: now[0])
    projection.deliver([registered(world, "bn", AuthorityLevel.PROVINCE, None, date(2020, 1, 1))])
    first = trees.as_of(TODAY)
    assert trees.as_of(TODAY) is first  # nothing moved: the same tree
    projection.deliver([world.candidate("c1", "e1", "bn")])
    assert trees.as_of(TODAY) is first  # admissions' events leave the hierarchy as it was

    renamed = AuthorityRenamed(authority_id="bn", name="Tỉnh ủy Bắc Ninh", effective_from=MERGER, legal_basis=BASIS)
    projection.deliver([world.registry.record("authority-bn", renamed)])
    assert trees.as_of(TODAY).name("bn") == "Tỉnh ủy Bắc Ninh"  # the checkpoint moved

    with projection.engine.begin() as connection:  # a change that moves no checkpoint
        connection.execute(LIVE.authority_periods.update().values(name="Đổi trực tiếp"))
    assert trees.as_of(TODAY).name("bn") == "Tỉnh ủy Bắc Ninh"
    now[0] = 10.0
    assert trees.as_of(TODAY).name("bn") == "Đổi trực tiếp"


def test_a_split_units_records_go_to_the_first_successor_registry_named(world, projection) -> None:
    since = date(2020, 1, 1)
    split = AuthoritySplit(
        authority_id="bn.x", successor_ids=["bn.z", "bn.a"], effective_from=MERGER, legal_basis=BASIS
    )
    projection.deliver(
        [
            registered(world, "bn", AuthorityLevel.PROVINCE, None, since),
            registered(world, "bn.x", AuthorityLevel.COMMUNE, "bn", since),
            registered(world, "bn.z", AuthorityLevel.COMMUNE, "bn", MERGER),
            registered(world, "bn.a", AuthorityLevel.COMMUNE, "bn", MERGER),
            world.registry.record("authority-bn.x", split),
        ]
    )
    assert SqlAuthorityTrees(projection.engine).as_of(TODAY).holder("bn.x") == "bn.z"


def test_a_merger_is_announced_as_the_successors_totals_changing(world, projection) -> None:
    since = date(2020, 1, 1)
    projection.deliver(
        [
            registered(world, "bn", AuthorityLevel.PROVINCE, None, since),
            registered(world, "bn.a", AuthorityLevel.COMMUNE, "bn", since),
            registered(world, "bn.ab", AuthorityLevel.COMMUNE, "bn", MERGER),
            world.enterprise("ea", "bn.a"),
        ]
    )
    store = EventStore(projection.engine)
    already = store.read_after(0, 1000)[-1].position
    merged = AuthorityMerged(
        authority_id="bn.a", successor_id="bn.ab", merged_with=["bn.a"], effective_from=MERGER, legal_basis=BASIS
    )
    projection.deliver([world.registry.record("authority-bn.a", merged)])
    announced = {
        (e.stream_id, e.data["indicator"], e.data["previous"], e.data["value"])
        for e in store.read_after(already, 1000)
        if e.event_type == "IndicatorChanged"
    }
    assert announced == {
        ("indicators-bn.ab", "enterprises", 0, 1),
        ("indicators-bn.a", "enterprises", 1, 0),
    }
