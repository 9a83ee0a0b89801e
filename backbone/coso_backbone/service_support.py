"""What every nameko entrypoint of coso needs: the wired application, JSON answers,
the read API, metrics and the health check.

A service's nameko class stays thin: it declares `app = WiredApplication(bootstrap.build)`
and turns requests into application calls with the helpers here; one that checks tokens
inherits `Callers` for who is calling.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from nameko.contextdata import ContextDataProvider
from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from sqlalchemy import text
from werkzeug.wrappers import Request, Response

from coso_backbone import heap, readapi
from coso_backbone.access import Principal
from coso_backbone.config import CosoSettings
from coso_backbone.errors import Conflict, CosoError, Forbidden, InvalidInput, NotFound, Unauthenticated
from coso_backbone.eventstore import EventStore
from coso_backbone.metrics import REQUEST_LATENCY
from coso_backbone.web import http


class RpcAuthorization(ContextDataProvider):
    """`Bearer <token>` from the RPC caller's context data `authorization`
    (`ClusterRpcProxy(config, context_data={"authorization": "Bearer ..."})`); it travels on
    with any RPC call the worker makes in turn."""

    context_key = "authorization"


class Callers:
    """Who calls a method of a service that checks tokens: `caller(request)` from the HTTP
    header `Authorization: Bearer <token>`, `rpc_caller()` from the RPC context data
    `authorization`. The service's `app.access` (a `coso_backbone.access.TokenAccess`) checks
    the token and refuses with the service's own error."""

    app: Any
    rpc_authorization: str | None = RpcAuthorization()

    def caller(self, request: Request) -> Principal:
        return self.app.access.authenticate(request.headers.get("Authorization"))

    def rpc_caller(self) -> Principal:
        """The caller of an RPC method: the `Bearer <token>` of its context data `authorization`."""
        return self.app.access.authenticate(self.rpc_authorization)


class WiredApplication(DependencyProvider):
    """Builds the service's application once per container from the `coso:` config."""

    def __init__(self, build: Callable[[CosoSettings], Any]) -> None:
        self._build = build
        self.application: Any = None
        self._started: dict[Any, float] = {}

    def setup(self) -> None:
        settings = CosoSettings.model_validate(self.container.config.get("coso", {}))
        self.application = self._build(settings)
        heap.settle()

    def get_dependency(self, worker_ctx: Any) -> Any:
        return self.application

    def worker_setup(self, worker_ctx: Any) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_teardown(self, worker_ctx: Any) -> None:
        started = self._started.pop(worker_ctx, None)
        if started is not None:
            REQUEST_LATENCY.labels(self.container.service_name, worker_ctx.entrypoint.method_name).observe(
                time.perf_counter() - started
            )


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
    )


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body = {"status": status, "title": title, "detail": detail, **extra}
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def read_json(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or ValueError with the reason."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise ValueError(f"the request body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    return body


def read_api_access(settings: CosoSettings) -> readapi.ReadApiAccess:
    """Who may read this service's events: its own stack, and superiors through links."""
    from coso_backbone.links.policy import event_filter

    links = [
        readapi.LinkToken(link.link, link.token, event_filter(settings.service, link.policy))
        for link in settings.read_api_links
    ]
    return readapi.ReadApiAccess(links, open=settings.read_api_open)


def events_page(request: Request, store: EventStore, settings: CosoSettings) -> Response:
    try:
        shared = read_api_access(settings).filter_for(request.headers.get("Authorization"))
    except readapi.Unauthorized as exc:
        return problem(401, "Unauthorized", str(exc))
    try:
        after = int(request.args.get("after", "0"))
        limit = int(request.args.get("limit", "1000"))
        return json_response(readapi.page(store, settings.service, settings.source, after, limit, shared))
    except ValueError as exc:
        return problem(400, "Bad read API request", str(exc))


def events_info(store: EventStore, settings: CosoSettings, request: Request | None = None) -> Response:
    try:
        read_api_access(settings).filter_for(request.headers.get("Authorization") if request else None)
    except readapi.Unauthorized as exc:
        return problem(401, "Unauthorized", str(exc))
    return json_response(readapi.info(store, settings.service, settings.source))


def metrics() -> Response:
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def health(store: EventStore, extra: Mapping[str, Callable[[], bool]] | None = None) -> Response:
    checks: dict[str, str] = {}
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"failing: {exc}"
    for name, check in (extra or {}).items():
        try:
            checks[name] = "ok" if check() else "failing"
        except Exception as exc:  # noqa: BLE001
            checks[name] = f"failing: {exc}"
    healthy = all(v == "ok" for v in checks.values())
    return json_response({"status": "ok" if healthy else "failing", "checks": checks}, 200 if healthy else 503)


_STATUS_BY_KIND: tuple[tuple[type[CosoError], int], ...] = (
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Forbidden, 403),
    (Unauthenticated, 401),
)


def answer(call: Callable[[], Any], status: int = 200) -> Response:
    """Run an application call and answer JSON, or a problem document for a refusal."""
    try:
        return json_response(call(), status)
    except CosoError as exc:
        code = next((s for kind, s in _STATUS_BY_KIND if isinstance(exc, kind)), 400)
        refused = problem(code, type(exc).__name__, exc.message, field=exc.field, rule=exc.rule)
        if code == 401:
            refused.headers["WWW-Authenticate"] = "Bearer"
        return refused
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]), "rule": err["type"], "message": err["msg"]}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, errors=errors)
    except ValueError as exc:
        return problem(400, "Bad request", str(exc))


def make_database_driver_green() -> None:
    """Let psycopg2 yield to eventlet while it waits on PostgreSQL, so one slow query
    does not stall every worker of a nameko service."""
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()


class BackboneEndpoints:
    """The read API, metrics and health check, the same in every service.

    A service's nameko class inherits these; its `app` dependency must offer `store`
    (the EventStore) and `settings` (CosoSettings). A service that documents its HTTP API
    sets `openapi` to a `coso_backbone.openapi.OpenApi`; without one `/openapi.json` is 404.
    """

    app: Any
    openapi: Any = None

    @http("GET", "/events")
    def events(self, request: Request) -> Response:
        return events_page(request, self.app.store, self.app.settings)

    @http("GET", "/events/info")
    def events_info(self, request: Request) -> Response:
        return events_info(self.app.store, self.app.settings, request)

    @http("GET", "/metrics")
    def metrics(self, request: Request) -> Response:
        return metrics()

    @http("GET", "/health")
    def health(self, request: Request) -> Response:
        return health(self.app.store)

    @http("GET", "/openapi.json")
    def openapi_document(self, request: Request) -> Response:
        if self.openapi is None:
            return problem(404, "No OpenAPI document", "this service does not document its HTTP API")
        return json_response(self.openapi.document())
