"""Mass organizations in an enterprise: the grassroots trade union (công đoàn cơ sở), the
Youth Union branch, the women's union and the veterans' association, with their members over
time and their chair. One of each kind per enterprise while active."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import (
    MassMembershipCounted,
    MassOrganizationChairChanged,
    MassOrganizationDissolved,
    MassOrganizationFounded,
    MassOrganizationKind,
)
from coso_registry.domain.errors import InvalidOrganization
from coso_registry.domain.lifespan import ensure_active


def stream_of_mass_organization(mass_organization_id: str) -> str:
    return f"mass-organization-{mass_organization_id}"


@dataclass
class MassOrganization:
    mass_organization_id: str
    kind: MassOrganizationKind
    enterprise_id: str
    authority_id: str
    name: str
    founded_on: date
    chair: str | None = None
    members: dict[date, int] = field(default_factory=dict)
    dissolved_on: date | None = None
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def found(
        cls,
        mass_organization_id: str,
        kind: MassOrganizationKind,
        enterprise_id: str,
        authority_id: str,
        name: str,
        founded_on: date,
        members: int,
        chair: str | None,
    ) -> MassOrganization:
        if not name.strip():
            raise InvalidOrganization("a mass organization needs a name", field="name", rule="required")
        if members < 0:
            raise InvalidOrganization("members cannot be negative", field="members", rule=">= 0")
        event = MassOrganizationFounded(
            mass_organization_id=mass_organization_id,
            kind=kind,
            enterprise_id=enterprise_id,
            authority_id=authority_id,
            name=name.strip(),
            founded_on=founded_on,
            members=members,
            chair=(chair or "").strip() or None,
        )
        organization = cls.replay([event])
        organization.version = 0
        organization.pending.append(event)
        return organization

    @classmethod
    def replay(cls, events: Iterable[EventContract]) -> MassOrganization:
        organization: MassOrganization | None = None
        for event in events:
            if organization is None:
                if not isinstance(event, MassOrganizationFounded):
                    raise ValueError(f"a mass organization stream starts with its founding, not {type(event).__name__}")
                organization = cls(
                    event.mass_organization_id,
                    event.kind,
                    event.enterprise_id,
                    event.authority_id,
                    event.name,
                    event.founded_on,
                    event.chair,
                    {event.founded_on: event.members},
                )
            else:
                organization.apply(event)
            organization.version += 1
        if organization is None:
            raise ValueError("a mass organization stream needs at least one event")
        return organization

    @property
    def member_count(self) -> int:
        return self.members[max(self.members)]

    def apply(self, event: EventContract) -> None:
        if isinstance(event, MassMembershipCounted):
            self.members[event.counted_on] = event.members
        elif isinstance(event, MassOrganizationChairChanged):
            self.chair = event.chair
        elif isinstance(event, MassOrganizationDissolved):
            self.dissolved_on = event.effective_from

    def _record(self, event: EventContract) -> None:
        self.apply(event)
        self.pending.append(event)

    def _check_active(self, on: date) -> None:
        ensure_active(
            f"mass organization {self.mass_organization_id}",
            "mass_organization_id",
            self.founded_on,
            self.dissolved_on,
            on,
        )

    def count_members(self, members: int, on: date) -> None:
        self._check_active(on)
        if members < 0:
            raise InvalidOrganization("members cannot be negative", field="members", rule=">= 0")
        if self.members.get(on) == members:
            raise InvalidOrganization(
                f"{members} members on {on.isoformat()} is already recorded", field="members", rule="differs"
            )
        self._record(
            MassMembershipCounted(mass_organization_id=self.mass_organization_id, members=members, counted_on=on)
        )

    def change_chair(self, chair: str, on: date) -> None:
        self._check_active(on)
        if not chair.strip():
            raise InvalidOrganization("a chair needs a name", field="chair", rule="required")
        if chair.strip() == self.chair:
            raise InvalidOrganization(f"{self.chair} is already the chair", field="chair", rule="differs")
        self._record(
            MassOrganizationChairChanged(
                mass_organization_id=self.mass_organization_id, chair=chair.strip(), effective_from=on
            )
        )

    def dissolve(self, reason: str, on: date) -> None:
        self._check_active(on)
        if not reason.strip():
            raise InvalidOrganization("a dissolution needs its reason", field="reason", rule="required")
        self._record(
            MassOrganizationDissolved(
                mass_organization_id=self.mass_organization_id, reason=reason.strip(), effective_from=on
            )
        )
