"""Where a candidate stands on a day, and which deadlines are open, overdue or near.

Stages follow DOMAIN.md's order; the stage reached on a day is the furthest step taken by
then (a withdrawal or rejection ends the file whatever came before). Deadlines are carried
by admissions' events, computed on its working-day calendar, so nothing is recomputed here:

- `file_expires_on` (set when the application is submitted) until the admission decision;
- `decision_due` (set when the grassroots committee resolves, replaced by an extension)
  until the decision;
- `ceremony_due` (set by the decision) until the ceremony;
- `recognition_due` (set by the ceremony) until recognition or removal.

A withdrawn or rejected file has no open deadline. A deadline is overdue on a day after
it; due soon when it falls within the next N days (today included).

The projection applies these rules in SQL, from the constants below, to keep each
candidate's latest stage and open deadlines with their counts per authority
(adapters/pipeline_counts.py) and to count each authority's candidates on a day
(`CandidateCounts`, adapters/fact_pipeline_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STAGES: tuple[str, ...] = (
    "proposed",
    "awareness_class",
    "application_submitted",
    "background_verified",
    "introduced",
    "cell_voted",
    "grassroots_resolved",
    "admission_decided",
    "ceremony_held",
    "recognised",
    "probationary_removed",
    "withdrawn",
    "rejected",
)
ORDERED_STAGES = STAGES[:10]  # a file reaches the furthest of these it has taken
ENDING_STEPS = ("withdrawn", "rejected", "probationary_removed")  # the first taken ends the file
STOPPING_STEPS = ("withdrawn", "rejected")  # close every deadline

# The pipeline report's columns: each stage counts in one of them.
STAGE_GROUPS: dict[str, str] = {
    "proposed": "before_application",
    "awareness_class": "before_application",
    "application_submitted": "in_progress",
    "background_verified": "in_progress",
    "introduced": "in_progress",
    "cell_voted": "in_progress",
    "grassroots_resolved": "in_progress",
    "admission_decided": "decided",
    "ceremony_held": "probationary",
    "recognised": "recognised",
    "probationary_removed": "ended",
    "withdrawn": "ended",
    "rejected": "ended",
}

# deadline -> (the steps that set it, latest first; the steps that close it)
DEADLINES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "file_expires_on": (("application_submitted",), ("admission_decided",)),
    "decision_due": (("decision_extended", "grassroots_resolved"), ("admission_decided",)),
    "ceremony_due": (("admission_decided",), ("ceremony_held",)),
    "recognition_due": (("ceremony_held",), ("recognised", "probationary_removed")),
}


@dataclass(frozen=True)
class OpenDeadline:
    candidate_id: str
    display_ref: str | None
    authority_id: str
    deadline: str
    due: date

    def days_late(self, day: date) -> int:
        return (day - self.due).days


STEPS: tuple[str, ...] = (*STAGES, "decision_extended")  # every step a candidate's file records


@dataclass(frozen=True)
class CandidateCounts:
    """Candidates of one authority on a day by the stage each reached (stages with none
    left out), with the number of their open deadlines overdue and due within the
    report's N days."""

    authority_id: str
    stages: dict[str, int]
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class CandidatePipeline:
    """The pipeline on a day: candidates of each authority by stage, and the open deadlines
    overdue and due soon, each list sorted by due day, candidate and deadline and cut to
    the report's length (the groups count them all)."""

    counts: list[CandidateCounts]
    overdue: list[OpenDeadline]
    due_soon: list[OpenDeadline]
