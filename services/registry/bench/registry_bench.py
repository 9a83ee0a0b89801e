"""The registry's benchmark: importing enterprises from XLSX and CSV, and as-of hierarchy queries.

    .venv/bin/python -m services.registry.bench.registry_bench                       # SQLite, 100,000 rows
    .venv/bin/python -m services.registry.bench.registry_bench --postgres --rows 20000

(a) Import: a generated spreadsheet of N enterprises (valid tax codes, communes of the real
    2025 divisions) imported with `EnterpriseImport` into a fresh store; each import runs in its
    own process so its peak memory (ru_maxrss) is its own; then the same file again (nothing to
    record). Figures: rows/s and peak resident memory.
(b) Hierarchy: the 34 provinces and 3,321 communes of 2025 (vietnam-provinces) plus a synthetic
    history: three legacy communes per commune, registered 2020-01-01 and merged into it on
    2025-07-01 (≈10,000 merges). Figures: p50/p95 of a province's and a commune's subtree as of
    a day before and after the merge, of a successor lookup, and of the national tree.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import create_engine, text
from stdnum.vn import mst

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.adapters.divisions import divisions
from coso_registry.adapters.spreadsheets import read_rows
from coso_registry.application.commands import MergeAuthorities, RegisterAuthority
from coso_registry.application.importing import EnterpriseImport

POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")
BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)
OWNERSHIPS = ["domestic_private", "foreign_invested", "cooperative", "household_business", "other"]


@contextmanager
def database(postgres: bool, folder: Path) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{folder / f'registry-{uuid.uuid4().hex[:6]}.db'}"
        return
    name = f"coso_bench_registry_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings_for(url: str) -> CosoSettings:
    return CosoSettings(
        service="registry",
        database_url=url,
        amqp_uri="amqp://guest:guest@127.0.0.1:5672//",
        http_port=0,
        metrics_port=0,
    )


def tax_codes(count: int) -> Iterator[str]:
    prefix, made = 10_000_000, 0
    while made < count:
        candidate = f"0{prefix:08d}"
        code = candidate + str(mst.calc_check_digit(candidate))
        prefix += 1
        if mst.is_valid(code):
            made += 1
            yield code


def write_spreadsheets(rows: int, communes: list[str], folder: Path) -> tuple[Path, Path]:
    random.seed(7)
    header = [
        "tax_code",
        "name",
        "authority_id",
        "ownership",
        "sector",
        "address",
        "director",
        "worker_count",
        "registered_on",
    ]
    data = [
        [
            code,
            f"Công ty TNHH Sản xuất Thương mại số {n}",
            random.choice(communes),
            random.choice(OWNERSHIPS),
            random.choice(["May mặc", "Điện tử", "Chế biến thực phẩm", "Xây dựng", "Logistics"]),
            f"Số {n % 500 + 1}, đường {n % 97 + 1}",
            f"Nguyễn Văn {n}",
            random.randint(1, 5000),
            date(2015 + n % 10, 1 + n % 12, 1 + n % 28).isoformat(),
        ]
        for n, code in enumerate(tax_codes(rows))
    ]
    csv_path = folder / "enterprises.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(data)
    xlsx_path = folder / "enterprises.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("enterprises")
    sheet.append(header)
    for values in data:
        sheet.append(values)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def import_once(url: str, path: Path) -> dict[str, float]:
    """Run in a child process: one import, its rate and the process's peak memory."""
    application = bootstrap.build(settings_for(url))
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = EnterpriseImport(application.unit_of_work, batch_size=1000).run(read_rows(path))
    elapsed = time.perf_counter() - started
    application.store.engine.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": report.rows,
        "registered": report.registered,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "seconds": elapsed,
        "rows_per_s": report.rows / elapsed,
        "peak_mib": peak_kib / 1024,
        "baseline_mib": baseline_kib / 1024,
    }


def import_in_child(url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "services.registry.bench.registry_bench", "--import-one", str(path), "--url", url],
        check=True,
        capture_output=True,
        text=True,
    )
    loaded: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def register_divisions(application: bootstrap.RegistryApp) -> list[str]:
    """The 2025 divisions; provinces dated 2020 so that the legacy communes have a parent."""
    application.authorities.register_many(
        [c.model_copy(update={"effective_from": date(2020, 1, 1)}) if c.parent_id is None else c for c in divisions()]
    )
    return [c.authority_id for c in divisions() if c.parent_id is not None]


def build_history(application: bootstrap.RegistryApp, communes: list[str]) -> float:
    """Three legacy communes per commune, merged into it on 2025-07-01; returns seconds taken."""
    started = time.perf_counter()
    parent_of = {c.authority_id: c.parent_id for c in divisions()}
    legacy = [
        RegisterAuthority(
            authority_id=f"{commune}.cu-{n}",
            name=f"Đảng ủy xã cũ {n} ({commune})",
            level="commune",
            parent_id=parent_of[commune],
            effective_from="2020-01-01",
        )
        for commune in communes
        for n in range(3)
    ]
    application.authorities.register_many(legacy)
    for commune in communes:
        application.authorities.merge(
            MergeAuthorities(
                merged_ids=[f"{commune}.cu-{n}" for n in range(3)],
                successor_id=commune,
                effective_from=AFTER,
                legal_basis="Nghị quyết sắp xếp đơn vị hành chính cấp xã năm 2025",
            )
        )
    return time.perf_counter() - started


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def hierarchy_figures(
    application: bootstrap.RegistryApp, communes: list[str], repeat: int
) -> dict[str, tuple[float, float]]:
    random.seed(11)
    provinces = sorted({c.split(".")[0] for c in communes})
    authorities = application.authorities
    pick_province: Callable[[], str] = lambda: random.choice(provinces)  # noqa: E731
    pick_commune: Callable[[], str] = lambda: random.choice(communes)  # noqa: E731
    return {
        "province subtree as of 2025-06-30": timed(lambda: authorities.subtree(pick_province(), BEFORE), repeat),
        "province subtree as of 2025-07-01": timed(lambda: authorities.subtree(pick_province(), AFTER), repeat),
        "commune subtree as of 2025-07-01": timed(lambda: authorities.subtree(pick_commune(), AFTER), repeat),
        "successor of a legacy commune on 2026-01-01": timed(
            lambda: authorities.successors(f"{pick_commune()}.cu-1", date(2026, 1, 1)), repeat
        ),
        "national tree as of 2025-06-30": timed(lambda: authorities.tree(BEFORE).tree(), max(repeat // 20, 5)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="registry benchmark")
    parser.add_argument("--rows", type=int, default=int(os.environ.get("COSO_BENCH_REGISTRY_ROWS", "100000")))
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--repeat", type=int, default=200, help="queries per hierarchy figure")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--import-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_one:
        print(json.dumps(import_once(args.url, args.import_one)))
        return
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with database(args.postgres, folder) as url:
            bootstrap.migrate(settings_for(url))
            application = bootstrap.build(settings_for(url))
            communes = register_divisions(application)
            seconds = build_history(application, communes)
            print(
                f"hierarchy ({backend}): {len(communes)} communes, {3 * len(communes)} legacy communes merged "
                f"in {seconds:.1f} s"
            )
            for name, (p50, p95) in hierarchy_figures(application, communes, args.repeat).items():
                print(f"  {name:<45} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
            application.store.engine.dispose()
        if args.skip_import:
            return
        started = time.perf_counter()
        csv_path, xlsx_path = write_spreadsheets(args.rows, communes, folder)
        print(f"import ({backend}): {args.rows:,} rows generated in {time.perf_counter() - started:.1f} s")
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            with database(args.postgres, folder) as url:
                bootstrap.migrate(settings_for(url))
                application = bootstrap.build(settings_for(url))
                register_divisions(application)
                application.store.engine.dispose()
                first = import_in_child(url, path)
                again = import_in_child(url, path)
            print(
                f"  {label:<4} first import: {first['rows_per_s']:8,.0f} rows/s ({first['seconds']:.1f} s, "
                f"{first['registered']:,.0f} registered), peak {first['peak_mib']:.0f} MiB "
                f"(process before the import: {first['baseline_mib']:.0f} MiB); "
                f"re-import: {again['rows_per_s']:8,.0f} rows/s, {again['unchanged']:,.0f} unchanged, "
                f"peak {again['peak_mib']:.0f} MiB"
            )


if __name__ == "__main__":
    main()
