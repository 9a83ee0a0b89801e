"""Reporting's nameko service: RPC and HTTP, thin: parse, delegate, answer.

HTTP callers present `Authorization: Bearer <token>` (unless access control is switched
off); reads also take the dashboard's session cookie, set by `POST /session` from a token,
changes the header alone (application/access.py). RPC callers present the same
`Bearer <token>` as nameko context data `authorization`, and go through the same checks.
Reports, exports, indicators and plans need a viewer's grant over their authority, adopting
and targeting plans an editor's; the lists hold only what the caller may view. `/`,
`/static/*`, `/session`, `/health`, `/metrics` and `/openapi.json` are open (the page shows
its sign-in field when refused).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_backbone.access import Principal, Role
from coso_backbone.errors import CosoError
from coso_backbone.web import http
from coso_reporting import bootstrap
from coso_reporting.application.access import Session
from coso_reporting.application.commands import AdoptPlan, SetTarget, SplitTarget
from coso_reporting.application.exports import ExportedFile
from coso_reporting.domain.errors import InvalidReportRequest, NotSignedIn
from coso_reporting.entrypoints.dashboard import render, static_file
from coso_reporting.entrypoints.fact_routes import report_query
from coso_reporting.entrypoints.openapi_routes import REPORTING_API
from coso_reporting.entrypoints.params import as_of, parse_date, period

web.make_database_driver_green()

SESSION_COOKIE = "coso_reporting_session"
"""The dashboard's session: an id of a session kept server-side (not the API token), HttpOnly
and SameSite=Strict, taken for reading only."""


class ReportingService(web.Callers, web.BackboneEndpoints):
    name = "reporting"
    app: bootstrap.ReportingApp = web.WiredApplication(bootstrap.build)
    openapi = REPORTING_API

    def reader(self, request: Request) -> Principal:
        """The caller of a read: the Authorization header, else the session cookie."""
        return self.app.access.authenticate(
            request.headers.get("Authorization"), request.cookies.get(SESSION_COOKIE, "")
        )

    def writer(self, request: Request) -> Principal:
        """The caller of a change: the Authorization header alone."""
        return self.caller(request)

    def viewer_of(self, request: Request, authority_id: str) -> None:
        self.app.access.require(self.reader(request), authority_id, Role.VIEWER)

    def viewer_of_plan(self, request: Request, plan_id: str) -> None:
        self.require_on_plan(self.reader(request), plan_id, Role.VIEWER)

    def editor_of_plan(self, request: Request, plan_id: str) -> None:
        self.require_on_plan(self.writer(request), plan_id, Role.EDITOR)

    def require_on_plan(self, principal: Principal, plan_id: str, role: Role) -> None:
        self.app.access.require(principal, self.app.plans.authority_of(plan_id), role, field="plan_id")

    def visible_indicators(self, principal: Principal, day: date | None) -> dict[str, Any]:
        answer = self.app.indicators.all(day)
        return {**answer, "authorities": self.app.access.visible(principal, answer["authorities"])}

    def visible_plans(self, principal: Principal, authority_id: str | None) -> dict[str, Any]:
        listed = self.app.plans.plans(authority_id)
        return {**listed, "plans": self.app.access.visible(principal, listed["plans"])}

    # --- RPC: the caller's token travels as context data `authorization` -------------------
    @rpc
    def indicators(self, authority_id: str | None = None, as_of: str | None = None) -> dict[str, Any]:
        """All authorities the caller may view, or one with its subordinates (UnknownAuthority if
        it has no indicators), on the hierarchy of `as_of` (ISO date, default today)."""
        principal = self.rpc_caller()
        day = parse_date(as_of, "as_of")
        if authority_id is None:
            return self.visible_indicators(principal, day)
        self.app.access.require(principal, authority_id, Role.VIEWER)
        return self.app.indicators.of(authority_id, day)

    @rpc
    def adopt_plan(self, **fields: Any) -> dict[str, Any]:
        principal = self.rpc_caller()
        command = AdoptPlan.model_validate(fields)
        self.app.access.require(principal, command.authority_id, Role.EDITOR)
        return self.app.plans.adopt(command)

    @rpc
    def set_target(self, plan_id: str, indicator: str, value: int) -> dict[str, Any]:
        self.require_on_plan(self.rpc_caller(), plan_id, Role.EDITOR)
        return self.app.plans.set_target(
            SetTarget.model_validate({"plan_id": plan_id, "indicator": indicator, "value": value})
        )

    @rpc
    def split_target(self, plan_id: str, indicator: str, shares: list[dict[str, Any]]) -> dict[str, Any]:
        self.require_on_plan(self.rpc_caller(), plan_id, Role.EDITOR)
        return self.app.plans.split_target(
            SplitTarget.model_validate({"plan_id": plan_id, "indicator": indicator, "shares": shares})
        )

    @rpc
    def indicator_report(self, authority_id: str, start: str, end: str, as_of: str | None = None) -> dict[str, Any]:
        """The indicator report of an authority for a period (ISO dates), rolled up by subordinate
        on the hierarchy of `as_of` (default today)."""
        self.app.access.require(self.rpc_caller(), authority_id, Role.VIEWER)
        first, last = parse_date(start, "from"), parse_date(end, "to")
        if first is None or last is None:
            raise InvalidReportRequest("a report needs both dates of its period", field="from", rule="required")
        return self.app.reports.indicator_report(authority_id, first, last, parse_date(as_of, "as_of"))

    @rpc
    def fact_report(
        self, name: str, authority_id: str, start: str, end: str, as_of: str | None = None, **options: Any
    ) -> dict[str, Any]:
        """A fact report (organizations, coverage, members, ratings, pipeline) for a period (ISO dates)
        on the hierarchy and state of `as_of` (default: the period's end); `year`, `within_days`."""
        self.app.access.require(self.rpc_caller(), authority_id, Role.VIEWER)
        first, last = parse_date(start, "from"), parse_date(end, "to")
        if first is None or last is None:
            raise InvalidReportRequest("a report needs both dates of its period", field="from", rule="required")
        return self.app.fact_reports.report(name, authority_id, first, last, parse_date(as_of, "as_of"), **options)

    @rpc
    def plan(self, plan_id: str) -> dict[str, Any]:
        self.require_on_plan(self.rpc_caller(), plan_id, Role.VIEWER)
        return self.app.plans.plan(plan_id)

    @rpc
    def plans(self, authority_id: str | None = None) -> dict[str, Any]:
        return self.visible_plans(self.rpc_caller(), authority_id)

    @rpc
    def plan_progress(self, plan_id: str, as_of: str | None = None) -> dict[str, Any]:
        self.require_on_plan(self.rpc_caller(), plan_id, Role.VIEWER)
        return self.app.plans.progress(plan_id, parse_date(as_of, "as_of"))

    @rpc
    def assigned_plans(self, authority_id: str, as_of: str | None = None) -> dict[str, Any]:
        """Shares of superiors' plans given to the authority or its subtree, with progress."""
        self.app.access.require(self.rpc_caller(), authority_id, Role.VIEWER)
        return self.app.assigned_plans.assigned(authority_id, parse_date(as_of, "as_of"))

    # --- HTTP --------------------------------------------------------------
    @http("GET", "/")
    def dashboard(self, request: Request) -> Response:
        signed_in = SESSION_COOKIE in request.cookies
        try:
            principal = self.reader(request)
        except NotSignedIn:
            return Response(render({"authorities": [], "positions": {}}, signed_in), mimetype="text/html")
        answer = self.app.indicators.all()
        visible = self.app.access.visible(principal, answer["authorities"])
        return Response(render({**answer, "authorities": visible}, signed_in), mimetype="text/html")

    @http("POST", "/session")
    def sign_in(self, request: Request) -> Response:
        """The dashboard's sign-in: `{"token": "..."}` checked, then a session opened, its id
        (not the token) kept in the session cookie until the session ends."""
        opened: list[Session] = []

        def call() -> dict[str, Any]:
            if not self.app.access.enabled:
                return {"user": Principal.unrestricted().user, "access_control": False}
            token = str(web.read_json(request).get("token") or "").strip()
            if not token:
                raise NotSignedIn("signing in needs an API token", field="token", rule="required")
            session = self.app.access.sign_in(token)
            opened.append(session)
            grants = [{"authority_id": g.authority_id, "role": g.role.value} for g in session.principal.grants]
            return {"user": session.principal.user, "grants": grants, "access_control": True}

        answered = web.answer(call)
        for session in opened:
            answered.set_cookie(
                SESSION_COOKIE,
                session.id,
                max_age=self.app.access.session_lifetime,
                httponly=True,
                samesite="Strict",
                path="/",
                secure=request.scheme == "https",
            )
        return answered

    @http("DELETE", "/session")
    def sign_out(self, request: Request) -> Response:
        """Sign the dashboard out: the session is forgotten server-side and its cookie cleared."""
        self.app.access.sign_out(request.cookies.get(SESSION_COOKIE))
        signed_out = Response(status=204)
        signed_out.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Strict")
        return signed_out

    @http("GET", "/static/<string:name>")
    def static(self, request: Request, name: str) -> Response:
        found = static_file(name)
        if found is None:
            return web.problem(404, "Not found", f"no static file {name!r}", field="name", rule="exists")
        content, content_type = found
        return Response(content, mimetype=content_type, headers={"Cache-Control": "max-age=3600"})

    @http("GET", "/indicators")
    def list_indicators(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            return self.visible_indicators(self.reader(request), as_of(request))

        return web.answer(call)

    @http("GET", "/indicators/<string:authority_id>")
    def show_indicators(self, request: Request, authority_id: str) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, authority_id)
            return self.app.indicators.of(authority_id, as_of(request))

        return web.answer(call)

    @http("GET", "/reports/indicators")
    def indicator_report_http(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, request.args.get("authority_id", ""))
            start, end = period(request)
            return self.app.reports.indicator_report(request.args.get("authority_id", ""), start, end, as_of(request))

        return web.answer(call)

    @http("GET", "/reports/indicators.<string:file_format>")
    def indicator_report_file(self, request: Request, file_format: str) -> Response:
        def make() -> ExportedFile:
            self.viewer_of(request, request.args.get("authority_id", ""))
            start, end = period(request)
            return self.app.exports.indicator_report(
                file_format, request.args.get("authority_id", ""), start, end, as_of(request)
            )

        return download(make)

    @http("GET", "/reports/admissions")
    def admissions_report(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, request.args.get("authority_id", ""))
            start, end = period(request)
            return self.app.reports.admissions(request.args.get("authority_id", ""), start, end, as_of(request))

        return web.answer(call)

    @http("GET", "/reports/admissions.<string:file_format>")
    def admissions_report_file(self, request: Request, file_format: str) -> Response:
        def make() -> ExportedFile:
            self.viewer_of(request, request.args.get("authority_id", ""))
            start, end = period(request)
            return self.app.exports.admissions(
                file_format, request.args.get("authority_id", ""), start, end, as_of(request)
            )

        return download(make)

    @http("GET", "/reports/trend")
    def trend(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, request.args.get("authority_id", ""))
            start, end = period(request)
            return self.app.reports.trend(request.args.get("authority_id", ""), start, end, as_of(request))

        return web.answer(call)

    @http("GET", "/reports/<string:name>")
    def fact_report_http(self, request: Request, name: str) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, request.args.get("authority_id", ""))
            return self.app.fact_reports.report(name, **report_query(request))

        return web.answer(call)

    @http("GET", "/reports/<string:name>.<string:file_format>")
    def fact_report_file(self, request: Request, name: str, file_format: str) -> Response:
        def make() -> ExportedFile:
            self.viewer_of(request, request.args.get("authority_id", ""))
            return self.app.fact_exports.report(file_format, name, **report_query(request))

        return download(make)

    @http("GET", "/plans/<string:plan_id>/progress.<string:file_format>")
    def plan_progress_file(self, request: Request, plan_id: str, file_format: str) -> Response:
        def make() -> ExportedFile:
            self.viewer_of_plan(request, plan_id)
            return self.app.exports.plan_progress(file_format, plan_id, parse_date(request.args.get("as_of"), "as_of"))

        return download(make)

    @http("GET", "/plans")
    def list_plans(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            return self.visible_plans(self.reader(request), request.args.get("authority_id"))

        return web.answer(call)

    @http("GET", "/plans/assigned")
    def assigned_plans_http(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of(request, request.args.get("authority_id", ""))
            return self.app.assigned_plans.assigned(request.args.get("authority_id", ""), as_of(request))

        return web.answer(call)

    @http("POST", "/plans")
    def adopt_plan_http(self, request: Request) -> Response:
        def call() -> dict[str, Any]:
            principal = self.writer(request)
            command = AdoptPlan.model_validate(web.read_json(request))
            self.app.access.require(principal, command.authority_id, Role.EDITOR)
            return self.app.plans.adopt(command)

        return web.answer(call, 201)

    @http("GET", "/plans/<string:plan_id>")
    def show_plan(self, request: Request, plan_id: str) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of_plan(request, plan_id)
            return self.app.plans.plan(plan_id)

        return web.answer(call)

    @http("PUT", "/plans/<string:plan_id>/targets/<string:indicator>")
    def set_target_http(self, request: Request, plan_id: str, indicator: str) -> Response:
        def call() -> dict[str, Any]:
            self.editor_of_plan(request, plan_id)
            body = web.read_json(request)
            return self.app.plans.set_target(
                SetTarget.model_validate({**body, "plan_id": plan_id, "indicator": indicator})
            )

        return web.answer(call)

    @http("PUT", "/plans/<string:plan_id>/targets/<string:indicator>/split")
    def split_target_http(self, request: Request, plan_id: str, indicator: str) -> Response:
        def call() -> dict[str, Any]:
            self.editor_of_plan(request, plan_id)
            body = web.read_json(request)
            return self.app.plans.split_target(
                SplitTarget.model_validate({**body, "plan_id": plan_id, "indicator": indicator})
            )

        return web.answer(call)

    @http("GET", "/plans/<string:plan_id>/progress")
    def plan_progress_http(self, request: Request, plan_id: str) -> Response:
        def call() -> dict[str, Any]:
            self.viewer_of_plan(request, plan_id)
            return self.app.plans.progress(plan_id, parse_date(request.args.get("as_of"), "as_of"))

        return web.answer(call)


def download(make: Callable[[], ExportedFile]) -> Response:
    """The file as an attachment, or the problem document of a refusal."""
    try:
        exported = make()
    except CosoError:
        return web.answer(make)
    return Response(
        exported.content,
        mimetype=exported.content_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
