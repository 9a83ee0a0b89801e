"""`POST /rules` and `GET /rules`, the same on every service that keeps rule sets: parse the
request, hand it to the service's rules' use cases, answer JSON (201 for an adoption) or a
problem document naming the field and the rule.

A service's nameko class inherits `RulesEndpoints`, sets `adopt_rules_command` to its
`AdoptRules` and gives, in `rules_for(request)`, the use cases the caller reaches (guarded by
the caller's grants, or not where the service checks no token).
"""

from __future__ import annotations

from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_backbone.rulesets.commands import RulesAdoption, RulesOfAuthority
from coso_backbone.web import http


class RulesUseCases(Protocol):
    def adopt(self, command: Any) -> dict[str, Any]: ...

    def in_force(self, query: RulesOfAuthority) -> dict[str, Any]: ...


class RulesEndpoints:
    adopt_rules_command: type[RulesAdoption]

    def rules_for(self, request: Request) -> RulesUseCases:
        """The rules' use cases as the caller of this request reaches them."""
        raise NotImplementedError

    @http("POST", "/rules")
    def post_rules(self, request: Request) -> Response:
        return web.answer(
            lambda: self.rules_for(request).adopt(self.adopt_rules_command.model_validate(web.read_json(request))),
            201,
        )

    @http("GET", "/rules")
    def get_rules(self, request: Request) -> Response:
        """The rules in force: `?authority_id=…&on=YYYY-MM-DD`, each with where it comes from."""
        return web.answer(
            lambda: self.rules_for(request).in_force(RulesOfAuthority.model_validate(request.args.to_dict()))
        )
