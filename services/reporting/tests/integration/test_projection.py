"""The live projection: events applied by the consumer, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from coso_backbone import service_support as web
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.tables import LIVE


def test_counts_are_own_per_authority_and_summed_over_each_subtree(world, projection) -> None:
    delivered = [
        world.authority("hn"),
        world.authority("hn.ba-dinh", parent_id="hn"),
        world.authority("hn.ba-dinh.kcn", parent_id="hn.ba-dinh"),
        world.authority("hn.tay-ho", parent_id="hn"),
        world.enterprise("e1", "hn.ba-dinh"),
        world.enterprise("e2", "hn.ba-dinh.kcn"),
        world.enterprise("e3", "hn"),
        world.enterprise("e4", "hn.tay-ho"),
        world.candidate("c1", "e2", "hn.ba-dinh.kcn"),
        world.candidate("c2", "e2", "hn.ba-dinh.kcn"),
        world.candidate("c3", "e3", "hn"),
    ]
    outcome = projection.deliver(delivered)

    assert outcome.applied == len(delivered)
    assert projection.counts() == {
        "hn": ((1, 1), (4, 3)),
        "hn.ba-dinh": ((1, 0), (2, 2)),
        "hn.ba-dinh.kcn": ((1, 2), (1, 2)),
        "hn.tay-ho": ((1, 0), (1, 0)),
    }
    assert projection.indicators.all()["positions"] == {world.registry.source: 8, world.admissions.source: 3}


def test_a_candidate_in_an_enterprise_of_a_sub_authority_counts_in_the_superiors_subtree_only(
    world, projection
) -> None:
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.kcn", parent_id="hn"),
            world.enterprise("e1", "hn.kcn"),
            world.candidate("c1", "e1", "hn.kcn"),
        ]
    )
    assert projection.counts() == {"hn": ((0, 0), (1, 1)), "hn.kcn": ((1, 1), (1, 1))}


def test_a_duplicate_delivery_is_not_counted_twice(world, projection) -> None:
    delivered = [
        world.authority("hn"),
        world.enterprise("e1", "hn"),
        world.candidate("c1", "e1", "hn"),
        world.candidate("c2", "e1", "hn"),
    ]
    projection.deliver(delivered)
    again = projection.deliver(delivered[2:] + delivered + delivered[:1])

    assert (again.applied, again.duplicates) == (0, 7)
    assert projection.counts() == {"hn": ((1, 2), (1, 2))}
    assert not projection.sink.letters


def test_a_candidate_proposed_before_its_enterprise_is_known_moves_to_the_enterprises_authority(
    world, projection
) -> None:
    projection.deliver([world.authority("hn"), world.authority("hn.kcn", parent_id="hn")])
    projection.deliver([world.candidate("c1", "e9", "hn")])
    assert projection.counts()["hn"] == ((0, 1), (0, 1))

    projection.deliver([world.enterprise("e9", "hn.kcn")])

    assert projection.counts() == {"hn": ((0, 0), (1, 1)), "hn.kcn": ((1, 1), (1, 1))}
    with projection.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(LIVE.waiting_candidates)) == 0


def test_authorities_counted_before_their_registration_show_up_unregistered(world, projection) -> None:
    projection.deliver([world.candidate("c1", "e1", "dn")])
    [authority] = projection.indicators.all()["authorities"]
    assert (authority["authority_id"], authority["registered"], authority["name"]) == ("dn", False, None)

    projection.deliver([world.authority("dn", name="Thành ủy Đà Nẵng")])
    [authority] = projection.indicators.all()["authorities"]
    assert (authority["registered"], authority["name"], authority["own"]["candidates_proposed"]) == (
        True,
        "Thành ủy Đà Nẵng",
        1,
    )


def test_an_enterprise_registered_twice_is_dead_lettered_and_counted_once(world, projection) -> None:
    delivered = [world.enterprise("e1", "hn"), world.enterprise("e1", "hn", stream="enterprise-again")]
    outcome = projection.deliver(delivered)

    assert (outcome.applied, outcome.dead_lettered) == (1, 1)
    [letter] = projection.sink.letters
    assert "enterprise e1 is already recorded" in letter.reason
    assert projection.counts() == {"hn": ((1, 0), (1, 0))}


def test_an_unknown_authority_is_answered_with_a_404_problem_naming_the_field(world, projection) -> None:
    projection.deliver([world.authority("hn")])
    response = web.answer(lambda: projection.indicators.of("hcm"))
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert (body["title"], body["field"], body["rule"]) == ("UnknownAuthority", "authority_id", "exists")


def test_applying_events_records_indicator_changed_for_the_authority_and_its_superiors(world, projection) -> None:
    projection.deliver(
        [world.authority("hn"), world.authority("hn.kcn", parent_id="hn"), world.enterprise("e1", "hn.kcn")]
    )
    projection.deliver([world.candidate("c1", "e1", "hn.kcn"), world.candidate("c2", "e1", "hn.kcn")])
    recorded = [e for e in EventStore(projection.engine).read_after(0, 1000) if e.event_type == "IndicatorChanged"]
    candidates = [
        (e.data["authority_id"], e.data["previous"], e.data["value"])
        for e in recorded
        if e.data["indicator"] == "candidates_proposed"
    ]
    # One announcement per authority for the batch of two proposals, not one per proposal.
    assert sorted(candidates) == [("hn", 0, 2), ("hn.kcn", 0, 2)]
    assert {e.stream_id for e in recorded} == {"indicators-hn", "indicators-hn.kcn"}
