"""The records the fact reports read, and what each one was on a given day.

A report "as of" a day asks: did the enterprise exist and operate, under which authority
and in which zone; did the organization exist; was the person a probationary or an
official member, or had they left. These answers come from the days kept in the fact
tables (domain/facts.py); a record still missing its registration answers "not yet".
Members and enterprises are counted by the projection's queries (`MemberGroup` and
`MemberCounts`, and `CoverageGroup` and `CoverageCounts` in domain/coverage.py) under the
rules stated there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class OrganizationFact:
    """A party organization (kind, superior authority, founded, ended, enterprises it covers)."""

    organization_id: str
    kind: str | None
    authority_id: str | None
    founded_on: date | None
    ended_on: date | None
    ended_by: str | None  # "dissolved" or "merged"
    enterprise_ids: tuple[str, ...] = ()
    official_members: int | None = None

    def exists_on(self, day: date) -> bool:
        return self.founded_on is not None and self.founded_on <= day and (self.ended_on is None or day < self.ended_on)


@dataclass(frozen=True)
class MassOrganizationFact:
    mass_organization_id: str
    kind: str | None
    enterprise_id: str | None
    authority_id: str | None
    founded_on: date | None
    dissolved_on: date | None
    members: int | None = None

    def exists_on(self, day: date) -> bool:
        return (
            self.founded_on is not None
            and self.founded_on <= day
            and (self.dissolved_on is None or day < self.dissolved_on)
        )


ACTIVE_STATUSES = ("probationary", "official")
LEFT_STATUSES = ("transferred_out", "deceased", "removed")


@dataclass(frozen=True)
class MemberGroup:
    """Members alike on a day, counted together (there are millions of members, so the
    projection counts them by these axes instead of handing each one over).

    `status` is the member's status on the day: probationary until recognised official, the
    status they left with (transferred out, deceased, removed) from the day they left, None
    when not admitted yet. `admitted` and `left`: whether that happened within the period
    (leaving counts only once it has happened by the day).
    """

    authority_id: str
    job_category: str | None
    ownership: str | None  # of the member's enterprise
    status: str | None
    admitted: bool
    left: bool
    count: int


UNIT_COLUMNS = ("members", "probationary", "official", "production_worker", "owner", "admitted", "left")


@dataclass(frozen=True)
class MemberCounts:
    """The members of a subtree's units on a day, counted by the projection along the members
    report's axes (`MemberGroup`'s rules), so that a nation's report reads a few thousand
    rows instead of a group per unit, job category, ownership and status.

    `units`: per authority, `UNIT_COLUMNS` — active members (probationary or official), by
    status, the production workers and owners among them, those admitted in the period, those
    who left in it (by the day) — and `left_<status>` per status they left with.
    `compositions`: the active members by job category, enterprise ownership and status
    (authority "", neither admitted nor left).
    """

    units: dict[str, dict[str, int]]
    compositions: list[MemberGroup]


@dataclass(frozen=True)
class Step:
    on: date
    due: date | None = None


@dataclass(frozen=True)
class CandidateFact:
    """A candidate and the steps recorded so far (step name -> day, deadline it set)."""

    candidate_id: str
    authority_id: str
    display_ref: str | None
    proposed_on: date
    steps: dict[str, Step] = field(default_factory=dict)
