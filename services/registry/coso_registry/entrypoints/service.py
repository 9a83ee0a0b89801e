"""The registry's nameko service: RPC and HTTP, thin: parse, delegate, answer."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_registry import bootstrap
from coso_registry.application.commands import RegisterAuthority, RegisterEnterprise

web.make_database_driver_green()


class RegistryService(web.BackboneEndpoints):
    name = "registry"
    app: bootstrap.RegistryApp = web.WiredApplication(bootstrap.build)

    # --- RPC ---------------------------------------------------------------
    @rpc
    def register_authority(self, **fields: Any) -> dict[str, Any]:
        return self.app.registry.register_authority(RegisterAuthority.model_validate(fields))

    @rpc
    def register_enterprise(self, **fields: Any) -> dict[str, Any]:
        return self.app.registry.register_enterprise(RegisterEnterprise.model_validate(fields))

    @rpc
    def get_enterprise(self, enterprise_id: str) -> dict[str, Any]:
        return self.app.registry.enterprise(enterprise_id)

    # --- HTTP --------------------------------------------------------------
    @http("POST", "/authorities")
    def post_authority(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.registry.register_authority(RegisterAuthority.model_validate(web.read_json(request))),
            201,
        )

    @http("GET", "/authorities")
    def get_authorities(self, request: Request) -> Response:
        return web.answer(self.app.registry.authorities)

    @http("POST", "/enterprises")
    def post_enterprise(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.registry.register_enterprise(RegisterEnterprise.model_validate(web.read_json(request))),
            201,
        )

    @http("GET", "/enterprises")
    def list_enterprises(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.registry.enterprises(
                request.args.get("authority_id"),
                int(request.args.get("limit", "100")),
                int(request.args.get("offset", "0")),
            )
        )

    @http("GET", "/enterprises/<string:enterprise_id>")
    def show_enterprise(self, request: Request, enterprise_id: str) -> Response:
        return web.answer(lambda: self.app.registry.enterprise(enterprise_id))
