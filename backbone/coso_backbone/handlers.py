"""What a consumer does with each event type and version it subscribes to.

A handler gets the consumer's connection (its transaction also stores the checkpoint),
the envelope and the parsed contract. A batch handler gets a list of (envelope, data) in
order: the consumer hands it every consecutive event it handles in one call, which lets a
projection write once per batch instead of once per event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from coso_backbone.contracts import ContractType
from coso_backbone.envelope import Envelope
from coso_backbone.errors import MalformedMessage, UnknownEventVersion

Handler = Callable[[Connection, Envelope, Any], None]
BatchHandler = Callable[[Connection, list[tuple[Envelope, Any]]], None]


def _one_at_a_time(handler: Handler) -> BatchHandler:
    def apply(connection: Connection, items: list[tuple[Envelope, Any]]) -> None:
        for envelope, data in items:
            handler(connection, envelope, data)

    return apply


@dataclass(frozen=True)
class Resolved:
    model: ContractType
    handler: BatchHandler

    def parse(self, envelope: Envelope) -> Any:
        try:
            return self.model.model_validate_json(envelope.data_json)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'data'}: {err['msg']}" for err in exc.errors()
            )
            raise MalformedMessage(f"{envelope.type} data does not match its contract: {problems}") from None


class EventHandlers:
    """Handlers by (producer, event type, version). Types not listed are skipped."""

    def __init__(self) -> None:
        self._by_type: dict[tuple[str, str], dict[int, Resolved]] = {}

    def on(self, model: ContractType, handler: Handler) -> EventHandlers:
        return self._register(model, _one_at_a_time(handler))

    def on_batch(self, models: Sequence[ContractType], handler: BatchHandler) -> EventHandlers:
        """One handler for several event types, called with runs of consecutive events."""
        for model in models:
            self._register(model, handler)
        return self

    def _register(self, model: ContractType, handler: BatchHandler) -> EventHandlers:
        self._by_type.setdefault((model.event_producer, model.event_name), {})[model.event_version] = Resolved(
            model, handler
        )
        return self

    def producers(self) -> set[str]:
        return {producer for producer, _ in self._by_type}

    def resolve(self, envelope: Envelope) -> Resolved | None:
        """The handler for an envelope; None if its type is of no interest here."""
        versions = self._by_type.get((envelope.producer, envelope.event_type))
        if versions is None:
            return None
        resolved = versions.get(envelope.version)
        if resolved is None:
            known = ", ".join(f"v{v}" for v in sorted(versions))
            raise UnknownEventVersion(
                f"{envelope.producer}.{envelope.event_type} version {envelope.version} is unknown here (known: {known})"
            )
        return resolved
