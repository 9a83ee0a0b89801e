"""The registry's nameko service: RPC and HTTP, thin: parse, delegate, answer.

HTTP callers present `Authorization: Bearer <token>`, RPC callers the same `Bearer <token>`
as nameko context data `authorization` (unless access control is switched off); every command
and query goes through `GuardedRegistry`, which checks the caller's grants.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_backbone.rulesets.endpoints import RulesEndpoints
from coso_backbone.rulesets.guarded import GuardedRules
from coso_backbone.web import http
from coso_registry import bootstrap
from coso_registry.application.commands import (
    AdoptRules,
    ChangeMassChair,
    CloseEnterprise,
    CountMassMembers,
    CountWorkforce,
    DissolveAuthority,
    DissolveMassOrganization,
    DissolveOrganization,
    EnterpriseChange,
    FoundMassOrganization,
    FoundOrganization,
    MassOrganizationChange,
    MergeAuthorities,
    MergeOrganizations,
    MoveEnterprise,
    OrganizationChange,
    RateOrganization,
    RegisterAuthority,
    RegisterEnterprise,
    RenameAuthority,
    RenameOrganization,
    ReparentAuthority,
    ResumeEnterprise,
    SplitAuthority,
    SuspendEnterprise,
    TransferOrganization,
    UpdateEnterprise,
    UpgradeOrganization,
)
from coso_registry.application.guarded import ENTERPRISE_CHANGES
from coso_registry.domain.errors import InvalidQuery
from coso_registry.entrypoints.openapi_routes import REGISTRY_API

web.make_database_driver_green()


ENTERPRISE_COMMANDS: dict[str, type[EnterpriseChange]] = {
    "update": UpdateEnterprise,
    "move": MoveEnterprise,
    "suspend": SuspendEnterprise,
    "resume": ResumeEnterprise,
    "close": CloseEnterprise,
    "workforce": CountWorkforce,
}
assert set(ENTERPRISE_COMMANDS) == set(ENTERPRISE_CHANGES)

MASS_ORGANIZATION_COMMANDS: dict[str, tuple[str, type[MassOrganizationChange]]] = {
    "members": ("count_members", CountMassMembers),
    "chair": ("change_chair", ChangeMassChair),
    "dissolve": ("dissolve", DissolveMassOrganization),
}

ORGANIZATION_COMMANDS: dict[str, type[OrganizationChange] | type[RateOrganization]] = {
    "rate": RateOrganization,
    "rename": RenameOrganization,
    "upgrade": UpgradeOrganization,
    "transfer": TransferOrganization,
    "dissolve": DissolveOrganization,
}


def day_of(request: Request, name: str) -> date:
    """A date query parameter (YYYY-MM-DD), today when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidQuery(f"{name}={raw!r} is not a date", field=name, rule="YYYY-MM-DD") from None


def number_of(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise InvalidQuery(f"{name}={raw!r} is not a whole number", field=name, rule="integer") from None


class RegistryService(web.Callers, web.BackboneEndpoints, RulesEndpoints):
    name = "registry"
    app: bootstrap.RegistryApp = web.WiredApplication(bootstrap.build)
    openapi = REGISTRY_API
    adopt_rules_command = AdoptRules

    def rules_for(self, request: Request) -> GuardedRules:
        return self.app.guarded.rules_for(self.caller(request))

    # --- RPC: the caller's token travels as context data `authorization` -------------------
    @rpc
    def register_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.register_authority(self.rpc_caller(), RegisterAuthority.model_validate(fields))

    @rpc
    def rename_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.rename_authority(self.rpc_caller(), RenameAuthority.model_validate(fields))

    @rpc
    def reparent_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.reparent_authority(self.rpc_caller(), ReparentAuthority.model_validate(fields))

    @rpc
    def merge_authorities(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.merge_authorities(self.rpc_caller(), MergeAuthorities.model_validate(fields))

    @rpc
    def split_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.split_authority(self.rpc_caller(), SplitAuthority.model_validate(fields))

    @rpc
    def dissolve_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.dissolve_authority(self.rpc_caller(), DissolveAuthority.model_validate(fields))

    @rpc
    def authority_subtree(self, authority_id: str, as_of: str) -> list[dict[str, Any]]:
        return self.app.guarded.subtree(self.rpc_caller(), authority_id, date.fromisoformat(as_of))

    @rpc
    def authority_successors(self, authority_id: str, on: str) -> dict[str, Any]:
        return self.app.guarded.successors(self.rpc_caller(), authority_id, date.fromisoformat(on))

    @rpc
    def register_enterprise(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.register_enterprise(self.rpc_caller(), RegisterEnterprise.model_validate(fields))

    @rpc
    def change_enterprise(self, action: str, **fields: Any) -> dict[str, Any]:
        principal = self.rpc_caller()
        command_type = ENTERPRISE_COMMANDS.get(action)
        if command_type is None:
            raise InvalidQuery(f"no enterprise action {action!r}", field="action", rule=", ".join(ENTERPRISE_COMMANDS))
        return self.app.guarded.change_enterprise(principal, action, command_type.model_validate(fields))

    @rpc
    def get_enterprise(self, enterprise_id: str) -> dict[str, Any]:
        return self.app.guarded.enterprise(self.rpc_caller(), enterprise_id)

    @rpc
    def enterprises(self, authority_id: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        return self.app.guarded.enterprises(self.rpc_caller(), authority_id, limit, offset)

    @rpc
    def found_organization(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.found_organization(self.rpc_caller(), FoundOrganization.model_validate(fields))

    @rpc
    def merge_organizations(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.merge_organizations(self.rpc_caller(), MergeOrganizations.model_validate(fields))

    @rpc
    def get_organization(self, organization_id: str) -> dict[str, Any]:
        return self.app.guarded.organization(self.rpc_caller(), organization_id)

    # --- HTTP: authorities ---------------------------------------------------------------
    @http("POST", "/authorities")
    def post_authority(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.register_authority(
                self.caller(request), RegisterAuthority.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/authorities")
    def get_authorities(self, request: Request) -> Response:
        """The hierarchy as of a day (`as_of`, default today): flat list, or nested with `nested=1`."""
        return web.answer(
            lambda: self.app.guarded.tree(
                self.caller(request), day_of(request, "as_of"), request.args.get("nested") in ("1", "true")
            )
        )

    @http("GET", "/authorities/<string:authority_id>")
    def show_authority(self, request: Request, authority_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.authority(self.caller(request), authority_id))

    @http("GET", "/authorities/<string:authority_id>/subtree")
    def get_subtree(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.subtree(self.caller(request), authority_id, day_of(request, "as_of"))
        )

    @http("GET", "/authorities/<string:authority_id>/ratings")
    def get_ratings(self, request: Request, authority_id: str) -> Response:
        """Quality levels given under an authority in `year`, and its cap on excellent."""
        return web.answer(
            lambda: self.app.guarded.rating_summary(
                self.caller(request), authority_id, number_of(request, "year", date.today().year)
            )
        )

    @http("GET", "/authorities/<string:authority_id>/successor")
    def get_successor(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.successors(self.caller(request), authority_id, day_of(request, "on"))
        )

    @http("POST", "/authorities/<string:authority_id>/rename")
    def post_rename(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.rename_authority(
                self.caller(request),
                RenameAuthority.model_validate({**web.read_json(request), "authority_id": authority_id}),
            )
        )

    @http("POST", "/authorities/<string:authority_id>/reparent")
    def post_reparent(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.reparent_authority(
                self.caller(request),
                ReparentAuthority.model_validate({**web.read_json(request), "authority_id": authority_id}),
            )
        )

    @http("POST", "/authorities/<string:authority_id>/split")
    def post_split(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.split_authority(
                self.caller(request),
                SplitAuthority.model_validate({**web.read_json(request), "authority_id": authority_id}),
            )
        )

    @http("POST", "/authorities/<string:authority_id>/dissolve")
    def post_dissolve(self, request: Request, authority_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.dissolve_authority(
                self.caller(request),
                DissolveAuthority.model_validate({**web.read_json(request), "authority_id": authority_id}),
            )
        )

    @http("POST", "/authority-mergers")
    def post_merger(self, request: Request) -> Response:
        """Several authorities merged into one successor: {merged_ids, successor_id, effective_from, legal_basis}."""
        return web.answer(
            lambda: self.app.guarded.merge_authorities(
                self.caller(request), MergeAuthorities.model_validate(web.read_json(request))
            ),
            201,
        )

    # --- HTTP: enterprises ---------------------------------------------------------------
    @http("POST", "/enterprises")
    def post_enterprise(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.register_enterprise(
                self.caller(request), RegisterEnterprise.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/enterprises")
    def list_enterprises(self, request: Request) -> Response:
        """A page of the enterprises the caller may see (`authority_id`, `limit`, `offset`)."""
        return web.answer(
            lambda: self.app.guarded.enterprises(
                self.caller(request),
                request.args.get("authority_id"),
                number_of(request, "limit", 100),
                number_of(request, "offset", 0),
            )
        )

    @http("GET", "/enterprises/<string:enterprise_id>")
    def show_enterprise(self, request: Request, enterprise_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.enterprise(self.caller(request), enterprise_id))

    @http("POST", "/enterprises/<string:enterprise_id>/<string:action>")
    def post_enterprise_change(self, request: Request, enterprise_id: str, action: str) -> Response:
        """update, move, suspend, resume, close or workforce; body: the command's fields
        (optionally `expected_version`, the version last read)."""

        def run() -> dict[str, Any]:
            command_type = ENTERPRISE_COMMANDS.get(action)
            if command_type is None:
                raise InvalidQuery(
                    f"no enterprise action {action!r}", field="action", rule=", ".join(ENTERPRISE_COMMANDS)
                )
            principal = self.caller(request)
            command = command_type.model_validate({**web.read_json(request), "enterprise_id": enterprise_id})
            return self.app.guarded.change_enterprise(principal, action, command)

        return web.answer(run)

    # --- HTTP: party organizations -------------------------------------------------------
    @http("POST", "/organizations")
    def post_organization(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.found_organization(
                self.caller(request), FoundOrganization.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/organizations")
    def list_organizations(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.organizations(
                self.caller(request), number_of(request, "limit", 100), number_of(request, "offset", 0)
            )
        )

    @http("POST", "/organization-mergers")
    def post_organization_merger(self, request: Request) -> Response:
        """Several party organizations merged into one: {merged_ids, successor_id, decision_number,
        effective_from, kind?, authority_id?, official_members?}."""
        return web.answer(
            lambda: self.app.guarded.merge_organizations(
                self.caller(request), MergeOrganizations.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/organizations/<string:organization_id>")
    def show_organization(self, request: Request, organization_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.organization(self.caller(request), organization_id))

    @http("GET", "/organizations/<string:organization_id>/size")
    def organization_size(self, request: Request, organization_id: str) -> Response:
        """The organization's size against the size rules in force on `on` (default today)."""
        return web.answer(
            lambda: self.app.guarded.organization_size(self.caller(request), organization_id, day_of(request, "on"))
        )

    @http("POST", "/organizations/<string:organization_id>/<string:action>")
    def post_organization_change(self, request: Request, organization_id: str, action: str) -> Response:
        """rename, upgrade, transfer, dissolve (with decision_number) or rate (year, score, rated_on)."""

        def run() -> dict[str, Any]:
            command_type = ORGANIZATION_COMMANDS.get(action)
            if command_type is None:
                raise InvalidQuery(
                    f"no organization action {action!r}", field="action", rule=", ".join(ORGANIZATION_COMMANDS)
                )
            principal = self.caller(request)
            command = command_type.model_validate({**web.read_json(request), "organization_id": organization_id})
            return self.app.guarded.change_organization(principal, action, command)

        return web.answer(run)

    # --- HTTP: mass organizations --------------------------------------------------------
    @http("POST", "/mass-organizations")
    def post_mass_organization(self, request: Request) -> Response:
        """{kind, enterprise_id, name, founded_on, members, chair?}"""
        return web.answer(
            lambda: self.app.guarded.found_mass_organization(
                self.caller(request), FoundMassOrganization.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/mass-organizations")
    def list_mass_organizations(self, request: Request) -> Response:
        """The mass organizations of one enterprise (`enterprise_id`)."""

        def run() -> list[dict[str, Any]]:
            enterprise_id = request.args.get("enterprise_id")
            if not enterprise_id:
                raise InvalidQuery("enterprise_id is required", field="enterprise_id", rule="required")
            return self.app.guarded.mass_organizations_of(self.caller(request), enterprise_id)

        return web.answer(run)

    @http("GET", "/mass-organizations/<string:mass_organization_id>")
    def show_mass_organization(self, request: Request, mass_organization_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.mass_organization(self.caller(request), mass_organization_id))

    @http("POST", "/mass-organizations/<string:mass_organization_id>/<string:action>")
    def post_mass_organization_change(self, request: Request, mass_organization_id: str, action: str) -> Response:
        """members {members, counted_on}, chair {chair, effective_from} or dissolve {reason, effective_from}."""

        def run() -> dict[str, Any]:
            known = MASS_ORGANIZATION_COMMANDS.get(action)
            if known is None:
                raise InvalidQuery(
                    f"no mass organization action {action!r}",
                    field="action",
                    rule=", ".join(MASS_ORGANIZATION_COMMANDS),
                )
            method, command_type = known
            principal = self.caller(request)
            command = command_type.model_validate(
                {**web.read_json(request), "mass_organization_id": mass_organization_id}
            )
            return self.app.guarded.change_mass_organization(principal, method, command)

        return web.answer(run)
