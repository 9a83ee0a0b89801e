"""Every registry event type, published by the outbox relay, reaches a consumer over RabbitMQ
and parses with its contract."""

import json
import time
from collections.abc import Iterator

import pytest
from kombu import Connection, Exchange, Queue

from coso_backbone.broker import ConfirmingPublisher
from coso_backbone.config import CosoSettings
from coso_backbone.contracts import all_contracts, lookup, parse_ce_type
from coso_backbone.relay import OutboxRelay
from coso_backbone.testing import WAIT_SECONDS
from coso_registry import bootstrap
from coso_registry.application.commands import (
    AdoptRules,
    ChangeMassChair,
    CloseEnterprise,
    CountMassMembers,
    CountWorkforce,
    DissolveAuthority,
    DissolveMassOrganization,
    DissolveOrganization,
    FoundMassOrganization,
    FoundOrganization,
    MergeAuthorities,
    MergeOrganizations,
    MoveEnterprise,
    RateOrganization,
    RegisterAuthority,
    RegisterEnterprise,
    RenameAuthority,
    RenameOrganization,
    ReparentAuthority,
    ResumeEnterprise,
    SplitAuthority,
    SuspendEnterprise,
    TransferOrganization,
    UpdateEnterprise,
    UpgradeOrganization,
)

pytestmark = [pytest.mark.rabbitmq]


@pytest.fixture
def app(sqlite_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(service="registry", database_url=sqlite_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0)
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    yield application
    application.store.engine.dispose()


def _every_kind_of_change(app: bootstrap.RegistryApp) -> None:
    a = app.authorities
    for authority_id, parent in (("bn", None), ("bn.a", "bn"), ("bn.b", "bn"), ("bn.c", "bn"), ("bn.d", "bn")):
        level = "province" if parent is None else "commune"
        a.register(
            RegisterAuthority(
                authority_id=authority_id, name=authority_id, level=level, parent_id=parent, effective_from="2020-01-01"
            )
        )
    a.register(
        RegisterAuthority(authority_id="bn.e", name="e", level="commune", parent_id="bn.a", effective_from="2020-01-01")
    )
    a.rename(RenameAuthority(authority_id="bn.a", name="Xã A", effective_from="2021-01-01", legal_basis="QĐ 1"))
    a.reparent(
        ReparentAuthority(authority_id="bn.e", parent_id="bn.b", effective_from="2021-01-01", legal_basis="QĐ 2")
    )
    a.merge(MergeAuthorities(merged_ids=["bn.a"], successor_id="bn.b", effective_from="2022-01-01", legal_basis="QĐ 3"))
    a.split(
        SplitAuthority(
            authority_id="bn.c", successor_ids=["bn.b", "bn.d"], effective_from="2022-01-01", legal_basis="QĐ 4"
        )
    )
    a.dissolve(
        DissolveAuthority(authority_id="bn.e", reason="giải thể", effective_from="2023-01-01", legal_basis="QĐ 5")
    )
    r = app.registry
    e = str(
        r.register_enterprise(
            RegisterEnterprise(tax_code="0100109106", name="DN", authority_id="bn.b", registered_on="2020-01-01")
        )["enterprise_id"]
    )
    r.update_enterprise(UpdateEnterprise(enterprise_id=e, sector="May mặc", effective_from="2021-01-01"))
    r.move_enterprise(MoveEnterprise(enterprise_id=e, authority_id="bn.d", effective_from="2022-02-01"))
    r.count_workforce(CountWorkforce(enterprise_id=e, worker_count=40, counted_on="2022-06-30"))
    r.suspend_enterprise(SuspendEnterprise(enterprise_id=e, reason="thiếu vốn", effective_from="2023-01-01"))
    r.resume_enterprise(ResumeEnterprise(enterprise_id=e, effective_from="2023-06-01"))
    o = app.organizations
    founded = str(
        o.found(
            FoundOrganization(
                name="Chi bộ DN",
                kind="grassroots_cell",
                authority_id="bn.d",
                enterprise_ids=[e],
                decision_number="1",
                founded_on="2022-03-01",
                official_members=31,
            )
        )["organization_id"]
    )
    o.rename(
        RenameOrganization(
            organization_id=founded, name="Chi bộ Công ty", decision_number="2", effective_from="2022-04-01"
        )
    )
    o.upgrade(
        UpgradeOrganization(
            organization_id=founded, official_members=31, decision_number="3", effective_from="2022-05-01"
        )
    )
    o.transfer(
        TransferOrganization(
            organization_id=founded, authority_id="bn.b", decision_number="4", effective_from="2022-06-01"
        )
    )
    m = app.mass_organizations
    union = str(
        m.found(
            FoundMassOrganization(kind="trade_union", enterprise_id=e, name="CĐCS", founded_on="2021-01-01", members=30)
        )["mass_organization_id"]
    )
    m.count_members(CountMassMembers(mass_organization_id=union, members=35, counted_on="2022-01-01"))
    m.change_chair(ChangeMassChair(mass_organization_id=union, chair="Lê Văn C", effective_from="2022-01-01"))
    m.dissolve(DissolveMassOrganization(mass_organization_id=union, reason="giải thể", effective_from="2023-11-01"))
    o.rate(RateOrganization(organization_id=founded, year=2022, score=88, rated_on="2023-01-10"))
    e2 = str(
        r.register_enterprise(
            RegisterEnterprise(tax_code="0100109106-001", name="DN 2", authority_id="bn.b", registered_on="2020-01-01")
        )["enterprise_id"]
    )
    small = o.found(
        FoundOrganization(
            name="Chi bộ DN 2",
            kind="grassroots_cell",
            authority_id="bn.b",
            enterprise_ids=[e2],
            decision_number="6",
            founded_on="2022-07-01",
            official_members=3,
        )
    )["organization_id"]
    o.merge(
        MergeOrganizations(
            merged_ids=[small],
            successor_id=founded,
            decision_number="7",
            effective_from="2023-02-01",
            kind="combined_cell",
            official_members=34,
        )
    )
    o.dissolve(
        DissolveOrganization(
            organization_id=founded, reason="giải thể", decision_number="5", effective_from="2023-12-01"
        )
    )
    r.close_enterprise(CloseEnterprise(enterprise_id=e, reason="giải thể", effective_from="2024-01-01"))
    app.rules.adopt(
        AdoptRules(
            authority_id="bn",
            effective_from="2025-01-01",
            legal_basis="QĐ 9",
            values={"min_founding_members": 5},
        )
    )


def test_every_registry_event_type_reaches_a_consumer_over_rabbitmq(
    app: bootstrap.RegistryApp, amqp_uri: str, run_id: str
) -> None:
    _every_kind_of_change(app)
    recorded = app.store.read_after(0)
    exchange = Exchange(f"{run_id}.events", "topic", durable=True)
    queue = Queue(f"{run_id}.all", exchange, routing_key="#", durable=False, auto_delete=False)
    with Connection(amqp_uri) as connection:
        bound = queue(connection.channel())
        bound.declare()
        try:
            relay = OutboxRelay(
                app.store, ConfirmingPublisher(amqp_uri, run_id), "registry", f"/coso/{run_id}/registry"
            )
            assert relay.publish_pending() == len(recorded)
            received = []
            deadline = time.monotonic() + WAIT_SECONDS
            while len(received) < len(recorded):
                assert time.monotonic() < deadline, f"{len(received)} of {len(recorded)} events arrived"
                message = bound.get(no_ack=True)
                if message is None:
                    time.sleep(0.05)
                    continue
                producer, name, version = parse_ce_type(message.headers["ce-type"])
                model = lookup(producer, name, version)
                assert model is not None
                received.append(model.model_validate(json.loads(message.body)))
        finally:
            bound.delete()
            exchange(connection.channel()).delete()
    registry_types = {m.event_name for m in all_contracts() if m.event_producer == "registry"}
    assert {type(event).event_name for event in received} == registry_types
    assert len(received) == len(recorded)
