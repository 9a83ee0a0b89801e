"""Bulk import of enterprises from rows of a spreadsheet: row-by-row refusals, idempotent.

Each row is keyed by its tax code. A new tax code registers an enterprise; a known one records
only what changed (particulars, authority or zone, workforce), so importing the same file twice
records nothing the second time. Bad rows are reported (row, column, reason) and skipped; the
good rows are appended in batches, one transaction each.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coso_backbone.contracts.registry import AuthorityLevel, EnterpriseStatus, Ownership
from coso_backbone.errors import CosoError
from coso_registry.application.authorities import Append, record
from coso_registry.application.ports import RegistryUnitOfWork
from coso_registry.domain.enterprise import Enterprise, stream_of_enterprise
from coso_registry.domain.errors import InvalidEnterprise, UnknownAuthority
from coso_registry.domain.tax_code import TaxCode

COLUMNS = (
    "tax_code",
    "name",
    "authority_id",
    "ownership",
    "sector",
    "address",
    "industrial_zone_id",
    "director",
    "worker_count",
    "registered_on",
)

# Vietnamese headers an organization department's spreadsheet may use.
HEADER_ALIASES = {
    "mã số thuế": "tax_code",
    "mst": "tax_code",
    "tên doanh nghiệp": "name",
    "tên": "name",
    "cấp ủy": "authority_id",
    "mã cấp ủy": "authority_id",
    "loại hình sở hữu": "ownership",
    "sở hữu": "ownership",
    "ngành nghề": "sector",
    "địa chỉ": "address",
    "khu công nghiệp": "industrial_zone_id",
    "mã khu công nghiệp": "industrial_zone_id",
    "chủ doanh nghiệp/giám đốc": "director",
    "giám đốc": "director",
    "số lao động": "worker_count",
    "ngày đăng ký": "registered_on",
}


def column_of(header: object) -> str:
    """The column name a header stands for (English names or their Vietnamese aliases)."""
    text = str(header or "").strip().lower()
    return HEADER_ALIASES.get(text, text.replace(" ", "_"))


class ImportedEnterprise(BaseModel):
    """One row, as the registry understands it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    tax_code: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=500)
    authority_id: str = Field(min_length=1, max_length=100)
    ownership: Ownership = Ownership.DOMESTIC_PRIVATE
    sector: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    industrial_zone_id: str | None = Field(default=None, max_length=100)
    director: str | None = Field(default=None, max_length=200)
    worker_count: int = Field(default=0, ge=0, le=1_000_000)
    registered_on: date


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    registered: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        return (
            f"{self.rows} rows: {self.registered} registered, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def tax_code_text(value: Any) -> str:
    """Spreadsheets store tax codes as numbers and drop the leading zero: put it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        return digits.zfill(13 if len(digits) > 10 else 10)
    return str(value).strip()


def _parse(row: dict[str, Any]) -> tuple[ImportedEnterprise, TaxCode]:
    cleaned = {k: _cell(v) for k, v in row.items() if k in COLUMNS}
    cleaned = {k: v for k, v in cleaned.items() if v is not None}
    if "tax_code" in cleaned:
        cleaned["tax_code"] = tax_code_text(cleaned["tax_code"])
    for text_column in ("name", "authority_id", "sector", "address", "industrial_zone_id", "director"):
        if text_column in cleaned and not isinstance(cleaned[text_column], str):
            cleaned[text_column] = str(cleaned[text_column])
    parsed = ImportedEnterprise.model_validate(cleaned)
    return parsed, TaxCode.parse(parsed.tax_code)


def _batches(rows: Iterable[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _existing(found: dict[str, Any]) -> Enterprise:
    """An enterprise rebuilt from its lookup row (no stream read: the row carries its version)."""
    return Enterprise(
        found["enterprise_id"],
        TaxCode(found["tax_code"]),
        found["name"],
        found["authority_id"],
        Ownership(found["ownership"]),
        found["worker_count"],
        found["registered_on"],
        found["sector"],
        found["address"],
        found["industrial_zone_id"],
        found["director"],
        status=EnterpriseStatus(found["status"]),
        version=found["version"],
    )


class EnterpriseImport:
    """Imports rows `(row number, {column: value})`; `as_of` dates the changes it records."""

    def __init__(
        self, unit_of_work: Callable[[], RegistryUnitOfWork], as_of: date | None = None, batch_size: int = 1000
    ) -> None:
        self._unit_of_work = unit_of_work
        self._as_of = as_of or date.today()
        self._batch_size = batch_size

    def run(
        self, rows: Iterable[tuple[int, dict[str, Any]]], progress: Callable[[int], None] = lambda n: None
    ) -> ImportReport:
        report = ImportReport()
        seen: dict[str, int] = {}
        levels: dict[str, AuthorityLevel] | None = None
        for batch in _batches(rows, self._batch_size):
            report.rows += len(batch)
            parsed: list[tuple[int, ImportedEnterprise, TaxCode]] = []
            for number, row in batch:
                try:
                    imported, tax_code = _parse(row)
                except ValidationError as exc:
                    for error in exc.errors():
                        column = ".".join(str(p) for p in error["loc"]) or "row"
                        report.errors.append(RowError(number, column, error["msg"]))
                    continue
                except CosoError as exc:
                    report.errors.append(RowError(number, exc.field or "row", exc.message))
                    continue
                first = seen.setdefault(str(tax_code), number)
                if first != number:
                    report.errors.append(
                        RowError(number, "tax_code", f"tax code {tax_code} appears already in row {first}")
                    )
                    continue
                parsed.append((number, imported, tax_code))
            with self._unit_of_work() as uow:
                if levels is None:
                    levels = uow.authority_levels()
                known = uow.enterprises_by_tax_code([str(t) for _, _, t in parsed])
                appends: list[Append] = []
                for number, imported, tax_code in parsed:
                    try:
                        append = self._row(imported, tax_code, known.get(str(tax_code)), levels, report)
                    except CosoError as exc:
                        report.errors.append(RowError(number, exc.field or "row", exc.message))
                        continue
                    if append is not None:
                        appends.append(append)
                if appends:
                    record(uow, appends)
                    uow.commit()
            progress(len(batch))
        return report

    def _row(
        self,
        imported: ImportedEnterprise,
        tax_code: TaxCode,
        found: dict[str, Any] | None,
        levels: dict[str, AuthorityLevel],
        report: ImportReport,
    ) -> Append | None:
        self._check_authorities(imported, levels)
        if found is None:
            enterprise_id = str(uuid.uuid4())
            enterprise = Enterprise.register(
                enterprise_id,
                tax_code,
                imported.name,
                imported.authority_id,
                imported.ownership,
                imported.worker_count,
                imported.registered_on,
                sector=imported.sector,
                address=imported.address,
                industrial_zone_id=imported.industrial_zone_id,
                director=imported.director,
            )
            report.registered += 1
            return (stream_of_enterprise(enterprise_id), 0, enterprise.pending, imported.authority_id)
        enterprise = _existing(found)
        on = max(self._as_of, enterprise.registered_on)
        if enterprise.changes_to(
            name=imported.name,
            ownership=imported.ownership,
            sector=imported.sector,
            address=imported.address,
            director=imported.director,
        ):
            enterprise.update(
                on,
                name=imported.name,
                ownership=imported.ownership,
                sector=imported.sector,
                address=imported.address,
                director=imported.director,
            )
        if (imported.authority_id, imported.industrial_zone_id) != (
            enterprise.authority_id,
            enterprise.industrial_zone_id,
        ):
            enterprise.move(imported.authority_id, imported.industrial_zone_id, on)
        if imported.worker_count != enterprise.worker_count:
            enterprise.count_workforce(imported.worker_count, on)
        if not enterprise.pending:
            report.unchanged += 1
            return None
        report.changed += 1
        return (
            stream_of_enterprise(enterprise.enterprise_id),
            found["version"],
            enterprise.pending,
            enterprise.authority_id,
        )

    @staticmethod
    def _check_authorities(imported: ImportedEnterprise, levels: dict[str, AuthorityLevel]) -> None:
        if imported.authority_id not in levels:
            raise UnknownAuthority(
                f"authority {imported.authority_id} is not registered", field="authority_id", rule="exists"
            )
        zone = imported.industrial_zone_id
        if zone is not None and levels.get(zone) is not AuthorityLevel.INDUSTRIAL_ZONE:
            raise InvalidEnterprise(
                f"{zone} is not a registered industrial zone", field="industrial_zone_id", rule="level industrial_zone"
            )
