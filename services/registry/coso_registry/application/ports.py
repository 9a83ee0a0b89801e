"""What the registry's application needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol

from coso_backbone.contracts import EventContract


class RegistryUnitOfWork(Protocol):
    """One transaction: new events and the registry's lookup indexes, committed together."""

    def __enter__(self) -> RegistryUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def authority_exists(self, authority_id: str) -> bool: ...

    def enterprise_by_tax_code(self, tax_code: str) -> str | None: ...

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        """Append events to a stream and update the lookup indexes from them."""

    def commit(self) -> None: ...


class RegistryQueries(Protocol):
    def enterprise(self, enterprise_id: str) -> dict[str, Any] | None: ...

    def enterprises(self, authority_id: str | None, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def authorities(self) -> list[dict[str, Any]]: ...
