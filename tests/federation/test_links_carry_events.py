"""Communes' events reach the province's reporting through the links, by their policy."""

from __future__ import annotations

import time

import amqp

from coso_backbone.contracts.registry import AuthorityLevel
from coso_backbone.links.admin import apply_link
from tests.federation.harness import Federation, Reporting, admin, source_read_apis, wait_for_federation, wait_until


def _spy(vhost: str, exchange: str, queue: str) -> tuple[amqp.Connection, amqp.Channel]:
    connection = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
    connection.connect()
    channel = connection.channel()
    channel.queue_declare(queue, durable=False, auto_delete=False)
    channel.queue_bind(queue, exchange, "#")
    return connection, channel


def _drain(channel: amqp.Channel, queue: str) -> list[tuple[str, str]]:
    seen = []
    while (message := channel.basic_get(queue, no_ack=True)) is not None:
        seen.append((str(message.headers["ce-source"]), str(message.delivery_info["routing_key"])))
    return seen


def test_admissions_of_two_communes_reach_the_province_projection_by_each_links_policy(
    federation: Federation, postgres_url: str
) -> None:
    fed = federation
    for link in fed.links.values():
        apply_link(link)
    wait_for_federation(admin(), fed.province.vhost, 4)
    connection, spy = _spy(fed.province.vhost, "admissions.events", "spy")
    a, b = fed.communes["a"], fed.communes["b"]
    a.propose(50, "xa", personal_every=2)
    b.propose(30, "xb", personal_every=3)
    a.publish("admissions")
    b.publish("admissions")
    reporting = Reporting(fed.province, postgres_url, source_read_apis(*fed.links.values())).start()
    try:
        a_last = a.stores["admissions"].last_position()
        wait_until(
            lambda: (
                reporting.candidates() == {"xa": 50, "xb": 30}
                and reporting.consumer.checkpoints().get(a.source("admissions")) == a_last
            ),
            what="both communes' candidates in the province's projection",
        )
        # Commune a's link is pseudonymous: its personal data never reached the province, not
        # even a queue bound with '#'; commune b's link shares everything.
        arrived = _drain(spy, "spy")
        assert arrived.count((a.source("admissions"), "CandidateProposed")) == 50
        assert (a.source("admissions"), "PersonalDataRecorded") not in arrived
        assert arrived.count((b.source("admissions"), "PersonalDataRecorded")) == 10
        assert reporting.consumer.checkpoints()[b.source("admissions")] == b.stores["admissions"].last_position()
    finally:
        reporting.close()
        connection.close()


def test_the_province_hierarchy_goes_down_and_nothing_echoes_back(federation: Federation) -> None:
    fed = federation
    for link in fed.links.values():
        apply_link(link)
    for commune in fed.communes.values():
        wait_for_federation(admin(), commune.vhost, 2)
    wait_for_federation(admin(), fed.province.vhost, 4)
    a = fed.communes["a"]
    spies = {key: _spy(c.vhost, "registry.events", "spy") for key, c in fed.communes.items()}
    province_spy = _spy(fed.province.vhost, "registry.events", "spy")
    fed.province.register_authority("province", None, AuthorityLevel.PROVINCE)
    a.register_authority("xa", "province", AuthorityLevel.COMMUNE)
    fed.province.publish("registry")
    a.publish("registry")
    province, commune = fed.province.source("registry"), a.source("registry")
    wait_until(lambda: _count(spies["a"][1], "spy") >= 2, what="registry events in commune a")
    time.sleep(1.0)  # an echo, if there were one, would come within this time
    in_a = _drain(spies["a"][1], "spy")
    both = sorted([(province, "AuthorityRegistered"), (commune, "AuthorityRegistered")])
    assert sorted(in_a) == both
    assert _drain(spies["b"][1], "spy") == [(province, "AuthorityRegistered")]  # not a's own
    assert sorted(_drain(province_spy[1], "spy")) == sorted(
        [(province, "AuthorityRegistered"), (commune, "AuthorityRegistered")]
    )
    for connection, _ in [*spies.values(), province_spy]:
        connection.close()


def _count(channel: amqp.Channel, queue: str) -> int:
    return int(channel.queue_declare(queue, passive=True).message_count)
