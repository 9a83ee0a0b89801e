"""Links between stacks, without a broker: the link file, the pseudonymous policy, the read
API a link sees, and a consumer that moves past what a link withholds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from coso_backbone import contracts as contract_registry
from coso_backbone import readapi
from coso_backbone.config import SourceReadApi
from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.contracts import EventContract, all_contracts, contract
from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.handlers import EventHandlers
from coso_backbone.links.policy import PERSONAL_FIELDS, shared_events, withheld_events
from coso_backbone.links.spec import parse_links
from coso_backbone.readapi import ReadApiAccess, StoreEventSource, Unauthorized

LINK = """
links:
  - name: hn-ba-dinh
    superior: {deployment: hn, vhost: hn}
    lower:
      deployment: hn.ba-dinh
      vhost: hn.ba-dinh
      broker: amqp://10.0.5.20:5672
      read_apis: {admissions: "http://10.0.5.20:8102"}
    up: {password: "${UP_PASSWORD}", read_api_token: "${TOKEN:t0ken-of-the-link-0001}"}
    down: {password: secret-down}
"""


def test_a_link_file_gives_names_credentials_and_the_configuration_both_stacks_derive() -> None:
    link = parse_links(LINK, {"UP_PASSWORD": "secret-up"}).get("hn-ba-dinh")

    assert (link.up.policy, link.up.producers, link.down.producers) == (
        "pseudonymous",
        ["registry", "admissions"],
        ["registry", "reporting"],
    )
    assert (link.up_user, link.down_user, link.up.password) == (
        "coso-link.hn-ba-dinh.up",
        "coso-link.hn-ba-dinh.down",
        "secret-up",
    )
    assert link.link_exchange("admissions") == "link.hn-ba-dinh.admissions.events"
    assert link.source_read_apis() == {
        "/coso/hn.ba-dinh/admissions": {"url": "http://10.0.5.20:8102", "token": "t0ken-of-the-link-0001"}
    }
    assert link.read_api_access() == {"link": "hn-ba-dinh", "token": "t0ken-of-the-link-0001", "policy": "pseudonymous"}
    links = parse_links(LINK, {"UP_PASSWORD": "x"})
    assert links.service_settings("hn", "reporting") == {"source_read_apis": link.source_read_apis()}
    assert links.service_settings("hn.ba-dinh", "admissions") == {"read_api_links": [link.read_api_access()]}
    assert links.service_settings("hn.ba-dinh", "notifications") == {}


def test_the_lower_stack_catches_up_with_what_comes_down_through_the_superior_s_read_apis() -> None:
    text = LINK.replace(
        "superior: {deployment: hn, vhost: hn}",
        'superior: {deployment: hn, vhost: hn, read_apis: {reporting: "http://10.0.1.10:8103",'
        ' admissions: "http://10.0.1.10:8102"}}',
    ).replace("down: {password: secret-down}", 'down: {password: secret-down, read_api_token: "down-token-0001"}')
    links = parse_links(text, {"UP_PASSWORD": "x"})
    below = links.service_settings("hn.ba-dinh", "reporting")
    # Only what the link carries down (registry, reporting): not the superior's admissions...
    assert below == {
        "source_read_apis": {"/coso/hn/reporting": {"url": "http://10.0.1.10:8103", "token": "down-token-0001"}}
    }
    # ...but its rules, to the lower admissions alone (the superior's read API serves the down token
    # only RulesAdopted there).
    assert links.service_settings("hn.ba-dinh", "admissions")["source_read_apis"] == {
        "/coso/hn/reporting": {"url": "http://10.0.1.10:8103", "token": "down-token-0001"},
        "/coso/hn/admissions": {"url": "http://10.0.1.10:8102", "token": "down-token-0001"},
    }
    assert links.service_settings("hn", "reporting")["read_api_links"] == [
        {"link": "hn-ba-dinh", "token": "down-token-0001", "policy": "all"}
    ]
    assert links.service_settings("hn", "admissions")["read_api_links"] == [
        {"link": "hn-ba-dinh", "token": "down-token-0001", "policy": "rules"}
    ]
    assert links.service_settings("hn", "notifications")["read_api_links"][0]["policy"] == "rules"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda t: t.replace("password: secret-down", "producers: [registry]"), "down.password is required"),
        (
            lambda t: t.replace("vhost: hn.ba-dinh", "vhost: hn").replace("10.0.5.20:5672", "127.0.0.1:5672"),
            "one vhost",
        ),
        (lambda t: t.replace("name: hn-ba-dinh", "name: HN ba dinh"), "name"),
        (lambda t: t.replace("vhost: hn}", "vhost: hn, colour: red}"), "colour"),
        (lambda t: t + t.split("links:")[1], "unique"),
    ],
)
def test_a_link_file_that_breaks_a_rule_is_refused_with_the_rule(change: Callable[[str], str], complaint: str) -> None:
    with pytest.raises((ValidationError, ValueError), match=complaint):
        parse_links(change(LINK), {"UP_PASSWORD": "x"})


def test_the_pseudonymous_policy_withholds_every_event_that_can_carry_personal_data() -> None:
    for model in all_contracts():
        personal = [
            name
            for name, info in model.model_fields.items()
            if "personal data" in (info.description or "").lower() or name in PERSONAL_FIELDS
        ]
        if personal:
            assert model.event_name in withheld_events(model.event_producer), (model, personal)
    assert {"PersonalDataRecorded", "PersonalDataErased"} <= withheld_events("admissions")
    shared = shared_events("admissions", "pseudonymous") or []
    assert "CandidateProposed" in shared and "PersonalDataRecorded" not in shared
    assert shared_events("admissions", "all") is None


def test_the_pseudonymous_policy_lets_the_public_particulars_of_enterprises_and_offices_cross() -> None:
    shared = shared_events("registry", "pseudonymous") or []
    assert {"EnterpriseRegistered", "EnterpriseUpdated", "MassOrganizationFounded"} <= set(shared)
    assert "CandidateProposalSubmitted" in withheld_events("labour_federation")  # it names the person


@pytest.fixture
def secret(contracts: Any) -> Iterator[type[EventContract]]:
    """A second event of the test producer that a link's policy withholds."""

    @contract(contracts.producer, "Secret", 1)
    class Secret(EventContract):
        stream: str

    yield Secret
    contract_registry._REGISTRY.pop((contracts.producer, "Secret", 1), None)


def _seed_with_secrets(store: EventStore, contracts: Any, secret: Any) -> None:
    """Positions 1..8: Counted at 1, 3, 4, 6; Secret at 2, 5, 7, 8."""
    kinds = ["c", "s", "c", "c", "s", "c", "s", "s"]
    appends = []
    for i, kind in enumerate(kinds, start=1):
        event = contracts.v1(f"s{i}", i) if kind == "c" else secret(stream=f"s{i}").to_new_event("hn")
        appends.append(StreamAppend(f"s{i}", 0, [event]))
    store.append_many(appends)


def not_secret(name: str) -> bool:
    return name != "Secret"


def test_a_filtered_page_serves_only_shared_events_and_says_how_far_it_scanned(
    contracts: Any, secret: Any, engines: Callable[[str], Engine], sqlite_url: str
) -> None:
    store = EventStore(engines(sqlite_url))
    _seed_with_secrets(store, contracts, secret)

    first = readapi.page(store, contracts.producer, "/coso/x/p", after=0, limit=2, shared=not_secret)
    rest = readapi.page(store, contracts.producer, "/coso/x/p", after=3, limit=10, shared=not_secret)
    unfiltered = readapi.page(store, contracts.producer, "/coso/x/p", after=0, limit=3)

    assert ([e["sequence"] for e in first["events"]], first["scanned_to"]) == (["1", "3"], 3)
    assert ([e["sequence"] for e in rest["events"]], rest["scanned_to"]) == (["4", "6"], 8)
    assert ([e["sequence"] for e in unfiltered["events"]], unfiltered["scanned_to"]) == (["1", "2", "3"], 3)


def test_read_api_access_serves_a_link_by_its_token_and_refuses_unknown_tokens() -> None:
    access = ReadApiAccess([readapi.LinkToken("hn-ba-dinh", "t0ken-of-the-link-0001", not_secret)], open=False)

    assert access.filter_for("Bearer t0ken-of-the-link-0001") is not_secret
    for header in (None, "", "Bearer wrong", "Basic dXNlcjpwdw=="):
        with pytest.raises(Unauthorized):
            access.filter_for(header)
    assert ReadApiAccess([], open=True).filter_for(None) is None


def _consumer(engine: Engine, contracts: Any, store: EventStore, applied: list[int], **options: Any) -> Consumer:
    source = "/coso/lower/" + contracts.producer
    handlers = EventHandlers().on(contracts.counted_v1, lambda connection, envelope, data: applied.append(data.n))
    return Consumer(
        "links",
        engine,
        handlers,
        _NoLetters(),
        source_read_apis={source: SourceReadApi(url="http://lower", token="t0ken-of-the-link-0001")},
        event_source_factory=lambda url, token: StoreEventSource(store, contracts.producer, source, not_secret),
        **options,
    )


class _NoLetters:
    def send(self, letters: list[Any]) -> None:
        raise AssertionError(f"nothing should be dead-lettered: {letters}")


def test_a_consumer_fills_gaps_and_moves_past_the_positions_a_links_policy_withholds(
    contracts: Any, secret: Any, engines: Callable[[str], Engine], sqlite_url: str, consumer_sqlite_url: str
) -> None:
    store = EventStore(engines(sqlite_url))
    _seed_with_secrets(store, contracts, secret)
    applied: list[int] = []
    # Pages of one event, so that each gap is filled on its own.
    consumer = _consumer(engines(consumer_sqlite_url), contracts, store, applied, page_size=1)
    source = "/coso/lower/" + contracts.producer
    # Through the link only the shared events arrive: 1, 3, 4, 6 (a gap after each secret).
    delivered = [
        Incoming.from_catch_up(Envelope.from_recorded(e, contracts.producer, source))
        for e in store.read_after(0, 100)
        if e.event_type == "Counted"
    ]

    consumer.apply(delivered[:1])
    consumer.apply(delivered[1:])
    assert applied == [1, 3, 4, 6]
    assert consumer.checkpoints() == {source: 6}

    consumer.catch_up()  # the trailing secrets (7, 8) are passed over, nothing applied twice
    assert consumer.checkpoints() == {source: 8}
    assert applied == [1, 3, 4, 6]


def test_a_consumer_applies_only_the_sources_it_accepts(
    contracts: Any, secret: Any, engines: Callable[[str], Engine], sqlite_url: str, consumer_sqlite_url: str
) -> None:
    store = EventStore(engines(sqlite_url))
    _seed_with_secrets(store, contracts, secret)
    applied: list[int] = []
    consumer = _consumer(
        engines(consumer_sqlite_url), contracts, store, applied, accept_sources=["/coso/hn/*", "/coso/other/*"]
    )
    envelope = Envelope.from_recorded(store.read_after(0, 1)[0], contracts.producer, "/coso/lower/x")

    outcome = consumer.apply([Incoming.from_catch_up(envelope)])
    consumer.catch_up()

    assert (outcome.skipped, applied, consumer.checkpoints()) == (1, [], {})


def test_a_consumer_never_applies_a_source_it_rejects_not_even_through_catch_up(
    contracts: Any, secret: Any, engines: Callable[[str], Engine], sqlite_url: str, consumer_sqlite_url: str
) -> None:
    """`reject_sources` (e.g. a service's own ce-source, for the consumer of what other
    deployments publish on the same exchange) wins over `accept_sources`' default of all."""
    store = EventStore(engines(sqlite_url))
    _seed_with_secrets(store, contracts, secret)
    applied: list[int] = []
    consumer = _consumer(engines(consumer_sqlite_url), contracts, store, applied, reject_sources=["/coso/lower/*"])
    envelope = Envelope.from_recorded(store.read_after(0, 1)[0], contracts.producer, "/coso/lower/x")

    outcome = consumer.apply([Incoming.from_catch_up(envelope)])
    consumer.catch_up()

    assert (outcome.skipped, applied, consumer.checkpoints()) == (1, [], {})


def test_a_linked_source_whose_read_api_is_down_does_not_hold_back_the_other_sources(
    contracts: Any, secret: Any, engines: Callable[[str], Engine], sqlite_url: str, consumer_sqlite_url: str
) -> None:
    store = EventStore(engines(sqlite_url))
    _seed_with_secrets(store, contracts, secret)
    applied: list[int] = []
    handlers = EventHandlers().on(contracts.counted_v1, lambda connection, envelope, data: applied.append(data.n))
    linked, local = "/coso/lower/x", "/coso/here/x"

    def unreachable(url: str, token: str | None = None) -> Any:
        raise EventSourceUnavailable(f"{url}: connection refused")

    consumer = Consumer(
        "links",
        engines(consumer_sqlite_url),
        handlers,
        _NoLetters(),
        source_read_apis={linked: SourceReadApi(url="http://lower", token="t0ken-of-the-link-0001")},
        event_source_factory=unreachable,
    )
    recorded = [e for e in store.read_after(0, 100) if e.event_type == "Counted"]  # positions 1, 3, 4, 6
    arriving = [
        Incoming.from_catch_up(Envelope.from_recorded(recorded[0], contracts.producer, linked)),
        Incoming.from_catch_up(Envelope.from_recorded(recorded[1], contracts.producer, linked)),  # a gap at 2
        Incoming.from_catch_up(Envelope.from_recorded(store.read_after(0, 1)[0], contracts.producer, local)),
    ]

    outcome = consumer.apply(arriving)

    assert outcome.unavailable == [linked]
    assert applied == [1, 1]  # the linked source's first event, and the local source's
    assert consumer.checkpoints() == {linked: 1, local: 1}
