"""The fact reports' HTTP routes: their query parameters, read here, and their OpenAPI
declarations (`FACT_ROUTES`, to be listed in reporting's OpenAPI document).

`/reports/<name>?authority_id=&from=&to=&as_of=` answers a report as JSON, and
`/reports/<name>.<xlsx|pdf>` the same as a file; `year` (ratings) and `within_days`
(pipeline) are the reports' own options. A bad parameter is refused naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from werkzeug.wrappers import Request

from coso_backbone.openapi import Parameter, Route, date_parameter, integer_parameter
from coso_reporting.application.fact_reports import REPORTS
from coso_reporting.domain.errors import InvalidReportRequest
from coso_reporting.entrypoints.params import as_of, period


def report_query(request: Request) -> dict[str, Any]:
    """authority_id, start, end, as_of and the report's options from the query string."""
    start, end = period(request)
    options: dict[str, Any] = {}
    for name in ("year", "within_days"):
        value = request.args.get(name)
        if value not in (None, ""):
            try:
                options[name] = int(value)
            except ValueError:
                raise InvalidReportRequest(
                    f"{name} must be a whole number, not {value!r}", field=name, rule="integer"
                ) from None
    return {
        "authority_id": request.args.get("authority_id", ""),
        "start": start,
        "end": end,
        "as_of": as_of(request),
        **options,
    }


PERIOD = (
    Parameter("authority_id", "The authority whose subtree the report covers", required=True),
    date_parameter("from", "First day of the period (default: 1 January of this year)"),
    date_parameter("to", "Last day of the period (default: today)"),
)
"""The query parameters naming a report's authority and period (every report of reporting has them)."""
_QUERY = (
    *PERIOD,
    date_parameter("as_of", "Day whose hierarchy and state the report shows (default: the period's last day)"),
    integer_parameter("year", "ratings: the year rated (default: the period's year)"),
    integer_parameter("within_days", "pipeline: how many days ahead a deadline is due soon (default 14)"),
)
_REPORTS = ("fact reports",)
_NAMES: dict[str, Sequence[str]] = {"name": tuple(REPORTS)}

FACT_ROUTES = [
    Route(
        "GET",
        "/reports/<string:name>",
        "A fact report (organizations, coverage, members, ratings, pipeline) rolled up by subordinate",
        "get_fact_report",
        query=_QUERY,
        errors=(404, 422),
        tags=_REPORTS,
        path_enums=_NAMES,
        description="; ".join(f"{k}: {v}" for k, v in REPORTS.items()),
    ),
    Route(
        "GET",
        "/reports/<string:name>.<string:file_format>",
        "A fact report as a file laid out for the superior authority (Vietnamese)",
        "get_fact_report_file",
        query=_QUERY,
        answer="The report as an XLSX workbook or a PDF document",
        answer_schema={"type": "string", "format": "binary"},
        answer_media_type="application/octet-stream",
        errors=(404, 422),
        tags=_REPORTS,
        path_enums={**_NAMES, "file_format": ("xlsx", "pdf")},
    ),
]
