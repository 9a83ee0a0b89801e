"""What the admissions application needs from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Any, Protocol

from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_backbone.contracts import EventContract
from coso_backbone.rulesets.application import RuleSetStore as RuleSetStore


class AdmissionsUnitOfWork(Protocol):
    """One transaction: new events and the candidates read model, committed together."""

    def __enter__(self) -> AdmissionsUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def known_enterprise(self, enterprise_id: str) -> EnterpriseOnRecord | None:
        """The enterprise as the registry's events described it, or None if none did."""

    def candidate_history(self, candidate_id: str) -> list[EventContract]:
        """The candidate's recorded events in order (empty if it was never proposed)."""

    def enterprise_by_tax_code(self, tax_code: str) -> EnterpriseOnRecord | None:
        """The enterprise of this printed tax code, as the registry's events described it."""

    def candidate_of_proposal(self, proposal_id: str) -> str | None:
        """The candidate a federation proposal already created, if any."""

    def remember_proposal(self, proposal_id: str, federation: str, candidate_id: str) -> None:
        """Record that a federation proposal created this candidate (in this transaction)."""

    def member_history(self, member_id: str) -> list[EventContract]:
        """The member's recorded events in order (empty if there is no such member)."""

    def authority_known(self, authority_id: str) -> bool:
        """Whether the registry's events named this authority."""

    def incoming_transfer(self, transfer_id: str) -> dict[str, Any] | None:
        """A transfer arriving from another deployment (dates as dates), or None."""

    def seal_personal_data(self, person_id: str, fields: dict[str, Any]) -> str:
        """Encrypt a person's fields under their own data key (created on first use)."""

    def erase_person_key(self, person_id: str) -> bool:
        """Destroy the person's data key; True if there was one."""

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        """Append events to a stream and update the read model from them."""

    def commit(self) -> None: ...


class CandidateQueries(Protocol):
    def candidate(self, candidate_id: str) -> dict[str, Any] | None: ...

    def candidate_history(self, candidate_id: str) -> list[tuple[EventContract, dict[str, Any]]]:
        """Each recorded event of the candidate with its record: type, version, stream_version, recorded_at."""

    def open_personal_data(self, person_id: str, sealed: str) -> dict[str, Any] | None:
        """The person's fields, or None if their key is gone."""

    def member(self, member_id: str) -> dict[str, Any] | None: ...

    def member_history(self, member_id: str) -> list[tuple[EventContract, dict[str, Any]]]: ...

    def members_of_authority(
        self,
        authority_id: str | None,
        status: str | None,
        limit: int,
        offset: int,
        within: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Members of one authority (None: any), only of the authorities `within` if given."""

    def ratings(self, authority_id: str, year: int) -> dict[str, Any]:
        """How many of the authority's members got each rating in the year."""

    def incoming_transfers(self, authority_id: str, pending: bool) -> list[dict[str, Any]]:
        """Transfers from other deployments to the authority (only those not yet confirmed if `pending`)."""

    def incoming_transfer(self, transfer_id: str) -> dict[str, Any] | None: ...

    def transfers(self, authority_id: str, pending: bool) -> list[dict[str, Any]]:
        """Transfers leaving or reaching the authority (only those not yet received if `pending`)."""

    def candidates_of_authority(
        self, authority_id: str | None, limit: int, offset: int, within: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Candidates of one authority (None: any), only of the authorities `within` if given."""

    def enterprise_authority(self, enterprise_id: str) -> str | None:
        """The authority of an enterprise the registry's events named, or None."""

    def authority_known(self, authority_id: str) -> bool:
        """Whether the registry's events named this authority (directly or through an enterprise)."""


class AuthorityLineage(Protocol):
    def lineage(self, authority_id: str) -> list[str]:
        """The authority and its superiors, nearest first, as the registry's events describe them."""
