"""The province's plans go down the links: a commune's reporting receives them and measures
its share on its own records, and its own plans are not taken for the province's."""

from __future__ import annotations

import threading
from datetime import date

from coso_backbone.broker import ConfirmingPublisher
from coso_backbone.consumer import ConsumerLoop
from coso_backbone.contracts.registry import AuthorityLevel
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.links.admin import apply_link
from coso_backbone.relay import OutboxRelay
from coso_reporting import bootstrap
from coso_reporting.adapters.received_plans import CONSUMER
from coso_reporting.application.commands import AdoptPlan
from coso_reporting.domain.errors import UnknownAuthority
from coso_reporting.domain.plans import Plan, stream_of_plan
from tests.federation.harness import Federation, Reporting, admin, wait_for_federation, wait_until

CANDIDATES = TargetIndicator.CANDIDATES_PROPOSED
MID_YEAR = date(2026, 6, 30)


def _record_province_plan(fed: Federation) -> None:
    """The province's reporting records a 2026 plan: 8 candidates, 5 for commune xa, 3 for xb."""
    plan = Plan.adopt(
        "province-2026", "province", "Kế hoạch năm 2026", date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 5)
    )
    plan.set_target(CANDIDATES, 8)
    plan.split_target(CANDIDATES, {"xa": 5, "xb": 3})
    fed.province.stores["reporting"].append(
        stream_of_plan(plan.plan_id), 0, [e.to_new_event("province") for e in plan.pending]
    )


def test_a_province_plan_reaches_the_commune_which_measures_its_share_and_sends_nothing_back(
    federation: Federation,
) -> None:
    fed = federation
    a = fed.communes["a"]
    fed.province.start_service("reporting")
    apply_link(fed.links["a"])
    wait_for_federation(admin(), a.vhost, 2)  # registry and reporting, down

    province_reporting = fed.province.source("reporting")
    reporting = Reporting(
        a,
        fed.database_url("a_reporting"),
        {
            fed.province.source("registry"): {"url": fed.province.read_apis["registry"]},
            province_reporting: {"url": fed.province.read_apis["reporting"]},
        },
    )
    consumer = bootstrap.superior_plans_consumer(reporting.settings, reporting.store)
    assert consumer.name == CONSUMER
    plans_loop = ConsumerLoop(
        consumer,
        a.amqp_uri,
        ["reporting"],
        idle_catch_up=1.0,
    )
    plans_loop.declare()
    stop = threading.Event()
    thread = threading.Thread(target=plans_loop.run, args=(stop,), daemon=True)
    reporting.start()
    thread.start()
    try:
        app = bootstrap.ReportingApp(reporting.settings, reporting.store)
        fed.province.register_authority("province", None, AuthorityLevel.PROVINCE)
        a.register_authority("xa", "province", AuthorityLevel.COMMUNE)
        a.propose(3, "xa")
        _record_province_plan(fed)
        for stack, producer in ((fed.province, "registry"), (a, "registry"), (a, "admissions")):
            stack.publish(producer)
        fed.province.publish("reporting")

        def assigned() -> list[dict]:
            try:
                return list(app.assigned_plans.assigned("xa", MID_YEAR)["assigned"])
            except UnknownAuthority:  # the commune's hierarchy is not projected yet
                return []

        wait_until(lambda: bool(assigned()) and assigned()[0]["achieved"] == 3, what="xa's share and progress")
        [share] = assigned()
        assert (share["plan_id"], share["received_from"], share["target"]) == ("province-2026", province_reporting, 5)

        # The commune's own plan, published on its own reporting.events, then a second province
        # plan: once that one is received, the commune's own event has been seen and passed over.
        app.plans.adopt(
            AdoptPlan(
                plan_id="xa-2026",
                authority_id="xa",
                title="Kế hoạch của xã",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
            )
        )
        publisher = ConfirmingPublisher(a.amqp_uri, "reporting")
        try:
            own = OutboxRelay(reporting.store, publisher, "reporting", reporting.settings.source).publish_pending()
            assert own >= 1  # the plan, and the indicators' changes the projection recorded
        finally:
            publisher.close()
        second = Plan.adopt(
            "province-2027", "province", "Kế hoạch năm 2027", date(2027, 1, 1), date(2027, 12, 31), date(2026, 6, 1)
        )
        fed.province.stores["reporting"].append(
            stream_of_plan(second.plan_id), 0, [e.to_new_event("province") for e in second.pending]
        )
        fed.province.publish("reporting")
        wait_until(lambda: len(app.plans.plans()["plans"]) == 3, what="the second province plan")
        listed = {p["plan_id"]: p.get("received_from") for p in app.plans.plans()["plans"]}
        assert listed == {"xa-2026": None, "province-2026": province_reporting, "province-2027": province_reporting}
        checkpoints = consumer.checkpoints()
        assert reporting.settings.source not in checkpoints and checkpoints[province_reporting] == 4
    finally:
        stop.set()
        thread.join(timeout=30)
        reporting.close()
