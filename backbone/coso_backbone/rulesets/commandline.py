"""`adopt-rules` and `rules`: the same two commands on every service that keeps rule sets.

`coso-<service> adopt-rules --authority hn --from 2026-01-01 --legal-basis "..." --set
decision_working_days=45` records a `RulesAdopted` event; `coso-<service> rules --authority xa
--on 2026-06-01` prints every rule in force and where it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError

from coso_backbone.cli import CONFIG_OPTION, read_settings
from coso_backbone.config import CosoSettings
from coso_backbone.errors import CosoError

_AUTHORITY = typer.Option(..., "--authority", help="The authority whose subtree the rules apply to")
_FROM = typer.Option(..., "--from", help="The day they take effect (YYYY-MM-DD)")
_BASIS = typer.Option(..., "--legal-basis", help="The decision adopting them, e.g. 'Quyết định 12-QĐ/TU'")
_SET = typer.Option(..., "--set", help="A rule and its value, e.g. decision_working_days=45; repeatable")
_ON = typer.Option(None, "--on", help="The day (default: today)")


def assignments(values: list[str]) -> dict[str, str]:
    """`rule=value` pairs as a mapping; ValueError names the first that is not one."""
    found: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set {value!r}: expected rule=value")
        found[name.strip()] = given.strip()
    return found


def describe(answer: dict[str, Any]) -> list[str]:
    """One line per rule in force: its value and where it comes from."""
    lines = []
    for name, rule in answer["rules"].items():
        where = rule["origin"]
        if rule["authority_id"] is not None:
            where += f" ({rule['authority_id'] or 'everywhere'} from {rule['effective_from']}: {rule['legal_basis']})"
        lines.append(f"{name} = {rule['value']}  [{where}]")
    return lines


def _refuse(exc: ValidationError | ValueError) -> typer.Exit:
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            typer.echo(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}", err=True)
    else:
        typer.echo(str(exc), err=True)
    return typer.Exit(2)


def add_rules_commands(
    app: typer.Typer,
    service: str,
    default_config: Path,
    build: Callable[[CosoSettings], Any],
    adopt_command: type[BaseModel],
    query: type[BaseModel],
) -> None:
    """Add `adopt-rules` and `rules` to a service's CLI; `build(settings)` gives an application
    with `rules` (`adopt(command)`, `in_force(query)`) and `store`."""

    @app.command("adopt-rules")
    def adopt_rules(
        authority: str = _AUTHORITY,
        effective_from: str = _FROM,
        legal_basis: str = _BASIS,
        values: list[str] = _SET,
        config: Path | None = CONFIG_OPTION,
    ) -> None:
        """Adopt rules for an authority's subtree from a date (a RulesAdopted event)."""
        _, settings = read_settings(service, default_config, config)
        application = build(settings)
        try:
            command = adopt_command.model_validate(
                {
                    "authority_id": authority,
                    "effective_from": effective_from,
                    "legal_basis": legal_basis,
                    "values": assignments(values),
                }
            )
            adopted = application.rules.adopt(command)
        except (ValidationError, ValueError) as exc:
            raise _refuse(exc) from None
        except CosoError as exc:
            typer.echo(f"refused: {exc.field}: {exc.message} (rule: {exc.rule})", err=True)
            raise typer.Exit(1) from None
        finally:
            application.store.engine.dispose()
        typer.echo(f"{service}: rules adopted for {authority} from {effective_from} (position {adopted['position']})")

    @app.command("rules")
    def rules(authority: str = _AUTHORITY, on: str | None = _ON, config: Path | None = CONFIG_OPTION) -> None:
        """The rules in force for an authority on a day, and where each comes from."""
        _, settings = read_settings(service, default_config, config)
        application = build(settings)
        try:
            answer = application.rules.in_force(query.model_validate({"authority_id": authority, "on": on}))
        except (ValidationError, ValueError) as exc:
            raise _refuse(exc) from None
        finally:
            application.store.engine.dispose()
        for line in describe(answer):
            typer.echo(line)
