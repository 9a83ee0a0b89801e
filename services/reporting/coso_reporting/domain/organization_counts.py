"""Party and mass organizations counted by authority and kind for a period and a day.

The organizations report asks, per unit: how many organizations of each kind were founded
in the period, how many were dissolved or merged into another in it, how many existed on
the report's day. The projection counts them in SQL (adapters/fact_pipeline_queries.py):
an organization exists on a day when founded on or before it and not yet ended (one
ended on a day no longer exists that day). Organizations not founded yet (a record whose
founding event has not arrived) are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass


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
