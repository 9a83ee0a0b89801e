"""The notifications HTTP API as an OpenAPI 3.1 document: every `@http` route of
`NotificationsService` is declared here (a test fails when one is missing).

Notifications checks no API token, so its routes are declared unsecured: `POST /rules` too, so
whoever reaches the service adopts rules (keep it behind the deployment's own gateway). `POST /subscriptions`
reads a plain JSON object; `Subscribe` describes it for the document.
"""

from __future__ import annotations

from importlib.metadata import version

from pydantic import BaseModel, Field

from coso_backbone.openapi import OpenApi, Parameter, Route, integer_parameter
from coso_backbone.rulesets.routes import rules_routes
from coso_notifications.application.commands import AdoptRules
from coso_notifications.application.delivery_log import FILTERS
from coso_notifications.domain.delivery import DeliveryStatus
from coso_notifications.domain.recipients import LANGUAGES
from coso_notifications.domain.rules import Channel, Rule

DELIVERIES = ("deliveries",)
SUBSCRIPTIONS = ("subscriptions",)

_OFFSET = integer_parameter("offset", "Records to skip", 0)


class Subscribe(BaseModel):
    """The body of `POST /subscriptions`, as `Subscriptions.subscribe` checks it (naming field and rule)."""

    authority: str = Field(description="The authority whose subtree's notifications are heard")
    role: str = Field(pattern=r"^[A-Za-z0-9_.:\-]{1,200}$", description="The recipients' role")
    channel: str = Field(json_schema_extra={"enum": [c.value for c in Channel if c is not Channel.DIGEST]})
    target: str = Field(description="Webhook URL, email address, AMQP routing key or feed recipient")
    rules: list[str] = Field(
        default_factory=list,
        description="Only these rules (default: those meant for the role)",
        json_schema_extra={"items": {"type": "string", "enum": [r.value for r in Rule]}},
    )
    secret: str = Field(default="", description="A webhook's signing secret (required for webhooks)")
    language: str = Field(default="vi", json_schema_extra={"enum": list(LANGUAGES)})
    digest: bool = Field(default=False, description="Hold the notifications for a daily digest (not on feed)")


ROUTES = [
    Route(
        "GET",
        "/deliveries",
        "Deliveries, newest first, by status and exact field values",
        "list_deliveries",
        query=(
            Parameter("status", "Only this status", {"type": "string", "enum": [s.value for s in DeliveryStatus]}),
            *(Parameter(name, f"Only deliveries whose {name} is this") for name in FILTERS),
            integer_parameter("limit", "Most records to answer", 100),
            _OFFSET,
        ),
        errors=(400, 422),
        secured=False,
        tags=DELIVERIES,
        description="Any other query parameter is refused (422 naming it).",
    ),
    Route(
        "GET",
        "/deliveries/<string:notification_id>",
        "One delivery with its history and payload",
        "show_delivery",
        errors=(404,),
        secured=False,
        tags=DELIVERIES,
    ),
    Route(
        "GET",
        "/dead-letters",
        "Deliveries that failed for good",
        "dead_letters",
        query=(integer_parameter("limit", "Most records to answer", 100), _OFFSET),
        errors=(400,),
        secured=False,
        tags=DELIVERIES,
    ),
    Route(
        "GET",
        "/feed",
        "A recipient's in-app feed, newest first",
        "show_feed",
        query=(
            Parameter("recipient", "The feed subscription's target", required=True),
            integer_parameter("limit", "Most items to answer", 50),
            _OFFSET,
        ),
        errors=(400, 422),
        secured=False,
        tags=DELIVERIES,
    ),
    Route(
        "POST",
        "/subscriptions",
        "Subscribe a recipient to the notifications of an authority's subtree",
        "subscribe",
        Subscribe,
        status=201,
        errors=(409, 422),
        secured=False,
        tags=SUBSCRIPTIONS,
    ),
    Route(
        "GET",
        "/subscriptions",
        "Subscriptions, by authority, role and channel",
        "list_subscriptions",
        query=(
            Parameter("authority", "Only this authority's"),
            Parameter("role", "Only this role's"),
            Parameter("channel", "Only this channel's", {"type": "string", "enum": [c.value for c in Channel]}),
        ),
        secured=False,
        tags=SUBSCRIPTIONS,
    ),
    Route(
        "DELETE",
        "/subscriptions/<string:subscription_id>",
        "End a subscription",
        "unsubscribe",
        errors=(404,),
        secured=False,
        tags=SUBSCRIPTIONS,
    ),
    *rules_routes(
        AdoptRules,
        "Adopt notification rules (reminders' working days, which are on, the minimum of official members) "
        "for an authority's subtree from a date (recorded as RulesAdopted, sent down links)",
        "The notification rules in force for an authority on a day, each with where it comes from",
        authority="The authority",
        on="The day (default: today)",
        secured=False,
    ),
]

NOTIFICATIONS_API = OpenApi(
    "coso notifications",
    version("coso-notifications"),
    ROUTES,
    description=(
        "The delivery log, dead letters, the in-app feed, subscriptions and rules of the notifications service. "
        "Refusals are RFC 9457 problem documents naming the field and the rule."
    ),
)
