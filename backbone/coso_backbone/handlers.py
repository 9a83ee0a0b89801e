"""What a consumer does with each event type and version it subscribes to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from coso_backbone.contracts import ContractType
from coso_backbone.envelope import Envelope
from coso_backbone.errors import MalformedMessage, UnknownEventVersion

Handler = Callable[[Connection, Envelope, Any], None]


@dataclass(frozen=True)
class Resolved:
    model: ContractType
    handler: Handler

    def parse(self, envelope: Envelope) -> Any:
        try:
            return self.model.model_validate(envelope.data)
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
