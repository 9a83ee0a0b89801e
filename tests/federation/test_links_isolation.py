"""Each link's credentials open only what the link needs; a commune's projection rebuilds."""

from __future__ import annotations

import amqp
import pytest

from coso_backbone.contracts.registry import AuthorityLevel
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.links.admin import apply_link
from coso_backbone.readapi import HttpEventSource
from tests.federation.harness import Federation, Reporting, admin, wait_for_federation, wait_until


def _connect(user: str, password: str, vhost: str) -> amqp.Connection:
    connection = amqp.Connection("127.0.0.1:5672", userid=user, password=password, virtual_host=vhost)
    connection.connect()
    return connection


def test_a_communes_link_credentials_cannot_read_a_sibling_nor_write_into_the_province(federation: Federation) -> None:
    fed = federation
    for link in fed.links.values():
        apply_link(link)
    wait_for_federation(admin(), fed.province.vhost, 4)
    a_link, b_link = fed.links["a"], fed.links["b"]
    b = fed.communes["b"]

    # Commune a's up user (the province reads a's exchanges with it) cannot enter b's vhost.
    with pytest.raises(amqp.exceptions.NotAllowed, match="access to vhost"):
        _connect(a_link.up_user, a_link.up.password, b.vhost)
    with pytest.raises(amqp.exceptions.NotAllowed, match="access to vhost"):
        _connect(a_link.down_user, a_link.down.password or "", b.vhost)
    # Commune a's down user (a's broker reads the province's hierarchy with it) can publish into
    # no exchange of the province...
    connection = _connect(a_link.down_user, a_link.down.password or "", fed.province.vhost)
    try:
        for exchange in ("admissions.events", "registry.events", a_link.link_exchange("admissions")):
            channel = connection.channel()
            channel.basic_publish(amqp.Message(b"{}"), exchange=exchange, routing_key="CandidateProposed")
            with pytest.raises(amqp.exceptions.AccessRefused, match=r"Basic.publish: \(403\) ACCESS_REFUSED"):
                channel.basic_qos(0, 1, False)  # any round trip reveals the refusal
        # ... nor read the federation queue that carries the hierarchy to b.
        b_queue = next(
            q["name"]
            for q in admin().get(f"/queues/{fed.province.vhost}")
            if q["name"].startswith("federation: registry.events") and b.vhost in q["name"]
        )
        with pytest.raises(amqp.exceptions.AccessRefused, match="ACCESS_REFUSED"):
            connection.channel().basic_get(b_queue)
    finally:
        connection.collect()

    # Through the read API: a's token does not open b's read API, and opens a's only as the
    # pseudonymous policy allows.
    with pytest.raises(EventSourceUnavailable, match="401"):
        HttpEventSource(b.read_apis["admissions"], a_link.up.read_api_token).info()
    a = fed.communes["a"]
    a.propose(4, "xa", personal_every=1)
    seen = HttpEventSource(a.read_apis["admissions"], a_link.up.read_api_token).read_page(0, 100)
    assert {e.event_type for e in seen.events} == {"CandidateProposed"}
    assert seen.scanned_to == 8
    everything = HttpEventSource(b.read_apis["admissions"], b_link.up.read_api_token).read_page(0, 100)
    assert everything.events == []  # b has recorded nothing yet


def test_a_communes_projection_restarted_from_empty_rebuilds_its_own_and_the_provinces_events(
    federation: Federation, postgres_url: str
) -> None:
    fed = federation
    a = fed.communes["a"]
    apply_link(fed.links["a"])
    fed.province.register_authority("province", None, AuthorityLevel.PROVINCE)
    a.register_authority("xa", "province", AuthorityLevel.COMMUNE)
    a.propose(300, "xa", personal_every=3)
    for stack, producer in ((fed.province, "registry"), (a, "registry"), (a, "admissions")):
        stack.publish(producer)
    # An empty database and new queues: none of the events above is in a queue of it.
    province_registry = {fed.province.source("registry"): {"url": fed.province.read_apis["registry"]}}
    reporting = Reporting(a, postgres_url, province_registry).start()
    try:
        wait_until(
            lambda: reporting.candidates() == {"xa": 300} and reporting.authorities() == {"province", "xa"},
            what="commune a's projection rebuilt from the read APIs",
        )
    finally:
        reporting.close()
