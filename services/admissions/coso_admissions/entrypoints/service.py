"""The admissions nameko service: RPC and HTTP, thin: parse, delegate, answer."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from coso_admissions import bootstrap
from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_backbone import service_support as web

web.make_database_driver_green()


class AdmissionsService(web.BackboneEndpoints):
    name = "admissions"
    app: bootstrap.AdmissionsApp = web.WiredApplication(bootstrap.build)

    # --- RPC ---------------------------------------------------------------
    @rpc
    def propose_candidate(self, **fields: Any) -> dict[str, Any]:
        return self.app.admissions.propose_candidate(ProposeCandidate.model_validate(fields))

    @rpc
    def get_candidate(self, candidate_id: str) -> dict[str, Any]:
        return self.app.admissions.candidate(candidate_id)

    @rpc
    def list_candidates(self, **fields: Any) -> list[dict[str, Any]]:
        return self.app.admissions.candidates(CandidatesOfAuthority.model_validate(fields))

    # --- HTTP --------------------------------------------------------------
    @http("POST", "/candidates")
    def post_candidate(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.admissions.propose_candidate(ProposeCandidate.model_validate(web.read_json(request))),
            201,
        )

    @http("GET", "/candidates")
    def get_candidates(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.admissions.candidates(CandidatesOfAuthority.model_validate(request.args.to_dict()))
        )

    @http("GET", "/candidates/<string:candidate_id>")
    def show_candidate(self, request: Request, candidate_id: str) -> Response:
        return web.answer(lambda: self.app.admissions.candidate(candidate_id))
