"""Enterprises (doanh nghiệp ngoài khu vực nhà nước) in the registry: particulars, the
authority and industrial zone they belong to, status, and the workforce over time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import (
    EnterpriseClosed,
    EnterpriseMoved,
    EnterpriseRegistered,
    EnterpriseResumed,
    EnterpriseStatus,
    EnterpriseSuspended,
    EnterpriseUpdated,
    Ownership,
    WorkforceCounted,
)
from coso_registry.domain.errors import EnterpriseNotOperating, InvalidEnterprise
from coso_registry.domain.tax_code import TaxCode

PARTICULARS = ("name", "ownership", "sector", "address", "director")


def stream_of_enterprise(enterprise_id: str) -> str:
    return f"enterprise-{enterprise_id}"


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


@dataclass
class Enterprise:
    enterprise_id: str
    tax_code: TaxCode
    name: str
    authority_id: str
    ownership: Ownership
    worker_count: int
    registered_on: date
    sector: str | None = None
    address: str | None = None
    industrial_zone_id: str | None = None
    director: str | None = None
    status: EnterpriseStatus = EnterpriseStatus.OPERATING
    workforce: dict[date, int] = field(default_factory=dict)
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def register(
        cls,
        enterprise_id: str,
        tax_code: TaxCode,
        name: str,
        authority_id: str,
        ownership: Ownership,
        worker_count: int,
        registered_on: date,
        sector: str | None = None,
        address: str | None = None,
        industrial_zone_id: str | None = None,
        director: str | None = None,
    ) -> Enterprise:
        if not name.strip():
            raise InvalidEnterprise("an enterprise needs a name", field="name", rule="required")
        event = EnterpriseRegistered(
            enterprise_id=enterprise_id,
            tax_code=str(tax_code),
            name=name.strip(),
            authority_id=authority_id,
            ownership=ownership,
            worker_count=worker_count,
            registered_on=registered_on,
            sector=_text(sector),
            address=_text(address),
            industrial_zone_id=_text(industrial_zone_id),
            director=_text(director),
        )
        enterprise = cls.replay([event])
        enterprise.version = 0
        enterprise.pending.append(event)
        return enterprise

    @classmethod
    def replay(cls, events: Iterable[EventContract]) -> Enterprise:
        enterprise: Enterprise | None = None
        for event in events:
            if enterprise is None:
                if not isinstance(event, EnterpriseRegistered):
                    raise ValueError(f"an enterprise stream starts with registration, not {type(event).__name__}")
                enterprise = cls(
                    event.enterprise_id,
                    TaxCode(event.tax_code),
                    event.name,
                    event.authority_id,
                    event.ownership,
                    event.worker_count,
                    event.registered_on,
                    event.sector,
                    event.address,
                    event.industrial_zone_id,
                    event.director,
                    workforce={event.registered_on: event.worker_count},
                )
            else:
                enterprise.apply(event)
            enterprise.version += 1
        if enterprise is None:
            raise ValueError("an enterprise stream needs at least one event")
        return enterprise

    def apply(self, event: EventContract) -> None:
        if isinstance(event, EnterpriseUpdated):
            for name in PARTICULARS:
                value = getattr(event, name)
                if value is not None:
                    setattr(self, name, value)
        elif isinstance(event, EnterpriseMoved):
            self.authority_id = event.authority_id
            self.industrial_zone_id = event.industrial_zone_id
        elif isinstance(event, EnterpriseSuspended):
            self.status = EnterpriseStatus.SUSPENDED
        elif isinstance(event, EnterpriseResumed):
            self.status = EnterpriseStatus.OPERATING
        elif isinstance(event, EnterpriseClosed):
            self.status = EnterpriseStatus.CLOSED
        elif isinstance(event, WorkforceCounted):
            self.workforce[event.counted_on] = event.worker_count
            self.worker_count = self.workforce[max(self.workforce)]

    def _record(self, event: EventContract) -> None:
        self.apply(event)
        self.pending.append(event)

    def _check_open(self, on: date) -> None:
        if self.status is EnterpriseStatus.CLOSED:
            raise EnterpriseNotOperating(
                f"enterprise {self.enterprise_id} ({self.tax_code}) is closed", field="status", rule="not closed"
            )
        if on < self.registered_on:
            raise InvalidEnterprise(
                f"enterprise {self.enterprise_id} was registered on {self.registered_on.isoformat()}",
                field="effective_from",
                rule="on or after the registration date",
            )

    def changes_to(self, **particulars: object) -> dict[str, object]:
        """The given particulars that differ from the current ones (None: not given)."""
        changed: dict[str, object] = {}
        for name, value in particulars.items():
            if name not in PARTICULARS:
                raise ValueError(f"{name} is not a particular of an enterprise")
            if isinstance(value, str):
                value = value.strip()
                if name == "name" and not value:
                    raise InvalidEnterprise("an enterprise needs a name", field="name", rule="required")
            if value is not None and value != getattr(self, name):
                changed[name] = value
        return changed

    def update(self, on: date, **particulars: object) -> bool:
        """Record the particulars that changed; False (and nothing recorded) if none did."""
        self._check_open(on)
        changed = self.changes_to(**particulars)
        if not changed:
            return False
        self._record(EnterpriseUpdated(enterprise_id=self.enterprise_id, effective_from=on, **changed))  # type: ignore[arg-type]
        return True

    def move(self, authority_id: str, industrial_zone_id: str | None, on: date) -> None:
        self._check_open(on)
        if authority_id == self.authority_id and industrial_zone_id == self.industrial_zone_id:
            raise InvalidEnterprise(
                f"enterprise {self.enterprise_id} already belongs to {authority_id}",
                field="authority_id",
                rule="differs from the current authority or zone",
            )
        self._record(
            EnterpriseMoved(
                enterprise_id=self.enterprise_id,
                authority_id=authority_id,
                previous_authority_id=self.authority_id,
                industrial_zone_id=industrial_zone_id,
                previous_industrial_zone_id=self.industrial_zone_id,
                effective_from=on,
            )
        )

    def suspend(self, reason: str, on: date) -> None:
        self._check_open(on)
        if self.status is EnterpriseStatus.SUSPENDED:
            raise EnterpriseNotOperating(
                f"enterprise {self.enterprise_id} is already suspended", field="status", rule="operating"
            )
        if not reason.strip():
            raise InvalidEnterprise("a suspension needs its reason", field="reason", rule="required")
        self._record(EnterpriseSuspended(enterprise_id=self.enterprise_id, reason=reason.strip(), effective_from=on))

    def resume(self, on: date) -> None:
        self._check_open(on)
        if self.status is not EnterpriseStatus.SUSPENDED:
            raise EnterpriseNotOperating(
                f"enterprise {self.enterprise_id} is not suspended", field="status", rule="suspended"
            )
        self._record(EnterpriseResumed(enterprise_id=self.enterprise_id, effective_from=on))

    def close(self, reason: str, on: date) -> None:
        self._check_open(on)
        if not reason.strip():
            raise InvalidEnterprise("a closure needs its reason", field="reason", rule="required")
        self._record(EnterpriseClosed(enterprise_id=self.enterprise_id, reason=reason.strip(), effective_from=on))

    def count_workforce(self, worker_count: int, on: date) -> None:
        self._check_open(on)
        if worker_count < 0:
            raise InvalidEnterprise("a workforce count cannot be negative", field="worker_count", rule=">= 0")
        if self.workforce.get(on) == worker_count:
            raise InvalidEnterprise(
                f"{worker_count} workers on {on.isoformat()} is already recorded", field="worker_count", rule="differs"
            )
        self._record(WorkforceCounted(enterprise_id=self.enterprise_id, worker_count=worker_count, counted_on=on))
