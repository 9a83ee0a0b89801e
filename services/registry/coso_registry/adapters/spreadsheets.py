"""Reading and writing spreadsheets of enterprises and organizations: CSV (UTF-8, Excel's BOM welcome) and XLSX.

XLSX files are read in openpyxl's read-only mode and written in write-only mode, so a file of
a hundred thousand rows streams through without being held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from coso_registry.application.importing import column_of

Row = tuple[int, dict[str, Any]]


class UnreadableSpreadsheet(ValueError):
    """The file is not a CSV or XLSX file, or has no header row."""


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UnreadableSpreadsheet(f"{path.name}: expected a .csv or .xlsx file")
    return suffix


def count_rows(path: Path) -> int | None:
    """Data rows in the file (for a progress bar), or None when unknown."""
    if _kind(path) == ".csv":
        with path.open("rb") as handle:
            return max(sum(1 for _ in handle) - 1, 0)
    workbook = load_workbook(path, read_only=True)
    try:
        rows = workbook.worksheets[0].max_row
        return rows - 1 if rows else None
    finally:
        workbook.close()


Columns = Callable[[object], str]


def read_rows(path: Path, columns_of: Columns = column_of) -> Iterator[Row]:
    """(spreadsheet row number, {column: value}) for each non-empty data row; row 1 is the header,
    read into column names by `columns_of` (default: the enterprise columns and their aliases)."""
    if _kind(path) == ".csv":
        yield from _read_csv(path, columns_of)
    else:
        yield from _read_xlsx(path, columns_of)


def _read_csv(path: Path, column_of: Columns) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise UnreadableSpreadsheet(f"{path.name}: no header row")
        columns = [column_of(h) for h in header]
        for number, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                yield number, dict(zip(columns, values, strict=False))


def _read_xlsx(path: Path, column_of: Columns) -> Iterator[Row]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise UnreadableSpreadsheet(f"{path.name}: no header row")
        columns = [column_of(h) for h in header]
        for number, values in enumerate(rows, start=2):
            if any(v is not None and str(v).strip() for v in values):
                yield number, dict(zip(columns, values, strict=False))
    finally:
        workbook.close()


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows; returns the number of data rows written."""
    written = 0
    if _kind(path) == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for values in rows:
                writer.writerow(["" if v is None else v for v in values])
                written += 1
        return written
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("enterprises")
    sheet.append(list(columns))
    for values in rows:
        sheet.append(list(values))
        written += 1
    workbook.save(path)
    return written
