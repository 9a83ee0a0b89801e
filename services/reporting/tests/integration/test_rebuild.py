"""The rebuild: fresh tables from the sources, swapped in, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.contracts import registry as r
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.schema import consumer_checkpoints, dead_letters
from coso_reporting.adapters.projection import projection_handlers
from coso_reporting.adapters.rebuild import COUNT_LANES, FINISHING, rebuild
from coso_reporting.adapters.tables import LIVE, metadata
from coso_reporting.domain.errors import RebuildInProgress
from services.reporting.tests.conftest import candidate_event

pytestmark = pytest.mark.usefixtures("plain_database_driver")


def build_province(world) -> list:
    """A province with sub-authorities, enterprises and candidates, as the live consumer
    would receive it: the two sources interleaved, a candidate before its enterprise (and
    named under another authority), and some events delivered twice."""
    registry = [
        world.authority("hn"),
        world.authority("hn.ba-dinh", parent_id="hn"),
        world.authority("hn.kcn", parent_id="hn"),
        world.authority("hn.kcn.thang-long", parent_id="hn.kcn"),
    ]
    for n in range(30):
        registry.append(world.enterprise(f"e{n}", ["hn", "hn.ba-dinh", "hn.kcn", "hn.kcn.thang-long"][n % 4]))
    admissions = [world.candidate("early", "late", "hn.ba-dinh")]  # its enterprise comes last
    admissions += [world.candidate(f"c{n}", f"e{n % 30}", "hn") for n in range(45)]
    registry.append(world.enterprise("late", "hn.kcn.thang-long"))
    interleaved = []
    for n in range(max(len(registry), len(admissions))):
        interleaved += admissions[n : n + 1] + registry[n : n + 1]
    return interleaved + interleaved[:5]


@pytest.mark.parametrize("read_ahead", [False, True], ids=["in-turn", "read-ahead"])
def test_a_rebuild_yields_what_live_consumption_yields(world, projection, read_ahead: bool) -> None:
    projection.deliver(build_province(world))
    live_answer, live_rows = projection.indicators.all(), projection.rows()

    stats = rebuild(projection.engine, world.sources, page_size=7, read_ahead=read_ahead)

    assert projection.indicators.all() == live_answer
    assert projection.rows() == live_rows
    assert live_answer["positions"] == {world.registry.source: 35, world.admissions.source: 46}
    kcn = next(a for a in live_answer["authorities"] if a["authority_id"] == "hn.kcn")
    assert (kcn["own"], kcn["subtree"]) == (
        {"enterprises": 7, "candidates_proposed": 11},
        {"enterprises": 15, "candidates_proposed": 22},
    )
    assert (stats.events, [s.applied for s in stats.sources], stats.refused) == (81, [35, 46], [])
    assert stats.events_per_second > 0


def test_the_projection_holds_exactly_the_sources_enterprises_and_candidates(world, projection) -> None:
    build_province(world)
    rebuild(projection.engine, world.sources)

    rows = projection.rows()
    registered = {e.data["enterprise_id"] for e in world.registry.envelopes() if e.event_type == "EnterpriseRegistered"}
    proposed = {e.data["candidate_id"] for e in world.admissions.envelopes()}
    assert {r[0] for r in rows["reporting_enterprises"]} == registered
    assert {r[0] for r in rows["reporting_candidates"]} == proposed
    assert sum(own for (own, _), _ in projection.counts().values()) == len(registered)


def test_the_live_consumer_goes_on_from_where_the_rebuild_stopped(world, projection) -> None:
    delivered = [world.authority("hn"), world.enterprise("e1", "hn"), world.candidate("c1", "e1", "hn")]
    rebuild(projection.engine, world.sources)

    again = projection.deliver([*delivered, world.candidate("c2", "e1", "hn")])

    assert (again.applied, again.duplicates) == (1, 3)
    assert projection.counts() == {"hn": ((1, 2), (1, 2))}


def test_events_the_rebuild_refuses_become_dead_letters_and_the_rest_is_counted(world, projection) -> None:
    world.enterprise("e1", "hn")
    world.enterprise("e1", "hn", stream="enterprise-again")
    world.candidate("c1", "e1", "hn")
    sink = projection.sink

    stats = rebuild(projection.engine, world.sources, dead_letters_to=sink)

    assert [(r.source, r.position) for r in stats.refused] == [(world.registry.source, 2)]
    assert "enterprise e1 is already recorded" in stats.refused[0].reason
    assert [letter.headers["ce-sequence"] for letter in sink.letters] == ["2"]
    with projection.engine.connect() as connection:
        rows = connection.execute(select(dead_letters.c.source, dead_letters.c.position)).all()
    assert [tuple(r) for r in rows] == [(world.registry.source, 2)]
    assert projection.counts() == {"hn": ((1, 1), (1, 1))}


def test_an_event_the_facts_refuse_is_refused_whole_as_live_consumption_refuses_it(
    world, projection, projection_at, tmp_path
) -> None:
    """On PostgreSQL a batch's facts are written on a connection of their own, beside its
    tally (adapters/rebuild_writes.py): a refusal there rolls both back, and then the event
    is refused alone, the batch's other events kept, as live consumption does."""
    founded = {
        "organization_id": "o1",
        "name": "Chi bộ o1",
        "kind": r.OrganizationKind.GRASSROOTS_CELL,
        "authority_id": "hn",
        "enterprise_ids": ["e1"],
        "decision_number": "1-QĐ/ĐU",
        "official_members": 3,
    }
    events = [world.authority("hn"), world.enterprise("e1", "hn")]
    events.append(
        world.registry.record("organization-o1", r.OrganizationFounded(**founded, founded_on=date(2025, 3, 1)))
    )
    events.append(
        world.registry.record("organization-o1b", r.OrganizationFounded(**founded, founded_on=date(2025, 3, 2)))
    )
    events += [world.enterprise("e2", "hn"), world.candidate("c1", "e1", "hn")]
    live = projection_at(f"sqlite:///{tmp_path / 'live.db'}")
    live.deliver(events)

    stats = rebuild(projection.engine, world.sources)

    assert [(refused.source, refused.position) for refused in stats.refused] == [(world.registry.source, 4)]
    assert "organization o1 is already founded" in stats.refused[0].reason
    assert projection.rows() == live.rows()
    assert projection.counts() == {"hn": ((2, 1), (2, 1))}


def test_a_failed_rebuild_leaves_the_live_indicators_as_they_were(world, projection) -> None:
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])
    before = projection.rows()

    class FailingSource:
        def info(self) -> dict:
            return {"source": world.admissions.source}

        def read_after(self, position: int, limit: int) -> list:
            raise EventSourceUnavailable("admissions is down")

    with pytest.raises(EventSourceUnavailable):
        rebuild(projection.engine, [world.registry.event_source, FailingSource()])

    assert projection.rows() == before
    assert not [t for t in inspect(projection.engine).get_table_names() if t.endswith("__rebuild")]
    with projection.engine.connect() as connection:
        assert connection.scalar(select(consumer_checkpoints.c.position)) == 2


def test_tables_left_by_a_crashed_rebuild_stop_the_next_one_unless_discarded(world, projection) -> None:
    world.enterprise("e1", "hn")
    leftover = metadata.tables["reporting_enterprises"].to_metadata(
        type(metadata)(), name="reporting_enterprises__rebuild"
    )
    leftover.create(projection.engine)

    with pytest.raises(RebuildInProgress):
        rebuild(projection.engine, world.sources)
    rebuild(projection.engine, world.sources, discard_leftovers=True)

    assert projection.counts() == {"hn": ((1, 0), (1, 0))}


def test_the_schema_after_rebuilds_is_the_one_the_migrations_create(world, projection) -> None:
    def differences() -> list:
        with projection.engine.connect() as connection:
            ours = {"include_name": lambda name, kind, _: kind != "table" or name in metadata.tables}
            return compare_metadata(MigrationContext.configure(connection, opts=ours), metadata)

    assert differences() == []
    world.authority("hn")
    rebuild(projection.engine, world.sources)
    rebuild(projection.engine, world.sources)
    assert differences() == []
    assert projection.counts() == {"hn": ((0, 0), (0, 0))}


def test_the_old_indicators_keep_serving_until_the_swap(world, projection) -> None:
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])
    for n in range(2, 12):
        world.enterprise(f"e{n}", "hn")
    seen_during: list[dict] = []

    def progress(source: str, position: int, last: int | None) -> None:
        seen_during.append(projection.counts())

    rebuild(projection.engine, world.sources, page_size=3, progress=progress)

    assert len(seen_during) >= 4
    assert all(counts == {"hn": ((1, 0), (1, 0))} for counts in seen_during)
    assert projection.counts() == {"hn": ((11, 0), (11, 0))}


def test_progress_goes_on_through_the_counts_keys_and_indexes_once_the_sources_are_read(world, projection) -> None:
    world.authority("hn")
    for n in range(7):
        world.enterprise(f"e{n}", "hn")
    seen: list[tuple[str, int, int | None]] = []

    stats = rebuild(projection.engine, world.sources, page_size=3, progress=lambda *line: seen.append(line))

    names = [name for name, _, _ in seen]
    first = names.index(FINISHING)
    assert set(names[:first]) == {s.source for s in stats.sources if s.read}
    assert all(name == FINISHING for name in names[first:])
    steps = [(done, of) for _, done, of in seen[first:]]
    total = steps[0][1]
    assert total is not None and total > 5
    assert steps == [(done, total) for done in range(total + 1)]
    assert stats.replay_seconds > 0
    assert stats.finish_seconds > 0
    assert stats.replay_seconds + stats.finish_seconds <= stats.seconds


def test_the_end_tells_how_long_each_count_and_each_tables_keys_and_indexes_took(world, projection) -> None:
    world.authority("hn")
    world.enterprise("e1", "hn")

    stats = rebuild(projection.engine, world.sources)

    counts = {f"counting {step.name}" for lane in COUNT_LANES for step in lane}
    tables = {f"keys and indexes of {table.name}" for table in LIVE.all()}
    assert "counting member kinds" in counts and "counting coverage as kept" in counts
    assert set(stats.finish_steps) == counts | tables
    assert all(seconds >= 0 for seconds in stats.finish_steps.values())
    longest = stats.longest_steps(3)
    assert len(longest) == 3
    assert [seconds for _, seconds in longest] == sorted(stats.finish_steps.values(), reverse=True)[:3]


def test_a_consumer_running_through_a_rebuild_neither_loses_nor_double_counts(world, projection) -> None:
    world.authority("hn")
    for n in range(60):
        world.enterprise(f"e{n}", "hn")
        world.candidate(f"c{n}", f"e{n}", "hn")
    by_url = {"registry": world.registry.event_source, "admissions": world.admissions.event_source}
    consumer = Consumer(
        "reporting",
        projection.engine,
        projection_handlers(),
        projection.sink,
        read_apis={"registry": "registry", "admissions": "admissions"},
        event_source_factory=by_url.__getitem__,
    )
    consumer.catch_up()
    rebuilding = threading.Event()
    rebuilt = threading.Event()

    def live() -> None:
        n = 0
        while not rebuilt.is_set() or n < 5:
            rebuilding.wait()
            consumer.apply([Incoming.from_catch_up(world.candidate(f"live{n}", f"e{n % 60}", "hn"))])
            n += 1

    worker = threading.Thread(target=live)
    worker.start()

    def slow(source: str, position: int, last: int | None) -> None:
        rebuilding.set()
        time.sleep(0.02)

    try:
        rebuild(projection.engine, world.sources, page_size=10, progress=slow)
    finally:
        rebuilt.set()
        rebuilding.set()
        worker.join(timeout=60)
    consumer.catch_up()

    proposed = len(world.admissions.envelopes())
    assert proposed > 65
    assert projection.counts() == {"hn": ((60, proposed), (60, proposed))}
    assert not projection.sink.letters


@pytest.mark.parametrize(
    "organization",
    ["", 'Chi bộ "Hòa Bình", ca 1\nca 2\t\\N', "\\N", "a\\b\\\\c\rd\u00a0e\x1ff\\"],
    ids=["empty", "quoted", "null-like", "escaped"],
)
def test_a_rebuild_keeps_empty_strings_quotes_and_nulls_as_live_consumption_does(
    world, projection, organization: str
) -> None:
    from datetime import date

    from coso_backbone.contracts.admissions import JobCategory, MemberEnrolled, MemberStatus

    world.authority("hn")
    member = MemberEnrolled(
        member_id="m1",
        authority_id="hn",
        organization=organization,
        enterprise_id=None,
        job_category=JobCategory.PRODUCTION_WORKER,
        status=MemberStatus.PROBATIONARY,
        admitted_on=date(2024, 5, 1),
        via="import",
    )
    projection.deliver([*world.registry.envelopes(), world.admissions.record("member-m1", member)])
    live = projection.rows()

    rebuild(projection.engine, world.sources)

    assert projection.rows() == live
    (row,) = live["reporting_fact_members"]
    assert (row[2], row[3], row[7]) == (organization, None, None)  # organization, enterprise, official day


def test_after_a_rebuild_the_live_tables_have_their_declared_indexes_under_their_declared_names(
    world, projection
) -> None:
    postgres = projection.engine.dialect.name == "postgresql"

    def indexes() -> dict[str, set[tuple[str, tuple[str, ...], tuple[str, ...]]]]:
        found = inspect(projection.engine)
        return {
            table.name: {
                (i["name"], tuple(i["column_names"]), tuple(i.get("include_columns", ())))
                for i in found.get_indexes(table.name)
            }
            for table in LIVE.all()
        }

    declared = {
        table.name: {
            (
                index.name,
                tuple(c.name for c in index.columns),
                tuple(index.dialect_options["postgresql"]["include"] or () if postgres else ()),
            )
            for index in table.indexes
        }
        for table in LIVE.all()
    }
    assert ("ix_reporting_daily_indicators_day", ("day",), ()) in declared["reporting_daily_indicators"]
    included = ("authority_id", "source_channel", "job_category", "candidates") if postgres else ()
    assert ("ix_reporting_daily_candidates_day", ("day",), included) in declared["reporting_daily_candidates"]
    assert indexes() == declared  # as the migrations made them
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])

    rebuild(projection.engine, world.sources)
    rebuild(projection.engine, world.sources)

    assert indexes() == declared
    names = set(inspect(projection.engine).get_table_names())
    assert not [n for n in names if n.endswith("__rebuild")]
    assert projection.counts() == {"hn": ((1, 0), (1, 0))}


def test_after_a_rebuild_the_live_tables_have_their_primary_keys_under_their_declared_names(world, projection) -> None:
    def keys() -> dict[str, tuple[str | None, tuple[str, ...]]]:
        found = inspect(projection.engine)
        return {
            table.name: (key["name"], tuple(key["constrained_columns"]))
            for table in LIVE.all()
            if (key := found.get_pk_constraint(table.name))
        }

    migrated = keys()  # as the migrations made them
    assert migrated["reporting_fact_member_flows"][1] == ("authority_id", "month", "flow")
    assert len(migrated) == len(LIVE.all())
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn")])

    rebuild(projection.engine, world.sources)

    assert keys() == migrated


def test_after_a_rebuild_the_admissions_report_reads_a_period_from_the_index_alone(world, projection) -> None:
    if projection.engine.dialect.name != "postgresql":
        pytest.skip("index-only scans and INCLUDE are PostgreSQL's")
    events = [world.authority("hn"), world.enterprise("e1", "hn")]
    for n in range(300):  # one a day from 2024-12-01: enough rows for the planner to read a range of days
        proposed = candidate_event(f"c{n}", "e1", "hn").model_copy(
            update={"proposed_on": date(2024, 12, 1) + timedelta(days=n)}
        )
        events.append(world.admissions.record(f"candidate-c{n}", proposed))
    projection.deliver(events)

    rebuild(projection.engine, world.sources)

    period = (
        "SELECT source_channel, job_category, sum(candidates) FROM reporting_daily_candidates "
        "WHERE day BETWEEN '2025-01-01' AND '2025-01-31' GROUP BY source_channel, job_category"
    )
    with projection.engine.connect() as connection:
        (vacuumed,) = connection.exec_driver_sql(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'reporting_daily_candidates'"
        ).one()
        connection.exec_driver_sql("SET enable_seqscan = off")  # a few pages: the planner might read them all
        connection.exec_driver_sql("SET enable_bitmapscan = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN (ANALYZE, COSTS OFF) {period}"))
        found = [tuple(row) for row in connection.exec_driver_sql(period)]
    # Vacuumed, the table's pages count as all-visible, so that such a read does not visit
    # them ("Heap Fetches: 0"): unless a transaction older than the rebuild's writes still
    # runs, in any database of the server (as other tests may), then autovacuum's next pass.
    assert vacuumed == 1
    assert "Index Only Scan using ix_reporting_daily_candidates_day" in plan, plan
    assert found == [("enterprise_trade_union", "production_worker", 31)]
