"""A rebuild reading a lower stack through a link whose policy withholds events: it moves past
the withheld positions (the page says how far it scanned) and counts everything shared."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coso_backbone.contracts.admissions import PersonalDataRecorded
from coso_backbone.links.policy import event_filter
from coso_backbone.readapi import StoreEventSource
from coso_backbone.schema import consumer_checkpoints
from coso_reporting.adapters.rebuild import rebuild


def test_a_rebuild_moves_past_what_a_pseudonymous_link_withholds(world, projection) -> None:
    world.authority("hn")
    for n in range(12):
        world.enterprise(f"e{n}", "hn")
    for n in range(12):
        world.candidate(f"c{n}", f"e{n}", "hn")
        sealed = PersonalDataRecorded(candidate_id=f"c{n}", authority_id="hn", recorded_on=date(2025, 3, 4), sealed="x")
        world.admissions.record(f"person-c{n}", sealed)  # withheld: every other position
    admissions = world.admissions
    linked = StoreEventSource(
        admissions.store, "admissions", admissions.source, event_filter("admissions", "pseudonymous")
    )

    stats = rebuild(projection.engine, [world.registry.event_source, linked], page_size=5, read_ahead=True)

    assert stats.refused == []
    assert projection.counts()["hn"] == ((12, 12), (12, 12))
    with projection.engine.connect() as connection:
        query = select(consumer_checkpoints.c.source, consumer_checkpoints.c.position)
        positions = {source: position for source, position in connection.execute(query)}
    assert positions[admissions.source] == 24  # past the last, withheld, position
