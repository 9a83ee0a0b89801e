"""The rebuild's members' lanes (adapters/members_lane.py): the members' events applied in
processes of their own on PostgreSQL give the projection, the refusals and the positions of
applying them with the rest; they write nothing but the members' facts; a lane that dies
stops the rebuild and leaves the live tables as they were."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date

import pytest
from sqlalchemy import inspect

from coso_backbone.contracts import admissions as a
from coso_backbone.events import NewEvent
from coso_reporting.adapters.members_lane import LaneFailed
from coso_reporting.adapters.projection import apply_events
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.rebuild_writes import write_transaction
from coso_reporting.adapters.tables import LIVE

D = date.fromisoformat
PROBATIONARY, OFFICIAL = a.MemberStatus.PROBATIONARY, a.MemberStatus.OFFICIAL


pytestmark = pytest.mark.usefixtures("plain_database_driver")


def enrolled(member_id: str, authority_id: str, enterprise_id: str, admitted: str, **more: object) -> a.MemberEnrolled:
    return a.MemberEnrolled(
        member_id=member_id,
        authority_id=authority_id,
        organization=f"Chi bộ {enterprise_id}",
        enterprise_id=enterprise_id,
        job_category=more.get("job", a.JobCategory.PRODUCTION_WORKER),
        status=more.get("status", PROBATIONARY),
        admitted_on=D(admitted),
        official_on=more.get("official_on"),
        via="import",
    )


def members_of_a_province(world, members: int = 60) -> None:
    """Authorities and enterprises; then candidates and members interleaved, some members
    recognised and transferred right after their enrolment, in their own streams, and some
    leaving later; a member whose data does not match its contract, and one whose data
    PostgreSQL cannot hold (a NUL)."""
    world.authority("hn")
    world.authority("hn.a", parent_id="hn")
    world.authority("hn.b", parent_id="hn")
    for n in range(6):
        world.enterprise(f"e{n}", ["hn.a", "hn.b"][n % 2])
    jobs = list(a.JobCategory)
    adm = world.admissions
    for n in range(members):
        unit, stream = ["hn.a", "hn.b"][n % 2], f"member-m{n}"
        if n % 5 == 0:
            world.candidate(f"c{n}", f"e{n % 6}", unit)
        adm.record(stream, enrolled(f"m{n}", unit, f"e{n % 6}", f"20{10 + n % 12}-03-0{1 + n % 9}", job=jobs[n % 4]))
        if n % 3 == 0:  # the member's next events close behind: in the same batch or the next
            adm.record(
                stream,
                a.MemberStatusChanged(
                    member_id=f"m{n}",
                    authority_id=unit,
                    previous_status=PROBATIONARY,
                    status=OFFICIAL,
                    on=D("2024-05-01"),
                ),
            )
        if n % 7 == 0:
            adm.record(
                stream,
                a.MemberTransferReceived(
                    member_id=f"m{n}",
                    transfer_id=f"t{n}",
                    kind=a.TransferKind.OFFICIAL,
                    to_authority_id="hn.b",
                    to_organization="Chi bộ e1",
                    on=D("2025-02-01"),
                    body="Đảng ủy hn.b",
                ),
            )
    for n in range(0, members, 11):
        adm.record(
            f"member-m{n}",
            a.MemberStatusChanged(
                member_id=f"m{n}",
                authority_id="hn.b",
                previous_status=OFFICIAL,
                status=a.MemberStatus.REMOVED,
                on=D("2025-06-01"),
                reason="Xóa tên",
            ),
        )
    malformed = {**enrolled("bad", "hn.a", "e1", "2020-01-01").model_dump(mode="json"), "job_category": "astronaut"}
    adm.store.append("member-bad", 0, [NewEvent("MemberEnrolled", malformed, "hn")])
    adm.record("member-nul", enrolled("nul", "hn.a\x00", "e1", "2020-01-01"))


def test_members_events_write_the_members_facts_and_nothing_else(world, projection) -> None:
    """What lets the lanes apply them apart: in a rebuild (`keep_counts=False`) the members'
    events change no table but the members' facts."""
    members_of_a_province(world)
    projection.deliver(world.registry.envelopes())
    before = projection.rows()
    kinds = {"MemberEnrolled": a.MemberEnrolled, "MemberStatusChanged": a.MemberStatusChanged}
    kinds["MemberTransferReceived"] = a.MemberTransferReceived
    events = [
        kinds[e.event_type].model_validate_json(e.data_json)
        for e in world.admissions.envelopes()
        if e.event_type in kinds and e.subject not in ("member-bad", "member-nul")
    ]
    assert len(events) > 80

    with write_transaction(projection.engine, bulk=True) as connection:
        apply_events(connection, LIVE, events, keep_counts=False)

    after = projection.rows()
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [LIVE.members.name]
    assert len(after[LIVE.members.name]) == 60


@pytest.mark.parametrize("lanes", [1, 3])
def test_a_rebuild_in_lanes_yields_the_rows_refusals_and_positions_of_one_without(
    world, projection_at, postgres_url: str, lanes: int
) -> None:
    members_of_a_province(world)
    projection = projection_at(postgres_url)
    live = projection.deliver(world.registry.envelopes() + world.admissions.envelopes())
    assert live.applied > 100

    without = rebuild(projection.engine, world.sources, page_size=9, members_lanes=0)
    rows_without = projection.rows()
    within = rebuild(projection.engine, world.sources, page_size=9, members_lanes=lanes)

    assert projection.rows() == rows_without
    assert len(rows_without[LIVE.members.name]) == 60
    assert [(s.read, s.applied, s.skipped, s.refused, s.position) for s in within.sources] == [
        (s.read, s.applied, s.skipped, s.refused, s.position) for s in without.sources
    ]
    assert within.refused == without.refused
    refused = {r.position: r.reason for r in within.refused}
    assert len(refused) == 2
    assert any("job_category" in reason and "does not match its contract" in reason for reason in refused.values())
    assert any("handler failed: DataError" in reason for reason in refused.values())


def test_a_lane_that_dies_stops_the_rebuild_and_leaves_the_live_tables(world, projection_at, postgres_url) -> None:
    members_of_a_province(world, members=200)
    projection = projection_at(postgres_url)
    projection.deliver(world.registry.envelopes())
    before = projection.rows()
    killed: list[int] = []

    def kill_a_lane(source: str, position: int, last: int | None) -> None:
        if source == world.admissions.source and not killed:
            lane = next(p for p in multiprocessing.active_children() if p.name.startswith("coso-rebuild-members"))
            assert lane.pid is not None
            os.kill(lane.pid, signal.SIGKILL)
            killed.append(lane.pid)

    with pytest.raises(LaneFailed, match="ended without answering"):
        rebuild(projection.engine, world.sources, page_size=9, members_lanes=2, progress=kill_a_lane)

    assert killed
    assert projection.rows() == before
    assert not [t for t in inspect(projection.engine).get_table_names() if t.endswith("__rebuild")]
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("coso-rebuild-members")]


@pytest.mark.skipif(not os.path.exists("/proc/self/comm"), reason="a process's name is read from Linux's /proc")
def test_the_lanes_are_named_for_operators(world, projection_at, postgres_url) -> None:
    members_of_a_province(world, members=40)
    projection = projection_at(postgres_url)
    names: set[str] = set()

    def read_names(source: str, position: int, last: int | None) -> None:
        for lane in multiprocessing.active_children():
            if lane.name.startswith("coso-rebuild-members"):
                with open(f"/proc/{lane.pid}/comm") as comm:
                    names.add(comm.read().strip())

    rebuild(projection.engine, world.sources, page_size=9, members_lanes=2, progress=read_names)

    assert names == {"coso-members-0", "coso-members-1"}


def test_a_negative_count_of_lanes_is_refused_before_anything_is_written(world, projection) -> None:
    members_of_a_province(world, members=3)
    before = projection.rows()

    with pytest.raises(ValueError, match="members_lanes must be 0 \\(none\\) or more, not -1"):
        rebuild(projection.engine, world.sources, members_lanes=-1)

    assert projection.rows() == before
    assert not [t for t in inspect(projection.engine).get_table_names() if t.endswith("__rebuild")]
