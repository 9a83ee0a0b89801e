"""What party and mass organizations share: a change is dated within their life."""

from __future__ import annotations

from datetime import date

from coso_registry.domain.errors import InvalidOrganization, OrganizationDissolvedAlready


def ensure_active(what: str, field: str, founded_on: date, dissolved_on: date | None, on: date) -> None:
    """Refuse a change to `what` (e.g. 'organization X') once it is dissolved, or dated before its founding."""
    if dissolved_on is not None:
        raise OrganizationDissolvedAlready(
            f"{what} was dissolved on {dissolved_on.isoformat()}", field=field, rule="active"
        )
    if on < founded_on:
        raise InvalidOrganization(
            f"{what} was founded on {founded_on.isoformat()}",
            field="effective_from",
            rule="on or after the founding date",
        )
