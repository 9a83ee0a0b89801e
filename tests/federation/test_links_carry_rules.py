"""The province's admission rules go down the link and nothing else of its admissions does: a
commune's candidates get the province's decision deadline, a province candidate never reaches
the commune (neither through the broker nor through the read API with the link's down token),
and a rule adopted while the link is cut arrives once it is restored. Likewise the province's
notification rules reach the commune's notifications (a reminder in the commune comes as many
working days ahead as the province decided), and none of the province's notifications does."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import amqp

from coso_admissions import bootstrap
from coso_admissions.application.commands import AdoptRules, ProposeCandidate, RulesOfAuthority
from coso_backbone import wiring
from coso_backbone.broker import superior_rules_exchange
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ConsumerLoop
from coso_backbone.contracts.notifications import NotificationScheduled
from coso_backbone.contracts.registry import AuthorityLevel, EnterpriseRegistered, Ownership
from coso_backbone.links.admin import apply_link, remove_link
from coso_backbone.links.spec import LinkFile, parse_links
from coso_backbone.readapi import HttpEventSource
from coso_notifications import bootstrap as notifications_bootstrap
from coso_notifications.adapters.sql_deadlines import SqlDeadlineBook, SqlSubscriptions
from coso_notifications.application.commands import AdoptRules as AdoptNotificationRules
from coso_notifications.application.commands import RulesOfAuthority as NotificationRulesOfAuthority
from coso_notifications.application.subscriptions import Subscriptions
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from tests.federation.harness import Federation, Stack, admin, wait_for_federation, wait_until

DECISION = "Quyết định 12-QĐ/TU của Tỉnh ủy"
RESOLVED_ON = "2026-03-16"
PATH: list[tuple[str, dict[str, Any]]] = [
    (
        "awareness-class",
        {"on": "2025-10-01", "body": "TTCT", "document": {"number": "CC-1", "issued_on": "2025-10-01"}},
    ),
    ("application", {"on": "2025-11-03", "body": "Chi bộ"}),
    ("background-check", {"on": "2025-12-01", "body": "Chi bộ"}),
    (
        "introduction",
        {
            "on": "2026-01-05",
            "body": "Chi bộ",
            "introducers": [
                {"kind": "official_member", "ref": "m-1", "worked_with_candidate_since": "2024-01-01"},
                {"kind": "official_member", "ref": "m-2", "worked_with_candidate_since": "2024-01-01"},
            ],
        },
    ),
    ("cell-vote", {"on": "2026-02-02", "body": "Chi bộ", "votes_for": 5, "official_members": 6}),
    (
        "grassroots-resolution",
        {"on": RESOLVED_ON, "body": "Đảng ủy", "document": {"number": "3-NQ/ĐU", "issued_on": RESOLVED_ON}},
    ),
]


def _link_file(fed: Federation, down_token: str, producer: str = "admissions") -> LinkFile:
    """Commune a's link, with the province's read API of `producer` and a down token."""
    province = fed.province
    text = fed.link_yaml("a", "pseudonymous").replace(
        f"superior: {{deployment: {province.deployment}, vhost: {province.vhost}}}",
        f"superior: {{deployment: {province.deployment}, vhost: {province.vhost},"
        f" read_apis: {{{producer}: {province.read_apis[producer]}}}}}",
    )
    return parse_links(text.replace("    down:\n", f"    down:\n      read_api_token: {down_token}\n"))


def _admissions(stack: Stack, links: LinkFile) -> bootstrap.AdmissionsApp:
    """The stack's admissions, configured as `coso-link service-config` says."""
    derived = links.service_settings(stack.deployment, "admissions")
    settings = CosoSettings.model_validate(
        {
            **stack.settings["admissions"].model_dump(),
            "read_apis": {p: url for p, url in stack.read_apis.items() if p == "registry"},
            "source_read_apis": derived.get("source_read_apis", {}),
            "options": {"access_control": False},
        }
    )
    bootstrap.migrate(settings)
    return bootstrap.build(settings)


def _adopt(app: bootstrap.AdmissionsApp, effective_from: date, **values: int) -> None:
    app.rules.adopt(
        AdoptRules.model_validate(
            {"authority_id": "province", "effective_from": effective_from, "legal_basis": DECISION, "values": values}
        )
    )


def _spy(vhost: str, producer: str = "admissions") -> tuple[amqp.Connection, Any]:
    """Queues `events` on the commune's <producer>.events and `rules` on <producer>.superior-rules."""
    connection = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
    connection.connect()
    channel = connection.channel()
    for queue, exchange in (("events", f"{producer}.events"), ("rules", superior_rules_exchange(producer))):
        channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        channel.queue_declare(queue, durable=False, auto_delete=False)
        channel.queue_bind(queue, exchange, "#")
    return connection, channel


def _drain(channel: Any, queue: str) -> list[tuple[str, str]]:
    seen = []
    while (message := channel.basic_get(queue, no_ack=True)) is not None:
        seen.append((str(message.headers["ce-source"]), str(message.delivery_info["routing_key"])))
    return seen


def test_a_province_s_rules_reach_the_commune_alone_and_one_adopted_during_a_cut_arrives_after(
    federation: Federation,
) -> None:
    fed = federation
    a = fed.communes["a"]
    link_name, down_token = f"{fed.run}-a", f"down-{fed.run}-a-0123456789"
    fed.province.start_service(
        "admissions", [{"link": link_name, "token": down_token, "policy": "rules"}]
    )  # what coso-link service-config derives for the province's admissions (checked below)
    links = _link_file(fed, down_token)
    link = links.links[0]
    assert links.service_settings(fed.province.deployment, "admissions")["read_api_links"] == [
        {"link": link_name, "token": down_token, "policy": "rules"}
    ]
    province = _admissions(fed.province, links)
    commune = _admissions(a, links)
    province_source = fed.province.source("admissions")
    assert set(commune.settings.source_read_apis) >= {province_source}

    # The commune xa under the province, and an enterprise in it, as commune a's registry records them.
    a.register_authority("province", None, AuthorityLevel.PROVINCE)
    a.register_authority("xa", "province", AuthorityLevel.COMMUNE)
    enterprise = EnterpriseRegistered(
        enterprise_id="ent-xa",
        tax_code="0100109106",
        name="Công ty TNHH Minh Phát",
        authority_id="xa",
        ownership=Ownership.DOMESTIC_PRIVATE,
        worker_count=300,
        registered_on=date(2024, 3, 12),
    )
    a.stores["registry"].append("enterprise-ent-xa", 0, [enterprise.to_new_event("xa")])
    bootstrap.registry_consumer(commune.settings, commune.store).catch_up()

    # An earlier version of the link sent all of the province's admissions down; applying this one
    # leaves the per-link exchange bound only to the rules' exchange, for RulesAdopted only.
    everything = link.model_copy(
        update={"down": link.down.model_copy(update={"producers": ["registry", "admissions"], "rules_producers": []})}
    )
    apply_link(everything)
    apply_link(link)
    bindings = admin().bindings_from(a.vhost, link.link_exchange("admissions"))
    assert [(b["destination"], b["routing_key"]) for b in bindings] == [("admissions.superior-rules", "RulesAdopted")]
    wait_for_federation(admin(), a.vhost, 4)  # registry, reporting; admissions and notifications rules
    spy_connection, spy = _spy(a.vhost)
    consumer = bootstrap.superior_rules_consumer(commune.settings, commune.store)
    loop = ConsumerLoop(
        consumer,
        a.amqp_uri,
        ["admissions"],
        idle_catch_up=1.0,
        routing_keys=bootstrap.RULES_ROUTING_KEYS,
        exchange=superior_rules_exchange,
    )
    loop.declare()
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    try:
        # The province proposes a candidate of its own, then adopts 45 working days for its subtree.
        fed.province.propose(2, "province", personal_every=1)
        _adopt(province, date(2026, 1, 1), decision_working_days=45)
        assert fed.province.publish("admissions") == 5

        def in_force(rule: str) -> dict[str, Any]:
            answer = commune.rules.in_force(RulesOfAuthority(authority_id="xa", on=date(2026, 6, 1)))
            found: dict[str, Any] = answer["rules"][rule]
            return found

        wait_until(lambda: in_force("decision_working_days")["value"] == 45, what="the province's rule in xa")
        assert in_force("decision_working_days") | {"source": province_source} == {
            "value": 45,
            "origin": "received",
            "authority_id": "province",
            "effective_from": "2026-01-01",
            "legal_basis": DECISION,
            "source": province_source,
        }
        candidate = commune.admissions.propose_candidate(
            ProposeCandidate.model_validate(
                {
                    "enterprise_id": "ent-xa",
                    "source_channel": "enterprise_trade_union",
                    "job_category": "production_worker",
                    "proposed_on": "2025-09-01",
                }
            )
        )["candidate_id"]
        for step, body in PATH:
            resolved = commune.admissions.advance(candidate, step, body)
        # 45 working days after 16 March 2026 (Hùng Kings' day, 30 April, 1 May skipped); 60 would give 2026-06-11.
        assert resolved["deadlines"]["decision_due"] == "2026-05-21"

        # Nothing but the rules came down, and only to the rules' exchange: the broker brought the
        # commune's admissions.events (which its other consumers read) nothing of the province;
        # and the province's read API shows the down token only the rules.
        assert [(s, t) for s, t in _drain(spy, "rules")] == [(province_source, "RulesAdopted")]
        assert [s for s, _ in _drain(spy, "events") if s == province_source] == []
        page = HttpEventSource(fed.province.read_apis["admissions"], down_token).read_page(0, 100)
        assert [e.event_type for e in page.events] == ["RulesAdopted"]
        assert page.scanned_to == 5

        # The link is cut; the province adopts 18 months of probation meanwhile; the link is restored.
        remove_link(link, "lower")
        _adopt(province, date(2026, 2, 1), probation_months=18)
        assert fed.province.publish("admissions") == 1
        apply_link(link)
        wait_for_federation(admin(), a.vhost, 4)
        wait_until(lambda: in_force("probation_months")["value"] == 18, what="the rule adopted during the cut")
        assert in_force("decision_working_days")["value"] == 45
        assert consumer.checkpoints() == {province_source: 6}
        assert [s for s, _ in _drain(spy, "events") if s == province_source] == []
    finally:
        stop.set()
        thread.join(timeout=30)
        spy_connection.close()
        for app in (province, commune):
            app.store.engine.dispose()


def _notifications(stack: Stack, links: LinkFile) -> notifications_bootstrap.NotificationsApp:
    """The stack's notifications, configured as `coso-link service-config` says, reading the
    stack's registry for the hierarchy."""
    derived = links.service_settings(stack.deployment, "notifications")
    settings = CosoSettings.model_validate(
        {
            "service": "notifications",
            "deployment": stack.deployment,
            "database_url": f"sqlite:///{stack.directory / 'notifications.db'}",
            "amqp_uri": stack.amqp_uri,
            "http_port": 0,
            "metrics_port": 0,
            "read_apis": {p: url for p, url in stack.read_apis.items() if p == "registry"},
            "source_read_apis": derived.get("source_read_apis", {}),
        }
    )
    notifications_bootstrap.migrate(settings)
    return notifications_bootstrap.build(settings)


def test_a_province_s_notification_rules_reach_the_commune_s_notifications_and_nothing_else_of_them(
    federation: Federation,
) -> None:
    fed = federation
    a = fed.communes["a"]
    link_name, down_token = f"{fed.run}-a", f"down-{fed.run}-a-0123456789"
    fed.province.start_service("notifications", [{"link": link_name, "token": down_token, "policy": "rules"}])
    links = _link_file(fed, down_token, "notifications")
    link = links.links[0]
    assert links.service_settings(fed.province.deployment, "notifications")["read_api_links"] == [
        {"link": link_name, "token": down_token, "policy": "rules"}
    ]
    province = _notifications(fed.province, links)
    commune = _notifications(a, links)
    province_source = fed.province.source("notifications")
    assert set(commune.settings.source_read_apis) == {province_source}
    assert notifications_bootstrap.consumer_names(commune.settings) == ["notifications", "notifications-superior-rules"]
    assert notifications_bootstrap.consumer_names(province.settings) == ["notifications"]

    # The commune xa under the province, as commune a's registry records it and its notifications learn it.
    a.register_authority("province", None, AuthorityLevel.PROVINCE)
    a.register_authority("xa", "province", AuthorityLevel.COMMUNE)
    settings = commune.settings
    wiring.consumer(settings, commune.store, notifications_bootstrap.handlers(settings, commune.store)).catch_up()

    apply_link(link)
    wait_for_federation(admin(), a.vhost, 4)  # registry, reporting; admissions and notifications rules
    spy_connection, spy = _spy(a.vhost, "notifications")
    consumer = notifications_bootstrap.superior_rules_consumer(settings, commune.store)
    loop = ConsumerLoop(
        consumer,
        a.amqp_uri,
        ["notifications"],
        idle_catch_up=1.0,
        routing_keys=["RulesAdopted"],
        exchange=superior_rules_exchange,
    )
    loop.declare()
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    try:
        # The province schedules a notification of its own, then adopts 10 working days ahead for the
        # decision reminder in its subtree.
        scheduled = NotificationScheduled(
            notification_id="n-province",
            rule="decision_due_soon",
            subject="c-province",
            channel="email",
            target="btc@tinh.example",
            payload={"subject": "c-province"},
            first_attempt_at="2025-11-28T02:00:00Z",
        )
        province.store.append("notification-n-province", 0, [scheduled.to_new_event("province")])
        province.rules.adopt(
            AdoptNotificationRules.model_validate(
                {
                    "authority_id": "province",
                    "effective_from": "2025-11-01",
                    "legal_basis": DECISION,
                    "values": {"decision_due_soon_working_days": 10},
                }
            )
        )
        assert fed.province.publish("notifications") == 2

        def in_force() -> dict[str, Any]:
            query = NotificationRulesOfAuthority(authority_id="xa", on=date(2025, 11, 28))
            found: dict[str, Any] = commune.rules.in_force(query)["rules"]["decision_due_soon_working_days"]
            return found

        wait_until(lambda: in_force()["value"] == 10, what="the province's notification rule in xa")
        assert in_force() == {
            "value": 10,
            "origin": "received",
            "authority_id": "province",
            "effective_from": "2025-11-01",
            "legal_basis": DECISION,
            "source": province_source,
        }

        # A decision due on Friday 12 December in xa is reminded on Friday 28 November, 10 working days ahead.
        with commune.store.engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            SqlDeadlineBook(connection).track(Deadline("c-xa", DeadlineKind.DECISION_DUE, date(2025, 12, 12), "xa"))
        Subscriptions(SqlSubscriptions(commune.store)).subscribe(
            {"authority": "xa", "role": "organization_department", "channel": "feed", "target": "btc-xa"}
        )

        class Friday:
            def now(self) -> datetime:
                return datetime(2025, 11, 28, 2, 0, tzinfo=UTC)

        scheduler = notifications_bootstrap.deadline_scheduler(settings, commune.store, Friday())
        assert scheduler.evaluate().fired == 1

        # Nothing but the rules came down, and only to the rules' exchange; the province's read API
        # shows the down token only the rules.
        assert _drain(spy, "rules") == [(province_source, "RulesAdopted")]
        assert [s for s, _ in _drain(spy, "events") if s == province_source] == []
        page = HttpEventSource(fed.province.read_apis["notifications"], down_token).read_page(0, 100)
        assert [e.event_type for e in page.events] == ["RulesAdopted"]
        assert consumer.checkpoints() == {province_source: 2}
    finally:
        stop.set()
        thread.join(timeout=30)
        spy_connection.close()
        for app in (province, commune):
            app.store.engine.dispose()
