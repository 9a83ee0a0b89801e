"""The published message contract: docs/asyncapi.yaml and docs/schemas/ are what the models
generate, valid AsyncAPI 3.0.0, and describe exactly what goes on the wire.

No I/O beyond reading the repository's docs/ and the official AsyncAPI 3.0.0 JSON Schema
kept in tests/data/ (see its README).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import Field, ValidationError

from coso_backbone import contracts
from coso_backbone.asyncapi import (
    build_document,
    cloudevents_headers_schema,
    contract_key,
    main,
    payload_schema,
    read_docs,
    render,
    schema_path,
    stale_files,
)
from coso_backbone.contracts import EventContract, all_contracts, ce_type, contract
from coso_backbone.envelope import REQUIRED, Envelope

REPOSITORY = Path(__file__).resolve().parents[2]
DOCS = REPOSITORY / "docs"
ASYNCAPI_3_SCHEMA = Path(__file__).parent / "data" / "asyncapi-3.0.0.schema.json"
REGENERATE = "regenerate with: .venv/bin/python -m coso_backbone.asyncapi"


@pytest.fixture(scope="module")
def asyncapi_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(ASYNCAPI_3_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture
def document() -> dict[str, Any]:
    return build_document()


def asyncapi_errors(validator: jsonschema.Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(document)]


def resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


def sample(schema: dict[str, Any], root: dict[str, Any], where: str = "") -> Any:
    """A value valid for a JSON Schema, built from examples, defaults, enums or types."""
    if "$ref" in schema:
        return sample(resolve_pointer(root, schema["$ref"]), root, where)
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            options = [o for o in schema[keyword] if o.get("type") != "null"] or schema[keyword]
            return sample(options[0], root, where)
    if "allOf" in schema:
        return sample(schema["allOf"][0], root, where)
    kind = schema.get("type")
    if kind == "object":
        return {name: sample(sub, root, f"{where}.{name}") for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema.get("items", {}), root, f"{where}[]")] * max(1, schema.get("minItems", 1))
    if kind == "string":
        if "pattern" in schema:
            pytest.fail(f"{where} has a pattern: give it examples=[...] so a valid sample can be built")
        by_format = {
            "date": "2025-07-01",
            "date-time": "2025-07-01T08:30:00+00:00",
            "uuid": "0b6c9f5e-8e0c-4c53-9d5e-0a7f2f8f1c11",
            "email": "chi-bo@example.org",
            "uri": "https://example.org/webhook",
        }
        text = by_format.get(schema.get("format", ""), "x")
        return text.ljust(schema.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        value = max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
        return value if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    pytest.fail(f"{where}: cannot build a sample for {schema}")


def valid_data(model: contracts.ContractType) -> dict[str, Any]:
    """A valid event of a contract, as the producer would put it on the wire."""
    schema = payload_schema(model)
    candidate = sample(schema, schema, contract_key(model))
    return model.model_validate(candidate).model_dump(mode="json")


def validate_against_component(document: dict[str, Any], key: str, instance: Any) -> None:
    """Validate with the hoisted schema, its references resolved inside the AsyncAPI document."""
    schema = {"$ref": f"#/components/schemas/{key}", "components": document["components"]}
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(instance)


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str, int], contracts.ContractType]:
    """The contract registry, copied, so a test can register contracts without leaking them."""
    contracts.load_all()
    registry = dict(contracts._REGISTRY)
    monkeypatch.setattr(contracts, "_REGISTRY", registry)
    return registry


# --- kept current ---------------------------------------------------------------------


def test_committed_docs_are_what_the_models_generate() -> None:
    stale = stale_files(render(), read_docs(DOCS))
    assert not stale, "docs/ does not match the contracts:\n  " + "\n  ".join(stale) + "\n" + REGENERATE


def test_check_command_passes_on_the_committed_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--docs", str(DOCS)]) == 0
    assert "current" in capsys.readouterr().out


def test_changing_a_model_makes_the_committed_docs_stale(scratch_registry: dict[Any, Any]) -> None:
    original = contracts.lookup("registry", "EnterpriseRegistered", 1)
    assert original is not None

    class EnterpriseRegistered(original):  # type: ignore[valid-type, misc]
        """A non-state enterprise (doanh nghiệp ngoài khu vực nhà nước) was registered."""

        province_code: str = Field(description="A field added without a new version")

    scratch_registry[("registry", "EnterpriseRegistered", 1)] = EnterpriseRegistered

    stale = stale_files(render(), read_docs(DOCS))

    assert stale == ["asyncapi.yaml (differs)", "schemas/registry.EnterpriseRegistered.v1.json (differs)"]


def test_stale_files_names_missing_changed_and_orphaned_files() -> None:
    expected = {"asyncapi.yaml": "a", "schemas/new.json": "n", "schemas/same.json": "s", "schemas/x.json": "b"}
    actual = {"asyncapi.yaml": "a", "schemas/same.json": "s", "schemas/x.json": "changed", "schemas/old.json": "o"}

    assert stale_files(expected, actual) == [
        "schemas/new.json (missing)",
        "schemas/old.json (no contract generates it)",
        "schemas/x.json (differs)",
    ]


def test_committed_yaml_reads_back_as_the_generated_document(document: dict[str, Any]) -> None:
    assert yaml.safe_load((DOCS / "asyncapi.yaml").read_text(encoding="utf-8")) == document


# --- every contract, exactly ------------------------------------------------------------


def test_every_registered_contract_is_a_message_with_its_exact_ce_type(document: dict[str, Any]) -> None:
    registered = list(all_contracts())
    assert registered, "no contract is registered"
    for model in registered:
        producer, name, version = model.event_producer, model.event_name, model.event_version
        message = document["components"]["messages"][f"{producer}.{name}.v{version}"]
        assert message["headers"]["properties"]["ce-type"]["const"] == ce_type(producer, name, version)
        assert message["name"] == name
        assert message["contentType"] == "application/json"
        assert message["bindings"]["amqp"]["contentEncoding"] == "utf-8"
        assert message["bindings"]["amqp"]["x-routing-key"] == name
        assert resolve_pointer(document, message["payload"]["$ref"])["title"] == model.__name__

        channel = document["channels"][f"{producer}.events"]
        assert channel["address"] == f"{producer}.events"
        assert channel["bindings"]["amqp"]["exchange"] == {
            "name": f"{producer}.events",
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": "/",
        }
        channel_ref = f"#/channels/{producer}.events/messages/{name}.v{version}"
        assert resolve_pointer(document, channel_ref) == {"$ref": f"#/components/messages/{producer}.{name}.v{version}"}

        operation = document["operations"][f"{producer}.publish"]
        assert operation["action"] == "send"
        assert operation["channel"] == {"$ref": f"#/channels/{producer}.events"}
        assert {"$ref": channel_ref} in operation["messages"]
        assert operation["bindings"]["amqp"]["deliveryMode"] == 2


def test_each_contract_has_its_schema_file(document: dict[str, Any]) -> None:
    files = render()
    assert set(files) == {"asyncapi.yaml"} | {schema_path(m) for m in all_contracts()}
    for model in all_contracts():
        assert json.loads(files[schema_path(model)]) == payload_schema(model)
        assert f"schemas/{model.event_producer}.{model.event_name}.v{model.event_version}.json" == schema_path(model)


def test_headers_schema_accepts_the_headers_the_envelope_really_sends(document: dict[str, Any]) -> None:
    model = contracts.lookup("registry", "EnterpriseRegistered", 1)
    assert model is not None
    envelope = Envelope(
        id="0b6c9f5e-8e0c-4c53-9d5e-0a7f2f8f1c11",
        source="/coso/hn.ba-dinh/registry",
        producer="registry",
        event_type="EnterpriseRegistered",
        version=1,
        time=datetime(2025, 7, 1, 8, 30, tzinfo=UTC),
        subject="enterprise-0101234567",
        sequence=42,
        authority="hn.ba-dinh",
        data_json=json.dumps(valid_data(model)),
    )
    headers = envelope.amqp_headers()
    schema = cloudevents_headers_schema(model)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())

    validator.validate(headers)
    assert set(schema["properties"]) == {f"ce-{name}" for name in REQUIRED} == set(headers)
    assert document["components"]["messages"][contract_key(model)]["headers"] == schema

    for wrong in (
        {"ce-type": "vn.coso.registry.EnterpriseRegistered.v2"},
        {"ce-sequence": "0"},
        {"ce-specversion": "0.3"},
    ):
        assert not validator.is_valid({**headers, **wrong}), wrong
    assert not validator.is_valid({k: v for k, v in headers.items() if k != "ce-authority"})


def test_dead_letter_exchange_is_documented_with_its_headers(document: dict[str, Any]) -> None:
    channel = document["channels"]["coso.dead-letters"]
    assert channel["bindings"]["amqp"]["exchange"]["type"] == "direct"
    message = resolve_pointer(document, channel["messages"]["DeadLetter"]["$ref"])
    assert set(message["headers"]["required"]) == {
        "x-coso-reason",
        "x-coso-consumer",
        "x-coso-original-exchange",
        "x-coso-original-routing-key",
        "x-coso-dead-lettered-at",
    }
    assert "x-coso-replay" in channel["description"]
    assert document["operations"]["coso.dead-letter"]["channel"] == {"$ref": "#/channels/coso.dead-letters"}


def test_info_explains_the_wire_contract(document: dict[str, Any]) -> None:
    info = document["info"]
    assert info["title"] == "coso message contract"
    for phrase in (
        "binary mode",
        '@event_handler("registry", "EnterpriseRegistered")',
        "`ce-source`",
        "`ce-sequence`",
        "GET /events?after=N&limit=M",
        "GET /events/info",
        "structured mode",
        "`.vN`",
        "coso.dead-letters",
        "cấp ủy",
        "phiên bản",
    ):
        assert phrase in info["description"], phrase


# --- valid AsyncAPI 3, valid JSON Schemas ------------------------------------------------


def test_document_is_valid_asyncapi_3(document: dict[str, Any], asyncapi_validator: jsonschema.Draft7Validator) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert asyncapi_errors(asyncapi_validator, document) == []


def test_asyncapi_validation_is_not_vacuous(
    document: dict[str, Any], asyncapi_validator: jsonschema.Draft7Validator
) -> None:
    broken = copy.deepcopy(document)
    message = next(iter(broken["components"]["messages"].values()))
    message["bindings"]["amqp"]["deliveryMode"] = 2  # the AMQP binding puts it on the operation
    broken["operations"]["registry.publish"]["action"] = "publish"  # AsyncAPI 2 wording

    errors = asyncapi_errors(asyncapi_validator, broken)

    assert any("operations/registry.publish" in e for e in errors), errors
    assert any(e.startswith("components/messages/") for e in errors), errors


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    refs = references(document)
    assert refs
    for ref in refs:
        assert resolve_pointer(document, ref) is not None, ref


def test_payload_schemas_are_valid_json_schemas(document: dict[str, Any]) -> None:
    for model in all_contracts():
        jsonschema.Draft202012Validator.check_schema(payload_schema(model))
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft7Validator.check_schema(schema)


def test_a_valid_event_of_each_contract_matches_its_published_schemas(document: dict[str, Any]) -> None:
    for model in all_contracts():
        data = valid_data(model)
        validator = jsonschema.Draft202012Validator(payload_schema(model), format_checker=jsonschema.FormatChecker())
        validator.validate(data)
        validate_against_component(document, contract_key(model), data)


def test_published_schemas_reject_what_the_models_reject(document: dict[str, Any]) -> None:
    for model in all_contracts():
        data = valid_data(model)
        schema = payload_schema(model)
        extra = {**data, "unexpected_field": 1}
        required = schema["required"][0]
        missing = {k: v for k, v in data.items() if k != required}
        for bad in (extra, missing):
            with pytest.raises(ValidationError):
                model.model_validate(bad)
            assert not jsonschema.Draft202012Validator(schema).is_valid(bad), (contract_key(model), bad)
            with pytest.raises(jsonschema.ValidationError):
                validate_against_component(document, contract_key(model), bad)


# --- new contracts are picked up ---------------------------------------------------------


def test_a_newly_registered_contract_is_published_without_touching_the_generator(
    scratch_registry: dict[Any, Any], asyncapi_validator: jsonschema.Draft7Validator
) -> None:
    class Ownership(StrEnum):  # same name as the registry's enum, another meaning
        STATE = "state"
        PRIVATE = "private"

    @contract("sample", "TargetMissed", 2)
    class TargetMissed(EventContract):
        """A plan target (chỉ tiêu) was missed at its deadline."""

        target_id: str
        ownership: Ownership
        shortfall: int = Field(ge=1)

    document = build_document()

    key = "sample.TargetMissed.v2"
    message = document["components"]["messages"][key]
    assert message["headers"]["properties"]["ce-type"]["const"] == "vn.coso.sample.TargetMissed.v2"
    assert message["summary"] == "A plan target (chỉ tiêu) was missed at its deadline."
    assert "TargetMissed.v2" in document["channels"]["sample.events"]["messages"]
    assert "sample.publish" in document["operations"]
    assert schema_path(TargetMissed) in render()
    assert asyncapi_errors(asyncapi_validator, document) == []

    # Two different schemas named Ownership: each contract refers to its own, qualified.
    schemas = document["components"]["schemas"]
    assert "Ownership" not in schemas
    assert schemas[key]["properties"]["ownership"] == {"$ref": f"#/components/schemas/{key}.Ownership"}
    assert schemas[f"{key}.Ownership"]["enum"] == ["state", "private"]
    registry_key = "registry.EnterpriseRegistered.v1"
    assert schemas[registry_key]["properties"]["ownership"] == {
        "$ref": f"#/components/schemas/{registry_key}.Ownership"
    }
    validate_against_component(document, key, valid_data(TargetMissed))

    # ...and the committed docs no longer match, naming the new schema file.
    assert f"{schema_path(TargetMissed)} (missing)" in stale_files(render(), read_docs(DOCS))


def test_a_message_without_a_docstring_still_gets_a_summary(document: dict[str, Any]) -> None:
    for model in all_contracts():
        summary = document["components"]["messages"][contract_key(model)]["summary"]
        assert summary and "\n" not in summary
