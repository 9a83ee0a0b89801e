"""The admissions use cases: each command checks its rules, then records events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_admissions.application.ports import AdmissionsUnitOfWork, CandidateQueries
from coso_admissions.domain.candidate import Candidate, stream_of_candidate
from coso_admissions.domain.errors import UnknownAuthority, UnknownCandidate, UnknownEnterprise


class Admissions:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        queries: CandidateQueries,
        today: Callable[[], date],
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._today = today
        self._new_id = new_id

    def propose_candidate(self, command: ProposeCandidate) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            enterprise = uow.known_enterprise(command.enterprise_id)
            if enterprise is None:
                raise UnknownEnterprise(command.enterprise_id)
            candidate = Candidate.propose(
                self._new_id(),
                enterprise=enterprise,
                source_channel=command.source_channel,
                job_category=command.job_category,
                proposed_on=command.proposed_on,
                today=self._today(),
                display_ref=command.display_ref,
            )
            uow.record(stream_of_candidate(candidate.candidate_id), 0, candidate.pending, candidate.authority_id)
            uow.commit()
        return {"candidate_id": candidate.candidate_id}

    def candidate(self, candidate_id: str) -> dict[str, Any]:
        found = self._queries.candidate(candidate_id)
        if found is None:
            raise UnknownCandidate(candidate_id)
        return found

    def candidates(self, query: CandidatesOfAuthority) -> list[dict[str, Any]]:
        if not self._queries.authority_known(query.authority_id):
            raise UnknownAuthority(query.authority_id)
        return self._queries.candidates_of_authority(query.authority_id, query.limit, query.offset)
