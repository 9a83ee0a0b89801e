"""The admissions use cases against in-memory fakes of their ports (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import Any

import pytest
from pydantic import ValidationError

from coso_admissions.application.admissions import Admissions
from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_admissions.domain.calendar import WorkingCalendar
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import InvalidCandidate, UnknownAuthority, UnknownCandidate, UnknownEnterprise
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed


class FakeUnitOfWork:
    def __init__(self, enterprises: dict[str, EnterpriseOnRecord]) -> None:
        self.enterprises = enterprises
        self.committed: list[tuple[str, int, list[EventContract], str]] = []
        self._pending: list[tuple[str, int, list[EventContract], str]] = []

    def __enter__(self) -> FakeUnitOfWork:
        self._pending = []
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._pending = []

    def known_enterprise(self, enterprise_id: str) -> EnterpriseOnRecord | None:
        return self.enterprises.get(enterprise_id)

    def candidate_history(self, candidate_id: str) -> list[EventContract]:
        return [e for stream, _, events, _ in self.committed if stream == f"candidate-{candidate_id}" for e in events]

    def record(self, stream_id: str, expected_version: int, events: Sequence[EventContract], authority: str) -> None:
        self._pending.append((stream_id, expected_version, list(events), authority))

    def commit(self) -> None:
        self.committed.extend(self._pending)


class FakeQueries:
    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        return None

    def candidate_history(self, candidate_id: str) -> list[tuple[EventContract, dict[str, Any]]]:
        return []

    def candidates_of_authority(self, authority_id: str, limit: int, offset: int) -> list[dict[str, Any]]:
        return []

    def authority_known(self, authority_id: str) -> bool:
        return authority_id == "hn"


MINH_PHAT = EnterpriseOnRecord("ent-1", "hn.kcn-thang-long", "0100109106", "Công ty TNHH Minh Phát")


def admissions(uow: FakeUnitOfWork, today: date = date(2025, 9, 15)) -> Admissions:
    calendar = WorkingCalendar(lambda day: False)
    return Admissions(lambda: uow, FakeQueries(), today=lambda: today, calendar=calendar, new_id=lambda: "c-42")


def command(**overrides: Any) -> ProposeCandidate:
    values = {
        "enterprise_id": "ent-1",
        "source_channel": "labour_federation",
        "job_category": "technician",
        "proposed_on": "2025-09-01",
    }
    values.update(overrides)
    return ProposeCandidate.model_validate(values)


def test_proposing_records_the_proposal_in_the_candidate_stream_under_the_enterprise_authority() -> None:
    uow = FakeUnitOfWork({"ent-1": MINH_PHAT})

    answer = admissions(uow).propose_candidate(command())

    assert answer == {"candidate_id": "c-42"}
    [(stream_id, expected, events, authority)] = uow.committed
    assert (stream_id, expected, authority) == ("candidate-c-42", 0, "hn.kcn-thang-long")
    assert isinstance(events[0], CandidateProposed) and events[0].enterprise_id == "ent-1"


def test_proposing_in_an_unknown_enterprise_is_refused_and_records_nothing() -> None:
    uow = FakeUnitOfWork({})

    with pytest.raises(UnknownEnterprise) as refused:
        admissions(uow).propose_candidate(command())

    assert refused.value.field == "enterprise_id"
    assert uow.committed == []


def test_the_proposal_date_is_judged_against_the_clock_given_to_the_application() -> None:
    uow = FakeUnitOfWork({"ent-1": MINH_PHAT})

    with pytest.raises(InvalidCandidate):
        admissions(uow, today=date(2025, 8, 31)).propose_candidate(command())
    assert uow.committed == []


def test_a_proposal_carrying_a_name_is_refused_by_the_command() -> None:
    with pytest.raises(ValidationError) as refused:
        command(full_name="Nguyễn Văn An")

    assert refused.value.errors()[0]["loc"] == ("full_name",)
    assert refused.value.errors()[0]["type"] == "extra_forbidden"


def test_asking_for_a_candidate_never_proposed_names_candidate_id() -> None:
    with pytest.raises(UnknownCandidate) as refused:
        admissions(FakeUnitOfWork({})).candidate("nobody")

    assert refused.value.field == "candidate_id"


def test_listing_candidates_of_an_unknown_authority_names_authority_id() -> None:
    with pytest.raises(UnknownAuthority) as refused:
        admissions(FakeUnitOfWork({})).candidates(CandidatesOfAuthority(authority_id="nowhere"))

    assert refused.value.field == "authority_id"
