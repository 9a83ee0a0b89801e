"""Query parameters of reporting's HTTP routes, with refusals naming the parameter."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Request

from coso_reporting.domain.errors import InvalidReportRequest


def parse_date(value: str | None, field: str) -> date | None:
    """An ISO date from a query parameter, or a refusal naming the parameter."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidReportRequest(
            f"{field} must be a date YYYY-MM-DD, not {value!r}", field=field, rule="iso_date"
        ) from None


def period(request: Request) -> tuple[date, date]:
    """`from` and `to` query parameters (default: this year up to today)."""
    today = date.today()
    start = parse_date(request.args.get("from"), "from") or date(today.year, 1, 1)
    end = parse_date(request.args.get("to"), "to") or today
    return start, end


def as_of(request: Request) -> date | None:
    """The `as_of` query parameter: the day whose hierarchy a report is drawn on (None: today)."""
    return parse_date(request.args.get("as_of"), "as_of")
