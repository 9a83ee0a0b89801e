"""The registry's OpenAPI document: valid OpenAPI 3.1 and covering every `@http` route."""

from openapi_spec_validator import validate

from coso_backbone.openapi import http_routes
from coso_registry.entrypoints.openapi_routes import REGISTRY_API
from coso_registry.entrypoints.service import RegistryService


def test_the_registry_openapi_document_is_valid_openapi_3_1() -> None:
    document = REGISTRY_API.document()
    validate(document)
    schemas = document["components"]["schemas"]
    assert {"RegisterEnterprise", "FoundOrganization", "MergeAuthorities", "Problem"} <= set(schemas)
    register = document["paths"]["/enterprises"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(register["responses"])


def test_every_http_route_of_the_registry_service_is_documented() -> None:
    routes = http_routes(RegistryService)
    assert ("POST", "/enterprises") in routes and ("GET", "/openapi.json") in routes
    assert routes - REGISTRY_API.documented() == set(), "undocumented routes"
    assert REGISTRY_API.documented() - routes == set(), "documented routes the service does not serve"
