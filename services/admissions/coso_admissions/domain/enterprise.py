"""An enterprise as admissions knows it: what the registry's events said about it.

Admissions never registers enterprises. Having an `EnterpriseOnRecord` in hand means the
registry announced the enterprise; a candidate can only be proposed in one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnterpriseOnRecord:
    enterprise_id: str
    authority_id: str
    tax_code: str
    name: str
