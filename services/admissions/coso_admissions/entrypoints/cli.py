"""`coso-admissions`: the admissions command line (the backbone's commands, plus `erase`, `import-members`,
`import-proposals`, `create-token`, `adopt-rules`, `rules`)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from coso_admissions import bootstrap
from coso_admissions.adapters.member_files import read_rows
from coso_admissions.application.commands import AdoptRules, ErasePerson, RulesOfAuthority
from coso_backbone.cli import CONFIG_OPTION, add_create_token_command, read_settings, service_cli
from coso_backbone.errors import CosoError
from coso_backbone.rulesets.commandline import add_rules_commands

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yml"

app = service_cli(
    "admissions",
    DEFAULT_CONFIG,
    "coso_admissions.entrypoints.service:AdmissionsService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)


_PERSON = typer.Argument(..., help="The person to forget (their candidate id)")
_REASON = typer.Option(..., "--reason", help="Why, e.g. 'yêu cầu của chủ thể dữ liệu'")


@app.command("erase")
def erase_command(candidate_id: str = _PERSON, reason: str = _REASON, config: Path | None = CONFIG_OPTION) -> None:
    """Erase a person's personal data: their key is destroyed, their other records stay."""
    _, settings = read_settings("admissions", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    try:
        application.admissions.erase_person(candidate_id, ErasePerson(reason=reason))
    except CosoError as exc:
        typer.echo(f"refused: {exc.message} (field {exc.field}, rule: {exc.rule})", err=True)
        raise typer.Exit(1) from None
    finally:
        application.store.engine.dispose()
    typer.echo(f"admissions: personal data of {candidate_id} erased")


_FILE = typer.Argument(..., exists=True, dir_okay=False, help="Members file: CSV (UTF-8) or XLSX")


def _import_file(
    config: Path | None,
    path: Path,
    run: Callable[[bootstrap.AdmissionsApp, list[dict[str, Any]]], dict[str, Any]],
    applied_key: str,
    summary: Callable[[dict[str, Any]], str],
) -> None:
    """Run an import of the file's rows and print each refused row (one without `applied_key`),
    then the summary; the exit status is 1 when the file or any row was refused."""
    _, settings = read_settings("admissions", DEFAULT_CONFIG, config)
    application = bootstrap.build(settings)
    try:
        report = run(application, read_rows(path.read_bytes()))
    except ValueError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        application.store.engine.dispose()
    for row in report["rows"]:
        if applied_key not in row:
            typer.echo(f"row {row['row']}: {row['field']}: {row['message']} (rule: {row['rule']})")
    typer.echo(summary(report))
    if report["refused"]:
        raise typer.Exit(1)


@app.command("import-members")
def import_members_command(path: Path = _FILE, config: Path | None = CONFIG_OPTION) -> None:
    """Import existing members from CSV/XLSX; prints the row-by-row report of refused rows."""
    _import_file(
        config,
        path,
        lambda application, rows: application.members.import_members(rows),
        "member_id",
        lambda report: f"admissions: {report['imported']} member(s) imported, {report['refused']} row(s) refused",
    )


_PROPOSALS = typer.Argument(..., exists=True, dir_okay=False, help="Proposals file: CSV (UTF-8) or XLSX")


@app.command("import-proposals")
def import_proposals_command(path: Path = _PROPOSALS, config: Path | None = CONFIG_OPTION) -> None:
    """Import labour-federation proposals from CSV/XLSX (once per proposal_id); prints the refused rows."""
    _import_file(
        config,
        path,
        lambda application, rows: application.federation.import_rows(rows),
        "candidate_id",
        lambda report: (
            f"admissions: {report['proposed']} proposal(s) applied, {report['duplicates']} already applied, "
            f"{report['refused']} row(s) refused"
        ),
    )


add_rules_commands(app, "admissions", DEFAULT_CONFIG, bootstrap.build, AdoptRules, RulesOfAuthority)
add_create_token_command(app, "admissions", DEFAULT_CONFIG, bootstrap.build, personal_data=True)


if __name__ == "__main__":
    app()
