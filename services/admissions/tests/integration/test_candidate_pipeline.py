"""The admission pipeline through the application and the HTTP API, on real databases.

Dates are in the past of the real clock: the grassroots resolution of 16 December 2024 gives
a decision deadline of 18 March 2025, past Tết Ất Tỵ (27 January – 1 February 2025).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_admissions.application.commands import ProposeCandidate
from coso_admissions.bootstrap import AdmissionsApp
from coso_admissions.domain.errors import CandidateChanged, StepRefused

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")


def request(method: str, path: str, body: Any = None) -> Request:
    data = None if body is None else json.dumps(body)
    return Request(EnvironBuilder(method=method, path=path, data=data).get_environ())


def propose(app: AdmissionsApp) -> str:
    command = ProposeCandidate(
        enterprise_id="ent-minh-phat",
        source_channel="enterprise_trade_union",
        job_category="production_worker",
        proposed_on="2024-08-01",
    )  #
    return str(app.admissions.propose_candidate(command)["candidate_id"])


@pytest.fixture
def known(app: AdmissionsApp, registry: Any) -> AdmissionsApp:
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    return app


def test_a_candidate_goes_through_the_pipeline_over_http_and_reads_back_with_history(
    service: Any, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    created = service.post_candidate(
        request(
            "POST",
            "/candidates",
            {
                "enterprise_id": "ent-minh-phat",
                "source_channel": "labour_federation",
                "job_category": "owner",
                "proposed_on": "2024-08-01",
            },
        )
    )
    candidate_id = json.loads(created.get_data())["candidate_id"]

    for step, body in admission_path:
        answer = service.post_candidate_step(
            request("POST", f"/candidates/{candidate_id}/{step}", body), candidate_id, step
        )
        assert answer.status_code == 200, (step, answer.get_data(as_text=True))

    shown = json.loads(service.show_candidate(request("GET", f"/candidates/{candidate_id}"), candidate_id).get_data())
    assert shown["stage"] == "official" and shown["version"] == 10
    assert shown["deadlines"]["decision_due"] == "2025-03-18"
    assert shown["deadlines"]["recognition_due"] == "2026-05-06"
    assert shown["enterprise_name"] == "Công ty TNHH Minh Phát"
    assert [h["type"] for h in shown["history"]][-2:] == ["AdmissionCeremonyHeld", "MemberRecognised"]
    assert shown["history"][-3]["data"]["document"] == {"number": "125-QĐ/ĐU", "issued_on": "2025-03-03"}
    assert shown["history"][-2]["data"]["enterprise_owner"] is True


def test_a_refused_step_answers_with_the_field_and_the_rule(service: Any) -> None:
    candidate_id = service.propose_candidate(
        enterprise_id="ent-minh-phat", source_channel="youth_union", job_category="technician", proposed_on="2024-08-01"
    )["candidate_id"]

    skipped = service.post_candidate_step(
        request("POST", "/x", {"on": "2024-09-02", "body": "Chi bộ Công ty Minh Phát"}), candidate_id, "application"
    )
    unknown = service.post_candidate_step(
        request("POST", "/x", {"on": "2024-09-02", "body": "Chi bộ Công ty Minh Phát"}), candidate_id, "baptism"
    )
    bad_field = service.post_candidate_step(
        request("POST", "/x", {"body": "Chi bộ Công ty Minh Phát"}), candidate_id, "awareness-class"
    )

    assert skipped.status_code == 409
    assert json.loads(skipped.get_data())["rule"] == "application_submitted comes right after awareness_class_attended"
    assert (unknown.status_code, json.loads(unknown.get_data())["field"]) == (404, "step")
    assert bad_field.status_code == 422 and json.loads(bad_field.get_data())["errors"][0]["field"] == "on"


def test_the_rpc_advances_a_candidate_one_step(service: Any, admission_path: list[tuple[str, dict[str, Any]]]) -> None:
    candidate_id = service.propose_candidate(
        enterprise_id="ent-minh-phat", source_channel="youth_union", job_category="technician", proposed_on="2024-08-01"
    )["candidate_id"]

    state = service.advance_candidate(candidate_id, "awareness-class", **admission_path[0][1])

    assert state["stage"] == "awareness_class_attended"
    assert service.get_candidate(candidate_id)["version"] == 2


def test_the_read_model_lists_the_stage_and_deadlines_of_each_candidate(
    known: AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    candidate_id = propose(known)
    for step, body in admission_path[:6]:
        known.admissions.advance(candidate_id, step, body)

    from coso_admissions.application.commands import CandidatesOfAuthority

    [listed] = known.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))
    assert (listed["stage"], listed["version"], listed["stage_on"]) == ("grassroots_resolved", 7, "2024-12-16")
    assert (listed["file_expires_on"], listed["decision_due"]) == ("2025-09-02", "2025-03-18")


def test_a_command_on_a_stale_version_is_refused_and_records_nothing(
    known: AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    candidate_id = propose(known)
    known.admissions.advance(candidate_id, "awareness-class", {**admission_path[0][1], "expected_version": 1})

    with pytest.raises(CandidateChanged) as refused:
        known.admissions.advance(candidate_id, "application", {**admission_path[1][1], "expected_version": 1})

    assert refused.value.field == "expected_version"
    assert known.admissions.candidate(candidate_id)["version"] == 2


def test_a_rule_refusal_records_nothing(known: AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]) -> None:
    candidate_id = propose(known)
    for step, body in admission_path[:4]:
        known.admissions.advance(candidate_id, step, body)

    with pytest.raises(StepRefused) as refused:
        known.admissions.advance(candidate_id, "cell-vote", {**admission_path[4][1], "votes_for": 3})

    assert refused.value.field == "votes_for"
    assert known.admissions.candidate(candidate_id)["stage"] == "introduced"
