"""The admissions worker against the real RabbitMQ.

Registry events come from a separate registry-side event store, published by a real
`OutboxRelay` under a source unique to the test (services never import each other, so the
events are built from the shared contracts). Queues are named after the test's run_id and
deleted afterwards; the shared `registry.events` and `admissions.events` exchanges stay.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import amqp
import pytest

from coso_admissions import bootstrap
from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_admissions.domain.errors import UnknownEnterprise
from coso_backbone import wiring
from coso_backbone.broker import (
    DEAD_LETTER_EXCHANGE,
    ConfirmingPublisher,
    consumer_queue,
    dead_letter_queue,
    declare_events_exchange,
    open_channel,
)
from coso_backbone.consumer import ConsumerLoop
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_backbone.database import create_database_engine
from coso_backbone.deadletters import list_dead_letters
from coso_backbone.eventstore import EventStore
from coso_backbone.migrate import upgrade_backbone
from coso_backbone.relay import OutboxRelay
from coso_backbone.testing import wait_until

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def run_in_background() -> Iterator[Callable[[Callable[[threading.Event], None]], None]]:
    running: list[tuple[threading.Event, threading.Thread]] = []

    def start(loop: Callable[[threading.Event], None]) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=loop, args=(stop,), daemon=True)
        thread.start()
        running.append((stop, thread))

    yield start
    for stop, _ in running:
        stop.set()
    for _, thread in running:
        thread.join(timeout=15)
        assert not thread.is_alive(), "a worker loop did not stop"


@pytest.fixture
def queues(amqp_uri: str) -> Iterator[list[tuple[str, str | None]]]:
    """(queue, dead-letter routing key or None) to delete after the test."""
    created: list[tuple[str, str | None]] = []
    yield created
    connection, channel = open_channel(amqp_uri)
    try:
        for queue, dead_letter_key in created:
            if dead_letter_key is not None:
                channel.queue_unbind(queue, DEAD_LETTER_EXCHANGE, dead_letter_key)
            channel.queue_delete(queue)
    finally:
        connection.release()


def registry_store_with(tmp_path: Path, authority_id: str, enterprise_id: str) -> EventStore:
    """The registry's side: its own event store holding an authority and an enterprise."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    upgrade_backbone(engine)
    store = EventStore(engine)
    authority = AuthorityRegistered(
        authority_id=authority_id,
        name="Đảng ủy các khu công nghiệp Hà Nội",
        level=AuthorityLevel.INDUSTRIAL_ZONE,
        parent_id="hn",
        effective_from=date(2025, 7, 1),
    )
    enterprise = EnterpriseRegistered(
        enterprise_id=enterprise_id,
        tax_code="0100109106",
        name="Công ty TNHH Minh Phát",
        authority_id=authority_id,
        ownership=Ownership.FOREIGN_INVESTED,
        worker_count=1200,
        registered_on=date(2024, 3, 12),
    )
    store.append(f"authority-{authority_id}", 0, [authority.to_new_event(authority_id)])
    store.append(f"enterprise-{enterprise_id}", 0, [enterprise.to_new_event(authority_id)])
    return store


def test_an_enterprise_published_by_the_registry_relay_reaches_admissions_after_which_proposing_succeeds(
    admissions_on, postgres_url: str, tmp_path: Path, amqp_uri: str, run_id: str, run_in_background, queues
) -> None:
    app = admissions_on(postgres_url)
    authority_id, enterprise_id = f"hn.kcn-{run_id}", f"ent-{run_id}"
    registry_store = registry_store_with(tmp_path, authority_id, enterprise_id)
    consumer_name = f"{run_id}-admissions"
    consumer = bootstrap.registry_consumer(app.settings, app.store, name=consumer_name)
    loop = ConsumerLoop(consumer, amqp_uri, bootstrap.CONSUMED_PRODUCERS)
    queues.extend(
        [(consumer_queue(consumer_name, "registry"), None), (dead_letter_queue(consumer_name), consumer_name)]
    )
    loop.declare()
    proposal = ProposeCandidate(
        enterprise_id=enterprise_id,
        source_channel="industrial_zone_committee",
        job_category="production_worker",
        proposed_on="2025-09-01",
    )
    with pytest.raises(UnknownEnterprise):
        app.admissions.propose_candidate(proposal)

    run_in_background(loop.run)
    source = f"/coso/{run_id}/registry"
    publisher = ConfirmingPublisher(amqp_uri, "registry")
    try:
        assert OutboxRelay(registry_store, publisher, "registry", source).publish_pending() == 2
    finally:
        publisher.close()
    wait_until(lambda: consumer.checkpoints().get(source) == 2, "admissions to apply the registry's two events")

    answer = app.admissions.propose_candidate(proposal)

    [event] = app.store.read_after(0)
    assert (event.event_type, event.authority) == ("CandidateProposed", authority_id)
    assert app.admissions.candidate(answer["candidate_id"])["enterprise_name"] == "Công ty TNHH Minh Phát"
    registry_store.engine.dispose()


def test_the_worker_relay_publishes_candidate_proposed_with_its_authority_and_no_personal_data(
    admissions_on, announcements_for, sqlite_url: str, amqp_uri: str, run_id: str, run_in_background, queues
) -> None:
    app = admissions_on(sqlite_url)
    registry = announcements_for(app)
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    probe = f"{run_id}-probe"
    queues.append((probe, None))
    connection, channel = open_channel(amqp_uri)
    try:
        declare_events_exchange(channel, "admissions")
        channel.queue_declare(probe, durable=False, auto_delete=False)
        channel.queue_bind(probe, "admissions.events", "CandidateProposed")
        answer = app.admissions.propose_candidate(
            ProposeCandidate(
                enterprise_id="ent-minh-phat",
                source_channel="enterprise_owner",
                job_category="owner",
                proposed_on="2025-09-01",
                display_ref="DN-17",
            )
        )
        name, relay = wiring.relay_loop(app.settings, app.store)
        run_in_background(relay)

        def our_message() -> Any:
            while (message := channel.basic_get(probe, no_ack=True)) is not None:
                if message.headers.get("ce-source") == app.settings.source:
                    return message
            return None

        message = wait_until(our_message, "the relay to publish CandidateProposed")
    finally:
        connection.release()

    assert name == "relay"
    assert message.headers["ce-type"] == "vn.coso.admissions.CandidateProposed.v1"
    assert message.headers["ce-authority"] == "hn.kcn-thang-long"
    assert message.headers["ce-subject"] == f"candidate-{answer['candidate_id']}"
    assert json.loads(message.body) == {
        "candidate_id": answer["candidate_id"],
        "enterprise_id": "ent-minh-phat",
        "authority_id": "hn.kcn-thang-long",
        "source_channel": "enterprise_owner",
        "job_category": "owner",
        "proposed_on": "2025-09-01",
        "display_ref": "DN-17",
    }


def test_the_worker_runs_the_relay_the_registry_consumer_and_the_federation_inbox(
    settings_for, sqlite_url: str
) -> None:
    loops = bootstrap.worker_loops(settings_for(sqlite_url))

    assert [name for name, _ in loops] == ["relay", "consumer:admissions", "inbox:labour_federation"]


def test_personal_data_leaves_admissions_only_as_ciphertext(
    admissions_on, announcements_for, sqlite_url: str, amqp_uri: str, run_id: str, run_in_background, queues
) -> None:
    app = admissions_on(sqlite_url)
    registry = announcements_for(app)
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    probe = f"{run_id}-personal-probe"
    queues.append((probe, None))
    connection, channel = open_channel(amqp_uri)
    try:
        declare_events_exchange(channel, "admissions")
        channel.queue_declare(probe, durable=False, auto_delete=False)
        channel.queue_bind(probe, "admissions.events", "PersonalDataRecorded")
        app.admissions.propose_candidate(
            ProposeCandidate.model_validate(
                {
                    "enterprise_id": "ent-minh-phat",
                    "source_channel": "youth_union",
                    "job_category": "technician",
                    "proposed_on": "2025-09-01",
                    "personal": {
                        "full_name": "Lê Văn Cường",
                        "birth_date": "1995-02-03",
                        "national_id": "001095000111",
                    },
                }
            )
        )
        run_in_background(wiring.relay_loop(app.settings, app.store)[1])

        def our_message() -> Any:
            while (message := channel.basic_get(probe, no_ack=True)) is not None:
                if message.headers.get("ce-source") == app.settings.source:
                    return message
            return None

        message = wait_until(our_message, "the relay to publish PersonalDataRecorded")
    finally:
        connection.release()

    body = message.body.decode() if isinstance(message.body, bytes) else message.body
    assert set(json.loads(body)) == {"candidate_id", "authority_id", "recorded_on", "sealed"}
    for secret in ("Lê Văn Cường", "Cường", "1995-02-03", "001095000111"):
        assert secret not in body


def test_federation_proposals_are_validated_on_arrival_and_bad_ones_dead_lettered_with_the_reason(
    admissions_on, announcements_for, sqlite_url: str, amqp_uri: str, run_id: str, run_in_background, queues
) -> None:
    app = admissions_on(sqlite_url)
    registry = announcements_for(app)
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long", tax_code="0100109106"))
    name = f"{run_id}-admissions"
    inbox = bootstrap.federation_inbox(app.settings, app, name=name)
    queues.extend([(inbox.queue, None), (dead_letter_queue(name), name)])
    good = {
        "proposal_id": f"{run_id}-p1",
        "federation": "ldld-ha-noi",
        "enterprise_tax_code": "0100109106",
        "job_category": "production_worker",
        "proposed_on": "2025-09-01",
        "full_name": "Trịnh Văn Dũng",
        "birth_date": "1996-07-08",
    }
    bad = [
        b"not json",
        json.dumps({**good, "proposal_id": f"{run_id}-p2", "job_category": "astronaut"}).encode(),
        json.dumps({**good, "proposal_id": f"{run_id}-p3", "enterprise_tax_code": "0109999999"}).encode(),
    ]
    connection, channel = open_channel(amqp_uri)
    try:
        inbox.declare(channel)
        for body in [json.dumps(good).encode(), *bad, json.dumps(good).encode()]:  # the good one twice
            channel.basic_publish(
                amqp.Message(body, content_type="application/json"),
                exchange="labour_federation.events",
                routing_key="CandidateProposalSubmitted",
            )
    finally:
        connection.release()

    run_in_background(inbox.run)
    wait_until(lambda: inbox.applied + inbox.refused == 5, "the inbox to take the five messages")

    assert (inbox.applied, inbox.refused) == (2, 3)
    [candidate] = app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))
    shown = app.admissions.candidate(candidate["candidate_id"])
    assert (shown["source_channel"], shown["personal"]["full_name"]) == ("labour_federation", "Trịnh Văn Dũng")
    reasons = [letter.reason for letter in list_dead_letters(amqp_uri, name)]
    assert reasons[0].startswith("body is not JSON")
    assert reasons[1].startswith("job_category: Input should be")
    assert reasons[2].startswith("enterprise_tax_code: enterprise 0109999999 is not known")


def test_a_refused_federation_proposal_is_dead_lettered_without_its_name_or_national_id(
    admissions_on, sqlite_url: str, amqp_uri: str, run_id: str, run_in_background, queues
) -> None:
    app = admissions_on(sqlite_url)
    name = f"{run_id}-admissions-withheld"
    inbox = bootstrap.federation_inbox(app.settings, app, name=name)
    queues.extend([(inbox.queue, None), (dead_letter_queue(name), name)])
    refused = {  # the enterprise is unknown here, so the proposal is refused by a rule
        "proposal_id": f"{run_id}-p-withheld",
        "federation": "ldld-ha-noi",
        "enterprise_tax_code": "0109999999",
        "job_category": "production_worker",
        "proposed_on": "2025-09-01",
        "full_name": "Lê Thị Hồng Nhung",
        "birth_date": "1994-02-17",
        "national_id": "001194012345",
    }
    unparsable = b"not json, Le Thi Hong Nhung 001194012345"
    connection, channel = open_channel(amqp_uri)
    try:
        inbox.declare(channel)
        for body in [json.dumps(refused).encode(), unparsable]:
            channel.basic_publish(
                amqp.Message(body, content_type="application/json"),
                exchange="labour_federation.events",
                routing_key="CandidateProposalSubmitted",
            )
    finally:
        connection.release()

    run_in_background(inbox.run)
    wait_until(lambda: inbox.refused == 2, "the inbox to refuse both messages")

    connection, channel = open_channel(amqp_uri)
    try:  # the dead-letter queue's own copies, read without acknowledging
        copies = [channel.basic_get(dead_letter_queue(name), no_ack=False) for _ in range(2)]
        channel.close()
    finally:
        connection.release()
    assert all(copy is not None for copy in copies)
    for copy in copies:
        kept = copy.body.decode() + json.dumps(copy.headers, ensure_ascii=False, default=str)
        for personal in ("Lê Thị Hồng Nhung", "Le Thi Hong Nhung", "1994-02-17", "001194012345"):
            assert personal not in kept
    first, second = (json.loads(copy.body) for copy in copies)
    assert first["proposal_id"] == refused["proposal_id"]
    assert (first["full_name"], first["birth_date"], first["national_id"]) == ("[withheld]",) * 3
    assert second == {"withheld": "unparsable message", "size": len(unparsable)}
    reasons = [letter.reason for letter in list_dead_letters(amqp_uri, name)]
    assert reasons[0].startswith("enterprise_tax_code: enterprise 0109999999 is not known")
    assert all(reason.endswith("(personal fields withheld)") for reason in reasons)
