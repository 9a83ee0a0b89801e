"""What admissions does with another deployment's admissions events: transfers between authorities.

Each authority may run its own deployment. A member transferred from deployment S to an
authority of deployment D travels as events on `admissions.events`:

1. S records `MemberTransferStarted` (to an authority D's registry announced);
2. D's peer consumer records it as an incoming transfer, pending and listed at D;
3. D's organization department confirms receipt: D records `TransferReceiptConfirmed`
   (with `from_source`, S's ce-source);
4. S's peer consumer applies it to the member: `MemberTransferReceived`, in the consumer's
   transaction, so the transfer is no longer pending at S.

Both deployments run the same handlers; each ignores its own events and events meant for
someone else. Handlers write on the consumer's connection (with its checkpoint).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy import Connection, insert, select

from coso_admissions.adapters.personal_data import EnvelopeCipher
from coso_admissions.adapters.sql import ConnectionUnitOfWork, authority_named
from coso_admissions.adapters.tables import incoming_transfers
from coso_admissions.domain.member import Member, stream_of_member
from coso_backbone.contracts.admissions import MemberTransferStarted, TransferReceiptConfirmed
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers

log = logging.getLogger(__name__)


def peer_event_handlers(
    own_source: str, cipher: EnvelopeCipher | None = None, today: Callable[[], date] = date.today
) -> EventHandlers:
    def arriving(connection: Connection, envelope: Envelope, event: MemberTransferStarted) -> None:
        if envelope.source == own_source or not authority_named(connection, event.to_authority_id):
            return  # our own transfer, or one to an authority of some other deployment
        t = incoming_transfers
        if connection.scalar(select(t.c.transfer_id).where(t.c.transfer_id == event.transfer_id)) is not None:
            return
        connection.execute(
            insert(t).values(
                **event.model_dump(exclude={"on", "document"}),
                from_source=envelope.source,
                started_on=event.on,
                received_on=None,
            )
        )

    def confirmed(connection: Connection, envelope: Envelope, event: TransferReceiptConfirmed) -> None:
        if event.from_source != own_source:
            return  # a receipt for another deployment's member
        with ConnectionUnitOfWork(connection, cipher) as uow:
            history = uow.member_history(event.member_id)
            if not history:
                log.warning("receipt of transfer %s for unknown member %s", event.transfer_id, event.member_id)
                return
            member = Member.from_history(history)
            if member.pending_transfer is None or member.pending_transfer.transfer_id != event.transfer_id:
                return  # already received (or cancelled): nothing to do
            member.receive_transfer(event.transfer_id, event.on, max(event.on, today()), event.body)
            uow.record(stream_of_member(member.member_id), member.version, member.pending, member.authority_id)

    return EventHandlers().on(MemberTransferStarted, arriving).on(TransferReceiptConfirmed, confirmed)
