"""Admissions' use cases as HTTP callers reach them: each checks the caller's grants first.

Viewer to see, editor to change (propose, advance, rate, transfer, import, adopt rules), on the subtree
of the authority the candidate or member belongs to; a transfer is received by an editor of
the destination. Personal fields are written only with a grant that includes personal data
and read only with one: without it a file shows `personal: null, personal_withheld: true`.
Lists are filtered to the caller's subtrees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from coso_admissions.application.access import AccessControl
from coso_admissions.application.admissions import Admissions
from coso_admissions.application.commands import (
    CandidatesOfAuthority,
    ChangeMemberStatus,
    ErasePerson,
    MembersOfAuthority,
    ProposeCandidate,
    RateMember,
    RatingsOfAuthority,
    ReceiveTransfer,
    RecordPersonalData,
    StartTransfer,
    TransfersOfAuthority,
)
from coso_admissions.application.federation import FederationProposals
from coso_admissions.application.incoming import IncomingTransfers
from coso_admissions.application.members import Members
from coso_admissions.application.ports import CandidateQueries
from coso_admissions.application.rules import AdmissionRuleSets
from coso_admissions.domain.access import Principal, Role, require
from coso_backbone.rulesets.guarded import GuardedRules


class GuardedAdmissions:
    def __init__(
        self,
        admissions: Admissions,
        members: Members,
        queries: CandidateQueries,
        access: AccessControl,
        federation: FederationProposals,
        incoming: IncomingTransfers,
        rules: AdmissionRuleSets,
    ) -> None:
        self._rules = rules
        self._incoming = incoming
        self._federation = federation
        self._admissions = admissions
        self._members = members
        self._queries = queries
        self.access = access

    # --- candidates -----------------------------------------------------------------------
    def propose_candidate(self, principal: Principal, command: ProposeCandidate) -> dict[str, Any]:
        authority_id = self._queries.enterprise_authority(command.enterprise_id)
        if authority_id is not None:  # an unknown enterprise is refused as such by the use case
            self.access.require(principal, authority_id, Role.EDITOR, "enterprise_id", command.personal is not None)
        return self._admissions.propose_candidate(command)

    def advance(self, principal: Principal, candidate_id: str, step: str, fields: dict[str, Any]) -> dict[str, Any]:
        self._candidate_authority(principal, candidate_id, Role.EDITOR)
        return self._admissions.advance(candidate_id, step, fields)

    def record_personal_data(
        self, principal: Principal, candidate_id: str, command: RecordPersonalData
    ) -> dict[str, Any]:
        self._candidate_authority(principal, candidate_id, Role.EDITOR, personal_data=True)
        return self._admissions.record_personal_data(candidate_id, command)

    def erase_person(self, principal: Principal, person_id: str, command: ErasePerson) -> dict[str, Any]:
        found = self._queries.candidate(person_id) or self._queries.member(person_id)
        if found is not None:
            self.access.require(principal, found["authority_id"], Role.EDITOR, "candidate_id", personal_data=True)
        return self._admissions.erase_person(person_id, command)

    def candidate(self, principal: Principal, candidate_id: str) -> dict[str, Any]:
        self._candidate_authority(principal, candidate_id, Role.VIEWER)
        found = self._admissions.candidate(candidate_id)
        return self._personal_shown(principal, found)

    def candidates(self, principal: Principal, query: CandidatesOfAuthority) -> list[dict[str, Any]]:
        scope = self.access.scope(principal, Role.VIEWER)
        if query.authority_id is not None:
            require(scope, query.authority_id, Role.VIEWER, principal.user)
        return self._admissions.candidates(query, scope.within)

    def import_proposals(self, principal: Principal, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Labour-federation proposals from a file: rows outside the caller's editor grants are refused."""

        def may_write(authority_id: str, personal_data: bool) -> None:
            self.access.require(principal, authority_id, Role.EDITOR, "enterprise_tax_code", personal_data)

        return self._federation.import_rows(rows, may_write)

    # --- members --------------------------------------------------------------------------
    def member(self, principal: Principal, member_id: str) -> dict[str, Any]:
        self._member_authority(principal, member_id, Role.VIEWER)
        return self._personal_shown(principal, self._members.member(member_id))

    def members(self, principal: Principal, query: MembersOfAuthority) -> list[dict[str, Any]]:
        scope = self.access.scope(principal, Role.VIEWER)
        if query.authority_id is not None:
            require(scope, query.authority_id, Role.VIEWER, principal.user)
        return self._members.members(query, scope.within)

    def change_member_status(self, principal: Principal, member_id: str, command: ChangeMemberStatus) -> dict[str, Any]:
        self._member_authority(principal, member_id, Role.EDITOR)
        return self._members.change_status(member_id, command)

    def rate_member(self, principal: Principal, member_id: str, command: RateMember) -> dict[str, Any]:
        self._member_authority(principal, member_id, Role.EDITOR)
        return self._members.rate(member_id, command)

    def start_transfer(self, principal: Principal, member_id: str, command: StartTransfer) -> dict[str, Any]:
        self._member_authority(principal, member_id, Role.EDITOR)
        return self._members.start_transfer(member_id, command)

    def receive_transfer(
        self, principal: Principal, member_id: str, transfer_id: str, command: ReceiveTransfer
    ) -> dict[str, Any]:
        """The destination confirms: an editor of the authority the member goes to."""
        found = self._queries.member(member_id)
        if found is not None:
            pending = [
                t for t in self._queries.transfers(found["authority_id"], True) if t["transfer_id"] == transfer_id
            ]
            destination = pending[0]["to_authority_id"] if pending else found["authority_id"]
            self.access.require(principal, destination, Role.EDITOR, "transfer_id")
        return self._members.receive_transfer(member_id, transfer_id, command)

    def import_members(self, principal: Principal, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Rows of authorities outside the caller's editor-with-personal-data grants are refused row by row."""
        scope = self.access.scope(principal, Role.EDITOR, personal_data=True)
        return self._members.import_members(
            rows, lambda authority_id: require(scope, authority_id, Role.EDITOR, principal.user, personal=True)
        )

    def transfers(self, principal: Principal, query: TransfersOfAuthority) -> list[dict[str, Any]]:
        self.access.require(principal, query.authority_id, Role.VIEWER)
        return self._members.transfers(query)

    def incoming_transfers(self, principal: Principal, query: TransfersOfAuthority) -> list[dict[str, Any]]:
        self.access.require(principal, query.authority_id, Role.VIEWER)
        return self._incoming.incoming(query.authority_id, query.pending)

    def confirm_incoming_transfer(
        self, principal: Principal, transfer_id: str, command: ReceiveTransfer
    ) -> dict[str, Any]:
        """An editor of the destination confirms a member arriving from another deployment."""
        found = self._incoming.transfer(transfer_id)
        self.access.require(principal, found["to_authority_id"], Role.EDITOR, "transfer_id")
        return self._incoming.confirm(transfer_id, command)

    def ratings(self, principal: Principal, query: RatingsOfAuthority) -> dict[str, Any]:
        self.access.require(principal, query.authority_id, Role.VIEWER)
        return self._members.ratings(query)

    # --- rules ----------------------------------------------------------------------------
    def rules_for(self, principal: Principal) -> GuardedRules:
        """Rules adopted by an editor over the authority, asked by a viewer."""
        return GuardedRules(self._rules, self.access, principal, editor=Role.EDITOR, viewer=Role.VIEWER)

    # --- helpers --------------------------------------------------------------------------
    def _candidate_authority(
        self, principal: Principal, candidate_id: str, role: Role, personal_data: bool = False
    ) -> None:
        found = self._queries.candidate(candidate_id)
        if found is not None:  # an unknown candidate is answered 404 by the use case
            self.access.require(principal, found["authority_id"], role, "candidate_id", personal_data)

    def _member_authority(self, principal: Principal, member_id: str, role: Role) -> None:
        found = self._queries.member(member_id)
        if found is not None:
            self.access.require(principal, found["authority_id"], role, "member_id")

    def _personal_shown(self, principal: Principal, found: dict[str, Any]) -> dict[str, Any]:
        if found.get("personal") is None or self.access.may(
            principal, found["authority_id"], Role.VIEWER, personal_data=True
        ):
            return found
        return {**found, "personal": None, "personal_withheld": True}
