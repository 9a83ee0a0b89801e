"""The tally of a run of events: what they change in the indicators, worked out in memory.

The live consumer (a run of one event) and the rebuild (a page of thousands) both feed
events to a tally and then write what it found in one go, so the two cannot disagree;
the rebuild is fast because it writes once per page instead of once per event.

Where a candidate counts: under the authority of its enterprise, since the registry says
where an enterprise belongs. Until the enterprise is known (registry and admissions
events are not ordered with each other) it counts under the authority its own event
names, and it moves when the enterprise arrives. So the counts do not depend on the
order in which the two sources' events are applied.

The tally also keeps the dated history: each count is added on its day too (the
enterprise's registration date, the candidate's proposal date), and a candidate that
moves takes its day with it, so "achieved between two dates" follows the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed
from coso_backbone.contracts.registry import AuthorityRegistered, EnterpriseRegistered
from coso_reporting.domain.errors import DuplicateRecord
from coso_reporting.domain.indicators import Counts


def counted_under(candidate_authority: str, enterprise_authority: str | None) -> str:
    """The authority a proposed candidate counts under: its enterprise's, once known."""
    return enterprise_authority if enterprise_authority is not None else candidate_authority


@dataclass(frozen=True)
class Registration:
    authority_id: str
    name: str
    level: str
    parent_id: str | None


@dataclass(frozen=True)
class CandidateRecord:
    """A proposed candidate and the authority it is counted under."""

    candidate_id: str
    enterprise_id: str
    authority_id: str
    proposed_on: str | None = None  # ISO date
    source_channel: str | None = None
    job_category: str | None = None


@dataclass(frozen=True)
class WaitingCandidate:
    """A candidate whose enterprise is not known yet, counted provisionally."""

    candidate_id: str
    enterprise_id: str
    counted_under: str
    proposed_on: str | None = None  # ISO date; None for rows recorded before the history
    source_channel: str | None = None
    job_category: str | None = None

    @property
    def kind(self) -> tuple[str, str] | None:
        if self.source_channel is None or self.job_category is None:
            return None
        return (self.source_channel, self.job_category)


@dataclass(frozen=True)
class Move:
    """A candidate recorded earlier that now counts under its enterprise's authority."""

    candidate_id: str
    authority_id: str


@dataclass(frozen=True)
class Lookups:
    """What a tally needs to know beyond the events themselves."""

    enterprises: frozenset[str]  # whose authority candidates need
    waiting_for: frozenset[str]  # newly registered enterprises: who waits for them


def lookups_for(events: Iterable[EventContract]) -> Lookups:
    enterprises: set[str] = set()
    waiting_for: set[str] = set()
    for event in events:
        if isinstance(event, CandidateProposed):
            enterprises.add(event.enterprise_id)
        elif isinstance(event, EnterpriseRegistered):
            waiting_for.add(event.enterprise_id)
    return Lookups(frozenset(enterprises), frozenset(waiting_for))


class KnownFacts(Protocol):
    """What is already recorded, as far as the tally asked (see `lookups_for`)."""

    def enterprise_authority(self, enterprise_id: str) -> str | None: ...

    def waiting_candidates(self, enterprise_id: str) -> Sequence[WaitingCandidate]: ...


@dataclass(frozen=True)
class Facts:
    """Known facts held in memory (loaded by an adapter, or given by a test)."""

    enterprises: Mapping[str, str] = field(default_factory=dict)
    waiting: Mapping[str, Sequence[WaitingCandidate]] = field(default_factory=dict)

    def enterprise_authority(self, enterprise_id: str) -> str | None:
        return self.enterprises.get(enterprise_id)

    def waiting_candidates(self, enterprise_id: str) -> Sequence[WaitingCandidate]:
        return self.waiting.get(enterprise_id, ())


class IndicatorTally:
    """Accumulates the effect of events on the indicators, to be written at once.

    Raises `DuplicateRecord` for an enterprise or candidate recorded twice; the caller
    then applies the run event by event, so only the offending event is refused.

    Without `counting` only the records are kept (enterprises, candidates, registrations,
    moves): a rebuild counts the own counts once at its end (adapters/indicator_counts.py).
    """

    def __init__(self, facts: KnownFacts, *, counting: bool = True) -> None:
        self._facts = facts
        self._counting = counting
        self.registrations: dict[str, Registration] = {}
        self.enterprises: dict[str, str] = {}  # new enterprise -> its authority
        self.registration_days: dict[str, str | None] = {}  # new enterprise -> its registration day (ISO)
        self.candidates: dict[str, CandidateRecord] = {}  # new candidates
        self.waiting: dict[str, WaitingCandidate] = {}  # new candidates still waiting
        self.moves: list[Move] = []  # earlier waiting candidates, now placed
        self.placed_enterprises: set[str] = set()  # whose earlier waiting candidates were placed
        self._waiting_by_enterprise: dict[str, list[str]] = {}
        self._deltas: dict[str, list[int]] = {}
        self._daily: dict[tuple[str, str], list[int]] = {}
        self._kinds: dict[tuple[str, str, str, str], int] = {}

    @property
    def deltas(self) -> dict[str, Counts]:
        """Change of own counts per authority touched (a zero change is kept: the row must exist)."""
        return {authority: Counts(e, c) for authority, (e, c) in self._deltas.items()}

    @property
    def daily_deltas(self) -> dict[tuple[str, str], Counts]:
        """Change of own counts per (authority, ISO day) touched."""
        return {key: Counts(e, c) for key, (e, c) in self._daily.items()}

    @property
    def candidate_kinds(self) -> dict[tuple[str, str, str, str], int]:
        """Change of candidates per (authority, ISO day, source channel, job category)."""
        return dict(self._kinds)

    def add(self, event: EventContract) -> None:
        if isinstance(event, CandidateProposed):
            self.candidate_proposed(
                event.candidate_id,
                event.enterprise_id,
                event.authority_id,
                event.proposed_on.isoformat(),
                (event.source_channel.value, event.job_category.value),
            )
        elif isinstance(event, EnterpriseRegistered):
            self.enterprise_registered(event.enterprise_id, event.authority_id, event.registered_on.isoformat())
        elif isinstance(event, AuthorityRegistered):
            self.authority_registered(event.authority_id, event.name, event.level.value, event.parent_id)

    def add_all(self, events: Iterable[EventContract]) -> IndicatorTally:
        for event in events:
            self.add(event)
        return self

    def authority_registered(self, authority_id: str, name: str, level: str, parent_id: str | None) -> None:
        self.registrations[authority_id] = Registration(authority_id, name, level, parent_id)

    def enterprise_registered(self, enterprise_id: str, authority_id: str, registered_on: str | None = None) -> None:
        if enterprise_id in self.enterprises or self._facts.enterprise_authority(enterprise_id) is not None:
            raise DuplicateRecord(
                f"enterprise {enterprise_id} is already recorded", field="enterprise_id", rule="unique"
            )
        self.enterprises[enterprise_id] = authority_id
        self.registration_days[enterprise_id] = registered_on
        self._count(authority_id, registered_on, enterprises=1)
        stored = self._facts.waiting_candidates(enterprise_id)
        if stored:
            self.placed_enterprises.add(enterprise_id)
        for waiting in stored:
            self.moves.append(Move(waiting.candidate_id, authority_id))
            self._move_candidate(waiting.counted_under, authority_id, waiting.proposed_on, waiting.kind)
        for candidate_id in self._waiting_by_enterprise.pop(enterprise_id, []):
            waiting = self.waiting.pop(candidate_id)
            record = self.candidates[candidate_id]
            self.candidates[candidate_id] = CandidateRecord(
                candidate_id,
                record.enterprise_id,
                authority_id,
                record.proposed_on,
                record.source_channel,
                record.job_category,
            )
            self._move_candidate(waiting.counted_under, authority_id, waiting.proposed_on, waiting.kind)

    def candidate_proposed(
        self,
        candidate_id: str,
        enterprise_id: str,
        authority_id: str,
        proposed_on: str | None = None,
        kind: tuple[str, str] | None = None,
    ) -> None:
        if candidate_id in self.candidates:
            raise DuplicateRecord(f"candidate {candidate_id} is already recorded", field="candidate_id", rule="unique")
        enterprise_authority = self.enterprises.get(enterprise_id) or self._facts.enterprise_authority(enterprise_id)
        authority = counted_under(authority_id, enterprise_authority)
        channel, job = kind if kind is not None else (None, None)
        self.candidates[candidate_id] = CandidateRecord(
            candidate_id, enterprise_id, authority, proposed_on, channel, job
        )
        if enterprise_authority is None:
            self.waiting[candidate_id] = WaitingCandidate(
                candidate_id, enterprise_id, authority, proposed_on, channel, job
            )
            self._waiting_by_enterprise.setdefault(enterprise_id, []).append(candidate_id)
        self._count(authority, proposed_on, candidates=1, kind=kind)

    def _move_candidate(self, source: str, target: str, day: str | None, kind: tuple[str, str] | None) -> None:
        self._count(source, day, candidates=-1, kind=kind)
        self._count(target, day, candidates=1, kind=kind)

    def _count(
        self,
        authority_id: str,
        day: str | None,
        enterprises: int = 0,
        candidates: int = 0,
        kind: tuple[str, str] | None = None,
    ) -> None:
        if not self._counting:
            return
        delta = self._deltas.get(authority_id)
        if delta is None:
            self._deltas[authority_id] = [enterprises, candidates]
        else:
            delta[0] += enterprises
            delta[1] += candidates
        if day is None:
            return
        if kind is not None and candidates:
            key = (authority_id, day, *kind)
            self._kinds[key] = self._kinds.get(key, 0) + candidates
        dated = self._daily.get((authority_id, day))
        if dated is None:
            self._daily[(authority_id, day)] = [enterprises, candidates]
        else:
            dated[0] += enterprises
            dated[1] += candidates
