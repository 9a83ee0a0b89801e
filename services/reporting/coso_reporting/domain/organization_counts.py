"""Party and mass organizations counted by authority and kind for a period and a day.

The organizations report asks, per unit: how many organizations of each kind were founded
in the period, how many were dissolved or merged into another in it, how many existed on
the report's day. The projection counts them in SQL (adapters/fact_pipeline_queries.py):
an organization exists on a day when founded on or before it and not yet ended (one
ended on a day no longer exists that day). Organizations not founded yet (a record whose
founding event has not arrived) are not counted.

The organizations existing now are kept counted per authority and kind (`existing_changes`),
and their foundings and endings per authority, kind and month (`flow_changes`; the same
summed per year), so that a report sums the months and years of its period, and of the
time after its day (or up to it), rather than reading each organization founded or ended
then: a nation has some 66,000 mass organizations founded a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OrganizationGroup:
    """Party organizations of one authority and kind: founded in the period, dissolved in
    it, merged into another in it, existing on the day."""

    authority_id: str
    kind: str | None
    founded: int
    dissolved: int
    merged: int
    existing: int


@dataclass(frozen=True)
class MassOrganizationGroup:
    """Mass organizations of one authority and kind: founded in the period, dissolved in
    it, existing on the day."""

    authority_id: str
    kind: str | None
    founded: int
    dissolved: int
    existing: int


# The organizations existing now are kept counted per (authority, kind) by the projection
# (adapters/organization_counts.py); a report on a day takes back those founded after it and
# puts back those ended after it. A kind not known yet is kept as "".
UNKNOWN_KIND = ""


def existing_under(row: Mapping[str, Any] | None, ended: str) -> tuple[str, str] | None:
    """The (authority, kind) an organization's record counts under among the organizations
    existing now (founded, not ended: `ended` names its ending day's column), or None."""
    if row is None or row.get("founded_on") is None or row.get("authority_id") is None or row.get(ended) is not None:
        return None
    return row["authority_id"], row.get("kind") or UNKNOWN_KIND


def existing_changes(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]], ended: str
) -> dict[tuple[str, str], int]:
    """How the counts of existing organizations move when the records `before` become
    `after` (by id; a record absent from `before` is new): the non-zero changes."""
    changes: dict[tuple[str, str], int] = {}
    for key, row in after.items():
        was, now = existing_under(before.get(key), ended), existing_under(row, ended)
        if was == now:
            continue
        if was is not None:
            changes[was] = changes.get(was, 0) - 1
        if now is not None:
            changes[now] = changes.get(now, 0) + 1
    return {group: n for group, n in changes.items() if n}


# What an organization's record adds to the flows of its months: founded (in its founding's
# month), and in its ending's month ended, of which dissolved and merged into another.
FLOWS = ("founded", "ended", "dissolved", "merged")
FlowKey = tuple[str, str, str]  # authority, kind, month (YYYY-MM)


def flows_of(row: Mapping[str, Any] | None, ended: str, causes: bool) -> list[tuple[FlowKey, tuple[int, ...]]]:
    """The flows an organization's record counts in (none until it is founded and filed
    under an authority). `ended` names its ending day's column; `causes`: the record says
    what ended it (`ended_by`, a party organization's: dissolved or merged), else every
    ending is a dissolution (a mass organization's)."""
    if row is None or row.get("founded_on") is None or row.get("authority_id") is None:
        return []
    authority_id, kind = row["authority_id"], row.get("kind") or UNKNOWN_KIND
    found: list[tuple[FlowKey, tuple[int, ...]]] = [((authority_id, kind, row["founded_on"][:7]), (1, 0, 0, 0))]
    end = row.get(ended)
    if end is not None:
        by = row.get("ended_by") if causes else "dissolved"
        found.append(((authority_id, kind, end[:7]), (0, 1, int(by == "dissolved"), int(by == "merged"))))
    return found


def flow_changes(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]], ended: str, causes: bool
) -> dict[FlowKey, list[int]]:
    """How the flows by month move when the records `before` become `after` (by id; a
    record absent from `before` is new): the non-zero changes, in the order of FLOWS."""
    changes: dict[FlowKey, list[int]] = {}
    for key, row in after.items():
        for sign, record in ((-1, before.get(key)), (1, row)):
            for month, values in flows_of(record, ended, causes):
                sums = changes.setdefault(month, [0] * len(FLOWS))
                for n, value in enumerate(values):
                    sums[n] += sign * value
    return {month: sums for month, sums in changes.items() if any(sums)}
