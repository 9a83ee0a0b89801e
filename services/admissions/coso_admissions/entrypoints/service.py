"""The admissions nameko service: RPC and HTTP, thin: parse, delegate, answer.

HTTP callers present `Authorization: Bearer <token>` (unless access control is switched off);
RPC callers the same `Bearer <token>` as nameko context data `authorization`; each use case
checks the caller's grants (application/guarded.py).
"""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from coso_admissions import bootstrap
from coso_admissions.adapters.member_files import read_rows
from coso_admissions.application.commands import (
    AdoptRules,
    CandidatesOfAuthority,
    ChangeMemberStatus,
    ErasePerson,
    MembersOfAuthority,
    ProposeCandidate,
    RateMember,
    RatingsOfAuthority,
    ReceiveTransfer,
    RecordPersonalData,
    StartTransfer,
    TransfersOfAuthority,
)
from coso_admissions.entrypoints.openapi_routes import ADMISSIONS_API
from coso_backbone import service_support as web
from coso_backbone.rulesets.endpoints import RulesEndpoints
from coso_backbone.rulesets.guarded import GuardedRules
from coso_backbone.web import http

web.make_database_driver_green()


class AdmissionsService(web.Callers, web.BackboneEndpoints, RulesEndpoints):
    name = "admissions"
    app: bootstrap.AdmissionsApp = web.WiredApplication(bootstrap.build)
    openapi = ADMISSIONS_API
    adopt_rules_command = AdoptRules

    def rules_for(self, request: Request) -> GuardedRules:
        return self.app.guarded.rules_for(self.caller(request))

    # --- RPC: the caller's token travels as context data `authorization` -------------------
    @rpc
    def propose_candidate(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.propose_candidate(self.rpc_caller(), ProposeCandidate.model_validate(fields))

    @rpc
    def get_candidate(self, candidate_id: str) -> dict[str, Any]:
        return self.app.guarded.candidate(self.rpc_caller(), candidate_id)

    @rpc
    def advance_candidate(self, candidate_id: str, step: str, **fields: Any) -> dict[str, Any]:
        """One step of the pipeline, e.g. step="cell-vote" with on, body, votes_for, official_members."""
        return self.app.guarded.advance(self.rpc_caller(), candidate_id, step, fields)

    @rpc
    def record_personal_data(self, candidate_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.record_personal_data(
            self.rpc_caller(), candidate_id, RecordPersonalData.model_validate(fields)
        )

    @rpc
    def erase_person(self, candidate_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.erase_person(self.rpc_caller(), candidate_id, ErasePerson.model_validate(fields))

    @rpc
    def list_candidates(self, **fields: Any) -> list[dict[str, Any]]:
        return self.app.guarded.candidates(self.rpc_caller(), CandidatesOfAuthority.model_validate(fields))

    @rpc
    def get_member(self, member_id: str) -> dict[str, Any]:
        return self.app.guarded.member(self.rpc_caller(), member_id)

    @rpc
    def list_members(self, **fields: Any) -> list[dict[str, Any]]:
        return self.app.guarded.members(self.rpc_caller(), MembersOfAuthority.model_validate(fields))

    @rpc
    def change_member_status(self, member_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.change_member_status(
            self.rpc_caller(), member_id, ChangeMemberStatus.model_validate(fields)
        )

    @rpc
    def start_transfer(self, member_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.start_transfer(self.rpc_caller(), member_id, StartTransfer.model_validate(fields))

    @rpc
    def receive_transfer(self, member_id: str, transfer_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.receive_transfer(
            self.rpc_caller(), member_id, transfer_id, ReceiveTransfer.model_validate(fields)
        )

    @rpc
    def rate_member(self, member_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.rate_member(self.rpc_caller(), member_id, RateMember.model_validate(fields))

    @rpc
    def member_ratings(self, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.ratings(self.rpc_caller(), RatingsOfAuthority.model_validate(fields))

    @rpc
    def confirm_incoming_transfer(self, transfer_id: str, **fields: Any) -> dict[str, Any]:
        return self.app.guarded.confirm_incoming_transfer(
            self.rpc_caller(), transfer_id, ReceiveTransfer.model_validate(fields)
        )

    @rpc
    def list_transfers(self, **fields: Any) -> list[dict[str, Any]]:
        return self.app.guarded.transfers(self.rpc_caller(), TransfersOfAuthority.model_validate(fields))

    # --- HTTP --------------------------------------------------------------
    @http("POST", "/candidates")
    def post_candidate(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.propose_candidate(
                self.caller(request), ProposeCandidate.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/candidates")
    def get_candidates(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.candidates(
                self.caller(request), CandidatesOfAuthority.model_validate(request.args.to_dict())
            )
        )

    @http("PUT", "/candidates/<string:candidate_id>/personal-data")
    def put_personal_data(self, request: Request, candidate_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.record_personal_data(
                self.caller(request), candidate_id, RecordPersonalData.model_validate(web.read_json(request))
            )
        )

    @http("POST", "/candidates/<string:candidate_id>/erase")
    def post_erase(self, request: Request, candidate_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.erase_person(
                self.caller(request), candidate_id, ErasePerson.model_validate(web.read_json(request))
            )
        )

    @http("POST", "/candidates/<string:candidate_id>/<string:step>")
    def post_candidate_step(self, request: Request, candidate_id: str, step: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.advance(self.caller(request), candidate_id, step, web.read_json(request))
        )

    @http("GET", "/candidates/<string:candidate_id>")
    def show_candidate(self, request: Request, candidate_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.candidate(self.caller(request), candidate_id))

    @http("GET", "/members")
    def get_members(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.members(
                self.caller(request), MembersOfAuthority.model_validate(request.args.to_dict())
            )
        )

    @http("GET", "/members/<string:member_id>")
    def show_member(self, request: Request, member_id: str) -> Response:
        return web.answer(lambda: self.app.guarded.member(self.caller(request), member_id))

    @http("POST", "/members/import")
    def post_members_file(self, request: Request) -> Response:
        """A CSV or XLSX file as the request body; answers the row-by-row report."""
        return web.answer(lambda: self.app.guarded.import_members(self.caller(request), read_rows(request.get_data())))

    @http("POST", "/federation/proposals/import")
    def post_proposals_file(self, request: Request) -> Response:
        """Labour-federation proposals as a CSV or XLSX request body; answers the row-by-row report."""
        return web.answer(
            lambda: self.app.guarded.import_proposals(self.caller(request), read_rows(request.get_data()))
        )

    @http("POST", "/members/<string:member_id>/status")
    def post_member_status(self, request: Request, member_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.change_member_status(
                self.caller(request), member_id, ChangeMemberStatus.model_validate(web.read_json(request))
            )
        )

    @http("POST", "/members/<string:member_id>/ratings")
    def post_member_rating(self, request: Request, member_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.rate_member(
                self.caller(request), member_id, RateMember.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("GET", "/ratings")
    def get_ratings(self, request: Request) -> Response:
        """How an authority's members were rated in a year: `?authority_id=…&year=…`."""
        return web.answer(
            lambda: self.app.guarded.ratings(
                self.caller(request), RatingsOfAuthority.model_validate(request.args.to_dict())
            )
        )

    @http("POST", "/members/<string:member_id>/transfers")
    def post_transfer(self, request: Request, member_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.start_transfer(
                self.caller(request), member_id, StartTransfer.model_validate(web.read_json(request))
            ),
            201,
        )

    @http("POST", "/members/<string:member_id>/transfers/<string:transfer_id>/receipt")
    def post_transfer_receipt(self, request: Request, member_id: str, transfer_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.receive_transfer(
                self.caller(request), member_id, transfer_id, ReceiveTransfer.model_validate(web.read_json(request))
            )
        )

    @http("GET", "/transfers/incoming")
    def get_incoming_transfers(self, request: Request) -> Response:
        """Members another deployment transfers to `authority_id` (pending ones unless `pending=false`)."""
        return web.answer(
            lambda: self.app.guarded.incoming_transfers(
                self.caller(request), TransfersOfAuthority.model_validate(request.args.to_dict())
            )
        )

    @http("POST", "/transfers/incoming/<string:transfer_id>/receipt")
    def post_incoming_receipt(self, request: Request, transfer_id: str) -> Response:
        return web.answer(
            lambda: self.app.guarded.confirm_incoming_transfer(
                self.caller(request), transfer_id, ReceiveTransfer.model_validate(web.read_json(request))
            )
        )

    @http("GET", "/transfers")
    def get_transfers(self, request: Request) -> Response:
        return web.answer(
            lambda: self.app.guarded.transfers(
                self.caller(request), TransfersOfAuthority.model_validate(request.args.to_dict())
            )
        )
