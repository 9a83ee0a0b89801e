"""The members use cases: enrolment after the pipeline, import, status changes, transfers, annual ratings."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from coso_admissions.application.commands import (
    ChangeMemberStatus,
    ImportedMember,
    MembersOfAuthority,
    PersonalFields,
    RateMember,
    RatingsOfAuthority,
    ReceiveTransfer,
    StartTransfer,
    TransfersOfAuthority,
)
from coso_admissions.application.ports import AdmissionsUnitOfWork, CandidateQueries
from coso_admissions.domain.candidate import Candidate
from coso_admissions.domain.errors import CandidateChanged, MemberAlreadyImported, UnknownAuthority, UnknownMember
from coso_admissions.domain.member import Member, stream_of_member
from coso_admissions.domain.rules import RulesInForce
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import (
    AdmissionCeremonyHeld,
    MemberEnrolled,
    MemberRecognised,
    MemberStatus,
    PersonalDataRecorded,
    ProbationaryMemberRemoved,
)
from coso_backbone.errors import ConcurrencyError, CosoError


def follow_pipeline(uow: AdmissionsUnitOfWork, candidate: Candidate, new_events: Iterable[EventContract]) -> None:
    """The member side of a pipeline step: enrolled at the ceremony, official on recognition, removed."""
    for event in new_events:
        if isinstance(event, AdmissionCeremonyHeld):
            member = Member.enrol(
                MemberEnrolled(
                    member_id=candidate.candidate_id,
                    authority_id=candidate.authority_id,
                    organization=event.body,
                    enterprise_id=candidate.enterprise_id,
                    job_category=candidate.job_category,
                    status=MemberStatus.PROBATIONARY,
                    admitted_on=event.on,
                    via="admission",
                )
            )
        elif isinstance(event, MemberRecognised | ProbationaryMemberRemoved):
            history = uow.member_history(candidate.candidate_id)
            if not history:
                continue  # admitted before admissions kept members: nothing to follow
            member = Member.from_history(history)
            if isinstance(event, MemberRecognised):
                member.change_status(MemberStatus.OFFICIAL, event.on, event.on, None, event.document)
            else:
                member.change_status(MemberStatus.REMOVED, event.on, event.on, event.reason, event.document)
        else:
            continue
        _save(uow, member)


def _save(uow: AdmissionsUnitOfWork, member: Member) -> None:
    try:
        uow.record(stream_of_member(member.member_id), member.version, member.pending, member.authority_id)
    except ConcurrencyError:
        raise CandidateChanged(member.member_id, member.version) from None


class Members:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        queries: CandidateQueries,
        today: Callable[[], date],
        rules: RulesInForce,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._today = today
        self._rules = rules
        self._new_id = new_id

    # --- commands ---------------------------------------------------------------------------

    def change_status(self, member_id: str, command: ChangeMemberStatus) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            member = self._load(uow, member_id)
            member.change_status(command.status, command.on, self._today(), command.reason, command.document)
            _save(uow, member)
            uow.commit()
        return member.summary()

    def start_transfer(self, member_id: str, command: StartTransfer) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            member = self._load(uow, member_id)
            if not uow.authority_known(command.to_authority_id):
                raise UnknownAuthority(command.to_authority_id, field="to_authority_id")
            rules = self._rules.rules_for(member.authority_id, command.on)
            member.start_transfer(
                self._new_id(),
                command.kind,
                command.to_organization,
                command.to_authority_id,
                command.on,
                self._today(),
                rules,
                returns_on=command.returns_on,
                document=command.document,
            )
            _save(uow, member)
            uow.commit()
        return member.summary()

    def rate(self, member_id: str, command: RateMember) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            member = self._load(uow, member_id)
            member.rate(
                command.year,
                command.rating,
                command.on,
                self._today(),
                command.body,
                command.document,
                command.correction_reason,
            )
            _save(uow, member)
            uow.commit()
        return member.summary()

    def receive_transfer(self, member_id: str, transfer_id: str, command: ReceiveTransfer) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            member = self._load(uow, member_id)
            member.receive_transfer(transfer_id, command.on, self._today(), command.body)
            _save(uow, member)
            uow.commit()
        return member.summary()

    def import_members(
        self, rows: Iterable[Mapping[str, Any]], may_write: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """Import existing members row by row: good rows are recorded together, bad rows reported.

        `may_write(authority_id)` raises if the caller may not add members there (access control);
        such a row is reported like any refused row.
        """
        report: list[dict[str, Any]] = []
        imported = 0
        with self._unit_of_work() as uow:
            for number, raw in enumerate(rows, start=2):  # row 1 holds the headers
                try:
                    member_id = self._import_one(uow, raw, may_write)
                except ValidationError as exc:
                    for err in exc.errors():
                        field = ".".join(str(p) for p in err["loc"])
                        report.append({"row": number, "field": field, "rule": err["type"], "message": err["msg"]})
                except CosoError as exc:
                    report.append({"row": number, "field": exc.field, "rule": exc.rule, "message": exc.message})
                else:
                    imported += 1
                    report.append({"row": number, "member_id": member_id})
            uow.commit()
        return {"imported": imported, "refused": sum(1 for r in report if "member_id" not in r), "rows": report}

    def _import_one(
        self, uow: AdmissionsUnitOfWork, raw: Mapping[str, Any], may_write: Callable[[str], None] | None
    ) -> str:
        row = ImportedMember.model_validate({k: v for k, v in raw.items() if v not in (None, "")})
        if may_write is not None:
            may_write(row.authority_id)
        if not uow.authority_known(row.authority_id):
            raise UnknownAuthority(row.authority_id)
        member_id = row.member_id or self._new_id()
        if uow.member_history(member_id):
            raise MemberAlreadyImported(member_id)
        member = Member.enrol(
            MemberEnrolled(
                member_id=member_id,
                authority_id=row.authority_id,
                organization=row.organization,
                enterprise_id=row.enterprise_id,
                job_category=row.job_category,
                status=row.status,
                admitted_on=row.admitted_on,
                official_on=row.official_on,
                via="import",
            )
        )
        sealed = uow.seal_personal_data(member_id, row.personal().model_dump(mode="json"))
        member.pending.append(
            PersonalDataRecorded(
                candidate_id=member_id, authority_id=row.authority_id, recorded_on=self._today(), sealed=sealed
            )
        )
        uow.record(stream_of_member(member_id), 0, member.pending, member.authority_id)
        return member_id

    @staticmethod
    def _load(uow: AdmissionsUnitOfWork, member_id: str) -> Member:
        history = uow.member_history(member_id)
        if not history:
            raise UnknownMember(member_id)
        return Member.from_history(history)

    # --- queries ----------------------------------------------------------------------------

    def member(self, member_id: str) -> dict[str, Any]:
        found = self._queries.member(member_id)
        if found is None:
            raise UnknownMember(member_id)
        history = self._queries.member_history(member_id)
        member = Member.from_history([event for event, _ in history])
        sealed, erased = member.sealed_personal_data, member.erased
        admitted = self._queries.candidate_history(member_id)
        if admitted:  # admitted through the pipeline: the personal data is the candidate's
            candidate = Candidate.from_history([event for event, _ in admitted])
            sealed, erased = candidate.sealed_personal_data, candidate.personal_data.value == "erased"
        personal = self._queries.open_personal_data(member_id, sealed) if sealed else None
        state = "recorded" if personal is not None else "erased" if (erased or sealed) else "none"
        if state == "erased":
            personal = dict.fromkeys(PersonalFields.model_fields, "erased")
        return {
            **found,
            **member.summary(),
            "personal_data": state,
            "personal": personal,
            "history": [{**recorded, "data": event.model_dump(mode="json")} for event, recorded in history],
        }

    def members(self, query: MembersOfAuthority, within: Collection[str] | None = None) -> list[dict[str, Any]]:
        status = query.status.value if query.status else None
        return self._queries.members_of_authority(query.authority_id, status, query.limit, query.offset, within)

    def ratings(self, query: RatingsOfAuthority) -> dict[str, Any]:
        return self._queries.ratings(query.authority_id, query.year)

    def transfers(self, query: TransfersOfAuthority) -> list[dict[str, Any]]:
        return self._queries.transfers(query.authority_id, query.pending)
