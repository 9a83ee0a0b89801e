"""OpenAPI documents built from declared routes; `/openapi.json` without a document is 404."""

import json
from typing import Any

from nameko.web.handlers import http
from openapi_spec_validator import validate
from pydantic import BaseModel, Field
from werkzeug.wrappers import Request, Response

from coso_backbone.openapi import OpenApi, Route, http_routes
from coso_backbone.service_support import BackboneEndpoints


class OpenThing(BaseModel):
    thing_id: str = Field(min_length=1, description="Chosen by the caller")
    size: int = Field(ge=0)


class CloseThing(BaseModel):
    reason: str


class ThingService(BackboneEndpoints):
    name = "things"

    @http("POST", "/things")
    def post_thing(self, request: Request) -> Response:
        return Response()

    @http("POST", "/things/<string:thing_id>/<string:action>")
    def change_thing(self, request: Request, thing_id: str, action: str) -> Response:
        return Response()


API = OpenApi(
    "things",
    "1.0",
    [
        Route("POST", "/things", "Open a thing", "post_thing", OpenThing, status=201, errors=(409,)),
        Route(
            "POST",
            "/things/<string:thing_id>/<string:action>",
            "Change a thing",
            "change_thing",
            (CloseThing,),
            path_enums={"action": ("close",)},
        ),
    ],
)


def test_a_declared_api_is_a_valid_openapi_3_1_document_with_the_models_as_components() -> None:
    document = API.document()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert {"OpenThing", "CloseThing", "Problem"} <= set(document["components"]["schemas"])
    post = document["paths"]["/things"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OpenThing"}
    assert {"201", "401", "403", "409", "422"} <= set(post["responses"])
    assert "application/problem+json" in post["responses"]["409"]["content"]
    change = document["paths"]["/things/{thing_id}/{action}"]["post"]
    assert [p["name"] for p in change["parameters"]] == ["thing_id", "action"]
    assert change["parameters"][1]["schema"]["enum"] == ["close"]


def test_every_http_route_of_a_service_class_is_found_including_the_backbone_ones() -> None:
    assert http_routes(ThingService) == API.documented()


def test_a_service_without_a_document_answers_404_with_a_problem() -> None:
    class Bare(BackboneEndpoints):
        pass

    answer = Bare().openapi_document(Request.from_values("/openapi.json"))
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    served: Any = ThingService()
    served.openapi = API
    assert (
        json.loads(served.openapi_document(Request.from_values("/openapi.json")).get_data())["info"]["title"]
        == "things"
    )
