"""The candidate (quần chúng ưu tú): a promising worker on the road to admission.

The aggregate's state is derived from its events: `Candidate.from_history` rebuilds a
candidate from its stream, and every change is made by raising an event. New events wait
in `pending` until the application records them. Each step of DOMAIN.md (awareness class
… recognition or removal) checks the stage order, its dates and its configurable rules,
and computes the deadlines that follow from it on the working-day calendar; the deadlines
travel in the events.

No personal data in the clear: personal fields arrive sealed under the person's own key
(`PersonalDataRecorded` carries only ciphertext) and are forgotten by destroying that key.
`display_ref` is an opaque reference of the proposing office and is refused if it looks like
free text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from coso_admissions.domain.calendar import WorkingCalendar, add_months
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import InvalidCandidate, StepOutOfOrder, StepRefused
from coso_admissions.domain.rules import AdmissionRules
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import (
    AdmissionCeremonyHeld,
    AdmissionDecided,
    ApplicationSubmitted,
    AwarenessClassAttended,
    BackgroundVerified,
    CandidateIntroduced,
    CandidateProposed,
    CandidateRejected,
    CandidateStep,
    CandidateWithdrawn,
    CellVoted,
    DecisionDeadlineExtended,
    Document,
    GrassrootsResolved,
    Introducer,
    IntroducerKind,
    JobCategory,
    MemberRecognised,
    PersonalDataErased,
    PersonalDataRecorded,
    ProbationaryMemberRemoved,
    SourceChannel,
)

DISPLAY_REF_MAX = 64
# Letters (any script), digits and a few separators; no spaces, so not a person's name.
_DISPLAY_REF = re.compile(rf"^[^\W_][\w./:#-]{{0,{DISPLAY_REF_MAX - 1}}}$")


class Stage(StrEnum):
    """Where a candidate stands on the road to admission, in the order of DOMAIN.md."""

    PROPOSED = "proposed"
    AWARENESS_CLASS_ATTENDED = "awareness_class_attended"
    APPLICATION_SUBMITTED = "application_submitted"
    BACKGROUND_VERIFIED = "background_verified"
    INTRODUCED = "introduced"
    CELL_VOTED = "cell_voted"
    GRASSROOTS_RESOLVED = "grassroots_resolved"
    ADMISSION_DECIDED = "admission_decided"
    ON_PROBATION = "on_probation"
    OFFICIAL = "official"
    REMOVED = "removed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


class PersonalDataState(StrEnum):
    NONE = "none"
    RECORDED = "recorded"
    ERASED = "erased"


PIPELINE = list(Stage)[: list(Stage).index(Stage.OFFICIAL) + 1]
CLOSED = frozenset({Stage.OFFICIAL, Stage.REMOVED, Stage.WITHDRAWN, Stage.REJECTED})
BEFORE_ADMISSION = frozenset(PIPELINE[: PIPELINE.index(Stage.ADMISSION_DECIDED) + 1])
FILE_OPEN = frozenset(PIPELINE[PIPELINE.index(Stage.APPLICATION_SUBMITTED) : PIPELINE.index(Stage.ADMISSION_DECIDED)])


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
    stage_on: date | None = None
    file_expires_on: date | None = None
    decision_due: date | None = None
    decision_extended: bool = False
    ceremony_due: date | None = None
    probation_ends_on: date | None = None
    recognition_due: date | None = None
    closed_reason: str | None = None
    personal_data: PersonalDataState = field(default_factory=lambda: PersonalDataState.NONE)
    sealed_personal_data: str | None = None
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
            stage_on=proposed.proposed_on,
        )

    # --- the steps ------------------------------------------------------------------------
    # Each checks the stage order and its own rules, then raises one past-tense event.

    def attend_awareness_class(self, step: StepFacts) -> None:
        self._check(Stage.AWARENESS_CLASS_ATTENDED, step)
        _require_document(step, "the class certificate")
        self._raise(AwarenessClassAttended(**self._common(step)))

    def submit_application(self, step: StepFacts, rules: AdmissionRules) -> None:
        """The application, or its redoing once the file expired before the decision (the file restarts)."""
        if self._file_expired_on(step.on):
            self._check_dates(step, "application (redone)", file_valid=False)
        else:
            self._check(Stage.APPLICATION_SUBMITTED, step)
        expires = add_months(step.on, rules.file_valid_months)
        self._raise(ApplicationSubmitted(**self._common(step), file_expires_on=expires))

    def verify_background(self, step: StepFacts) -> None:
        self._check(Stage.BACKGROUND_VERIFIED, step)
        self._raise(BackgroundVerified(**self._common(step)))

    def introduce(self, step: StepFacts, introducers: Sequence[Introducer], rules: AdmissionRules) -> None:
        self._check(Stage.INTRODUCED, step)
        _check_introducers(introducers, step.on, rules)
        self._raise(CandidateIntroduced(**self._common(step), introducers=list(introducers)))

    def vote_in_cell(self, step: StepFacts, votes_for: int, official_members: int, rules: AdmissionRules) -> None:
        self._check(Stage.CELL_VOTED, step)
        _check_vote(votes_for, official_members, rules, "the cell's vote to admit")
        self._raise(CellVoted(**self._common(step), votes_for=votes_for, official_members=official_members))

    def resolve_in_grassroots(self, step: StepFacts, rules: AdmissionRules, calendar: WorkingCalendar) -> None:
        self._check(Stage.GRASSROOTS_RESOLVED, step)
        _require_document(step, "the grassroots committee's resolution")
        due = calendar.add_working_days(step.on, rules.decision_working_days)
        self._raise(GrassrootsResolved(**self._common(step), decision_due=due))

    def extend_decision_deadline(
        self, step: StepFacts, reason: str, rules: AdmissionRules, calendar: WorkingCalendar
    ) -> None:
        self._check_dates(step, "decision-extension")
        if self.stage is not Stage.GRASSROOTS_RESOLVED:
            raise _out_of_order("decision-extension", Stage.GRASSROOTS_RESOLVED, self.stage)
        assert self.decision_due is not None
        if self.decision_extended:
            raise StepRefused(
                f"the decision deadline of candidate {self.candidate_id} was already extended to "
                f"{self.decision_due.isoformat()}",
                field="step",
                rule="the decision deadline can be extended once",
            )
        if step.on > self.decision_due:
            raise StepRefused(
                f"the decision deadline {self.decision_due.isoformat()} has passed on {step.on.isoformat()}",
                field="on",
                rule="an extension is granted before the decision deadline",
            )
        due = calendar.add_working_days(self.decision_due, rules.extension_working_days)
        self._raise(DecisionDeadlineExtended(**self._common(step), reason=reason, decision_due=due))

    def decide_admission(self, step: StepFacts, rules: AdmissionRules, calendar: WorkingCalendar) -> None:
        self._check(Stage.ADMISSION_DECIDED, step)
        _require_document(step, "the admission decision")
        assert self.decision_due is not None
        if step.on > self.decision_due:
            raise StepRefused(
                f"the decision of {step.on.isoformat()} comes after the deadline {self.decision_due.isoformat()}",
                field="on",
                rule=f"decided within {rules.decision_working_days} working days of the grassroots resolution "
                f"(+{rules.extension_working_days} once extended)",
            )
        due = calendar.add_working_days(step.on, rules.ceremony_working_days)
        self._raise(AdmissionDecided(**self._common(step), ceremony_due=due))

    def hold_ceremony(self, step: StepFacts, rules: AdmissionRules, calendar: WorkingCalendar) -> None:
        self._check(Stage.ON_PROBATION, step)
        assert self.ceremony_due is not None
        if step.on > self.ceremony_due:
            raise StepRefused(
                f"the ceremony of {step.on.isoformat()} comes after the deadline {self.ceremony_due.isoformat()}",
                field="on",
                rule=f"ceremony within {rules.ceremony_working_days} working days of the decision",
            )
        ends = add_months(step.on, rules.probation_months)
        recognition_due = calendar.add_working_days(ends, rules.recognition_working_days)
        self._raise(
            AdmissionCeremonyHeld(
                **self._common(step),
                job_category=self.job_category,
                enterprise_owner=self.job_category is JobCategory.OWNER,
                probation_ends_on=ends,
                recognition_due=recognition_due,
            )
        )

    def recognise(self, step: StepFacts, votes_for: int, official_members: int, rules: AdmissionRules) -> None:
        self._check(Stage.OFFICIAL, step)
        _require_document(step, "the recognition decision")
        assert self.probation_ends_on is not None and self.recognition_due is not None
        if step.on < self.probation_ends_on:
            raise StepRefused(
                f"probation ends on {self.probation_ends_on.isoformat()}, recognition asked on {step.on.isoformat()}",
                field="on",
                rule=f"recognised after {rules.probation_months} months of probation",
            )
        if step.on > self.recognition_due:
            raise StepRefused(
                f"recognition of {step.on.isoformat()} comes after the deadline {self.recognition_due.isoformat()}",
                field="on",
                rule=f"recognition voted within {rules.recognition_working_days} working days after probation ends",
            )
        _check_vote(votes_for, official_members, rules, "the vote to recognise")
        self._raise(MemberRecognised(**self._common(step), votes_for=votes_for, official_members=official_members))

    def remove(self, step: StepFacts, reason: str) -> None:
        """A probationary member not recognised is removed (xóa tên)."""
        self._check_dates(step, "removal")
        if self.stage is not Stage.ON_PROBATION:
            raise _out_of_order("removal", Stage.ON_PROBATION, self.stage)
        self._raise(ProbationaryMemberRemoved(**self._common(step), reason=reason))

    def withdraw(self, step: StepFacts, reason: str) -> None:
        self._close_before_admission("withdrawal", step)
        self._raise(CandidateWithdrawn(**self._common(step), reason=reason, stage=self.stage.value))

    def reject(self, step: StepFacts, reason: str) -> None:
        self._close_before_admission("rejection", step)
        self._raise(CandidateRejected(**self._common(step), reason=reason, stage=self.stage.value))

    # --- personal data: sealed outside the domain; the aggregate keeps the ciphertext -------

    def record_personal_data(self, sealed: str, on: date) -> None:
        """Record (or correct) the person's data, already sealed under their own key."""
        if self.personal_data is PersonalDataState.ERASED:
            raise StepOutOfOrder(
                f"the personal data of candidate {self.candidate_id} was erased",
                field="personal",
                rule="no personal data is recorded for an erased person",
            )
        self._raise(
            PersonalDataRecorded(
                candidate_id=self.candidate_id, authority_id=self.authority_id, recorded_on=on, sealed=sealed
            )
        )

    def erase_personal_data(self, on: date, reason: str) -> None:
        """Forget the person: the application destroys their key; this records that it did."""
        if self.personal_data is PersonalDataState.ERASED:
            raise StepOutOfOrder(
                f"the personal data of candidate {self.candidate_id} is already erased",
                field="candidate_id",
                rule="a person is erased once",
            )
        self._raise(
            PersonalDataErased(
                candidate_id=self.candidate_id, authority_id=self.authority_id, erased_on=on, reason=reason
            )
        )

    # --- checks shared by the steps ---------------------------------------------------------

    def _check(self, reaching: Stage, step: StepFacts) -> None:
        """Stage order (the stage just before `reaching`), then the dates."""
        required = PIPELINE[PIPELINE.index(reaching) - 1]
        if self.stage is not required:
            raise _out_of_order(reaching.value, required, self.stage)
        self._check_dates(step, reaching.value)

    def _file_expired_on(self, day: date) -> bool:
        return self.stage in FILE_OPEN and self.file_expires_on is not None and day > self.file_expires_on

    def _check_dates(self, step: StepFacts, what: str, file_valid: bool = True) -> None:
        if step.on > step.today:
            raise StepRefused(
                f"{what} dated {step.on.isoformat()} is after today ({step.today.isoformat()})",
                field="on",
                rule="not in the future",
            )
        if self.stage_on is not None and step.on < self.stage_on:
            raise StepRefused(
                f"{what} dated {step.on.isoformat()} comes before the previous step ({self.stage_on.isoformat()})",
                field="on",
                rule="not before the previous step",
            )
        if file_valid and self._file_expired_on(step.on):
            raise StepRefused(
                f"the candidate's file expired on {self.file_expires_on}, before {step.on.isoformat()}; "
                "the application must be redone (step `application` again)",
                field="on",
                rule="a file older than the configured months before the decision must be redone",
            )

    def _close_before_admission(self, what: str, step: StepFacts) -> None:
        if self.stage not in BEFORE_ADMISSION:
            raise StepOutOfOrder(
                f"candidate {self.candidate_id} is {self.stage.value}: {what} is possible only before the ceremony "
                "(a probationary member is removed instead)",
                field="stage",
                rule=f"{what} before the admission ceremony",
            )
        self._check_dates(step, what, file_valid=False)  # an expired file can always be closed

    def _common(self, step: StepFacts) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "authority_id": self.authority_id,
            "on": step.on,
            "body": step.body,
            "document": step.document,
        }

    def _raise(self, event: EventContract) -> None:
        self._when(event)
        self.pending.append(event)

    def _when(self, event: EventContract) -> None:
        """Apply a later event of the candidate's stream."""
        if isinstance(event, PersonalDataRecorded):
            self.personal_data, self.sealed_personal_data = PersonalDataState.RECORDED, event.sealed
            return
        if isinstance(event, PersonalDataErased):
            self.personal_data, self.sealed_personal_data = PersonalDataState.ERASED, None
            return
        if not isinstance(event, CandidateStep):
            raise ValueError(f"{type(event).__name__} is not an event of a candidate")
        self.stage_on = event.on
        match event:
            case ApplicationSubmitted():
                # A redone application restarts the file: the next resolution sets a new deadline.
                self.file_expires_on, self.decision_due, self.decision_extended = event.file_expires_on, None, False
            case GrassrootsResolved():
                self.decision_due = event.decision_due
            case DecisionDeadlineExtended():
                self.decision_due = event.decision_due
                self.decision_extended = True
                return  # the stage does not change
            case AdmissionDecided():
                self.ceremony_due = event.ceremony_due
            case AdmissionCeremonyHeld():
                self.probation_ends_on = event.probation_ends_on
                self.recognition_due = event.recognition_due
            case ProbationaryMemberRemoved() | CandidateWithdrawn() | CandidateRejected():
                self.closed_reason = event.reason
        self.stage = _STAGE_AFTER[type(event)]

    def summary(self) -> dict[str, Any]:
        """The candidate's state and deadlines, JSON-friendly."""
        return {
            "candidate_id": self.candidate_id,
            "stage": self.stage.value,
            "stage_on": _iso(self.stage_on),
            "version": self.version + len(self.pending),
            "deadlines": {
                "file_expires_on": _iso(self.file_expires_on),
                "decision_due": _iso(self.decision_due),
                "decision_extended": self.decision_extended,
                "ceremony_due": _iso(self.ceremony_due),
                "probation_ends_on": _iso(self.probation_ends_on),
                "recognition_due": _iso(self.recognition_due),
            },
            "closed_reason": self.closed_reason,
            "personal_data": self.personal_data.value,
        }


@dataclass(frozen=True)
class StepFacts:
    """What every step states: its date, the responsible body, its document; and today's date."""

    on: date
    body: str
    today: date
    document: Document | None = None


_STAGE_AFTER: dict[type[EventContract], Stage] = {
    AwarenessClassAttended: Stage.AWARENESS_CLASS_ATTENDED,
    ApplicationSubmitted: Stage.APPLICATION_SUBMITTED,
    BackgroundVerified: Stage.BACKGROUND_VERIFIED,
    CandidateIntroduced: Stage.INTRODUCED,
    CellVoted: Stage.CELL_VOTED,
    GrassrootsResolved: Stage.GRASSROOTS_RESOLVED,
    AdmissionDecided: Stage.ADMISSION_DECIDED,
    AdmissionCeremonyHeld: Stage.ON_PROBATION,
    MemberRecognised: Stage.OFFICIAL,
    ProbationaryMemberRemoved: Stage.REMOVED,
    CandidateWithdrawn: Stage.WITHDRAWN,
    CandidateRejected: Stage.REJECTED,
}

_COMMITTEES = frozenset({IntroducerKind.TRADE_UNION_COMMITTEE, IntroducerKind.YOUTH_UNION_COMMITTEE})


def stage_after(event: EventContract) -> Stage | None:
    """The stage a candidate reaches with this event (None if the event leaves the stage as it was)."""
    return _STAGE_AFTER.get(type(event))


def _check_introducers(introducers: Sequence[Introducer], on: date, rules: AdmissionRules) -> None:
    kinds = sorted(i.kind.value for i in introducers)
    members = [i for i in introducers if i.kind is IntroducerKind.OFFICIAL_MEMBER]
    two_members = len(introducers) == 2 and len(members) == 2 and members[0].ref != members[1].ref
    committee_and_member = (
        len(introducers) == 2 and len(members) == 1 and any(i.kind in _COMMITTEES for i in introducers)
    )
    if not (two_members or committee_and_member):
        raise StepRefused(
            f"introducers {kinds} do not make a valid introduction",
            field="introducers",
            rule="two different official members, or the trade-union/Youth-Union committee plus one official member",
        )
    latest_start = add_months(on, -rules.introducer_months)
    for index, introducer in enumerate(introducers):
        if introducer.worked_with_candidate_since > latest_start:
            raise StepRefused(
                f"introducer {introducer.ref} has worked with the candidate since "
                f"{introducer.worked_with_candidate_since.isoformat()}, after {latest_start.isoformat()}",
                field=f"introducers.{index}.worked_with_candidate_since",
                rule=f"an introducer has worked with the candidate for at least {rules.introducer_months} months",
            )


def _check_vote(votes_for: int, official_members: int, rules: AdmissionRules, what: str) -> None:
    if official_members < 1 or not 0 <= votes_for <= official_members:
        raise StepRefused(
            f"{votes_for} votes for out of {official_members} official members is not a count",
            field="votes_for",
            rule="between 0 and the number of official members, who are at least 1",
        )
    if Fraction(votes_for, official_members) < rules.vote_share:
        raise StepRefused(
            f"{what} won {votes_for} of {official_members} official members",
            field="votes_for",
            rule=f"at least {rules.vote_share} of the official members",
        )


def _require_document(step: StepFacts, what: str) -> None:
    if step.document is None:
        raise StepRefused(f"{what} must be given (number and date)", field="document", rule="required for this step")


def _out_of_order(step: str, required: Stage, actual: Stage) -> StepOutOfOrder:
    if actual in CLOSED:
        return StepOutOfOrder(
            f"the candidate's file is closed ({actual.value}); {step} is no longer possible",
            field="stage",
            rule="no step after the file is closed",
        )
    return StepOutOfOrder(
        f"{step} needs a candidate at stage {required.value}, this one is at {actual.value}",
        field="stage",
        rule=f"{step} comes right after {required.value}",
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
