"""`coso-registry`: the registry's command line (the shared commands, plus import and export
of enterprises, `adopt-rules` / `rules` and `create-token`)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from coso_backbone.cli import CONFIG_OPTION, add_create_token_command, read_settings, service_cli
from coso_backbone.errors import CosoError
from coso_backbone.rulesets.commandline import add_rules_commands
from coso_registry import bootstrap
from coso_registry.adapters.divisions import divisions
from coso_registry.adapters.legacy_divisions import reorganization
from coso_registry.adapters.spreadsheets import UnreadableSpreadsheet, count_rows, read_rows, write_rows
from coso_registry.application.commands import (
    AdoptRules,
    DissolveAuthority,
    MergeAuthorities,
    RulesOfAuthority,
    SplitAuthority,
)
from coso_registry.application.importing import COLUMNS, EnterpriseImport, ImportReport
from coso_registry.application.organization_import import (
    ORGANIZATION_COLUMNS,
    OrganizationImport,
    organization_column_of,
    organization_rows,
)

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yml"

app = service_cli(
    "registry",
    DEFAULT_CONFIG,
    "coso_registry.entrypoints.service:RegistryService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)
add_rules_commands(app, "registry", DEFAULT_CONFIG, bootstrap.build, AdoptRules, RulesOfAuthority)
add_create_token_command(app, "registry", DEFAULT_CONFIG, bootstrap.build)
console = Console(stderr=True)


def write_error_report(report: ImportReport, path: Path) -> None:
    """The refused rows, one line per problem: row, column, reason."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "reason"])
        for error in report.errors:
            writer.writerow([error.row, error.column, error.reason])


def _finish(report: ImportReport, file: Path, errors: Path | None) -> None:
    """Print the summary; write the error report and exit 1 when rows were refused."""
    typer.echo(report.summary())
    if report.errors:
        target = errors or file.with_name(file.name + ".errors.csv")
        write_error_report(report, target)
        for error in report.errors[:10]:
            typer.echo(f"  row {error.row}, {error.column}: {error.reason}", err=True)
        if len(report.errors) > 10:
            typer.echo(f"  … {len(report.errors) - 10} more", err=True)
        typer.echo(f"error report: {target}", err=True)
        raise typer.Exit(1)


def _import(
    application: bootstrap.RegistryApp,
    file: Path,
    errors: Path | None,
    run: Callable[[Callable[[int], None]], ImportReport],
) -> None:
    """Run an import of the file with a progress bar (`run(advance)`), then `_finish`;
    a file that cannot be read exits 2."""
    try:
        total = count_rows(file)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(f"Nhập {file.name}", total=total)
            report = run(lambda n: progress.advance(task, n))
    except UnreadableSpreadsheet as exc:
        typer.echo(f"cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        application.store.engine.dispose()
    _finish(report, file, errors)


def _export(application: bootstrap.RegistryApp, file: Path, write: Callable[[], int], what: str) -> None:
    """Write the file (`write()` gives the rows written) and say how many; a file that cannot
    be written exits 2."""
    try:
        written = write()
    except UnreadableSpreadsheet as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    finally:
        application.store.engine.dispose()
    typer.echo(f"{written} {what} written to {file}")


@app.command("import-enterprises")
def import_enterprises(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or .xlsx file, header in row 1")],
    errors: Annotated[
        Path | None, typer.Option(help="Where to write the error report (default: FILE.errors.csv)")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Date of changes to known enterprises (default today)")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10000, help="Rows appended per transaction")] = 1000,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Register new enterprises and record what changed for known ones (keyed by tax code).

    Importing the same file again records nothing. Bad rows are skipped and listed in the
    error report; the exit status is 1 when any row was refused."""
    _, settings = read_settings("registry", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    effective = date.fromisoformat(as_of) if as_of else None
    importer = EnterpriseImport(application.unit_of_work, as_of=effective, batch_size=batch_size)
    _import(application, file, errors, lambda advance: importer.run(read_rows(file), advance))


@app.command("export-enterprises")
def export_enterprises(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A .csv or .xlsx file to write")],
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Write every enterprise, in the columns import-enterprises reads."""
    _, settings = read_settings("registry", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    rows = ([found[c] for c in COLUMNS] for found in application.queries.each_enterprise())
    _export(application, file, lambda: write_rows(file, COLUMNS, rows), "enterprises")


@app.command("import-organizations")
def import_organizations(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or .xlsx file, header in row 1")],
    errors: Annotated[
        Path | None, typer.Option(help="Where to write the error report (default: FILE.errors.csv)")
    ] = None,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Found the party organizations of a file (keyed by organization_id; enterprises by tax code).

    Importing the same file again records nothing; bad rows are skipped and listed in the error
    report (row, column, reason); the exit status is 1 when any row was refused."""
    _, settings = read_settings("registry", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    importer = OrganizationImport(application.organizations, application.queries, application.unit_of_work)
    _import(application, file, errors, lambda advance: importer.run(read_rows(file, organization_column_of), advance))


@app.command("export-organizations")
def export_organizations(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A .csv or .xlsx file to write")],
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Write every party organization, in the columns import-organizations reads."""
    _, settings = read_settings("registry", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    _export(
        application,
        file,
        lambda: write_rows(file, ORGANIZATION_COLUMNS, organization_rows(application.queries)),
        "party organizations",
    )


@app.command("load-divisions")
def load_divisions(
    with_history: Annotated[
        bool,
        typer.Option(
            "--with-history",
            help="Also the 63 provinces, districts and 10,040 wards before 2025-07-01 (vietnamadminunits), "
            "merged into their successors on 2025-07-01, districts dissolved",
        ),
    ] = False,
    province: Annotated[
        list[str] | None, typer.Option(help="Only this new province (e.g. bac-ninh) and what preceded it")
    ] = None,
    legacy_from: Annotated[str, typer.Option(help="Effective date of the legacy units")] = "2020-01-01",
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Register the 34 provinces and their 3,321 communes/wards in force since 2025-07-01
    (package vietnam-provinces); authorities already registered are left alone, history
    already recorded is not recorded again."""
    _, settings = read_settings("registry", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    only = set(province) if province else None
    try:
        loaded = application.authorities.register_many(divisions(provinces_only=only))
        typer.echo(f"{loaded['registered']} authorities registered, {loaded['skipped']} already there")
        if with_history:
            plan = reorganization(only, legacy_from=date.fromisoformat(legacy_from))
            changes: list[MergeAuthorities | SplitAuthority | DissolveAuthority] = [
                *plan.ward_mergers,
                *plan.ward_splits,
                *plan.dissolutions,
                *plan.province_mergers,
            ]
            with Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
            ) as progress:
                task = progress.add_task("Lịch sử sắp xếp 2025", total=len(changes))
                history = application.authorities.load_history(
                    plan.registrations, changes, lambda n: progress.advance(task, n)
                )
            typer.echo(
                f"{history['registered']} legacy authorities registered, {history['skipped']} already there; "
                f"{history['changes_applied']} restructurings recorded, {history['changes_skipped']} already there"
            )
    except CosoError as exc:
        typer.echo(f"{exc.field}: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        application.store.engine.dispose()


if __name__ == "__main__":
    app()
