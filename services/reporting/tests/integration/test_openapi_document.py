"""Reporting's OpenAPI document: valid OpenAPI 3.1, covering every `@http` route, and served."""

import pytest
import requests
from openapi_spec_validator import validate

from coso_backbone.openapi import http_routes
from coso_reporting.entrypoints.openapi_routes import REPORTING_API

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")


def test_the_reporting_openapi_document_is_valid_openapi_3_1() -> None:
    document = REPORTING_API.document()
    validate(document)
    assert {"AdoptPlan", "SetTarget", "SplitTarget", "Problem"} <= set(document["components"]["schemas"])
    adopt = document["paths"]["/plans"]["post"]
    assert {"201", "409", "422"} <= set(adopt["responses"])
    report = document["paths"]["/reports/indicators"]["get"]
    assert {p["name"] for p in report["parameters"]} == {"authority_id", "from", "to", "as_of"}
    fact = document["paths"]["/reports/{name}"]["get"]
    assert {"year", "within_days"} <= {p["name"] for p in fact["parameters"]}
    export = document["paths"]["/plans/{plan_id}/progress.{file_format}"]["get"]
    assert "application/octet-stream" in export["responses"]["200"]["content"]


def test_every_http_route_of_the_reporting_service_is_documented() -> None:
    from coso_reporting.entrypoints.service import ReportingService  # imports eventlet: inside the test

    routes = http_routes(ReportingService)
    assert ("GET", "/reports/<string:name>") in routes and ("GET", "/openapi.json") in routes
    assert routes - REPORTING_API.documented() == set(), "undocumented routes"
    assert REPORTING_API.documented() - routes == set(), "documented routes the service does not serve"


def test_the_running_service_serves_its_openapi_document(reporting_api: str) -> None:
    answer = requests.get(f"{reporting_api}/openapi.json", timeout=5)

    assert answer.status_code == 200
    assert answer.json()["info"]["title"] == "coso reporting"
    assert "/plans/{plan_id}/targets/{indicator}/split" in answer.json()["paths"]
