"""Vietnamese tax codes (mã số thuế): 10 digits with a check digit, or 13 for a branch."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.vn import mst

from coso_registry.domain.errors import InvalidTaxCode


@dataclass(frozen=True)
class TaxCode:
    """A valid tax code in its printed form: `0100109106` or `0100109106-001`."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> TaxCode:
        try:
            compact = mst.validate(raw)
        except ValidationError as exc:
            raise InvalidTaxCode(
                f"tax code {raw!r} is not valid: {exc}",
                field="tax_code",
                rule="10 digits with a valid check digit, or 13 digits (10 + 3-digit branch)",
            ) from None
        return cls(mst.format(compact))

    @property
    def is_branch(self) -> bool:
        return "-" in self.value

    def __str__(self) -> str:
        return self.value
