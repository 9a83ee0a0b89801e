"""The admissions use cases: each command checks its rules, then records events."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from coso_admissions.application.commands import (
    CandidatesOfAuthority,
    ErasePerson,
    PersonalFields,
    ProposeCandidate,
    RecordPersonalData,
)
from coso_admissions.application.members import follow_pipeline
from coso_admissions.application.pipeline import STEPS
from coso_admissions.application.ports import AdmissionsUnitOfWork, CandidateQueries
from coso_admissions.domain.calendar import WorkingCalendar
from coso_admissions.domain.candidate import Candidate, PersonalDataState, StepFacts, stream_of_candidate
from coso_admissions.domain.errors import (
    CandidateChanged,
    UnknownAuthority,
    UnknownCandidate,
    UnknownEnterprise,
    UnknownStep,
)
from coso_admissions.domain.member import Member, stream_of_member
from coso_admissions.domain.rules import RuleBook, RulesInForce
from coso_backbone.errors import ConcurrencyError


class Admissions:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        queries: CandidateQueries,
        today: Callable[[], date],
        calendar: WorkingCalendar,
        rules: RulesInForce | None = None,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._today = today
        self._calendar = calendar
        self._rules: RulesInForce = rules or RuleBook()
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
            if command.personal is not None:
                sealed = uow.seal_personal_data(candidate.candidate_id, command.personal.model_dump(mode="json"))
                candidate.record_personal_data(sealed, self._today())
            uow.record(stream_of_candidate(candidate.candidate_id), 0, candidate.pending, candidate.authority_id)
            uow.commit()
        return {"candidate_id": candidate.candidate_id}

    def record_personal_data(self, candidate_id: str, command: RecordPersonalData) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            candidate = self._load(uow, candidate_id)
            sealed = uow.seal_personal_data(candidate_id, command.personal.model_dump(mode="json"))
            candidate.record_personal_data(sealed, self._today())
            self._save(uow, candidate)
        return candidate.summary()

    def erase_person(self, candidate_id: str, command: ErasePerson) -> dict[str, Any]:
        """Destroy the person's key and record the erasure: their fields read as erased everywhere.

        The person is a candidate (and, once admitted, the member of the same id), or a member
        imported without a candidate's file.
        """
        with self._unit_of_work() as uow:
            if not uow.candidate_history(candidate_id) and uow.member_history(candidate_id):
                member = Member.from_history(uow.member_history(candidate_id))  # imported, never a candidate
                member.erase_personal_data(self._today(), command.reason)
                uow.erase_person_key(candidate_id)
                uow.record(stream_of_member(candidate_id), member.version, member.pending, member.authority_id)
                uow.commit()
                return member.summary()
            candidate = self._load(uow, candidate_id)
            candidate.erase_personal_data(self._today(), command.reason)
            uow.erase_person_key(candidate_id)
            self._save(uow, candidate)
        return candidate.summary()

    @staticmethod
    def _load(uow: AdmissionsUnitOfWork, candidate_id: str) -> Candidate:
        history = uow.candidate_history(candidate_id)
        if not history:
            raise UnknownCandidate(candidate_id)
        return Candidate.from_history(history)

    @staticmethod
    def _save(uow: AdmissionsUnitOfWork, candidate: Candidate) -> None:
        try:
            uow.record(
                stream_of_candidate(candidate.candidate_id),
                candidate.version,
                candidate.pending,
                candidate.authority_id,
            )
            uow.commit()
        except ConcurrencyError:
            raise CandidateChanged(candidate.candidate_id, candidate.version) from None

    def advance(self, candidate_id: str, step: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Take one step of the pipeline (`step` as in `pipeline.STEPS`); answers the candidate's new state."""
        known = STEPS.get(step)
        if known is None:
            raise UnknownStep(step, list(STEPS))
        command = known.command.model_validate(fields)
        with self._unit_of_work() as uow:
            candidate = self._load(uow, candidate_id)
            if command.expected_version is not None and command.expected_version != candidate.version:
                raise CandidateChanged(candidate_id, command.expected_version, candidate.version)
            facts = StepFacts(on=command.on, body=command.body, today=self._today(), document=command.document)
            rules = self._rules.rules_for(candidate.authority_id, command.on)
            known.apply(candidate, command, facts, rules, self._calendar)
            follow_pipeline(uow, candidate, candidate.pending)
            self._save(uow, candidate)
        return candidate.summary()

    def candidate(self, candidate_id: str) -> dict[str, Any]:
        """The candidate as listed, its state rebuilt from its stream, and its history."""
        found = self._queries.candidate(candidate_id)
        if found is None:
            raise UnknownCandidate(candidate_id)
        history = self._queries.candidate_history(candidate_id)
        candidate = Candidate.from_history([event for event, _ in history])
        personal = None
        if candidate.sealed_personal_data is not None:
            personal = self._queries.open_personal_data(candidate_id, candidate.sealed_personal_data)
        return {
            **found,
            **candidate.summary(),
            "personal": personal if personal is not None else _erased_or_none(candidate),
            "history": [{**recorded, "data": event.model_dump(mode="json")} for event, recorded in history],
        }

    def candidates(self, query: CandidatesOfAuthority, within: Collection[str] | None = None) -> list[dict[str, Any]]:
        """One authority's candidates (or all), only of the authorities `within` if given (access scope)."""
        if query.authority_id is not None and not self._queries.authority_known(query.authority_id):
            raise UnknownAuthority(query.authority_id)
        return self._queries.candidates_of_authority(query.authority_id, query.limit, query.offset, within)


def _erased_or_none(candidate: Candidate) -> dict[str, str] | None:
    """What personal fields read as once the person's key is gone: every field says so."""
    if candidate.personal_data is PersonalDataState.NONE:
        return None
    return dict.fromkeys(PersonalFields.model_fields, "erased")
