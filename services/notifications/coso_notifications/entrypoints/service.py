"""The notifications nameko service: the delivery log, the in-app feed, the subscriptions and the
rules in force over RPC and HTTP; thin: parse, delegate, answer."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from coso_backbone import service_support as web
from coso_backbone.rulesets.endpoints import RulesEndpoints
from coso_backbone.web import http
from coso_notifications import bootstrap
from coso_notifications.application.commands import AdoptRules
from coso_notifications.application.rules import NotificationRuleSets
from coso_notifications.entrypoints.openapi_routes import NOTIFICATIONS_API

web.make_database_driver_green()


class NotificationsService(web.BackboneEndpoints, RulesEndpoints):
    name = "notifications"
    app: bootstrap.NotificationsApp = web.WiredApplication(bootstrap.build)
    openapi = NOTIFICATIONS_API
    adopt_rules_command = AdoptRules

    def rules_for(self, request: Request) -> NotificationRuleSets:
        """Notifications checks no token: whoever reaches the service adopts and asks rules."""
        return self.app.rules

    # --- RPC ---------------------------------------------------------------
    @rpc
    def deliveries(
        self, status: str | None = None, limit: int = 100, offset: int = 0, **filters: str
    ) -> list[dict[str, Any]]:
        return self.app.log.deliveries(status, limit, offset, filters)

    @rpc
    def delivery(self, notification_id: str) -> dict[str, Any]:
        return self.app.log.delivery(notification_id)

    @rpc
    def feed(self, recipient: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return self.app.log.feed(recipient, limit, offset)

    @rpc
    def subscriptions(
        self, authority: str | None = None, role: str | None = None, channel: str | None = None
    ) -> list[dict[str, object]]:
        return self.app.subscriptions.list(authority, role, channel)

    # --- HTTP --------------------------------------------------------------
    @http("GET", "/deliveries")
    def list_deliveries(self, request: Request) -> Response:
        filters = {k: v for k, v in request.args.items() if k not in ("status", "limit", "offset")}
        return web.answer(
            lambda: self.app.log.deliveries(
                request.args.get("status"),
                int(request.args.get("limit", "100")),
                int(request.args.get("offset", "0")),
                filters,
            )
        )

    @http("GET", "/dead-letters")
    def dead_letters(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.log.failed(int(request.args.get("limit", "100")), int(request.args.get("offset", "0")))
        )

    @http("GET", "/feed")
    def show_feed(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.log.feed(
                request.args.get("recipient"),
                int(request.args.get("limit", "50")),
                int(request.args.get("offset", "0")),
            )
        )

    @http("POST", "/subscriptions")
    def subscribe(self, request: Request) -> Response:
        return web.answer(lambda: self.app.subscriptions.subscribe(web.read_json(request)), 201)

    @http("GET", "/subscriptions")
    def list_subscriptions(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.subscriptions.list(
                request.args.get("authority"), request.args.get("role"), request.args.get("channel")
            )
        )

    @http("DELETE", "/subscriptions/<string:subscription_id>")
    def unsubscribe(self, request: Request, subscription_id: str) -> Response:
        return web.answer(lambda: self.app.subscriptions.unsubscribe(subscription_id))

    @http("GET", "/deliveries/<string:notification_id>")
    def show_delivery(self, request: Request, notification_id: str) -> Response:
        return web.answer(lambda: self.app.log.delivery(notification_id))
