"""The nameko service's HTTP and RPC methods, called directly on the wired application.

nameko's `worker_factory` gives a service instance whose `app` dependency is the real
application on a migrated SQLite database; requests are werkzeug requests, so status codes
and problem documents are what an HTTP client would get.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

# nameko's testing module imports eventlet, which warns that it is deprecated (see DESIGN.md).
pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")


def request(method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Request:
    data = None if body is None else json.dumps(body)
    return Request(EnvironBuilder(method=method, path=path, data=data, query_string=query).get_environ())


def test_posting_a_candidate_answers_201_with_its_id_and_it_can_be_read_back(service: Any) -> None:
    body = {
        "enterprise_id": "ent-minh-phat",
        "source_channel": "youth_union",
        "job_category": "technician",
        "proposed_on": "2025-09-01",
    }

    created = service.post_candidate(request("POST", "/candidates", body))

    assert created.status_code == 201
    candidate_id = json.loads(created.get_data())["candidate_id"]
    shown = service.show_candidate(request("GET", f"/candidates/{candidate_id}"), candidate_id)
    assert shown.status_code == 200
    assert json.loads(shown.get_data())["source_channel"] == "youth_union"
    listed = service.get_candidates(request("GET", "/candidates", query={"authority_id": "hn.kcn-thang-long"}))
    assert [c["candidate_id"] for c in json.loads(listed.get_data())] == [candidate_id]


def test_posting_for_an_unknown_enterprise_answers_404_naming_enterprise_id(service: Any) -> None:
    body = {
        "enterprise_id": "ent-unknown",
        "source_channel": "youth_union",
        "job_category": "technician",
        "proposed_on": "2025-09-01",
    }

    answer = service.post_candidate(request("POST", "/candidates", body))

    assert answer.status_code == 404
    problem = json.loads(answer.get_data())
    assert (problem["title"], problem["field"]) == ("UnknownEnterprise", "enterprise_id")


def test_posting_a_name_answers_422_naming_the_field(service: Any) -> None:
    body = {
        "enterprise_id": "ent-minh-phat",
        "source_channel": "youth_union",
        "job_category": "technician",
        "proposed_on": "2025-09-01",
        "full_name": "Nguyễn Văn An",
    }

    answer = service.post_candidate(request("POST", "/candidates", body))

    assert answer.status_code == 422
    assert json.loads(answer.get_data())["errors"][0]["field"] == "full_name"


def test_posting_an_unknown_source_channel_answers_422_naming_source_channel(service: Any) -> None:
    body = {
        "enterprise_id": "ent-minh-phat",
        "source_channel": "rumour",
        "job_category": "technician",
        "proposed_on": "2025-09-01",
    }

    answer = service.post_candidate(request("POST", "/candidates", body))

    assert answer.status_code == 422
    assert [e["field"] for e in json.loads(answer.get_data())["errors"]] == ["source_channel"]


def test_listing_with_a_bad_page_size_answers_422_naming_limit(service: Any) -> None:
    answer = service.get_candidates(request("GET", "/candidates", query={"limit": "0"}))

    assert answer.status_code == 422
    assert [e["field"] for e in json.loads(answer.get_data())["errors"]] == ["limit"]


def test_reading_a_candidate_never_proposed_answers_404(service: Any) -> None:
    answer = service.show_candidate(request("GET", "/candidates/nobody"), "nobody")

    assert answer.status_code == 404
    assert json.loads(answer.get_data())["field"] == "candidate_id"


def test_the_rpc_proposes_a_candidate_from_keyword_fields(service: Any) -> None:
    answer = service.propose_candidate(
        enterprise_id="ent-minh-phat",
        source_channel="labour_federation",
        job_category="manager",
        proposed_on="2025-09-02",
    )

    assert service.get_candidate(answer["candidate_id"])["job_category"] == "manager"
