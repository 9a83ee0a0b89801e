"""Authorities (cấp ủy): nodes of the effective-dated hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered
from coso_registry.domain.errors import InvalidAuthority

_AUTHORITY_ID = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")


def stream_of_authority(authority_id: str) -> str:
    return f"authority-{authority_id}"


@dataclass
class Authority:
    authority_id: str
    name: str
    level: AuthorityLevel
    parent_id: str | None
    effective_from: date
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def register(
        cls, authority_id: str, name: str, level: AuthorityLevel, parent_id: str | None, effective_from: date
    ) -> Authority:
        if not _AUTHORITY_ID.match(authority_id):
            raise InvalidAuthority(
                f"authority id {authority_id!r} must be lower-case letters and digits, parts joined by '.' or '-'",
                field="authority_id",
                rule="identifier",
            )
        if not name.strip():
            raise InvalidAuthority("an authority needs a name", field="name", rule="required")
        if parent_id is None and level is not AuthorityLevel.CENTRAL and level is not AuthorityLevel.PROVINCE:
            raise InvalidAuthority(
                f"a {level.value} authority needs a superior authority (parent_id)",
                field="parent_id",
                rule="only central and province authorities may be roots",
            )
        authority = cls(authority_id, name.strip(), level, parent_id, effective_from)
        authority.pending.append(
            AuthorityRegistered(
                authority_id=authority_id,
                name=authority.name,
                level=level,
                parent_id=parent_id,
                effective_from=effective_from,
            )
        )
        return authority
