"""Upgrading a projection of revision p0001 keeps its rows and adds the dated history tables."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, inspect, text

from coso_backbone.contracts import admissions as a
from coso_backbone.database import create_database_engine
from coso_backbone.migrate import downgrade, upgrade, upgrade_backbone
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine


def test_a_projection_of_the_first_revision_upgrades_in_place(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade_backbone(engine)
        upgrade(engine, MIGRATIONS, VERSION_TABLE, "p0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO reporting_candidates (candidate_id, enterprise_id, authority_id) "
                    "VALUES ('c1', 'e1', 'hn')"
                )
            )
        migrate_engine(engine)
        schema = inspect(engine)
        assert {"proposed_on", "source_channel", "job_category"} <= {
            c["name"] for c in schema.get_columns("reporting_candidates")
        }
        assert {"reporting_daily_indicators", "reporting_daily_candidates", "reporting_plans"} <= set(
            schema.get_table_names()
        )
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT candidate_id, proposed_on FROM reporting_candidates")).all()
        assert [tuple(r) for r in kept] == [("c1", None)]
    finally:
        engine.dispose()


def test_p0020_adds_the_api_tokens_and_grants_and_goes_back(projection) -> None:
    tables = {"reporting_api_tokens", "reporting_grants"}
    assert tables <= set(inspect(projection.engine).get_table_names())
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0016")
    assert not tables & set(inspect(projection.engine).get_table_names())
    migrate_engine(projection.engine)
    with projection.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reporting_grants")).scalar() == 0


def test_p0021_adds_the_dashboard_sessions_and_goes_back_to_p0020(projection) -> None:
    assert "reporting_sessions" in inspect(projection.engine).get_table_names()
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0020")
    tables = set(inspect(projection.engine).get_table_names())
    assert "reporting_sessions" not in tables and "reporting_api_tokens" in tables
    migrate_engine(projection.engine)
    with projection.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reporting_sessions")).scalar() == 0


def _columns(engine: Engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_p0022_drops_the_candidates_last_day_and_going_back_fills_it_from_their_steps(projection, world) -> None:
    projection.deliver(
        [
            world.authority("hn"),
            world.enterprise("e1", "hn"),
            world.candidate("stepped", "e1", "hn"),  # proposed 2025-03-04
            world.candidate("early", "e1", "hn"),
            world.candidate("unstepped", "e1", "hn"),
            world.admissions.record(
                "candidate-stepped",
                a.AwarenessClassAttended(candidate_id="stepped", authority_id="hn", on=date(2025, 5, 6), body="Chi bộ"),
            ),
            world.admissions.record(
                "candidate-early",
                a.AwarenessClassAttended(candidate_id="early", authority_id="hn", on=date(2025, 1, 2), body="Chi bộ"),
            ),
        ]
    )
    assert "changed_on" not in _columns(projection.engine, "reporting_fact_candidate_stages")

    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0021")

    with projection.engine.connect() as connection:
        kept = dict(
            connection.execute(text("SELECT candidate_id, changed_on FROM reporting_fact_candidate_stages")).all()
        )
    assert kept == {"stepped": "2025-05-06", "early": "2025-03-04", "unstepped": "2025-03-04"}
    migrate_engine(projection.engine)
    assert "changed_on" not in _columns(projection.engine, "reporting_fact_candidate_stages")


def test_p0023_gives_the_daily_candidates_index_the_other_columns_on_postgresql_and_goes_back(projection) -> None:
    def index() -> tuple[list[str], list[str]]:
        (found,) = inspect(projection.engine).get_indexes("reporting_daily_candidates")
        return found["column_names"], found.get("include_columns", [])

    included = ["authority_id", "source_channel", "job_category", "candidates"]
    postgres = projection.engine.dialect.name == "postgresql"
    assert index() == (["day"], included if postgres else [])
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0022")
    assert index() == (["day"], [])
    migrate_engine(projection.engine)
    assert index() == (["day"], included if postgres else [])


def test_p0028_gives_the_enterprises_their_registration_day_from_their_facts_and_goes_back(projection, world) -> None:
    projection.deliver([world.authority("hn"), world.enterprise("e1", "hn"), world.enterprise("e2", "hn")])
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0027")
    assert "registered_on" not in _columns(projection.engine, "reporting_enterprises")
    with projection.engine.begin() as connection:  # an enterprise the facts do not hold
        connection.execute(text("INSERT INTO reporting_enterprises (enterprise_id, authority_id) VALUES ('e3', 'hn')"))

    migrate_engine(projection.engine)

    with projection.engine.connect() as connection:
        days = dict(connection.execute(text("SELECT enterprise_id, registered_on FROM reporting_enterprises")).all())
    assert days == {"e1": "2024-01-02", "e2": "2024-01-02", "e3": None}
