"""Reporting's nameko service: RPC and HTTP, thin: parse, delegate, answer."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_reporting import bootstrap
from coso_reporting.entrypoints.dashboard import render

web.make_database_driver_green()


class ReportingService(web.BackboneEndpoints):
    name = "reporting"
    app: bootstrap.ReportingApp = web.WiredApplication(bootstrap.build)

    # --- RPC ---------------------------------------------------------------
    @rpc
    def indicators(self, authority_id: str | None = None) -> dict[str, Any]:
        """All authorities, or one with its subordinates (UnknownAuthority if it has no indicators)."""
        if authority_id is None:
            return self.app.indicators.all()
        return self.app.indicators.of(authority_id)

    # --- HTTP --------------------------------------------------------------
    @http("GET", "/")
    def dashboard(self, request: Request) -> Response:
        return Response(render(self.app.indicators.all()), mimetype="text/html")

    @http("GET", "/indicators")
    def list_indicators(self, request: Request) -> Response:
        return web.answer(self.app.indicators.all)

    @http("GET", "/indicators/<string:authority_id>")
    def show_indicators(self, request: Request, authority_id: str) -> Response:
        return web.answer(lambda: self.app.indicators.of(authority_id))
