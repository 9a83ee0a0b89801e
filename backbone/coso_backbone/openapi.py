"""OpenAPI 3.1 documents for the services' HTTP JSON APIs, built from declared routes.

A service lists its routes once (`Route`: method, path in nameko's `<string:name>` form,
summary, the pydantic command that is the request body, query parameters, answers) and
`OpenApi(...).document()` gives the OpenAPI dict, with the commands' JSON Schemas in
`components/schemas` and refusals as RFC 9457 problem documents. The read API, metrics,
health check and `/openapi.json` itself (`BackboneEndpoints`) are added by default.

`http_routes(cls)` lists the (method, path) of every nameko `@http` entrypoint of a service
class, so a test can check that each one is documented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

_PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)>")

ERROR_ANSWERS: dict[int, str] = {
    400: "The request is malformed (e.g. the body is not a JSON object)",
    401: "No API token, or one the service does not know",
    403: "The caller's grants do not allow this",
    404: "No such record",
    409: "The command conflicts with the current state (duplicate, stale version, wrong state)",
    422: "The input breaks a rule; the problem names the field and the rule",
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "An RFC 9457 problem document; `field` and `rule` name the input at fault and the rule it broke.",
    "properties": {
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "rule": {"type": ["string", "null"]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "rule": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["status", "title", "detail"],
}


@dataclass(frozen=True)
class Parameter:
    """A query (or header) parameter of a route."""

    name: str
    description: str = ""
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    required: bool = False
    location: str = "query"

    def as_openapi(self) -> dict[str, Any]:
        found: dict[str, Any] = {"name": self.name, "in": self.location, "schema": self.schema}
        if self.description:
            found["description"] = self.description
        if self.required or self.location == "path":
            found["required"] = True
        return found


def date_parameter(name: str, description: str) -> Parameter:
    return Parameter(name, description, {"type": "string", "format": "date"})


def integer_parameter(name: str, description: str, default: int | None = None) -> Parameter:
    schema: dict[str, Any] = {"type": "integer"}
    if default is not None:
        schema["default"] = default
    return Parameter(name, description, schema)


@dataclass(frozen=True)
class Route:
    """One HTTP route: `path` as given to nameko's `@http` (e.g. `/things/<string:thing_id>`).

    `request` is the body's model, or several (one per `action` path value, as `oneOf`);
    `path_enums` restricts path parameters to a set of values; `errors` the refusals it may
    answer (401/403 are added when the route is `secured`).
    """

    method: str
    path: str
    summary: str
    operation_id: str
    request: type[BaseModel] | Sequence[type[BaseModel]] | None = None
    query: Sequence[Parameter] = ()
    status: int = 200
    answer: str = "The result as JSON"
    answer_schema: dict[str, Any] | None = None
    answer_media_type: str = "application/json"
    errors: Sequence[int] = (422,)
    secured: bool = True
    tags: Sequence[str] = ()
    path_enums: dict[str, Sequence[str]] = field(default_factory=dict)
    description: str = ""

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAMETER.sub(lambda m: "{" + m.group("name") + "}", self.path)

    def request_models(self) -> list[type[BaseModel]]:
        if self.request is None:
            return []
        if isinstance(self.request, type):
            return [self.request]
        return list(self.request)

    def path_parameters(self) -> list[dict[str, Any]]:
        found = []
        for match in _PATH_PARAMETER.finditer(self.path):
            name = match.group("name")
            schema: dict[str, Any] = {"type": "integer" if match.group("converter") == "int" else "string"}
            if name in self.path_enums:
                schema["enum"] = list(self.path_enums[name])
            found.append({"name": name, "in": "path", "required": True, "schema": schema})
        return found


def backbone_routes() -> list[Route]:
    """The routes every service serves through `service_support.BackboneEndpoints`."""
    tag = ["backbone"]
    return [
        Route(
            "GET",
            "/events",
            "A page of the service's events (read API), oldest first",
            "events",
            query=(
                integer_parameter("after", "Position after which to read", 0),
                integer_parameter("limit", "Most events to answer", 1000),
            ),
            errors=(400,),
            secured=False,
            tags=tag,
        ),
        Route(
            "GET",
            "/events/info",
            "Where the service's event log stands",
            "events_info",
            errors=(),
            secured=False,
            tags=tag,
        ),
        Route(
            "GET",
            "/metrics",
            "Prometheus metrics",
            "metrics",
            answer="Prometheus text exposition format",
            answer_schema={"type": "string"},
            answer_media_type="text/plain",
            errors=(),
            secured=False,
            tags=tag,
        ),
        Route("GET", "/health", "Health of the service and its database", "health", errors=(), secured=False, tags=tag),
        Route(
            "GET",
            "/openapi.json",
            "This OpenAPI document",
            "openapi",
            answer="An OpenAPI 3.1 document",
            errors=(404,),
            secured=False,
            tags=tag,
        ),
    ]


class OpenApi:
    """The OpenAPI document of one service's HTTP API."""

    def __init__(
        self,
        title: str,
        version: str,
        routes: Iterable[Route],
        description: str = "",
        include_backbone: bool = True,
        token_description: str = "An API token issued by the registry",
    ) -> None:
        self.title = title
        self.token_description = token_description
        self.version = version
        self.description = description
        self.routes = [*routes, *(backbone_routes() if include_backbone else [])]
        self._document: dict[str, Any] | None = None
        seen: set[tuple[str, str]] = set()
        for route in self.routes:
            key = (route.method.upper(), route.openapi_path)
            if key in seen:
                raise ValueError(f"route {key[0]} {key[1]} is declared twice")
            seen.add(key)

    def documented(self) -> set[tuple[str, str]]:
        """(METHOD, nameko path) of every declared route."""
        return {(r.method.upper(), r.path) for r in self.routes}

    def document(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document (built once; treat it as read-only)."""
        if self._document is None:
            self._document = self._build()
        return self._document

    def _build(self) -> dict[str, Any]:
        models = {m for route in self.routes for m in route.request_models()}
        schemas: dict[str, Any] = {}
        refs: dict[type[BaseModel], dict[str, Any]] = {}
        if models:
            ordered = sorted(models, key=lambda m: m.__name__)
            mapping, top = models_json_schema(
                [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
            )
            schemas.update(top.get("$defs", {}))
            refs = {model: mapping[(model, "validation")] for model in ordered}
        schemas["Problem"] = PROBLEM_SCHEMA
        paths: dict[str, dict[str, Any]] = {}
        for route in self.routes:
            paths.setdefault(route.openapi_path, {})[route.method.lower()] = self._operation(route, refs)
        document: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "description": self.token_description}
                },
            },
        }
        if self.description:
            document["info"]["description"] = self.description
        return document

    def _operation(self, route: Route, refs: dict[type[BaseModel], dict[str, Any]]) -> dict[str, Any]:
        operation: dict[str, Any] = {"operationId": route.operation_id, "summary": route.summary}
        if route.description:
            operation["description"] = route.description
        if route.tags:
            operation["tags"] = list(route.tags)
        parameters = route.path_parameters() + [p.as_openapi() for p in route.query]
        if parameters:
            operation["parameters"] = parameters
        models = route.request_models()
        if models:
            schema = refs[models[0]] if len(models) == 1 else {"oneOf": [refs[m] for m in models]}
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        answer: dict[str, Any] = {"description": route.answer}
        answer["content"] = {route.answer_media_type: {"schema": route.answer_schema or {}}}
        responses: dict[str, Any] = {str(route.status): answer}
        errors = set(route.errors) | ({401, 403} if route.secured else set()) | ({422, 400} if models else set())
        for code in sorted(errors):
            responses[str(code)] = {
                "description": ERROR_ANSWERS.get(code, "Refused"),
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        operation["responses"] = responses
        operation["security"] = [{"bearer": []}] if route.secured else []
        return operation


def http_routes(service_class: type) -> set[tuple[str, str]]:
    """(METHOD, path) of every nameko `@http` entrypoint declared on a service class (and its bases)."""
    found: set[tuple[str, str]] = set()
    for name in dir(service_class):
        for entrypoint in getattr(getattr(service_class, name, None), "nameko_entrypoints", ()):
            method, url = getattr(entrypoint, "method", None), getattr(entrypoint, "url", None)
            if isinstance(method, str) and isinstance(url, str):
                found.update((m.upper(), url) for m in method.split(","))
    return found
