"""The notifications nameko service: the delivery log over RPC and HTTP, thin: parse, delegate, answer."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_notifications import bootstrap

web.make_database_driver_green()


class NotificationsService(web.BackboneEndpoints):
    name = "notifications"
    app: bootstrap.NotificationsApp = web.WiredApplication(bootstrap.build)

    # --- RPC ---------------------------------------------------------------
    @rpc
    def deliveries(self, status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        return self.app.log.deliveries(status, limit, offset)

    @rpc
    def delivery(self, notification_id: str) -> dict[str, Any]:
        return self.app.log.delivery(notification_id)

    # --- HTTP --------------------------------------------------------------
    @http("GET", "/deliveries")
    def list_deliveries(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.log.deliveries(
                request.args.get("status"),
                int(request.args.get("limit", "100")),
                int(request.args.get("offset", "0")),
            )
        )

    @http("GET", "/deliveries/<string:notification_id>")
    def show_delivery(self, request: Request, notification_id: str) -> Response:
        return web.answer(lambda: self.app.log.delivery(notification_id))
