"""The member counts the fact projection keeps, and how a run of events changes them.

The members report counts members by unit, job category, their enterprise's ownership and
status on a day; the coverage report needs each enterprise's active and official members.
A nation has millions of members, so grouping them all for each report takes seconds.
The projection therefore keeps, for the members' latest state (their status once every
recorded day has passed, `status_now`):

- the members per unit, job category, enterprise ownership and status; the same summed
  per unit, status and job group (production workers, owners, others: the report's unit
  columns), and summed over every unit (the nation's composition);
- per enterprise, its members, how many are active (probationary or official) and official;
- per member, the last day anything about its status happened (`last_change`: admission,
  recognition, leaving), with what a report needs to count it on any day (`ChangedMember`:
  its unit, job category, enterprise ownership, status and days), so that the members
  changed after a day are recounted from that one range read, without looking each one up
  among the members and their enterprises;
- the period's flows per unit and month (`flows`): the members admitted, and those who
  left by how they left (transferred out, deceased, removed), on the month of their
  admission or leaving.

A report as of a day, for a period, starts from the kept counts (a nation's from the
active members kept at the nearest half year's end: adapters/member_half_years.py) and
recounts only the members admitted, recognised or left between the day and that start
(`recounted_between`, adapters/fact_queries.py): on a day after every recorded change that
is a few members, whatever the size of the nation. Its admissions and departures are the
flows of the period's whole months; a period that begins or ends within a month also
recounts the members who came or went in that month's part of it.

A member counts once admitted and filed under an authority (the reports leave the others out).
Unknown job categories and ownerships are kept as "" (the counts' keys cannot be empty).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from coso_reporting.domain.fact_records import ACTIVE_STATUSES
from coso_reporting.domain.facts import ENDED_MEMBER_STATUSES

Row = Mapping[str, Any]
CountKey = tuple[str, str, str, str]  # authority, job category, enterprise ownership, status
FlowKey = tuple[str, str, str]  # authority, month (YYYY-MM), flow: ADMITTED or the leaving status
UnitKey = tuple[str, str, str]  # authority, status, job group (`job_group`)
CompositionKey = tuple[str, str, str]  # job category, enterprise ownership, status
UNKNOWN = ""
ADMITTED = "admitted"
KEPT = "9999-12-31"  # the day standing for the kept counts: after every recorded day
REPORTED_JOBS = ("production_worker", "owner")  # the job categories the report counts per unit


class ChangedMember(NamedTuple):
    """A counted member as its last change keeps it: the day, and what counts it on any day
    (the columns of `reporting_fact_member_changes`)."""

    changed_on: str
    member_id: str
    authority_id: str
    job_category: str  # UNKNOWN when unknown
    ownership: str  # of its enterprise, UNKNOWN when unknown
    status: str | None
    admitted_on: str
    official_on: str | None
    ended_on: str | None


def changed_member(member_id: str, row: Row, ownership: str | None) -> ChangedMember:
    """A counted member's kept last change, its enterprise's ownership being `ownership`."""
    return ChangedMember(
        last_change(row),
        member_id,
        row["authority_id"],
        row["job_category"] or UNKNOWN,
        ownership or UNKNOWN,
        row["status"],
        row["admitted_on"],
        row["official_on"],
        row["ended_on"],
    )


def is_counted(row: Row | None) -> bool:
    return row is not None and row.get("admitted_on") is not None and row.get("authority_id") is not None


def status_now(row: Row) -> str:
    """The status once every recorded day has passed (the reports' status on a day after all)."""
    if row["ended_on"] is not None and row["status"] in ENDED_MEMBER_STATUSES:
        return str(row["status"])
    return "official" if row["official_on"] is not None else "probationary"


def status_on(row: Row, day: str) -> str | None:
    """A counted member's status on `day` (ISO) by `MemberGroup`'s rule: None before its
    admission, the status it left with from the day it left, official from its recognition,
    else probationary."""
    if row["admitted_on"] > day:
        return None
    ended_on, official_on = row["ended_on"], row["official_on"]
    if ended_on is not None and ended_on <= day and row["status"] in ENDED_MEMBER_STATUSES:
        return str(row["status"])
    return "official" if official_on is not None and official_on <= day else "probationary"


def last_change(row: Row) -> str:
    """The last day among the admission, recognition and leaving recorded for a counted member."""
    return max(day for day in (row["admitted_on"], row["official_on"], row["ended_on"]) if day is not None)


def job_group(job_category: str) -> str:
    """The job category as the report's unit columns tell them apart: production workers,
    owners, and the others (UNKNOWN)."""
    return job_category if job_category in REPORTED_JOBS else UNKNOWN


def month_of(day: str) -> str:
    """The month (`YYYY-MM`) of a day written `YYYY-MM-DD`."""
    return day[:7]


def flows_of(row: Row) -> list[FlowKey]:
    """The flows a counted member is in: its admission, and its leaving if it left."""
    authority_id = row["authority_id"]
    found = [(authority_id, month_of(row["admitted_on"]), ADMITTED)]
    if row["ended_on"] is not None and row["status"] in ENDED_MEMBER_STATUSES:
        found.append((authority_id, month_of(row["ended_on"]), str(row["status"])))
    return found


def whole_months(start: date, end: date) -> tuple[str, str] | None:
    """The first and last month (`YYYY-MM`) lying whole within the period, None if none does."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=31)).replace(day=1)
    last = end if (end + timedelta(days=1)).day == 1 else end.replace(day=1) - timedelta(days=1)
    return (first.isoformat()[:7], last.isoformat()[:7]) if first <= last else None


def recounted_between(day: date, start: date, end: date, start_day: str = KEPT) -> tuple[str, str]:
    """The days between which (after the first, up to the second: ISO) a report as of `day`
    over the period, started from the counts as they stood on `start_day` (KEPT: the kept
    counts of the latest state), recounts one by one each member admitted, recognised or
    left among them: those days span every one where that happened

    - between the day and the start (the member's status on the day may differ from the one
      it is counted with there),
    - in a part of the period outside its whole months (the kept flows cannot tell where
      within a month a member came or went),
    - in the period after the day (a leaving counts once it has happened by the day).

    Any other member is counted on the day as at the start, and was admitted and left within
    the period exactly when within one of its whole months. None to recount: the day twice."""
    on, last = day.isoformat(), end.isoformat()
    spans = [(min(on, start_day), max(on, start_day))] if start_day != on else []
    if whole_months(start, end) is None or start.day != 1:
        spans.append(((start - timedelta(days=1)).isoformat(), last))
    if (end + timedelta(days=1)).day != 1:
        spans.append(((end.replace(day=1) - timedelta(days=1)).isoformat(), last))
    if end > day:
        spans.append((on, last))
    if not spans:
        return on, on
    return min(after for after, _ in spans), max(up_to for _, up_to in spans)


@dataclass
class MemberCountChanges:
    """What a run of events changes in the kept counts: signed changes of the members per
    key and per enterprise ([members, active, official]), of the flows per unit and month,
    of the active members at each kept half year's end of `ends` (its last month and day)
    per unit and per composition, and the members' last-change rows to remove (by their day
    and member) and to add."""

    ends: Sequence[tuple[str, str]] = ()
    counts: Counter[CountKey] = field(default_factory=Counter)
    unit_ends: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)  # month, then a UnitKey
    composition_ends: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)  # month, CompositionKey
    flows: Counter[FlowKey] = field(default_factory=Counter)
    enterprises: dict[str, list[int]] = field(default_factory=dict)
    changes_removed: set[ChangedMember] = field(default_factory=set)
    changes_added: set[ChangedMember] = field(default_factory=set)

    def move(
        self,
        member_id: str,
        before: Row | None,
        ownership_before: str | None,
        after: Row | None,
        ownership_after: str | None,
    ) -> None:
        """A member's row went from `before` to `after` (None: no row), its enterprise's
        ownership from `ownership_before` to `ownership_after`."""
        self._add(before, ownership_before, -1)
        self._add(after, ownership_after, 1)
        old = changed_member(member_id, before, ownership_before) if before and is_counted(before) else None
        new = changed_member(member_id, after, ownership_after) if after and is_counted(after) else None
        if old != new:
            if old is not None:
                self.changes_removed.add(old)
                self.changes_added.discard(old)
            if new is not None:
                self.changes_added.add(new)
                self.changes_removed.discard(new)

    def _add(self, row: Row | None, ownership: str | None, sign: int) -> None:
        if row is None or not is_counted(row):
            return
        status = status_now(row)
        authority_id, job, owned = row["authority_id"], row["job_category"] or UNKNOWN, ownership or UNKNOWN
        self.counts[(authority_id, job, owned, status)] += sign
        for month, last_day in self.ends:
            then = status_on(row, last_day)
            if then in ACTIVE_STATUSES:
                self.unit_ends[(month, authority_id, then, job_group(job))] += sign
                self.composition_ends[(month, job, owned, then)] += sign
        for flow in flows_of(row):
            self.flows[flow] += sign
        enterprise_id = row["enterprise_id"]
        if enterprise_id is not None:
            counts = self.enterprises.setdefault(enterprise_id, [0, 0, 0])
            counts[0] += sign
            counts[1] += sign * (status in ("probationary", "official"))
            counts[2] += sign * (status == "official")

    def changed_counts(self) -> dict[CountKey, int]:
        return {key: n for key, n in self.counts.items() if n}

    def changed_units(self) -> dict[UnitKey, int]:
        """The counts' changes summed per unit, status and job group."""
        units: Counter[UnitKey] = Counter()
        for (authority_id, job, _, status), n in self.counts.items():
            units[(authority_id, status, job_group(job))] += n
        return {key: n for key, n in units.items() if n}

    def changed_compositions(self) -> dict[CompositionKey, int]:
        """The counts' changes summed over every unit."""
        compositions: Counter[CompositionKey] = Counter()
        for (_, job, ownership, status), n in self.counts.items():
            compositions[(job, ownership, status)] += n
        return {key: n for key, n in compositions.items() if n}

    def changed_unit_ends(self) -> dict[tuple[str, str, str, str], int]:
        return {key: n for key, n in self.unit_ends.items() if n}

    def changed_composition_ends(self) -> dict[tuple[str, str, str, str], int]:
        return {key: n for key, n in self.composition_ends.items() if n}

    def changed_flows(self) -> dict[FlowKey, int]:
        return {key: n for key, n in self.flows.items() if n}

    def changed_enterprises(self) -> dict[str, list[int]]:
        return {key: n for key, n in self.enterprises.items() if any(n)}
