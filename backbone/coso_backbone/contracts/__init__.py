"""The wire contract: one pydantic model per event type and version.

These models are the only thing coso services share. Each is registered under
(producer, name, version); the AsyncAPI document and the JSON Schemas are generated
from this registry, so what integrating agencies read is what the code validates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from coso_backbone.events import NewEvent


class EventContract(BaseModel):
    """Base of every published event's data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_producer: ClassVar[str]
    event_name: ClassVar[str]
    event_version: ClassVar[int]

    def to_new_event(self, authority: str) -> NewEvent:
        return NewEvent(
            event_type=self.event_name,
            version=self.event_version,
            data=self.model_dump(mode="json"),
            authority=authority,
        )


ContractType = type[EventContract]
_REGISTRY: dict[tuple[str, str, int], ContractType] = {}
C = TypeVar("C", bound=ContractType)


def contract(producer: str, name: str, version: int) -> Callable[[C], C]:
    """Register a model as the contract of one event type and version."""

    def register(model: C) -> C:
        key = (producer, name, version)
        if key in _REGISTRY and _REGISTRY[key] is not model:
            raise ValueError(f"contract {key} is registered twice")
        model.event_producer = producer
        model.event_name = name
        model.event_version = version
        _REGISTRY[key] = model
        return model

    return register


def lookup(producer: str, name: str, version: int) -> ContractType | None:
    load_all()
    return _REGISTRY.get((producer, name, version))


def all_contracts() -> Iterator[ContractType]:
    load_all()
    yield from sorted(_REGISTRY.values(), key=lambda m: (m.event_producer, m.event_name, m.event_version))


def ce_type(producer: str, name: str, version: int) -> str:
    """The CloudEvents `type` attribute of an event: reverse-DNS style, versioned."""
    return f"vn.coso.{producer}.{name}.v{version}"


def parse_ce_type(value: str) -> tuple[str, str, int]:
    """Split a coso CloudEvents type into (producer, name, version)."""
    parts = value.split(".")
    if len(parts) != 5 or parts[:2] != ["vn", "coso"] or not parts[4].startswith("v"):
        raise ValueError(f"ce-type {value!r} is not of the form vn.coso.<producer>.<Event>.v<N>")
    try:
        version = int(parts[4][1:])
    except ValueError:
        raise ValueError(f"ce-type {value!r} has no integer version") from None
    return parts[2], parts[3], version


def load_all() -> None:
    """Import every producer's contract module so the registry is complete."""
    from coso_backbone.contracts import admissions, notifications, registry, reporting, rules  # noqa: F401


def schema_of(model: ContractType) -> dict[str, Any]:
    return model.model_json_schema()
