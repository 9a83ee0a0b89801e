"""The payloads every benchmark carries: EnterpriseRegistered data, as a bulk import makes them."""

from __future__ import annotations

from typing import Any

# Valid tax codes are not needed here: the events are appended below the registry's checks,
# as a bulk import's already-validated rows would be.


def enterprise_payloads(count: int, tag: str, authorities: int = 50) -> list[dict[str, Any]]:
    return [
        {
            "enterprise_id": f"{tag}-{i}",
            "tax_code": f"{i:010d}",
            "name": f"Công ty TNHH Sản xuất {i}",
            "authority_id": f"p{i % authorities}",
            "ownership": "foreign_invested" if i % 3 == 0 else "domestic_private",
            "worker_count": 50 + i % 900,
            "registered_on": "2025-01-01",
        }
        for i in range(count)
    ]
