"""Enterprises (doanh nghiệp ngoài khu vực nhà nước) in the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import EnterpriseRegistered, Ownership
from coso_registry.domain.errors import InvalidEnterprise
from coso_registry.domain.tax_code import TaxCode


def stream_of_enterprise(enterprise_id: str) -> str:
    return f"enterprise-{enterprise_id}"


@dataclass
class Enterprise:
    enterprise_id: str
    tax_code: TaxCode
    name: str
    authority_id: str
    ownership: Ownership
    worker_count: int
    registered_on: date
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
    ) -> Enterprise:
        if not name.strip():
            raise InvalidEnterprise("an enterprise needs a name", field="name", rule="required")
        enterprise = cls(enterprise_id, tax_code, name.strip(), authority_id, ownership, worker_count, registered_on)
        enterprise.pending.append(
            EnterpriseRegistered(
                enterprise_id=enterprise_id,
                tax_code=str(tax_code),
                name=enterprise.name,
                authority_id=authority_id,
                ownership=ownership,
                worker_count=worker_count,
                registered_on=registered_on,
            )
        )
        return enterprise
