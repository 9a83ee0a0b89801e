"""The steps of the admission pipeline as the entrypoints name them: `POST /candidates/<id>/<step>`.

Each step is a command model (validated on arrival) and the aggregate method it drives, with
the rules in force for the candidate's authority on the step's date and the working-day
calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coso_admissions.application.commands import (
    AttendAwarenessClass,
    DecideAdmission,
    HoldCeremony,
    Introduce,
    ResolveInGrassroots,
    StepCommand,
    SubmitApplication,
    VerifyBackground,
    Vote,
    WithReason,
)
from coso_admissions.domain.calendar import WorkingCalendar
from coso_admissions.domain.candidate import Candidate, StepFacts
from coso_admissions.domain.rules import AdmissionRules

Apply = Callable[[Candidate, Any, StepFacts, AdmissionRules, WorkingCalendar], None]


@dataclass(frozen=True)
class Step:
    command: type[StepCommand]
    apply: Apply


STEPS: dict[str, Step] = {
    "awareness-class": Step(AttendAwarenessClass, lambda c, cmd, f, r, cal: c.attend_awareness_class(f)),
    "application": Step(SubmitApplication, lambda c, cmd, f, r, cal: c.submit_application(f, r)),
    "background-check": Step(VerifyBackground, lambda c, cmd, f, r, cal: c.verify_background(f)),
    "introduction": Step(Introduce, lambda c, cmd, f, r, cal: c.introduce(f, cmd.introducers, r)),
    "cell-vote": Step(Vote, lambda c, cmd, f, r, cal: c.vote_in_cell(f, cmd.votes_for, cmd.official_members, r)),
    "grassroots-resolution": Step(ResolveInGrassroots, lambda c, cmd, f, r, cal: c.resolve_in_grassroots(f, r, cal)),
    "decision-extension": Step(WithReason, lambda c, cmd, f, r, cal: c.extend_decision_deadline(f, cmd.reason, r, cal)),
    "decision": Step(DecideAdmission, lambda c, cmd, f, r, cal: c.decide_admission(f, r, cal)),
    "ceremony": Step(HoldCeremony, lambda c, cmd, f, r, cal: c.hold_ceremony(f, r, cal)),
    "recognition": Step(Vote, lambda c, cmd, f, r, cal: c.recognise(f, cmd.votes_for, cmd.official_members, r)),
    "removal": Step(WithReason, lambda c, cmd, f, r, cal: c.remove(f, cmd.reason)),
    "withdrawal": Step(WithReason, lambda c, cmd, f, r, cal: c.withdraw(f, cmd.reason)),
    "rejection": Step(WithReason, lambda c, cmd, f, r, cal: c.reject(f, cmd.reason)),
}
