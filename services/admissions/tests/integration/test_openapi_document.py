"""The admissions OpenAPI document: valid OpenAPI 3.1 and covering every `@http` route."""

import json

import pytest
from openapi_spec_validator import validate

from coso_admissions.entrypoints.openapi_routes import ADMISSIONS_API
from coso_backbone.openapi import http_routes

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")


def test_the_admissions_openapi_document_is_valid_openapi_3_1() -> None:
    document = ADMISSIONS_API.document()
    validate(document)
    assert {"ProposeCandidate", "RateMember", "StartTransfer", "Problem"} <= set(document["components"]["schemas"])
    rating = document["paths"]["/members/{member_id}/ratings"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(rating["responses"])


def test_every_http_route_of_the_admissions_service_is_documented() -> None:
    from coso_admissions.entrypoints.service import AdmissionsService  # imports eventlet: inside the test

    routes = http_routes(AdmissionsService)
    assert ("POST", "/candidates") in routes and ("GET", "/openapi.json") in routes
    assert routes - ADMISSIONS_API.documented() == set(), "undocumented routes"
    assert ADMISSIONS_API.documented() - routes == set(), "documented routes the service does not serve"


def test_the_service_serves_its_openapi_document(service: object) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    answer = service.openapi_document(Request(EnvironBuilder(path="/openapi.json").get_environ()))  # type: ignore[attr-defined]

    assert answer.status_code == 200
    assert "/members/{member_id}/ratings" in json.loads(answer.get_data())["paths"]
