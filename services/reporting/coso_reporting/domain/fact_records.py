"""Members as the fact reports count them on a given day.

A report "as of" a day asks of each person whether they were a probationary or an
official member, or had left, from the days kept in the fact tables (domain/facts.py).
Members are counted by the projection's queries (`MemberGroup` and `MemberCounts`);
enterprises likewise (`CoverageGroup` and `CoverageCounts` in domain/coverage.py),
organizations in domain/organization_counts.py and candidates in domain/pipeline.py.
"""

from __future__ import annotations

from dataclasses import dataclass

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
