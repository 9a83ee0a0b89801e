"""The published message contract, generated: an AsyncAPI 3.0.0 document and JSON Schemas.

Integrating agencies read `docs/asyncapi.yaml` and `docs/schemas/<producer>.<Event>.v<N>.json`.
Both are generated from the pydantic models registered in `coso_backbone.contracts` (every
registered model, none listed here), so what agencies read is what the code validates.

    python -m coso_backbone.asyncapi            # (re)write docs/
    python -m coso_backbone.asyncapi --check    # exit 1, naming the stale files, if docs/ is behind

`backbone/tests/test_asyncapi.py` fails when a model changes and docs/ was not regenerated.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import yaml

from coso_backbone.broker import DEAD_LETTER_EXCHANGE, events_exchange
from coso_backbone.contracts import ContractType, all_contracts, ce_type, schema_of
from coso_backbone.deadletters import (
    CONSUMER,
    DEAD_LETTERED_AT,
    ORIGINAL_EXCHANGE,
    ORIGINAL_ROUTING_KEY,
    REASON,
    REPLAY,
)
from coso_backbone.envelope import CONTENT_TYPE, REQUIRED, SPECVERSION
from coso_backbone.readapi import MAX_PAGE

ASYNCAPI_VERSION = "3.0.0"
AMQP_BINDING_VERSION = "0.3.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PACKAGE = "coso-backbone"
DOCUMENT_FILE = "asyncapi.yaml"
SCHEMAS_DIR = "schemas"
CONTENT_ENCODING = "utf-8"
PERSISTENT = 2
DEAD_LETTER_CHANNEL = DEAD_LETTER_EXCHANGE

_DEFS_REF = "#/$defs/"
_COMPONENT_SCHEMA_REF = "#/components/schemas/"
# Keywords whose values are data, not schemas: a "$ref" inside them is left alone.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})

TITLE = "coso message contract"

DESCRIPTION = f"""\
The events that coso's services publish on RabbitMQ: one message per event type
(loại sự kiện) and version (phiên bản). Generated from the pydantic models in
`coso_backbone.contracts` by `python -m coso_backbone.asyncapi`; do not edit by hand. The
payload of each message is also published alone as a JSON Schema (Draft 2020-12) in
`docs/schemas/<producer>.<Event>.v<N>.json`.

## Binary-mode CloudEvents 1.0
Every message is one CloudEvents 1.0 event in AMQP binary mode. Its attributes travel as
AMQP application headers: `ce-id`, `ce-source`, `ce-type`, `ce-specversion` (`1.0`),
`ce-time`, `ce-subject`, and the coso extensions `ce-sequence` (the event's position in
its source) and `ce-authority` (the authority, cấp ủy, the event belongs to). The body is
the event data alone, UTF-8 JSON (`{CONTENT_TYPE}`), exactly the message's payload schema.
`ce-type` is `vn.coso.<producer>.<Event>.v<N>`; the AMQP `message-id` property repeats
`ce-id`.

## Exchanges and routing keys
Each producer publishes to its own durable topic exchange `<producer>.events` (vhost `/`
unless an authority's deployment says otherwise), persistently (delivery mode 2) and with
publisher confirms, only after the transaction that recorded the event has committed. The
routing key is the event name without its version, so a plain nameko
`@event_handler("registry", "EnterpriseRegistered")` receives the data unchanged as its
payload (the `ce-*` headers are in the worker context data), and a plain AMQP consumer
binds its own queue with event names or `#`.

## Ordering and de-duplication
Delivery is at least once and may reorder. `ce-source` (`/coso/<deployment>/<producer>`,
one per deployment of an authority) names the source; `ce-sequence` is a decimal string,
the event's gap-free position in that source's event store, counting all of its event
types. Keep, per `ce-source`, the last sequence you applied, in the same transaction as
your own change: a sequence at or below it is a duplicate to skip; the next one is
applied; a higher one means you missed events: catch up first.

## Catch-up: the read API
Each producing service serves its event store over HTTP. `GET /events/info` answers
`{{"producer", "source", "last_position"}}`. `GET /events?after=N&limit=M` answers
`{{"source", "events": [...]}}` with up to M (1 to {MAX_PAGE}) events after position N, in
order, each in CloudEvents structured mode JSON (`specversion`, `id`, `source`, `type`,
`time`, `subject`, `sequence`, `authority`, `datacontenttype`, `data`): the same event
as on the wire. A new consumer, or one that was down, reads pages from its last applied
position until a page is empty, then follows the exchange.

## Versioning (phiên bản)
A contract is (producer, event, version), and a published version keeps its shape. A new
incompatible shape, one that old consumers would reject or that would reject old messages
(payload schemas are closed: `additionalProperties: false`), is published as a new
version `.vN` of the event: the same event name and routing key, a new `ce-type`. A
consumer that receives a version it does not know sends it, with the reason, to the
dead-letter exchange `{DEAD_LETTER_EXCHANGE}` instead of guessing, and replays it once
upgraded.
"""


# --- names ----------------------------------------------------------------------------


def contract_key(model: ContractType) -> str:
    """`<producer>.<Event>.v<N>`: the id of a contract in the document and its schema file."""
    return f"{model.event_producer}.{model.event_name}.v{model.event_version}"


def schema_path(model: ContractType) -> str:
    """Where a contract's JSON Schema is published, relative to docs/."""
    return f"{SCHEMAS_DIR}/{contract_key(model)}.json"


def model_ce_type(model: ContractType) -> str:
    return ce_type(model.event_producer, model.event_name, model.event_version)


def _channel_message_id(model: ContractType) -> str:
    return f"{model.event_name}.v{model.event_version}"


# --- the standalone JSON Schemas ---------------------------------------------------------


def payload_schema(model: ContractType) -> dict[str, Any]:
    """A contract's payload as a self-contained Draft 2020-12 JSON Schema (what docs/schemas/ holds)."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$comment": (
            f"Data of the CloudEvents type {model_ce_type(model)}, routing key {model.event_name} on "
            f"exchange {events_exchange(model.event_producer)}. Generated from coso_backbone.contracts; "
            "do not edit."
        ),
        **schema_of(model),
    }


# --- the AsyncAPI document ---------------------------------------------------------------


def build_document(models: Iterable[ContractType] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every registered contract (or of `models`)."""
    chosen = list(all_contracts() if models is None else models)
    producers = sorted({model.event_producer for model in chosen})
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for producer in producers:
        own = [model for model in chosen if model.event_producer == producer]
        channel_id = events_exchange(producer)
        channels[channel_id] = _producer_channel(producer, own)
        operations[f"{producer}.publish"] = _producer_operation(producer, own)
    channels[DEAD_LETTER_CHANNEL] = _dead_letter_channel()
    operations["coso.dead-letter"] = _dead_letter_operation()

    messages: dict[str, Any] = {contract_key(model): _message(model) for model in chosen}
    messages[_DEAD_LETTER_MESSAGE] = _dead_letter_message()

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": package_version(PACKAGE),
            "description": DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": _component_schemas(chosen),
            "messages": messages,
        },
    }


def _producer_channel(producer: str, models: Sequence[ContractType]) -> dict[str, Any]:
    exchange = events_exchange(producer)
    return {
        "address": exchange,
        "title": f"{producer} events",
        "description": (
            f"Durable topic exchange of the {producer} service. Routing key = event name; "
            f'a nameko `@event_handler("{producer}", "<Event>")` or any queue bound to `{exchange}` '
            "receives the event data as the body and the CloudEvents attributes as `ce-*` headers."
        ),
        "messages": {
            _channel_message_id(model): {"$ref": f"#/components/messages/{contract_key(model)}"} for model in models
        },
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {"name": exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"},
                "bindingVersion": AMQP_BINDING_VERSION,
            }
        },
    }


def _producer_operation(producer: str, models: Sequence[ContractType]) -> dict[str, Any]:
    channel_id = events_exchange(producer)
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "title": f"{producer} publishes its events",
        "summary": f"The {producer} service publishes each committed event once it is recorded, in position order.",
        "description": (
            "Published from the transactional outbox with publisher confirms: no event is published that was "
            "not committed, and none committed is lost. Delivery is at least once: de-duplicate by "
            "`ce-source` + `ce-sequence`."
        ),
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/{_channel_message_id(model)}"} for model in models],
        "bindings": {"amqp": {"deliveryMode": PERSISTENT, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _docstring_parts(model: ContractType) -> tuple[str | None, str | None]:
    """(summary, rest) from the model's own docstring; a base class's docstring does not count."""
    raw = model.__dict__.get("__doc__")
    if not raw:
        return None, None
    paragraphs = [" ".join(p.split()) for p in inspect.cleandoc(raw).split("\n\n") if p.strip()]
    if not paragraphs:
        return None, None
    return paragraphs[0], "\n\n".join(paragraphs[1:]) or None


def _message(model: ContractType) -> dict[str, Any]:
    summary, details = _docstring_parts(model)
    where = (
        f"Routing key `{model.event_name}` on exchange `{events_exchange(model.event_producer)}`; "
        f"`ce-type` `{model_ce_type(model)}`."
    )
    return {
        "name": model.event_name,
        "title": f"{model.event_name} v{model.event_version}",
        "summary": summary
        or f"{model.event_name}, version {model.event_version}, published by {model.event_producer}.",
        "description": f"{details}\n\n{where}" if details else where,
        "contentType": CONTENT_TYPE,
        "headers": cloudevents_headers_schema(model),
        "payload": {"$ref": f"{_COMPONENT_SCHEMA_REF}{contract_key(model)}"},
        "bindings": {
            "amqp": {
                "contentEncoding": CONTENT_ENCODING,
                "x-routing-key": model.event_name,
                "bindingVersion": AMQP_BINDING_VERSION,
            }
        },
    }


_HEADER_DESCRIPTIONS: Mapping[str, str] = {
    "id": "Event id, unique within its source (a UUID). Also the AMQP message-id property.",
    "source": "The source: `/coso/<deployment>/<producer>`, one per deployment of an authority (cấp ủy).",
    "type": "CloudEvents type: `vn.coso.<producer>.<Event>.v<N>`; tells the versions of an event apart.",
    "specversion": "CloudEvents specification version.",
    "time": "When the event was recorded (RFC 3339, UTC).",
    "subject": "The stream (aggregate) the event belongs to, e.g. an enterprise or candidate id.",
    "sequence": (
        "The event's gap-free position in its source's event store, a decimal string starting at 1. "
        "Order and de-duplicate by `ce-source` + `ce-sequence`."
    ),
    "authority": "The authority (cấp ủy) the event belongs to, e.g. `hn.ba-dinh`.",
}


def cloudevents_headers_schema(model: ContractType) -> dict[str, Any]:
    """JSON Schema of the binary-mode CloudEvents headers of one contract's messages."""
    specific: dict[str, dict[str, Any]] = {
        "source": {"pattern": f"^/coso/[^/]+/{model.event_producer}$"},
        "type": {"const": model_ce_type(model)},
        "specversion": {"const": SPECVERSION},
        "time": {"format": "date-time"},
        "sequence": {"pattern": "^[1-9][0-9]*$"},
    }
    properties: dict[str, Any] = {}
    for name in REQUIRED:
        if name not in _HEADER_DESCRIPTIONS:
            raise KeyError(f"the envelope requires ce-{name}, which the contract does not describe yet")
        properties[f"ce-{name}"] = {
            "type": "string",
            "minLength": 1,
            **specific.get(name, {}),
            "description": _HEADER_DESCRIPTIONS[name],
        }
    return {
        "type": "object",
        "required": [f"ce-{name}" for name in REQUIRED],
        "properties": properties,
        "additionalProperties": True,
    }


# --- dead letters ---------------------------------------------------------------------

_DEAD_LETTER_MESSAGE = "coso.DeadLetter"


def _dead_letter_channel() -> dict[str, Any]:
    return {
        "address": DEAD_LETTER_EXCHANGE,
        "title": "dead letters",
        "description": (
            "Durable direct exchange for messages a consumer cannot apply (malformed, an unknown version, or a "
            f"failing handler). Routing key = the consumer's name; queue `<consumer>.dead-letters`. The stream goes "
            f"on past a dead letter; nothing is dropped. Replay sends a dead letter back to the consumer's own queue "
            f"`<consumer>.<producer>` (default exchange) with the header `{REPLAY}: true`, without "
            f"`{REASON}` and `{DEAD_LETTERED_AT}`; a replayed event is applied at most once."
        ),
        "messages": {"DeadLetter": {"$ref": f"#/components/messages/{_DEAD_LETTER_MESSAGE}"}},
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": DEAD_LETTER_EXCHANGE,
                    "type": "direct",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDING_VERSION,
            }
        },
    }


def _dead_letter_operation() -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{DEAD_LETTER_CHANNEL}"},
        "title": "a consumer dead-letters a message",
        "summary": "A coso consumer sends a message it cannot apply here, unchanged, with the reason.",
        "messages": [{"$ref": f"#/channels/{DEAD_LETTER_CHANNEL}/messages/DeadLetter"}],
        "bindings": {"amqp": {"deliveryMode": PERSISTENT, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _dead_letter_message() -> dict[str, Any]:
    coso_headers = {
        REASON: "Why the message could not be applied (at most 2000 characters).",
        CONSUMER: "The consumer that dead-lettered it; also the routing key.",
        ORIGINAL_EXCHANGE: "The exchange the message was received from, e.g. `registry.events`.",
        ORIGINAL_ROUTING_KEY: "Its routing key there: the event name.",
        DEAD_LETTERED_AT: "When it was dead-lettered (RFC 3339, UTC).",
    }
    properties: dict[str, Any] = {name: {"type": "string", "description": text} for name, text in coso_headers.items()}
    properties[DEAD_LETTERED_AT]["format"] = "date-time"
    for name in REQUIRED:
        properties[f"ce-{name}"] = {"type": "string", "description": "Copied from the original message, if it had it."}
    return {
        "name": "DeadLetter",
        "title": "Dead letter",
        "summary": "A message a consumer could not apply: its body and headers unchanged, plus the reason.",
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "required": list(coso_headers),
            "properties": properties,
            "additionalProperties": True,
        },
        "payload": {"description": "The original body, unchanged: normally a coso event's JSON data."},
        "bindings": {"amqp": {"bindingVersion": AMQP_BINDING_VERSION}},
    }


# --- component schemas: the payloads with their $defs hoisted ----------------------------


def _component_schemas(models: Sequence[ContractType]) -> dict[str, Any]:
    """Each payload schema under its contract key, and the `$defs` they use beside them.

    A def keeps its own name (e.g. `AuthorityLevel`) while every contract that uses that name
    means the same schema; names that mean different schemas in different contracts are
    qualified with the contract key (`<producer>.<Event>.v<N>.<Name>`) for all of them, so the
    result does not depend on the order in which contracts were registered.
    """
    bodies: dict[str, dict[str, Any]] = {}
    defs: dict[str, dict[str, Any]] = {}
    for model in models:
        schema = copy.deepcopy(schema_of(model))
        defs[contract_key(model)] = schema.pop("$defs", {})
        bodies[contract_key(model)] = schema

    qualified: set[str] = set()
    while True:
        names = {
            key: {name: f"{key}.{name}" if name in qualified else name for name in own} for key, own in defs.items()
        }
        variants: dict[str, list[Any]] = {}
        for key, own in defs.items():
            for name, schema in own.items():
                variants.setdefault(name, []).append(_rewrite_refs(schema, names[key]))
        clashing = {name for name, seen in variants.items() if any(v != seen[0] for v in seen)} - qualified
        if not clashing:
            break
        qualified |= clashing

    components: dict[str, Any] = {}
    for key, body in bodies.items():
        components[key] = _rewrite_refs(body, names[key])
        for name, schema in defs[key].items():
            components[names[key][name]] = _rewrite_refs(schema, names[key])
    return dict(sorted(components.items()))


def _rewrite_refs(node: Any, names: Mapping[str, str]) -> Any:
    """A copy of a schema with `#/$defs/<Name>` references pointing into components/schemas."""
    if isinstance(node, list):
        return [_rewrite_refs(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            if not value.startswith(_DEFS_REF) or value[len(_DEFS_REF) :] not in names:
                raise ValueError(f"cannot place the schema reference {value!r} in the AsyncAPI document")
            result[key] = _COMPONENT_SCHEMA_REF + names[value[len(_DEFS_REF) :]]
        elif key in _DATA_KEYWORDS:
            result[key] = copy.deepcopy(value)
        else:
            result[key] = _rewrite_refs(value, names)
    return result


# --- rendering and files -----------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no anchors or aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(document: Mapping[str, Any]) -> str:
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False
    )
    return text


def to_json(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def render(models: Iterable[ContractType] | None = None) -> dict[str, str]:
    """Every generated file's text, by path relative to docs/."""
    chosen = list(all_contracts() if models is None else models)
    files = {DOCUMENT_FILE: to_yaml(build_document(chosen))}
    for model in chosen:
        files[schema_path(model)] = to_json(payload_schema(model))
    return files


def read_docs(docs_dir: Path) -> dict[str, str]:
    """The generated files as they are in docs_dir (only those this module owns)."""
    found: dict[str, str] = {}
    document = docs_dir / DOCUMENT_FILE
    if document.is_file():
        found[DOCUMENT_FILE] = document.read_text(encoding="utf-8")
    schemas = docs_dir / SCHEMAS_DIR
    if schemas.is_dir():
        for path in sorted(schemas.glob("*.json")):
            found[f"{SCHEMAS_DIR}/{path.name}"] = path.read_text(encoding="utf-8")
    return found


def stale_files(expected: Mapping[str, str], actual: Mapping[str, str]) -> list[str]:
    """Paths (relative to docs/) where the files differ from what the models generate, with why."""
    stale = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            stale.append(f"{path} (missing)")
        elif path not in expected:
            stale.append(f"{path} (no contract generates it)")
        elif actual[path] != expected[path]:
            stale.append(f"{path} (differs)")
    return stale


def write(docs_dir: Path, expected: Mapping[str, str] | None = None) -> list[str]:
    """Bring docs_dir up to date; return the paths written or removed."""
    files = render() if expected is None else expected
    actual = read_docs(docs_dir)
    touched = []
    for path, text in files.items():
        if actual.get(path) != text:
            target = docs_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            touched.append(path)
    for path in sorted(set(actual) - set(files)):
        (docs_dir / path).unlink()
        touched.append(path)
    return touched


def default_docs_dir() -> Path:
    """docs/ of the repository this module is checked out in, else ./docs."""
    repository = Path(__file__).resolve().parents[2]
    if (repository / "backbone" / "coso_backbone").is_dir():
        return repository / "docs"
    return Path.cwd() / "docs"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coso_backbone.asyncapi",
        description="Write docs/asyncapi.yaml and docs/schemas/*.json from the registered event contracts.",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files are stale")
    parser.add_argument("--docs", type=Path, default=None, help="docs directory (default: the repository's docs/)")
    args = parser.parse_args(argv)
    docs_dir: Path = args.docs or default_docs_dir()
    expected = render()
    if args.check:
        stale = stale_files(expected, read_docs(docs_dir))
        if stale:
            print(f"the message contract in {docs_dir} is stale:", file=sys.stderr)
            for line in stale:
                print(f"  {line}", file=sys.stderr)
            print("regenerate it with: python -m coso_backbone.asyncapi", file=sys.stderr)
            return 1
        print(f"the message contract in {docs_dir} is current ({len(expected)} files)")
        return 0
    touched = write(docs_dir, expected)
    print(f"{docs_dir}: {len(touched)} of {len(expected)} files written or removed")
    for path in touched:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
