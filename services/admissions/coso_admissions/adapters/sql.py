"""SQL adapters: the admissions unit of work and the candidate queries.

Personal data goes through the `EnvelopeCipher` (adapters/personal_data.py) on the same
connection, so a person's new data key commits with the event that uses it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, exists, func, insert, literal, select, union, update

from coso_admissions.adapters.personal_data import EnvelopeCipher
from coso_admissions.adapters.tables import (
    candidates,
    federation_proposals,
    incoming_transfers,
    member_ratings,
    member_transfers,
    members,
    registry_authorities,
    registry_enterprises,
)
from coso_admissions.domain.candidate import Stage, stage_after, stream_of_candidate
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import PersonalDataUnavailable
from coso_admissions.domain.member import stream_of_member
from coso_backbone.contracts import EventContract, lookup
from coso_backbone.contracts.admissions import (
    ApplicationSubmitted,
    CandidateProposed,
    CandidateStep,
    MemberEnrolled,
    MemberRated,
    MemberStatus,
    MemberStatusChanged,
    MemberTransferReceived,
    MemberTransferStarted,
    PersonalDataErased,
    PersonalDataRecorded,
    TransferKind,
    TransferReceiptConfirmed,
)
from coso_backbone.events import RecordedEvent
from coso_backbone.eventstore import EventStore, StoreTransaction
from coso_backbone.unit_of_work import SqlUnitOfWork, row

# Deadline columns of the read model, filled from the events that carry them.
_BUMP = "__events__"
# What a transfer tells the destination about the member (kept only for incoming transfers).
_MEMBER_PARTICULARS = {"job_category", "status", "admitted_on", "official_on"}
_DEADLINES = ("file_expires_on", "decision_due", "ceremony_due", "probation_ends_on", "recognition_due")


def parse_recorded(recorded: RecordedEvent) -> EventContract:
    """A stored admissions event as its contract model."""
    model = lookup("admissions", recorded.event_type, recorded.event_version)
    if model is None:
        raise ValueError(f"admissions event {recorded.event_type} v{recorded.event_version} has no contract")
    return model.model_validate_json(recorded.data_json)


class SqlAdmissionsUnitOfWork(SqlUnitOfWork):
    service = "admissions"

    def __init__(self, store: EventStore, cipher: EnvelopeCipher | None = None) -> None:
        super().__init__(store)
        self._cipher = cipher

    def enterprise_by_tax_code(self, tax_code: str) -> EnterpriseOnRecord | None:
        query = select(registry_enterprises).where(registry_enterprises.c.tax_code == tax_code).limit(1)
        found = self.connection.execute(query).first()
        if found is None:
            return None
        m = found._mapping
        return EnterpriseOnRecord(m["enterprise_id"], m["authority_id"], m["tax_code"], m["name"])

    def candidate_of_proposal(self, proposal_id: str) -> str | None:
        t = federation_proposals
        return self.connection.scalar(select(t.c.candidate_id).where(t.c.proposal_id == proposal_id))

    def remember_proposal(self, proposal_id: str, federation: str, candidate_id: str) -> None:
        self.connection.execute(
            insert(federation_proposals).values(
                proposal_id=proposal_id, federation=federation, candidate_id=candidate_id
            )
        )

    def member_history(self, member_id: str) -> list[EventContract]:
        return [parse_recorded(r) for r in self.read_stream(stream_of_member(member_id))]

    def authority_known(self, authority_id: str) -> bool:
        return authority_named(self.connection, authority_id)

    def incoming_transfer(self, transfer_id: str) -> dict[str, Any] | None:
        t = incoming_transfers
        found = self.connection.execute(select(t).where(t.c.transfer_id == transfer_id)).first()
        return dict(found._mapping) if found else None

    def seal_personal_data(self, person_id: str, fields: dict[str, Any]) -> str:
        if self._cipher is None:
            raise PersonalDataUnavailable()
        return self._cipher.seal(self.connection, person_id, fields)

    def erase_person_key(self, person_id: str) -> bool:
        return EnvelopeCipher.erase(self.connection, person_id)

    def known_enterprise(self, enterprise_id: str) -> EnterpriseOnRecord | None:
        query = select(registry_enterprises).where(registry_enterprises.c.enterprise_id == enterprise_id)
        found = self.connection.execute(query).first()
        if found is None:
            return None
        m = found._mapping
        return EnterpriseOnRecord(m["enterprise_id"], m["authority_id"], m["tax_code"], m["name"])

    def candidate_history(self, candidate_id: str) -> list[EventContract]:
        return [parse_recorded(r) for r in self.read_stream(stream_of_candidate(candidate_id))]

    def record_many(self, appends: Sequence[tuple[str, int, Sequence[EventContract], str]]) -> None:
        """Append, then write the candidates read model once per candidate, not once per event."""
        self._new_candidates: dict[str, dict[str, Any]] = {}
        self._changed_candidates: dict[str, dict[str, Any]] = {}
        super().record_many(appends)
        if self._new_candidates:
            self.connection.execute(insert(candidates), list(self._new_candidates.values()))
        for candidate_id, values in self._changed_candidates.items():
            bump = values.pop(_BUMP)
            self.connection.execute(
                update(candidates)
                .where(candidates.c.candidate_id == candidate_id)
                .values(**values, version=candidates.c.version + bump)
            )

    def _candidate_changed(self, candidate_id: str, values: dict[str, Any]) -> None:
        new = self._new_candidates.get(candidate_id)
        if new is not None:
            new.update(values, version=new["version"] + 1)
            return
        changed = self._changed_candidates.setdefault(candidate_id, {_BUMP: 0})
        changed.update(values)
        changed[_BUMP] += 1

    def apply(self, event: EventContract) -> None:
        if isinstance(event, CandidateProposed):
            self._new_candidates[event.candidate_id] = {
                **event.model_dump(),
                **dict.fromkeys(_DEADLINES),
                "stage": Stage.PROPOSED.value,
                "stage_on": event.proposed_on,
                "version": 1,
            }
        elif isinstance(event, PersonalDataRecorded | PersonalDataErased):
            self._candidate_changed(event.candidate_id, {})
        elif isinstance(event, MemberEnrolled):
            self.connection.execute(
                insert(members).values(**event.model_dump(exclude={"status"}), status=event.status.value)
            )
        elif isinstance(event, MemberStatusChanged):
            values: dict[str, Any] = {"status": event.status.value}
            if event.status is MemberStatus.OFFICIAL:
                values["official_on"] = event.on
            self._update_member(event.member_id, values)
        elif isinstance(event, MemberTransferStarted):
            self.connection.execute(
                insert(member_transfers).values(
                    **event.model_dump(exclude={"on", "document", *_MEMBER_PARTICULARS}), started_on=event.on
                )
            )
        elif isinstance(event, MemberTransferReceived):
            self.connection.execute(
                update(member_transfers)
                .where(member_transfers.c.transfer_id == event.transfer_id)
                .values(received_on=event.on)
            )
            if event.kind is TransferKind.OFFICIAL:
                self._update_member(
                    event.member_id, {"organization": event.to_organization, "authority_id": event.to_authority_id}
                )
        elif isinstance(event, TransferReceiptConfirmed):
            self.connection.execute(
                update(incoming_transfers)
                .where(incoming_transfers.c.transfer_id == event.transfer_id)
                .values(received_on=event.on)
            )
        elif isinstance(event, MemberRated):
            r = member_ratings
            values = {"authority_id": event.authority_id, "rating": event.rating.value, "rated_on": event.rated_on}
            if event.correction:
                self.connection.execute(
                    update(r)
                    .where(r.c.member_id == event.member_id, r.c.year == event.year)
                    .values(**values, corrections=r.c.corrections + 1)
                )
            else:
                self.connection.execute(
                    insert(r).values(member_id=event.member_id, year=event.year, corrections=0, **values)
                )
        elif isinstance(event, CandidateStep):
            step: dict[str, Any] = {"stage_on": event.on}
            stage = stage_after(event)
            if stage is not None:
                step["stage"] = stage.value
            step.update({name: getattr(event, name) for name in _DEADLINES if name in type(event).model_fields})
            if isinstance(event, ApplicationSubmitted):
                step["decision_due"] = None  # a redone application restarts the file
            self._candidate_changed(event.candidate_id, step)

    def _update_member(self, member_id: str, values: dict[str, Any]) -> None:
        self.connection.execute(update(members).where(members.c.member_id == member_id).values(**values))


class ConnectionUnitOfWork(SqlAdmissionsUnitOfWork):
    """The admissions unit of work inside a transaction someone else owns: a consumer's.

    A handler of another deployment's events appends admissions events on the consumer's
    connection, so they commit (or roll back) with the consumer's checkpoint.
    """

    def __init__(self, connection: Connection, cipher: EnvelopeCipher | None = None) -> None:
        super().__init__(EventStore(connection.engine), cipher)
        self._given = connection

    def __enter__(self) -> ConnectionUnitOfWork:
        self._connection = self._given
        self._transaction = None
        self._tx = StoreTransaction(self._given)
        self._committed = False
        self.recorded = []
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection = self._tx = None


def authority_named(connection: Connection, authority_id: str) -> bool:
    """Whether the registry's events named this authority (directly or through an enterprise)."""
    return bool(connection.scalar(select(exists(_named(authority_id)))))


_CANDIDATE_VIEW = (
    select(
        candidates,
        registry_enterprises.c.name.label("enterprise_name"),
        registry_enterprises.c.tax_code.label("enterprise_tax_code"),
    )
    .select_from(candidates)
    .outerjoin(registry_enterprises, registry_enterprises.c.enterprise_id == candidates.c.enterprise_id)
)


class SqlCandidateQueries:
    def __init__(self, store: EventStore, cipher: EnvelopeCipher | None = None) -> None:
        self._engine = store.engine
        self._cipher = cipher

    def open_personal_data(self, person_id: str, sealed: str) -> dict[str, Any] | None:
        if self._cipher is None:
            raise PersonalDataUnavailable()
        with self._engine.connect() as connection:
            return self._cipher.open(connection, person_id, sealed)

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(_CANDIDATE_VIEW.where(candidates.c.candidate_id == candidate_id)).first()
        return row(found._mapping) if found else None

    def candidate_history(self, candidate_id: str) -> list[tuple[EventContract, dict[str, Any]]]:
        return self._history(stream_of_candidate(candidate_id))

    def _history(self, stream_id: str) -> list[tuple[EventContract, dict[str, Any]]]:
        with self._engine.connect() as connection:
            recorded = StoreTransaction(connection).read_stream(stream_id)
        return [
            (
                parse_recorded(r),
                {
                    "type": r.event_type,
                    "version": r.event_version,
                    "stream_version": r.stream_version,
                    "recorded_at": r.recorded_at.isoformat(),
                },
            )
            for r in recorded
        ]

    def candidates_of_authority(
        self, authority_id: str | None, limit: int, offset: int, within: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        query = _CANDIDATE_VIEW
        if authority_id is not None:
            query = query.where(candidates.c.authority_id == authority_id)
        if within is not None:
            query = query.where(candidates.c.authority_id.in_(sorted(within)))
        query = query.order_by(candidates.c.proposed_on.desc(), candidates.c.candidate_id).limit(limit).offset(offset)
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def enterprise_authority(self, enterprise_id: str) -> str | None:
        e = registry_enterprises
        with self._engine.connect() as connection:
            return connection.scalar(select(e.c.authority_id).where(e.c.enterprise_id == enterprise_id))

    def authority_known(self, authority_id: str) -> bool:
        with self._engine.connect() as connection:
            return bool(connection.scalar(select(exists(_named(authority_id)))))

    def member(self, member_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(select(members).where(members.c.member_id == member_id)).first()
        return row(found._mapping) if found else None

    def member_history(self, member_id: str) -> list[tuple[EventContract, dict[str, Any]]]:
        return self._history(stream_of_member(member_id))

    def members_of_authority(
        self,
        authority_id: str | None,
        status: str | None,
        limit: int,
        offset: int,
        within: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        query = select(members)
        if authority_id is not None:
            query = query.where(members.c.authority_id == authority_id)
        if within is not None:
            query = query.where(members.c.authority_id.in_(sorted(within)))
        if status is not None:
            query = query.where(members.c.status == status)
        query = query.order_by(members.c.admitted_on.desc(), members.c.member_id).limit(limit).offset(offset)
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def ratings(self, authority_id: str, year: int) -> dict[str, Any]:
        r = member_ratings
        query = (
            select(r.c.rating, func.count().label("members"))
            .where(r.c.authority_id == authority_id, r.c.year == year)
            .group_by(r.c.rating)
        )
        with self._engine.connect() as connection:
            counts = {row.rating: int(row.members) for row in connection.execute(query)}
        return {"authority_id": authority_id, "year": year, "rated": sum(counts.values()), "by_rating": counts}

    def incoming_transfer(self, transfer_id: str) -> dict[str, Any] | None:
        t = incoming_transfers
        with self._engine.connect() as connection:
            found = connection.execute(select(t).where(t.c.transfer_id == transfer_id)).first()
        return row(found._mapping) if found else None

    def incoming_transfers(self, authority_id: str, pending: bool) -> list[dict[str, Any]]:
        t = incoming_transfers
        query = select(t).where(t.c.to_authority_id == authority_id)
        if pending:
            query = query.where(t.c.received_on.is_(None))
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query.order_by(t.c.started_on, t.c.transfer_id))]

    def transfers(self, authority_id: str, pending: bool) -> list[dict[str, Any]]:
        t = member_transfers
        query = select(t).where((t.c.from_authority_id == authority_id) | (t.c.to_authority_id == authority_id))
        if pending:
            query = query.where(t.c.received_on.is_(None))
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query.order_by(t.c.started_on, t.c.transfer_id))]


def _named(authority_id: str) -> Any:
    """Whether the registry's events named this authority (directly or through an enterprise)."""
    return union(
        select(literal(1)).where(registry_authorities.c.authority_id == authority_id),
        select(literal(1)).where(registry_enterprises.c.authority_id == authority_id),
        select(literal(1)).where(candidates.c.authority_id == authority_id),
    )
