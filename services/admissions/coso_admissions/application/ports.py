"""What the admissions application needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol

from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_backbone.contracts import EventContract


class AdmissionsUnitOfWork(Protocol):
    """One transaction: new events and the candidates read model, committed together."""

    def __enter__(self) -> AdmissionsUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def known_enterprise(self, enterprise_id: str) -> EnterpriseOnRecord | None:
        """The enterprise as the registry's events described it, or None if none did."""

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        """Append events to a stream and update the read model from them."""

    def commit(self) -> None: ...


class CandidateQueries(Protocol):
    def candidate(self, candidate_id: str) -> dict[str, Any] | None: ...

    def candidates_of_authority(self, authority_id: str, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def authority_known(self, authority_id: str) -> bool:
        """Whether the registry's events named this authority (directly or through an enterprise)."""
