"""A superior's plans received by a lower stack's reporting: kept apart from its own plans,
read-only, and the shares given to its authorities measured on its own records.

The province's reporting records a plan in its own event store (SQLite) with the plans'
use cases; its events reach the commune's consumer `reporting-superior-plans` as they
would come down a link (here delivered to the consumer; tests/federation carries them over
RabbitMQ). The commune's reporting database runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.envelope import Envelope
from coso_reporting import bootstrap
from coso_reporting.application.commands import AdoptPlan, SetTarget, Share, SplitTarget
from coso_reporting.application.plans import Plans
from coso_reporting.domain.errors import UnknownAuthority, UnknownPlan
from coso_reporting.domain.plans import Plan, stream_of_plan
from coso_reporting.domain.received_plans import ReceivedPlanIsReadOnly

CANDIDATES = TargetIndicator.CANDIDATES_PROPOSED
TODAY = date(2026, 3, 31)


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


def hierarchy(world) -> list[Envelope]:
    return [
        world.authority("hn", name="Thành ủy Hà Nội"),
        world.authority("hn.a", parent_id="hn", name="Đảng ủy phường A"),
        world.authority("hn.b", parent_id="hn", name="Đảng ủy phường B"),
    ]


class Stack:
    """A stack's reporting: its database, its app (settings of deployment `deployment`) and
    the consumer of superiors' plans built by the composition root."""

    def __init__(self, url: str, deployment: str) -> None:
        self.settings = CosoSettings(
            service="reporting",
            deployment=deployment,
            database_url=url,
            amqp_uri="amqp://guest:guest@127.0.0.1:5672/unused",  # only for dead letters: none expected
            http_port=0,
            metrics_port=0,
        )
        bootstrap.migrate(self.settings)
        self.store = wiring.event_store(self.settings)
        self.app = bootstrap.ReportingApp(self.settings, self.store)
        self.consumer: Consumer = bootstrap.superior_plans_consumer(self.settings, self.store)

    def own_events(self) -> list[Envelope]:
        """This stack's reporting events as its relay publishes them (its own ce-source)."""
        return [Envelope.from_recorded(e, "reporting", self.settings.source) for e in self.store.read_after(0, 10_000)]

    def receive(self, envelopes: list[Envelope]):
        return self.consumer.apply([Incoming.from_catch_up(e) for e in envelopes])

    @property
    def plans(self) -> Plans:
        return self.app.plans


@pytest.fixture
def stacks(world, projection_at, database_url: str, tmp_path: Path, run_id: str) -> Iterator[tuple[Stack, Stack]]:
    """The province's reporting (SQLite file) with a plan whose candidates target is split to
    its two wards, and ward A's reporting (the parametrised database) with its own records:
    two candidates of ward A in the period, one before it, one of ward B (not its business)."""
    world_events = [
        *hierarchy(world),
        world.enterprise("e1", "hn.a"),
        world.enterprise("e2", "hn.b"),
        proposed(world, "c1", "e1", "hn.a", date(2026, 2, 1)),
        proposed(world, "c2", "e1", "hn.a", date(2026, 3, 10)),
        proposed(world, "c0", "e1", "hn.a", date(2025, 12, 1)),  # before the period
        proposed(world, "c3", "e2", "hn.b", date(2026, 3, 1)),
    ]
    province = Stack(f"sqlite:///{tmp_path / 'province-reporting.db'}", f"{run_id}-province")
    projection_at(province.settings.database_url).deliver(world_events[:3])  # the province's hierarchy
    ward = Stack(database_url, run_id)
    projection_at(database_url).deliver(world_events)
    province.plans.adopt(
        AdoptPlan(
            plan_id="hn-2026",
            authority_id="hn",
            title="Kế hoạch phát triển đảng viên năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    province.plans.set_target(SetTarget(plan_id="hn-2026", indicator=CANDIDATES, value=10))
    province.plans.split_target(
        SplitTarget(
            plan_id="hn-2026",
            indicator=CANDIDATES,
            shares=[Share(authority_id="hn.a", value=6), Share(authority_id="hn.b", value=4)],
        )
    )
    yield province, ward
    for stack in (province, ward):
        stack.store.engine.dispose()


def test_a_ward_receives_its_share_of_the_province_plan_and_measures_it_on_its_own_candidates(stacks) -> None:
    province, ward = stacks
    outcome = ward.receive(province.own_events())
    assert outcome.applied == 3 and outcome.dead_lettered == 0

    answer = ward.app.assigned_plans.assigned("hn.a", as_of=TODAY)
    [share] = answer["assigned"]
    assert share["plan_id"] == "hn-2026"
    assert share["received_from"] == province.settings.source
    assert share["plan_authority_id"] == "hn" and share["plan_authority_name"] == "Thành ủy Hà Nội"
    assert share["authority_id"] == "hn.a" and share["label"] == "Quần chúng ưu tú được giới thiệu"
    assert (share["target"], share["plan_target"], share["achieved"]) == (6, 10, 2)  # c0 is before the period
    assert share["progress"] == round(2 / 6, 4)
    assert share["expected_share"] == round(90 / 365, 4)
    # Ward B's share is not ward A's business; the province sees both shares under it.
    assert [s["authority_id"] for s in ward.app.assigned_plans.assigned("hn", as_of=TODAY)["assigned"]] == [
        "hn.a",
        "hn.b",
    ]
    with pytest.raises(UnknownAuthority):
        ward.app.assigned_plans.assigned("hn.zz", as_of=TODAY)


def test_the_received_plan_answers_as_a_plan_marked_with_its_source_and_cannot_be_changed(stacks) -> None:
    province, ward = stacks
    ward.receive(province.own_events())

    [listed] = ward.plans.plans("hn")["plans"]
    assert listed["plan_id"] == "hn-2026" and listed["received_from"] == province.settings.source
    shown = ward.plans.plan("hn-2026")
    assert shown["received_from"] == province.settings.source
    assert shown["targets"][0]["split"] == [{"authority_id": "hn.a", "value": 6}, {"authority_id": "hn.b", "value": 4}]
    progress = ward.plans.progress("hn-2026", TODAY)
    assert progress["received_from"] == province.settings.source
    # Measured on the ward's stack: ward A's two, ward B's one in the period.
    assert progress["targets"][0]["achieved"] == 3
    assert [s["achieved"] for s in progress["targets"][0]["split"]] == [2, 1]

    with pytest.raises(ReceivedPlanIsReadOnly) as refused:
        ward.plans.set_target(SetTarget(plan_id="hn-2026", indicator=CANDIDATES, value=12))
    assert refused.value.field == "plan_id" and province.settings.source in refused.value.message
    with pytest.raises(ReceivedPlanIsReadOnly):
        ward.plans.split_target(
            SplitTarget(plan_id="hn-2026", indicator=CANDIDATES, shares=[Share(authority_id="hn.a", value=10)])
        )
    with pytest.raises(UnknownPlan):
        ward.plans.set_target(SetTarget(plan_id="nowhere", indicator=CANDIDATES, value=1))


def test_a_wards_own_plans_and_received_ones_do_not_mix_and_its_own_events_are_not_applied_again(
    stacks,
) -> None:
    province, ward = stacks
    ward.plans.adopt(
        AdoptPlan(
            plan_id="hn.a-2026",
            authority_id="hn.a",
            title="Kế hoạch của phường A",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    ward.plans.set_target(SetTarget(plan_id="hn.a-2026", indicator=CANDIDATES, value=3))
    own = ward.own_events()
    outcome = ward.receive([*own, *province.own_events()])
    assert outcome.skipped == len(own) and outcome.applied == 3
    assert ward.consumer.checkpoints() == {province.settings.source: 3}  # nothing recorded for its own source

    listed = {p["plan_id"]: p.get("received_from") for p in ward.plans.plans()["plans"]}
    assert listed == {"hn.a-2026": None, "hn-2026": province.settings.source}
    assert [p["plan_id"] for p in ward.plans.plans("hn.a")["plans"]] == ["hn.a-2026"]
    assert "received_from" not in ward.plans.plan("hn.a-2026")
    # Its own plan is no share of a superior's plan.
    assert [s["plan_id"] for s in ward.app.assigned_plans.assigned("hn.a", as_of=TODAY)["assigned"]] == ["hn-2026"]
    # And its own plan stays changeable.
    assert (
        ward.plans.set_target(SetTarget(plan_id="hn.a-2026", indicator=CANDIDATES, value=4))["targets"][0]["value"] == 4
    )


def test_a_split_received_before_its_plans_adoption_is_kept_until_the_adoption_arrives(stacks) -> None:
    """The store keeps each event on its own: whatever order a superior's events reach it in
    (here its adoption comes last, as when a dead-lettered PlanAdopted is replayed), nothing
    of the plan is lost."""
    province, ward = stacks
    adopted, target_set, split = province.own_events()
    reordered = [
        dataclasses.replace(split, sequence=1),
        dataclasses.replace(target_set, sequence=2),
        dataclasses.replace(adopted, sequence=3),
    ]
    ward.receive(reordered[:2])
    assert ward.plans.plans()["plans"] == []  # not adopted yet: no plan to show
    assert ward.app.assigned_plans.assigned("hn.a", as_of=TODAY)["assigned"] == []
    ward.receive(reordered[2:])
    [share] = ward.app.assigned_plans.assigned("hn.a", as_of=TODAY)["assigned"]
    assert (share["plan_id"], share["target"], share["plan_target"]) == ("hn-2026", 6, 10)


def test_a_plan_split_again_replaces_its_shares(stacks) -> None:
    province, ward = stacks
    province.plans.split_target(
        SplitTarget(
            plan_id="hn-2026",
            indicator=CANDIDATES,
            shares=[Share(authority_id="hn.a", value=3), Share(authority_id="hn.b", value=7)],
        )
    )
    ward.receive(province.own_events())
    [share] = ward.app.assigned_plans.assigned("hn.a", as_of=TODAY)["assigned"]
    assert share["target"] == 3


def test_the_http_api_answers_the_assigned_shares_and_refuses_to_change_a_received_plan(
    reporting_api: str, tmp_path: Path
) -> None:
    """Over the nameko service (real RabbitMQ): GET /plans/assigned, GET /plans marks the
    received plan, PUT on its target is a 409 naming the rule."""
    plan = Plan.adopt("hn-2025", "hn", "Kế hoạch năm 2025", date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 2))
    plan.set_target(CANDIDATES, 4)
    plan.split_target(CANDIDATES, {"hn.kcn": 4})
    superior = "/coso/superior-of-test/reporting"
    envelopes = [
        Envelope(
            id=f"e{i}",
            source=superior,
            producer="reporting",
            event_type=event.event_name,
            version=event.event_version,
            time=datetime(2025, 1, 2, tzinfo=UTC),
            subject=stream_of_plan(plan.plan_id),
            sequence=i,
            authority="hn",
            data_json=event.model_dump_json(),
        )
        for i, event in enumerate(plan.pending, start=1)
    ]
    ward = Stack(f"sqlite:///{tmp_path / 'reporting.db'}", "test")
    try:
        assert ward.receive(envelopes).applied == 3
    finally:
        ward.store.engine.dispose()

    answer = requests.get(f"{reporting_api}/plans/assigned", params={"authority_id": "hn.kcn", "as_of": "2025-12-31"})
    assert answer.status_code == 200, answer.text
    [share] = answer.json()["assigned"]
    assert (share["received_from"], share["target"], share["achieved"], share["progress"]) == (superior, 4, 1, 0.25)
    listed = requests.get(f"{reporting_api}/plans", params={"authority_id": "hn"}).json()["plans"]
    assert [(p["plan_id"], p["received_from"]) for p in listed] == [("hn-2025", superior)]
    refused = requests.put(f"{reporting_api}/plans/hn-2025/targets/candidates_proposed", json={"value": 5})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "own_plan"
    unknown = requests.get(f"{reporting_api}/plans/assigned", params={"authority_id": "nowhere"})
    assert unknown.status_code == 404
