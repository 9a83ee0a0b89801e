"""Proposing candidates against the real databases (each test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from coso_admissions import bootstrap
from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_admissions.domain.candidate import Candidate
from coso_admissions.domain.errors import InvalidCandidate, UnknownAuthority, UnknownEnterprise
from coso_backbone.contracts.admissions import CandidateProposed


def proposal(enterprise_id: str, **overrides: object) -> ProposeCandidate:
    values: dict[str, object] = {
        "enterprise_id": enterprise_id,
        "source_channel": "enterprise_trade_union",
        "job_category": "production_worker",
        "proposed_on": "2025-09-01",
    }
    values.update(overrides)
    return ProposeCandidate.model_validate(values)


def test_proposing_in_a_known_enterprise_records_candidate_proposed_under_the_enterprise_authority(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))

    answer = app.admissions.propose_candidate(proposal("ent-minh-phat", display_ref="CĐCS-2025-017"))

    [event] = app.store.read_after(0)
    assert event.event_type == "CandidateProposed"
    assert event.authority == "hn.kcn-thang-long"
    assert event.stream_id == f"candidate-{answer['candidate_id']}"
    assert json.loads(event.data_json) == {
        "candidate_id": answer["candidate_id"],
        "enterprise_id": "ent-minh-phat",
        "authority_id": "hn.kcn-thang-long",
        "source_channel": "enterprise_trade_union",
        "job_category": "production_worker",
        "proposed_on": "2025-09-01",
        "display_ref": "CĐCS-2025-017",
    }
    shown = app.admissions.candidate(answer["candidate_id"])
    assert shown["stage"] == "proposed"
    assert shown["enterprise_name"] == "Công ty TNHH Minh Phát"
    assert shown["enterprise_tax_code"] == "0100109106"


def test_proposing_in_an_enterprise_the_registry_never_announced_is_refused_naming_enterprise_id(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))

    with pytest.raises(UnknownEnterprise) as refused:
        app.admissions.propose_candidate(proposal("ent-never-registered"))

    assert refused.value.field == "enterprise_id"
    assert app.store.last_position() == 0


def test_a_proposal_dated_tomorrow_in_vietnam_is_refused_and_records_nothing(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    tomorrow = bootstrap.today_in(app.settings)() + timedelta(days=1)

    with pytest.raises(InvalidCandidate) as refused:
        app.admissions.propose_candidate(proposal("ent-minh-phat", proposed_on=tomorrow.isoformat()))

    assert refused.value.field == "proposed_on"
    assert app.store.last_position() == 0


def test_candidates_are_listed_by_the_authority_of_their_enterprise(app: bootstrap.AdmissionsApp, registry) -> None:
    registry.apply(
        registry.enterprise("ent-a", "hn.kcn-thang-long", tax_code="0100109106"),
        registry.enterprise("ent-b", "hn.kcn-noi-bai", tax_code="0101243150"),
    )
    first = app.admissions.propose_candidate(proposal("ent-a", proposed_on="2025-08-01"))
    second = app.admissions.propose_candidate(proposal("ent-a", proposed_on="2025-09-01"))
    app.admissions.propose_candidate(proposal("ent-b"))

    listed = app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))

    assert [c["candidate_id"] for c in listed] == [second["candidate_id"], first["candidate_id"]]
    assert {c["proposed_on"] for c in listed} == {"2025-09-01", "2025-08-01"}
    page = app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long", limit=1, offset=1))
    assert [c["candidate_id"] for c in page] == [first["candidate_id"]]


def test_listing_candidates_of_an_authority_nobody_announced_is_refused_naming_authority_id(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    registry.apply(registry.authority("hn.kcn-thang-long"))

    assert app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long")) == []
    with pytest.raises(UnknownAuthority) as refused:
        app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-typo"))
    assert refused.value.field == "authority_id"


def test_the_candidate_read_model_is_what_replaying_its_stream_gives(app: bootstrap.AdmissionsApp, registry) -> None:
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    answer = app.admissions.propose_candidate(proposal("ent-minh-phat", proposed_on=date(2025, 1, 2).isoformat()))

    history = [
        CandidateProposed.model_validate(e.data) for e in app.store.read_stream(f"candidate-{answer['candidate_id']}")
    ]
    rebuilt = Candidate.from_history(history)
    shown = app.admissions.candidate(answer["candidate_id"])
    assert (shown["authority_id"], shown["proposed_on"], shown["version"]) == (
        rebuilt.authority_id,
        rebuilt.proposed_on.isoformat(),
        rebuilt.version,
    )
