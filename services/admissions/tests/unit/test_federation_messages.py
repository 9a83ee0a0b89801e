"""Validation of the labour federation's inbound messages, before anything is recorded (no I/O)."""

from __future__ import annotations

import json
from typing import Any

from coso_admissions.adapters.federation_inbox import refusal
from coso_admissions.domain.errors import UnknownEnterprise
from coso_backbone.contracts.admissions import CandidateProposalSubmitted, SourceChannel

GOOD = {
    "proposal_id": "p-1",
    "federation": "ldld-ha-noi",
    "enterprise_tax_code": "0100109106",
    "job_category": "production_worker",
    "proposed_on": "2025-09-01",
}


def applied_to(received: list[CandidateProposalSubmitted]) -> Any:
    return received.append


def test_a_valid_proposal_is_applied_as_a_labour_federation_proposal() -> None:
    received: list[CandidateProposalSubmitted] = []

    assert refusal(json.dumps(GOOD).encode(), applied_to(received)) is None
    assert received[0].source_channel is SourceChannel.LABOUR_FEDERATION


def test_each_bad_message_is_refused_with_the_field_and_the_rule() -> None:
    received: list[CandidateProposalSubmitted] = []

    not_json = refusal(b"\xff{", applied_to(received))
    bad_tax_code = refusal(json.dumps({**GOOD, "enterprise_tax_code": "12"}).encode(), applied_to(received))
    extra = refusal(json.dumps({**GOOD, "salary": 9}).encode(), applied_to(received))

    assert not_json is not None and not_json.startswith("body is not JSON")
    assert bad_tax_code is not None and bad_tax_code.startswith("enterprise_tax_code:")
    assert bad_tax_code.endswith("(rule string_pattern_mismatch)")
    assert extra == "salary: Extra inputs are not permitted (rule extra_forbidden)"
    assert received == []


def test_a_refusal_by_admissions_rules_names_its_field() -> None:
    def unknown(proposal: CandidateProposalSubmitted) -> None:
        raise UnknownEnterprise(proposal.enterprise_tax_code, field="enterprise_tax_code")

    reason = refusal(json.dumps(GOOD).encode(), unknown)

    assert reason is not None and reason.startswith("enterprise_tax_code: enterprise 0100109106 is not known")
    assert reason.endswith("(rule: registered in the registry)")
