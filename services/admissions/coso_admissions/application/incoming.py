"""Transfers arriving from another deployment: listed while pending, confirmed by the destination.

Confirming records `TransferReceiptConfirmed`, which the source deployment consumes to close
the transfer on its member (adapters/peer_events.py); an official transfer also enrols the
member here (`MemberEnrolled` via "transfer", from the particulars the transfer carried;
their personal data stays sealed at the source).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coso_admissions.application.commands import ReceiveTransfer
from coso_admissions.application.ports import AdmissionsUnitOfWork, CandidateQueries
from coso_admissions.domain.errors import StepOutOfOrder, StepRefused, UnknownTransfer
from coso_admissions.domain.member import Member, stream_of_member
from coso_backbone.contracts.admissions import (
    JobCategory,
    MemberEnrolled,
    MemberStatus,
    TransferKind,
    TransferReceiptConfirmed,
)


def stream_of_incoming(transfer_id: str) -> str:
    return f"incoming-transfer-{transfer_id}"


class IncomingTransfers:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        queries: CandidateQueries,
        today: Callable[[], date],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._today = today

    def confirm(self, transfer_id: str, command: ReceiveTransfer) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            found = uow.incoming_transfer(transfer_id)
            if found is None:
                raise UnknownTransfer(transfer_id)
            if found["received_on"] is not None:
                raise StepOutOfOrder(
                    f"transfer {transfer_id} was confirmed on {found['received_on'].isoformat()}",
                    field="transfer_id",
                    rule="a transfer is confirmed once",
                )
            if command.on > self._today():
                raise StepRefused(f"{command.on.isoformat()} is after today", field="on", rule="not in the future")
            if command.on < found["started_on"]:
                raise StepRefused(
                    f"the transfer was issued on {found['started_on'].isoformat()}",
                    field="on",
                    rule="not before the transfer was issued",
                )
            event = TransferReceiptConfirmed(
                transfer_id=transfer_id,
                member_id=found["member_id"],
                from_source=found["from_source"],
                from_authority_id=found["from_authority_id"],
                to_authority_id=found["to_authority_id"],
                to_organization=found["to_organization"],
                kind=TransferKind(found["kind"]),
                on=command.on,
                body=command.body,
            )
            uow.record(stream_of_incoming(transfer_id), 0, [event], found["to_authority_id"])
            enrolled = self._enrol(uow, found, command.on)
            uow.commit()
        return {**found, "received_on": command.on, "enrolled": enrolled}

    @staticmethod
    def _enrol(uow: AdmissionsUnitOfWork, found: dict[str, Any], on: date) -> bool:
        """An official transfer makes the member one of ours (unless we already have their file)."""
        if found["kind"] != TransferKind.OFFICIAL.value or found["status"] is None or found["admitted_on"] is None:
            return False  # temporary, or the source did not say who the member is
        if uow.member_history(found["member_id"]):
            return False
        member = Member.enrol(
            MemberEnrolled(
                member_id=found["member_id"],
                authority_id=found["to_authority_id"],
                organization=found["to_organization"],
                job_category=JobCategory(found["job_category"]),
                status=MemberStatus(found["status"]),
                admitted_on=found["admitted_on"],
                official_on=found["official_on"],
                via="transfer",
            )
        )
        uow.record(stream_of_member(member.member_id), 0, member.pending, member.authority_id)
        return True

    def incoming(self, authority_id: str, pending: bool) -> list[dict[str, Any]]:
        return self._queries.incoming_transfers(authority_id, pending)

    def transfer(self, transfer_id: str) -> dict[str, Any]:
        found = self._queries.incoming_transfer(transfer_id)
        if found is None:
            raise UnknownTransfer(transfer_id)
        return found
