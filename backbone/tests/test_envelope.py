"""The CloudEvents envelope: AMQP binary mode and structured JSON, and what is malformed.

Unit tests: no database, no broker.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from coso_backbone.envelope import REQUIRED, Envelope
from coso_backbone.errors import MalformedMessage
from coso_backbone.events import RecordedEvent

SOURCE = "/coso/hn/registry"


def recorded(position: int = 42, data_json: str = '{"name":"Công ty Sông Hồng","employees":120}') -> RecordedEvent:
    return RecordedEvent(
        position=position,
        event_id="6f1c3c9e-1d7a-4a57-9f1e-0d7f0c1b2a33",
        stream_id="enterprise-7",
        stream_version=3,
        event_type="EnterpriseRegistered",
        event_version=2,
        authority="hn.ba-dinh",
        data_json=data_json,
        recorded_at=datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=UTC),
    )


def envelope() -> Envelope:
    return Envelope.from_recorded(recorded(), "registry", SOURCE)


def test_an_envelope_carries_the_recorded_event_as_cloudevents_attributes() -> None:
    headers = envelope().amqp_headers()

    assert headers == {
        "ce-id": "6f1c3c9e-1d7a-4a57-9f1e-0d7f0c1b2a33",
        "ce-source": SOURCE,
        "ce-type": "vn.coso.registry.EnterpriseRegistered.v2",
        "ce-specversion": "1.0",
        "ce-time": "2025-07-01T08:30:15.123456+00:00",
        "ce-subject": "enterprise-7",
        "ce-sequence": "42",
        "ce-authority": "hn.ba-dinh",
    }
    assert envelope().routing_key == "EnterpriseRegistered"


def test_an_envelope_is_made_from_every_field_and_stays_frozen() -> None:
    values = {field.name: f"value of {field.name}" for field in dataclasses.fields(Envelope)}
    made = Envelope(**values)  # type: ignore[arg-type]  # strings stand in for every field
    assert {name: getattr(made, name) for name in values} == values
    assert made == Envelope(**values) and hash(made) == hash(Envelope(**values))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.sequence = 7  # type: ignore[misc]
    moved = dataclasses.replace(made, sequence=7)
    assert moved.sequence == 7 and moved.id == made.id and made.sequence == "value of sequence"


def test_an_envelope_survives_a_round_trip_through_amqp_headers_and_body() -> None:
    original = envelope()

    received = Envelope.from_amqp(original.amqp_headers(), original.data_json.encode("utf-8"))

    assert received == original
    assert received.data == {"name": "Công ty Sông Hồng", "employees": 120}


def test_header_values_received_as_bytes_are_decoded() -> None:
    original = envelope()
    headers = {name: value.encode() for name, value in original.amqp_headers().items()}

    assert Envelope.from_amqp(headers, original.data_json) == original


def test_an_envelope_survives_a_round_trip_through_structured_json() -> None:
    original = envelope()

    document = json.loads(json.dumps(original.to_structured()))
    received = Envelope.from_structured(document)

    assert document["data"] == {"name": "Công ty Sông Hồng", "employees": 120}
    assert document["datacontenttype"] == "application/json"
    assert received == original


def test_the_same_event_is_identical_whether_it_arrives_by_amqp_or_by_the_read_api() -> None:
    original = envelope()

    by_amqp = Envelope.from_amqp(original.amqp_headers(), original.data_json.encode())
    by_read_api = Envelope.from_structured(json.loads(json.dumps(original.to_structured())))

    assert by_amqp == by_read_api
    assert by_amqp.data_json.encode() == by_read_api.data_json.encode()


@pytest.mark.parametrize("attribute", REQUIRED)
def test_a_message_without_a_required_header_is_malformed_and_the_header_is_named(attribute: str) -> None:
    headers = envelope().amqp_headers()
    del headers[f"ce-{attribute}"]

    with pytest.raises(MalformedMessage, match=f"ce-{attribute} is missing"):
        Envelope.from_amqp(headers, envelope().data_json)


def test_a_message_with_an_empty_header_is_malformed() -> None:
    headers = {**envelope().amqp_headers(), "ce-subject": ""}

    with pytest.raises(MalformedMessage, match="ce-subject is missing"):
        Envelope.from_amqp(headers, envelope().data_json)


def test_a_message_without_headers_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="ce-id is missing"):
        Envelope.from_amqp(None, b"{}")


@pytest.mark.parametrize(
    "ce_type",
    [
        "EnterpriseRegistered",
        "vn.coso.registry.EnterpriseRegistered",
        "org.other.registry.EnterpriseRegistered.v1",
        "vn.coso.registry.EnterpriseRegistered.2",
        "vn.coso.registry.EnterpriseRegistered.vtwo",
    ],
)
def test_a_message_with_a_bad_ce_type_is_malformed_and_names_ce_type(ce_type: str) -> None:
    headers = {**envelope().amqp_headers(), "ce-type": ce_type}

    with pytest.raises(MalformedMessage, match="ce-type"):
        Envelope.from_amqp(headers, envelope().data_json)


@pytest.mark.parametrize("sequence", ["forty-two", "4.2", "0", "-3"])
def test_a_message_with_a_bad_sequence_is_malformed_and_names_ce_sequence(sequence: str) -> None:
    headers = {**envelope().amqp_headers(), "ce-sequence": sequence}

    with pytest.raises(MalformedMessage, match="ce-sequence"):
        Envelope.from_amqp(headers, envelope().data_json)


def test_a_message_with_a_bad_time_is_malformed_and_names_ce_time() -> None:
    headers = {**envelope().amqp_headers(), "ce-time": "yesterday"}

    with pytest.raises(MalformedMessage, match="ce-time"):
        Envelope.from_amqp(headers, envelope().data_json)


def test_a_message_of_another_specversion_is_malformed() -> None:
    headers = {**envelope().amqp_headers(), "ce-specversion": "0.3"}

    with pytest.raises(MalformedMessage, match=r"specversion '0\.3' is not 1\.0"):
        Envelope.from_amqp(headers, envelope().data_json)


def test_a_body_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="body is not JSON"):
        Envelope.from_amqp(envelope().amqp_headers(), b"<xml/>")


def test_a_body_that_is_not_a_json_object_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="body is not a JSON object"):
        Envelope.from_amqp(envelope().amqp_headers(), b"[1, 2]")


def test_a_body_that_is_not_utf8_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="body is not UTF-8"):
        Envelope.from_amqp(envelope().amqp_headers(), b'{"name": "\xff\xfe"}')


@pytest.mark.parametrize("attribute", [*REQUIRED, "data"])
def test_a_structured_event_without_a_required_attribute_is_malformed_and_the_attribute_is_named(
    attribute: str,
) -> None:
    document = envelope().to_structured()
    del document[attribute]

    with pytest.raises(MalformedMessage, match=f"attribute {attribute} is missing"):
        Envelope.from_structured(document)


def test_a_structured_event_with_a_bad_sequence_is_malformed() -> None:
    document = {**envelope().to_structured(), "sequence": "next"}

    with pytest.raises(MalformedMessage, match="ce-sequence 'next' is not an integer"):
        Envelope.from_structured(document)
