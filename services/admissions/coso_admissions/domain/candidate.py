"""The candidate (quần chúng ưu tú): a promising worker on the road to admission.

The aggregate's state is derived from its events: `Candidate.from_history` rebuilds a
candidate from its stream, and every change is made by raising an event. New events wait
in `pending` until the application records them.

No personal data here (see the package docstring): `display_ref` is an opaque reference of
the proposing office and is refused if it looks like free text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import InvalidCandidate
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel

DISPLAY_REF_MAX = 64
# Letters (any script), digits and a few separators; no spaces, so not a person's name.
_DISPLAY_REF = re.compile(rf"^[^\W_][\w./:#-]{{0,{DISPLAY_REF_MAX - 1}}}$")


class Stage(StrEnum):
    """Where a candidate stands on the road to admission (more stages come with the pipeline)."""

    PROPOSED = "proposed"


def stream_of_candidate(candidate_id: str) -> str:
    return f"candidate-{candidate_id}"


@dataclass
class Candidate:
    candidate_id: str
    enterprise_id: str
    authority_id: str
    source_channel: SourceChannel
    job_category: JobCategory
    proposed_on: date
    display_ref: str | None
    stage: Stage = Stage.PROPOSED
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def propose(
        cls,
        candidate_id: str,
        *,
        enterprise: EnterpriseOnRecord,
        source_channel: SourceChannel,
        job_category: JobCategory,
        proposed_on: date,
        today: date,
        display_ref: str | None = None,
    ) -> Candidate:
        """Propose a worker of a known enterprise; `today` is the proposer's date (no clock here)."""
        if proposed_on > today:
            raise InvalidCandidate(
                f"a candidate cannot be proposed on {proposed_on.isoformat()}, after today ({today.isoformat()})",
                field="proposed_on",
                rule="not in the future",
            )
        if display_ref is not None and not _DISPLAY_REF.match(display_ref):
            raise InvalidCandidate(
                f"display_ref {display_ref!r} is not an opaque reference",
                field="display_ref",
                rule=f"1–{DISPLAY_REF_MAX} letters, digits or . _ / : # -, starting with a letter or digit, "
                "no spaces (a file reference, never a person's name)",
            )
        proposed = CandidateProposed(
            candidate_id=candidate_id,
            enterprise_id=enterprise.enterprise_id,
            authority_id=enterprise.authority_id,
            source_channel=source_channel,
            job_category=job_category,
            proposed_on=proposed_on,
            display_ref=display_ref,
        )
        candidate = cls._born(proposed)
        candidate.pending.append(proposed)
        return candidate

    @classmethod
    def from_history(cls, events: Sequence[EventContract]) -> Candidate:
        """The candidate as its recorded events left it; its stream starts with CandidateProposed."""
        if not events or not isinstance(events[0], CandidateProposed):
            raise ValueError("a candidate's history starts with CandidateProposed")
        candidate = cls._born(events[0])
        candidate.version = 1
        for event in events[1:]:
            candidate._when(event)
            candidate.version += 1
        return candidate

    @classmethod
    def _born(cls, proposed: CandidateProposed) -> Candidate:
        return cls(
            candidate_id=proposed.candidate_id,
            enterprise_id=proposed.enterprise_id,
            authority_id=proposed.authority_id,
            source_channel=proposed.source_channel,
            job_category=proposed.job_category,
            proposed_on=proposed.proposed_on,
            display_ref=proposed.display_ref,
        )

    def _when(self, event: EventContract) -> None:
        """Apply a later event of the candidate's stream (none exist yet beyond the proposal)."""
        raise ValueError(f"{type(event).__name__} is not an event of a candidate")
