"""The admissions HTTP JSON API as an OpenAPI 3.1 document: every `@http` route of
`AdmissionsService` is declared here (a test fails when one is missing)."""

from __future__ import annotations

from importlib.metadata import version

from coso_admissions.application.commands import (
    AdoptRules,
    AttendAwarenessClass,
    ChangeMemberStatus,
    DecideAdmission,
    ErasePerson,
    HoldCeremony,
    Introduce,
    ProposeCandidate,
    RateMember,
    ReceiveTransfer,
    RecordPersonalData,
    ResolveInGrassroots,
    StartTransfer,
    SubmitApplication,
    VerifyBackground,
    Vote,
    WithReason,
)
from coso_admissions.application.pipeline import STEPS
from coso_backbone.openapi import OpenApi, Parameter, Route, integer_parameter
from coso_backbone.rulesets.routes import rules_routes

CANDIDATES = ("candidates",)
MEMBERS = ("members",)
TRANSFERS = ("transfers",)
FEDERATION = ("labour federation",)

_PAGE = (integer_parameter("limit", "Most records to answer", 100), integer_parameter("offset", "Records to skip", 0))
_AUTHORITY = Parameter("authority_id", "The authority (must be within the caller's grants)", required=True)
_PENDING = Parameter("pending", "true (default): only those not yet received", {"type": "boolean", "default": True})
_FILE = (
    "The request body is the file itself: CSV (UTF-8, comma or semicolon, first row the column names) "
    "or XLSX (first sheet). The answer reports every row: what it created, or the field and rule it broke."
)

ROUTES = [
    # --- candidates
    Route(
        "POST",
        "/candidates",
        "Propose a candidate (quần chúng ưu tú) in an enterprise the registry announced",
        "post_candidate",
        ProposeCandidate,
        status=201,
        errors=(404, 409, 422),
        tags=CANDIDATES,
    ),
    Route(
        "GET",
        "/candidates",
        "Candidates of an authority, or all the caller may see",
        "get_candidates",
        query=(Parameter("authority_id", "The authority (default: every authority the caller may see)"), *_PAGE),
        errors=(404, 422),
        tags=CANDIDATES,
    ),
    Route(
        "GET",
        "/candidates/<string:candidate_id>",
        "A candidate: stage, deadlines, history; personal fields only under a personal-data grant",
        "show_candidate",
        errors=(404,),
        tags=CANDIDATES,
    ),
    Route(
        "PUT",
        "/candidates/<string:candidate_id>/personal-data",
        "Record or correct a candidate's personal data (sealed under the person's key)",
        "put_personal_data",
        RecordPersonalData,
        errors=(404, 409, 422),
        tags=CANDIDATES,
    ),
    Route(
        "POST",
        "/candidates/<string:candidate_id>/erase",
        "Erase a person's personal data (their key is destroyed; counts stay)",
        "post_erase",
        ErasePerson,
        errors=(404, 409, 422),
        tags=CANDIDATES,
    ),
    Route(
        "POST",
        "/candidates/<string:candidate_id>/<string:step>",
        "One step of the admission pipeline; the body depends on the step",
        "post_candidate_step",
        (
            AttendAwarenessClass,
            SubmitApplication,
            VerifyBackground,
            Introduce,
            Vote,
            ResolveInGrassroots,
            WithReason,
            DecideAdmission,
            HoldCeremony,
        ),
        errors=(404, 409, 422),
        tags=CANDIDATES,
        path_enums={"step": list(STEPS)},
    ),
    # --- members
    Route(
        "GET",
        "/members",
        "Members of an authority, or all the caller may see",
        "get_members",
        query=(
            Parameter("authority_id", "The authority (default: every authority the caller may see)"),
            Parameter("status", "Only members of this status"),
            *_PAGE,
        ),
        errors=(422,),
        tags=MEMBERS,
    ),
    Route(
        "GET",
        "/members/<string:member_id>",
        "A member: status, ratings, pending transfer, history; personal fields only under a personal-data grant",
        "show_member",
        errors=(404,),
        tags=MEMBERS,
    ),
    Route(
        "POST",
        "/members/import",
        "Import existing members from a CSV or XLSX file",
        "post_members_file",
        description=_FILE,
        errors=(422,),
        tags=MEMBERS,
    ),
    Route(
        "POST",
        "/members/<string:member_id>/status",
        "Change a member's status (deceased, removed, transferred out of the system)",
        "post_member_status",
        ChangeMemberStatus,
        errors=(404, 409, 422),
        tags=MEMBERS,
    ),
    Route(
        "POST",
        "/members/<string:member_id>/ratings",
        "The member's annual rating; a second one for the same year only as a stated correction",
        "post_member_rating",
        RateMember,
        status=201,
        errors=(404, 409, 422),
        tags=MEMBERS,
    ),
    Route(
        "GET",
        "/ratings",
        "How an authority's members were rated in a year",
        "get_ratings",
        query=(_AUTHORITY, integer_parameter("year", "The year rated")),
        errors=(422,),
        tags=MEMBERS,
    ),
    # --- transfers
    Route(
        "POST",
        "/members/<string:member_id>/transfers",
        "Issue a transfer letter (chuyển sinh hoạt đảng), official or temporary",
        "post_transfer",
        StartTransfer,
        status=201,
        errors=(404, 409, 422),
        tags=TRANSFERS,
    ),
    Route(
        "POST",
        "/members/<string:member_id>/transfers/<string:transfer_id>/receipt",
        "The destination (in this deployment) confirms it received the member",
        "post_transfer_receipt",
        ReceiveTransfer,
        errors=(404, 409, 422),
        tags=TRANSFERS,
    ),
    Route(
        "GET",
        "/transfers",
        "Transfers leaving or reaching an authority",
        "get_transfers",
        query=(_AUTHORITY, _PENDING),
        errors=(422,),
        tags=TRANSFERS,
    ),
    Route(
        "GET",
        "/transfers/incoming",
        "Members another deployment transfers to an authority of this one",
        "get_incoming_transfers",
        query=(_AUTHORITY, _PENDING),
        errors=(422,),
        tags=TRANSFERS,
    ),
    Route(
        "POST",
        "/transfers/incoming/<string:transfer_id>/receipt",
        "Confirm receipt of a member from another deployment (the source sees it through events)",
        "post_incoming_receipt",
        ReceiveTransfer,
        errors=(404, 409, 422),
        tags=TRANSFERS,
    ),
    # --- rules
    *rules_routes(
        AdoptRules,
        "Adopt admission rules for an authority's subtree from a date (recorded as RulesAdopted, sent down links)",
        "The admission rules in force for an authority on a day, each with where it comes from",
        authority=_AUTHORITY.description,
        on="The day (default: today)",
    ),
    # --- labour federation
    Route(
        "POST",
        "/federation/proposals/import",
        "Labour-federation proposals from a CSV or XLSX file (once per proposal_id)",
        "post_proposals_file",
        description=_FILE,
        errors=(422,),
        tags=FEDERATION,
    ),
]

ADMISSIONS_API = OpenApi(
    "coso admissions",
    version("coso-admissions"),
    ROUTES,
    description=(
        "Candidates through the admission pipeline, members, ratings and transfers. HTTP callers present "
        "`Authorization: Bearer <token>` (tokens: `coso-admissions create-token`) unless access control is off."
    ),
)
