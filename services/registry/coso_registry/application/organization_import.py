"""Bulk import and export of party organizations from spreadsheet rows: row-by-row refusals,
idempotent.

Rows are keyed by `organization_id`. An unknown id founds the organization (the same rules as
founding through the API: authority exists, enterprises registered and not yet covered, size
rules); a known id whose particulars match records nothing, so importing the same file twice
creates no events. A known id whose particulars differ is refused naming the column: changing
an organization needs its own decision (rename, transfer, upgrade, merge).
Enterprises are named by tax code (`tax_codes`, separated by `;`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coso_backbone.contracts.registry import OrganizationKind
from coso_backbone.errors import CosoError
from coso_registry.application.commands import FoundOrganization
from coso_registry.application.importing import ImportReport, RowError, tax_code_text
from coso_registry.application.organizations import Organizations
from coso_registry.application.ports import RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.errors import UnknownEnterprise
from coso_registry.domain.tax_code import TaxCode

ORGANIZATION_COLUMNS = (
    "organization_id",
    "name",
    "kind",
    "authority_id",
    "tax_codes",
    "decision_number",
    "founded_on",
    "official_members",
    "dissolved_on",
)

ORGANIZATION_HEADER_ALIASES = {
    "mã tổ chức đảng": "organization_id",
    "tên tổ chức đảng": "name",
    "tên": "name",
    "loại hình": "kind",
    "cấp ủy": "authority_id",
    "mã cấp ủy": "authority_id",
    "mã số thuế": "tax_codes",
    "mã số thuế doanh nghiệp": "tax_codes",
    "số quyết định": "decision_number",
    "ngày thành lập": "founded_on",
    "số đảng viên chính thức": "official_members",
    "ngày giải thể": "dissolved_on",
}


def organization_column_of(header: object) -> str:
    text = str(header or "").strip().lower()
    return ORGANIZATION_HEADER_ALIASES.get(text, text.replace(" ", "_"))


class ImportedOrganization(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    organization_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)
    kind: OrganizationKind
    authority_id: str = Field(min_length=1, max_length=100)
    tax_codes: list[str] = Field(min_length=1, max_length=50)
    decision_number: str = Field(min_length=1, max_length=100)
    founded_on: date
    official_members: int = Field(ge=0, le=100_000)


def _cleaned(row: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for column, value in row.items():
        if isinstance(value, datetime):
            value = value.date()
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if column == "tax_codes":
            text = tax_code_text(value) if isinstance(value, int | float) else str(value)
            value = [part.strip() for part in text.split(";") if part.strip()]
        elif column in ("organization_id", "name", "authority_id", "decision_number") and not isinstance(value, str):
            value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        cleaned[column] = value
    return cleaned


class OrganizationImport:
    """Imports rows `(row number, {column: value})` of party organizations, one row at a time."""

    def __init__(
        self,
        organizations: Organizations,
        queries: RegistryQueries,
        unit_of_work: Callable[[], RegistryUnitOfWork],
    ) -> None:
        self._organizations = organizations
        self._queries = queries
        self._unit_of_work = unit_of_work

    def run(
        self, rows: Iterable[tuple[int, dict[str, Any]]], progress: Callable[[int], None] = lambda n: None
    ) -> ImportReport:
        report = ImportReport()
        seen: dict[str, int] = {}
        for number, row in rows:
            report.rows += 1
            try:
                imported = ImportedOrganization.model_validate(_cleaned(row))
                first = seen.setdefault(imported.organization_id, number)
                if first != number:
                    report.errors.append(
                        RowError(
                            number, "organization_id", f"{imported.organization_id} appears already in row {first}"
                        )
                    )
                else:
                    self._row(number, imported, report)
            except ValidationError as exc:
                for error in exc.errors():
                    column = ".".join(str(p) for p in error["loc"][:1]) or "row"
                    report.errors.append(RowError(number, column, error["msg"]))
            except CosoError as exc:
                report.errors.append(RowError(number, exc.field or "row", exc.message))
            progress(1)
        return report

    def _enterprise_ids(self, tax_codes: list[str]) -> list[str]:
        codes = [str(TaxCode.parse(code)) for code in tax_codes]
        with self._unit_of_work() as uow:
            known = uow.enterprises_by_tax_code(codes)
        missing = [code for code in codes if code not in known]
        if missing:
            raise UnknownEnterprise(
                f"no enterprise with tax code {', '.join(missing)}", field="tax_codes", rule="registered enterprise"
            )
        return [str(known[code]["enterprise_id"]) for code in codes]

    def _row(self, number: int, imported: ImportedOrganization, report: ImportReport) -> None:
        enterprise_ids = self._enterprise_ids(imported.tax_codes)
        found = self._queries.organization(imported.organization_id)
        if found is None:
            self._organizations.found(
                FoundOrganization(
                    organization_id=imported.organization_id,
                    name=imported.name,
                    kind=imported.kind,
                    authority_id=imported.authority_id,
                    enterprise_ids=enterprise_ids,
                    decision_number=imported.decision_number,
                    founded_on=imported.founded_on,
                    official_members=imported.official_members,
                )
            )
            report.registered += 1
            return
        ours = {
            "name": found["name"],
            "kind": found["kind"],
            "authority_id": found["authority_id"],
            "tax_codes": sorted(found["enterprise_ids"]),
        }
        theirs = {
            "name": imported.name,
            "kind": imported.kind.value,
            "authority_id": imported.authority_id,
            "tax_codes": sorted(enterprise_ids),
        }
        differing = [column for column in ours if ours[column] != theirs[column]]
        if differing:
            for column in differing:
                report.errors.append(
                    RowError(
                        number,
                        column,
                        f"differs from the registry's organization {imported.organization_id}; a change needs "
                        "its own decision (rename, transfer, upgrade or merge)",
                    )
                )
            return
        report.unchanged += 1


def organization_rows(queries: RegistryQueries, page: int = 1000) -> Iterator[list[Any]]:
    """Every party organization in the columns `OrganizationImport` reads."""
    offset = 0
    tax_codes: dict[str, str] = {}
    while True:
        listed = queries.organizations(None, page, offset)
        for summary in listed:
            found = queries.organization(summary["organization_id"]) or {}
            codes = []
            for enterprise_id in found.get("enterprise_ids", []):
                if enterprise_id not in tax_codes:
                    enterprise = queries.enterprise(enterprise_id) or {}
                    tax_codes[enterprise_id] = str(enterprise.get("tax_code", enterprise_id))
                codes.append(tax_codes[enterprise_id])
            yield [
                found["organization_id"],
                found["name"],
                found["kind"],
                found["authority_id"],
                ";".join(codes),
                found["decision_number"],
                found["founded_on"],
                found["official_members_at_founding"],
                found["dissolved_on"],
            ]
        if len(listed) < page:
            return
        offset += page
