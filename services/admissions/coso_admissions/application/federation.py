"""Proposals from the labour federation (inbound contract `CandidateProposalSubmitted`).

A proposal names its enterprise by tax code; admissions finds it among the enterprises the
registry announced. Each `proposal_id` is applied once: a redelivered or replayed proposal
answers the candidate it already created. The same proposals also arrive as CSV/XLSX files
(`import_rows`), validated the same way and reported row by row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from coso_admissions.application.commands import PersonalFields
from coso_admissions.application.ports import AdmissionsUnitOfWork
from coso_admissions.domain.candidate import Candidate, stream_of_candidate
from coso_admissions.domain.errors import InvalidCandidate, UnknownEnterprise
from coso_backbone.contracts.admissions import CandidateProposalSubmitted
from coso_backbone.errors import CosoError

PERSONAL = ("full_name", "birth_date", "national_id")
WITHHELD = "[withheld]"
WITHHELD_NOTE = " (personal fields withheld)"


def withheld(body: bytes, reason: str) -> tuple[bytes, str]:
    """A refused message as it may be kept as a dead letter: personal fields replaced by
    "[withheld]" (also in the reason), a body that is not a JSON object replaced by an opaque
    marker with its size, so erasing a person never has to reach into dead-letter queues."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        marker = {"withheld": "unparsable message", "size": len(body)}
        return json.dumps(marker).encode(), reason + WITHHELD_NOTE
    for name in PERSONAL:
        if name in data:
            value = data[name]
            if isinstance(value, str | int | float) and str(value).strip():
                reason = reason.replace(str(value), WITHHELD)
            data[name] = WITHHELD
    return json.dumps(data, ensure_ascii=False).encode(), reason + WITHHELD_NOTE


class FederationProposals:
    def __init__(
        self,
        unit_of_work: Callable[[], AdmissionsUnitOfWork],
        today: Callable[[], date],
        new_id: Callable[[], str],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._today = today
        self._new_id = new_id

    def propose(
        self, proposal: CandidateProposalSubmitted, may_write: Callable[[str, bool], None] | None = None
    ) -> dict[str, Any]:
        """Apply one proposal; `may_write(authority_id, with_personal_data)` raises if the caller may not."""
        personal = _personal(proposal)
        with self._unit_of_work() as uow:
            enterprise = uow.enterprise_by_tax_code(_printed(proposal.enterprise_tax_code))
            if enterprise is None and may_write is None:
                already = uow.candidate_of_proposal(proposal.proposal_id)
                if already is not None:  # the enterprise is not known now, but it was: answer as before
                    return {"candidate_id": already, "duplicate": True}
            if enterprise is None:
                raise UnknownEnterprise(proposal.enterprise_tax_code, field="enterprise_tax_code")
            if may_write is not None:
                may_write(enterprise.authority_id, personal is not None)
            already = uow.candidate_of_proposal(proposal.proposal_id)
            if already is not None:
                return {"candidate_id": already, "duplicate": True}
            candidate = Candidate.propose(
                self._new_id(),
                enterprise=enterprise,
                source_channel=proposal.source_channel,
                job_category=proposal.job_category,
                proposed_on=proposal.proposed_on,
                today=self._today(),
                display_ref=proposal.display_ref,
            )
            if personal is not None:
                sealed = uow.seal_personal_data(candidate.candidate_id, personal.model_dump(mode="json"))
                candidate.record_personal_data(sealed, self._today())
            uow.record(stream_of_candidate(candidate.candidate_id), 0, candidate.pending, candidate.authority_id)
            uow.remember_proposal(proposal.proposal_id, proposal.federation, candidate.candidate_id)
            uow.commit()
        return {"candidate_id": candidate.candidate_id, "duplicate": False}

    def import_rows(
        self, rows: Iterable[Mapping[str, Any]], may_write: Callable[[str, bool], None] | None = None
    ) -> dict[str, Any]:
        """A CSV/XLSX file of proposals (the inbound contract's fields as columns), row by row.

        Each row is validated like an AMQP message and applied in its own transaction, once per
        `proposal_id` (a row already applied, by the file or by the queue, answers its candidate
        as a duplicate). The report lists every row: its candidate, or the field and rule refused.
        """
        report: list[dict[str, Any]] = []
        for number, raw in enumerate(rows, start=2):  # row 1 holds the headers
            try:
                proposal = CandidateProposalSubmitted.model_validate(
                    {k: v for k, v in raw.items() if v not in (None, "")}
                )
                applied = self.propose(proposal, may_write)
            except ValidationError as exc:
                for err in exc.errors():
                    field = ".".join(str(p) for p in err["loc"]) or "row"
                    report.append({"row": number, "field": field, "rule": err["type"], "message": err["msg"]})
            except CosoError as exc:
                report.append({"row": number, "field": exc.field, "rule": exc.rule, "message": exc.message})
            else:
                report.append({"row": number, "proposal_id": proposal.proposal_id, **applied})
        done = [r for r in report if "candidate_id" in r]
        return {
            "proposed": sum(1 for r in done if not r["duplicate"]),
            "duplicates": sum(1 for r in done if r["duplicate"]),
            "refused": len({r["row"] for r in report if "candidate_id" not in r}),
            "rows": report,
        }


def _personal(proposal: CandidateProposalSubmitted) -> PersonalFields | None:
    given = {name: getattr(proposal, name) for name in PERSONAL if getattr(proposal, name) is not None}
    if not given:
        return None
    for needed in ("full_name", "birth_date"):
        if needed not in given:
            raise InvalidCandidate(
                f"personal data without {needed}", field=needed, rule="full_name and birth_date come together"
            )
    return PersonalFields.model_validate(given)


def _printed(tax_code: str) -> str:
    """The registry's printed form: `0100109106` or `0100109106-001`."""
    digits = tax_code.replace("-", "")
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
