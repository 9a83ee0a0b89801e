"""Who may see and change what in admissions: roles granted on an authority's subtree.

The model (viewer < editor < administrator, a grant on `*` covers everything, scopes) is the
backbone's (`coso_backbone.access`), with the one thing only admissions holds: personal data.
A grant reads or writes candidates' and members' personal fields (Decree 13/2023) only if it
says so (`personal_data`); without it, the caller sees the files with their personal fields
withheld. Admissions' refusals are here.
"""

from __future__ import annotations

from coso_admissions.domain.errors import AccessDenied
from coso_backbone.access import EVERYWHERE, Grant, Principal, Role, Scope, roots_with, scope_of

__all__ = ["EVERYWHERE", "Grant", "Principal", "Role", "Scope", "require", "roots_with", "scope_of"]


def require(
    scope: Scope, authority_id: str, role: Role, user: str, field_name: str = "authority_id", personal: bool = False
) -> None:
    if authority_id not in scope:
        what = f"{role.value} with personal data" if personal else role.value
        raise AccessDenied(
            f"{user} may not act as {what} on authority {authority_id}",
            field=field_name,
            rule=f"{what} granted on a superior authority",
        )
