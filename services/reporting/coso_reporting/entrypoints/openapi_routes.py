"""Reporting's HTTP API as an OpenAPI 3.1 document: every `@http` route of `ReportingService`
is declared here, the fact reports' through `FACT_ROUTES` (a test fails when one is missing).

Every route but the dashboard's page, its static files and its sign-in takes an API token
(`coso-reporting create-token`) as `Authorization: Bearer <token>`; reads also take the
dashboard's session cookie (a session id, not the token). 401 and 403 answers are declared on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

from pydantic import BaseModel, Field

from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.openapi import OpenApi, Parameter, Route, date_parameter
from coso_reporting.application.commands import AdoptPlan, SetTarget, SplitTarget
from coso_reporting.entrypoints.fact_routes import FACT_ROUTES, PERIOD

DASHBOARD = ("dashboard",)


class SignIn(BaseModel):
    """The dashboard's sign-in: an API token issued by `coso-reporting create-token`."""

    token: str = Field(description="The API token")


INDICATORS = ("indicators",)
REPORTS = ("reports",)
PLANS = ("plans",)

_AS_OF = date_parameter("as_of", "Day whose hierarchy the answer is drawn on (default: today)")
_PERIOD = (*PERIOD, _AS_OF)
_FORMATS: dict[str, Sequence[str]] = {"file_format": ("xlsx", "pdf")}
_FILE: dict[str, Any] = {
    "answer": "The report as an XLSX workbook or a PDF document, laid out in Vietnamese",
    "answer_schema": {"type": "string", "format": "binary"},
    "answer_media_type": "application/octet-stream",
}


def _report(path: str, summary: str, operation_id: str) -> list[Route]:
    """A period report answered as JSON at `path` and as a file at `path.<xlsx|pdf>`."""
    return [
        Route("GET", path, summary, operation_id, query=_PERIOD, errors=(404, 422), tags=REPORTS),
        Route(
            "GET",
            f"{path}.<string:file_format>",
            f"{summary}, as a file",
            f"{operation_id}_file",
            query=_PERIOD,
            errors=(404, 422),
            tags=REPORTS,
            path_enums=_FORMATS,
            **_FILE,
        ),
    ]


def _target(suffix: str, summary: str, operation_id: str, command: type[BaseModel], body: str) -> Route:
    """A change to one target of a plan: plan_id and indicator come from the path."""
    return Route(
        "PUT",
        f"/plans/<string:plan_id>/targets/<string:indicator>{suffix}",
        summary,
        operation_id,
        command,
        errors=(404, 409, 422),
        tags=PLANS,
        path_enums={"indicator": tuple(TargetIndicator)},
        description=f"The body is `{body}`; plan_id and indicator come from the path.",
    )


ROUTES = [
    # --- dashboard
    Route(
        "GET",
        "/",
        "The dashboard page (Vietnamese): indicators, reports, plans and their exports",
        "dashboard",
        answer="An HTML page",
        answer_schema={"type": "string"},
        answer_media_type="text/html",
        errors=(),
        secured=False,
        tags=DASHBOARD,
        description="Open to all; without a session (or token) the page shows only its sign-in field.",
    ),
    Route(
        "GET",
        "/static/<string:name>",
        "A static file of the dashboard (script, style sheet)",
        "static_file",
        answer="The file",
        answer_schema={"type": "string", "format": "binary"},
        answer_media_type="application/octet-stream",
        errors=(404,),
        secured=False,
        tags=DASHBOARD,
    ),
    Route(
        "POST",
        "/session",
        "Sign the dashboard in: the API token is checked and a session opened, its id (not the token) kept in "
        "an HttpOnly, SameSite=Strict cookie until it ends (options.dashboard_session_hours, default 12)",
        "sign_in",
        SignIn,
        answer="The user and their grants; the answer sets the session cookie",
        errors=(401,),
        secured=False,
        tags=DASHBOARD,
        description="Reads (GET) then take the cookie in place of the Authorization header; changes never do.",
    ),
    Route(
        "DELETE",
        "/session",
        "Sign the dashboard out: the session is ended server-side and its cookie cleared",
        "sign_out",
        status=204,
        answer="Signed out",
        errors=(),
        secured=False,
        tags=DASHBOARD,
    ),
    # --- indicators
    Route(
        "GET",
        "/indicators",
        "Every authority's indicators, own and over its subtree",
        "list_indicators",
        query=(_AS_OF,),
        tags=INDICATORS,
    ),
    Route(
        "GET",
        "/indicators/<string:authority_id>",
        "One authority's indicators with its subordinates'",
        "show_indicators",
        query=(_AS_OF,),
        errors=(404, 422),
        tags=INDICATORS,
    ),
    # --- period reports
    *_report("/reports/indicators", "The indicator report of an authority for a period", "indicator_report"),
    *_report(
        "/reports/admissions",
        "The admissions report per subordinate unit by source channel and job category",
        "admissions_report",
    ),
    Route(
        "GET",
        "/reports/trend",
        "Month by month counts over an authority's subtree for a period",
        "trend_report",
        query=_PERIOD,
        errors=(404, 422),
        tags=REPORTS,
    ),
    *FACT_ROUTES,
    # --- plans
    Route(
        "POST",
        "/plans",
        "Adopt a plan (kế hoạch) of an authority for a period",
        "adopt_plan",
        AdoptPlan,
        status=201,
        errors=(404, 409, 422),
        tags=PLANS,
    ),
    Route(
        "GET",
        "/plans",
        "The plans, of one authority or all",
        "list_plans",
        query=(Parameter("authority_id", "Only this authority's plans"),),
        tags=PLANS,
    ),
    Route(
        "GET",
        "/plans/assigned",
        "Shares of superiors' plans given to an authority or its subtree, with progress",
        "assigned_plans",
        query=(Parameter("authority_id", "The authority", required=True), _AS_OF),
        errors=(404, 422),
        tags=PLANS,
    ),
    Route("GET", "/plans/<string:plan_id>", "One plan", "show_plan", errors=(404,), tags=PLANS),
    _target("", "Set a plan's target for an indicator", "set_target", SetTarget, "{value}"),
    _target(
        "/split",
        "Split a target among subordinate authorities (the shares add up to the target)",
        "split_target",
        SplitTarget,
        "{shares}",
    ),
    Route(
        "GET",
        "/plans/<string:plan_id>/progress",
        "A plan's progress: achieved against each target and the checkpoint due",
        "plan_progress",
        query=(_AS_OF,),
        errors=(404, 422),
        tags=PLANS,
    ),
    Route(
        "GET",
        "/plans/<string:plan_id>/progress.<string:file_format>",
        "A plan's progress as a file",
        "plan_progress_file",
        query=(_AS_OF,),
        errors=(404, 422),
        tags=PLANS,
        path_enums=_FORMATS,
        **_FILE,
    ),
]

REPORTING_API = OpenApi(
    "coso reporting",
    version("coso-reporting"),
    ROUTES,
    description=(
        "Indicators, period and fact reports (JSON, XLSX, PDF) on the hierarchy of a chosen day, and plans "
        "with their targets and progress. Refusals are RFC 9457 problem documents naming the field and the rule. "
        "Callers present an API token (`coso-reporting create-token USER --grant AUTHORITY:ROLE`) as "
        "`Authorization: Bearer <token>`, unless access control is off; reads also take the dashboard's session "
        "cookie. A viewer's grant on an authority opens its subtree's reports, exports and plans; adopting and "
        "targeting plans needs an editor's."
    ),
    token_description="An API token issued by `coso-reporting create-token`",
)
