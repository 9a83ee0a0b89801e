"""Reading a members file, CSV (UTF-8, comma or semicolon) or XLSX (first sheet), into rows.

The first row holds the column names (those of `ImportedMember`); each later row becomes a
mapping of column name to cell text or value. Blank rows are skipped. Dates in XLSX cells
arrive as dates, in CSV as text (YYYY-MM-DD); the import command validates both.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file is neither a CSV nor an XLSX members file."""


def read_rows(content: bytes) -> list[dict[str, Any]]:
    if content.startswith(XLSX_MAGIC):
        return _xlsx_rows(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("the file is neither XLSX nor UTF-8 CSV") from None
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [
        {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in r.items() if k}
        for r in reader
        if any(r.values())
    ]


def _xlsx_rows(content: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any failure to open is the same answer
        raise UnreadableFile(f"the XLSX file cannot be read: {exc}") from None
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    found = []
    for values in rows:
        if all(v is None or v == "" for v in values):
            continue
        found.append({h: _cell(v) for h, v in zip(headers, values, strict=False) if h})
    return found


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value
