"""The rebuild's facts lane (adapters/facts_lane.py): the facts of the events the rebuild
applies itself, written by a process of their own on PostgreSQL, give the projection, the
refusals and the positions of writing them in the rebuild's process; a batch either part
refuses is refused event by event in both; a lane that dies stops the rebuild and leaves
the live tables as they were."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date

import pytest
from sqlalchemy import inspect

from coso_backbone.contracts import registry as r
from coso_reporting.adapters.members_lane import LaneFailed
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.tables import LIVE

FACTS_LANE = "coso-rebuild-facts"


pytestmark = pytest.mark.usefixtures("plain_database_driver")


def organization(organization_id: str, enterprise_id: str, founded_on: date) -> r.OrganizationFounded:
    return r.OrganizationFounded(
        organization_id=organization_id,
        name=f"Chi bộ {organization_id}",
        kind=r.OrganizationKind.GRASSROOTS_CELL,
        authority_id="hn",
        enterprise_ids=[enterprise_id],
        decision_number="1-QĐ/ĐU",
        official_members=3,
        founded_on=founded_on,
    )


def a_district(world, enterprises: int = 40) -> None:
    """Enterprises, each with a party organization founded later and a candidate; among
    them an organization founded twice (the facts refuse it), an enterprise registered
    twice (the tally refuses it) and an organization whose name PostgreSQL cannot hold (a
    NUL), each in a batch of other events the lane and the rebuild both write."""
    world.authority("hn")
    for n in range(enterprises):
        world.enterprise(f"e{n}", "hn")
        world.registry.record(f"organization-o{n}", organization(f"o{n}", f"e{n}", date(2025, 3, 1 + n % 20)))
        world.candidate(f"c{n}", f"e{n}", "hn")
        if n == 10:
            world.registry.record("organization-o3b", organization("o3", "e3", date(2025, 4, 1)))
        if n == 20:
            world.enterprise("e5", "hn", stream="enterprise-e5-again")
        if n == 30:
            world.registry.record("organization-nul", organization("nul\x00", "e30", date(2025, 4, 2)))


def test_the_facts_lane_yields_the_rows_refusals_and_positions_of_writing_the_facts_here(
    world, projection_at, postgres_url: str
) -> None:
    a_district(world)
    projection = projection_at(postgres_url)
    projection.deliver(world.registry.envelopes() + world.admissions.envelopes())

    here = rebuild(projection.engine, world.sources, page_size=7, facts_lane=False)
    rows_here = projection.rows()
    beside = rebuild(projection.engine, world.sources, page_size=7, facts_lane=True)

    assert projection.rows() == rows_here
    assert len(rows_here[LIVE.organizations.name]) == 40
    assert len(rows_here[LIVE.fact_enterprises.name]) == 40
    assert [(s.read, s.applied, s.skipped, s.refused, s.position) for s in beside.sources] == [
        (s.read, s.applied, s.skipped, s.refused, s.position) for s in here.sources
    ]
    assert beside.refused == here.refused
    reasons = [refused.reason for refused in beside.refused]
    assert len(reasons) == 3
    assert any("organization o3 is already founded" in reason for reason in reasons)
    assert any("e5" in reason and "DataError" not in reason for reason in reasons)
    assert any("handler failed: DataError" in reason for reason in reasons)


def test_a_facts_lane_that_dies_stops_the_rebuild_and_leaves_the_live_tables(
    world, projection_at, postgres_url: str
) -> None:
    a_district(world, enterprises=60)
    projection = projection_at(postgres_url)
    projection.deliver(world.registry.envelopes())
    before = projection.rows()
    killed: list[int] = []

    def kill_the_lane(source: str, position: int, last: int | None) -> None:
        if source == world.registry.source and position > 0 and not killed:
            lane = next(p for p in multiprocessing.active_children() if p.name == FACTS_LANE)
            assert lane.pid is not None
            os.kill(lane.pid, signal.SIGKILL)
            killed.append(lane.pid)

    with pytest.raises(LaneFailed, match="the facts lane ended without answering"):
        rebuild(projection.engine, world.sources, page_size=7, progress=kill_the_lane)

    assert killed
    assert projection.rows() == before
    assert not [t for t in inspect(projection.engine).get_table_names() if t.endswith("__rebuild")]
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("coso-rebuild")]


@pytest.mark.skipif(not os.path.exists("/proc/self/comm"), reason="a process's name is read from Linux's /proc")
def test_the_facts_lane_runs_with_the_members_lanes_and_is_named_for_operators(
    world, projection_at, postgres_url: str
) -> None:
    a_district(world, enterprises=10)
    projection = projection_at(postgres_url)
    names: set[str] = set()

    def read_names(source: str, position: int, last: int | None) -> None:
        for lane in multiprocessing.active_children():
            if lane.name == FACTS_LANE:
                with open(f"/proc/{lane.pid}/comm") as comm:
                    names.add(comm.read().strip())

    rebuild(projection.engine, world.sources, page_size=7, members_lanes=0, progress=read_names)
    assert names == set()  # no lanes at all
    rebuild(projection.engine, world.sources, page_size=7, progress=read_names)
    assert names == {"coso-facts"}
