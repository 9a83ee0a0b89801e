"""The OpenAPI declarations of `POST /rules` and `GET /rules` (coso_backbone.rulesets.endpoints),
in each service's words: what its rules are, how it describes the authority asked about."""

from __future__ import annotations

from pydantic import BaseModel

from coso_backbone.openapi import Parameter, Route, date_parameter

RULES = ("rules",)


def rules_routes(
    adopt_command: type[BaseModel],
    adopt_summary: str,
    in_force_summary: str,
    authority: str,
    on: str,
    secured: bool = True,
) -> list[Route]:
    """The two routes: `authority` and `on` describe GET's query parameters `authority_id` and `on`."""
    return [
        Route(
            "POST",
            "/rules",
            adopt_summary,
            "post_rules",
            adopt_command,
            status=201,
            errors=(409, 422),
            secured=secured,
            tags=RULES,
        ),
        Route(
            "GET",
            "/rules",
            in_force_summary,
            "get_rules",
            query=(Parameter("authority_id", authority, required=True), date_parameter("on", on)),
            errors=(422,),
            secured=secured,
            tags=RULES,
        ),
    ]
