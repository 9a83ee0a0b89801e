"""Proposals from the labour federation (inbound contract `CandidateProposalSubmitted`).

A proposal names its enterprise by tax code; admissions finds it among the enterprises the
registry announced. Each `proposal_id` is applied once: a redelivered or replayed proposal
answers the candidate it already created.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coso_admissions.application.commands import PersonalFields
from coso_admissions.application.ports import AdmissionsUnitOfWork
from coso_admissions.domain.candidate import Candidate, stream_of_candidate
from coso_admissions.domain.errors import InvalidCandidate, UnknownEnterprise
from coso_backbone.contracts.admissions import CandidateProposalSubmitted

PERSONAL = ("full_name", "birth_date", "national_id")


class FederationProposals:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        today: Callable[[], date],
        new_id: Callable[[], str],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._today = today
        self._new_id = new_id

    def propose(self, proposal: CandidateProposalSubmitted) -> dict[str, Any]:
        personal = _personal(proposal)
        with self._unit_of_work() as uow:
            already = uow.candidate_of_proposal(proposal.proposal_id)
            if already is not None:
                return {"candidate_id": already, "duplicate": True}
            enterprise = uow.enterprise_by_tax_code(_printed(proposal.enterprise_tax_code))
            if enterprise is None:
                raise UnknownEnterprise(proposal.enterprise_tax_code, field="enterprise_tax_code")
            candidate = Candidate.propose(
                self._new_id(),
                enterprise=enterprise,
                source_channel=proposal.source_channel,
                job_category=proposal.job_category,
                proposed_on=proposal.proposed_on,
                today=self._today(),
                display_ref=proposal.display_ref,
            )
            if personal is not None:
                sealed = uow.seal_personal_data(candidate.candidate_id, personal.model_dump(mode="json"))
                candidate.record_personal_data(sealed, self._today())
            uow.record(stream_of_candidate(candidate.candidate_id), 0, candidate.pending, candidate.authority_id)
            uow.remember_proposal(proposal.proposal_id, proposal.federation, candidate.candidate_id)
            uow.commit()
        return {"candidate_id": candidate.candidate_id, "duplicate": False}


def _personal(proposal: CandidateProposalSubmitted) -> PersonalFields | None:
    given = {name: getattr(proposal, name) for name in PERSONAL if getattr(proposal, name) is not None}
    if not given:
        return None
    for needed in ("full_name", "birth_date"):
        if needed not in given:
            raise InvalidCandidate(
                f"personal data without {needed}", field=needed, rule="full_name and birth_date come together"
            )
    return PersonalFields.model_validate(given)


def _printed(tax_code: str) -> str:
    """The registry's printed form: `0100109106` or `0100109106-001`."""
    digits = tax_code.replace("-", "")
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
