"""The command line every service shares: migrate, api, worker, dead-letters, and
`create-token` and `revoke-tokens` for the services that keep users (`add_create_token_command`).

A service's own CLI module calls `service_cli(...)` and may add commands to the result.
The configuration file comes from `--config`, else `COSO_<SERVICE>_CONFIG`, else the
service's bundled config.yml.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import ValidationError

from coso_backbone.access import Grant, InvalidGrant, grant_of, parse_grant
from coso_backbone.config import CosoSettings, load_settings
from coso_backbone.deadletters import list_dead_letters, replay_dead_letters
from coso_backbone.errors import CosoError
from coso_backbone.worker import Loop, run_loops

T = TypeVar("T")

CONFIG_OPTION = typer.Option(None, "--config", "-c", help="Service configuration file (YAML)")
"""`--config`/`-c`, the configuration file every command that reads one takes (`read_settings`)."""


def refusing_bad_configuration(call: Callable[[], T]) -> T:
    """Run a call that reads `coso.options`; a bad option is named, without a traceback."""
    try:
        return call()
    except CosoError as exc:
        typer.echo(f"bad configuration: coso.options.{exc.field}: {exc.message} (rule: {exc.rule})", err=True)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            typer.echo(f"bad configuration: coso.options.{where}: {error['msg']}", err=True)
    raise typer.Exit(2)


def config_path(service: str, default: Path, given: Path | None) -> Path:
    if given is not None:
        return given
    from_env = os.environ.get(f"COSO_{service.upper()}_CONFIG")
    return Path(from_env) if from_env else default


def read_settings(service: str, default: Path, given: Path | None) -> tuple[Path, CosoSettings]:
    """The configuration file chosen (`config_path`) and its settings; exit 2 naming the file if unreadable."""
    path = config_path(service, default, given)
    try:
        return path, load_settings(path)
    except (OSError, KeyError, ValueError) as exc:
        typer.echo(f"cannot read configuration {path}: {exc}", err=True)
        raise typer.Exit(2) from None


def service_cli(
    service: str,
    default_config: Path,
    nameko_service: str,
    migrate: Callable[[CosoSettings], None],
    worker_loops: Callable[[CosoSettings], list[tuple[str, Loop]]],
    consumer_names: Callable[[CosoSettings], list[str]] = lambda settings: [],
) -> typer.Typer:
    app = typer.Typer(help=f"coso {service} service", no_args_is_help=True)

    def settings_from(config: Path | None) -> tuple[Path, CosoSettings]:
        return read_settings(service, default_config, config)

    @app.command("migrate")
    def migrate_command(config: Path | None = CONFIG_OPTION) -> None:
        """Create or upgrade the service's database schema (idempotent)."""
        _, settings = settings_from(config)
        refusing_bad_configuration(lambda: migrate(settings))
        typer.echo(f"{service}: database at {settings.database_url} is up to date")

    @app.command("api")
    def api_command(config: Path | None = CONFIG_OPTION) -> None:
        """Serve RPC and HTTP (nameko)."""
        path, _ = settings_from(config)
        os.execvp(sys.executable, [sys.executable, "-m", "nameko", "run", "--config", str(path), nameko_service])

    @app.command("worker")
    def worker_command(config: Path | None = CONFIG_OPTION) -> None:
        """Run the outbox relay and the consumers until stopped."""
        _, settings = settings_from(config)
        logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {service}-worker %(levelname)s %(message)s")
        loops = refusing_bad_configuration(lambda: worker_loops(settings))
        run_loops(loops, settings.metrics_port, metrics_host=settings.metrics_host)

    dead = typer.Typer(help="Dead letters: list and replay", no_args_is_help=True)
    app.add_typer(dead, name="dead-letters")

    def resolve_consumer(settings: CosoSettings, consumer: str | None) -> str:
        names = consumer_names(settings)
        if consumer is None:
            if not names:
                typer.echo(f"{service} has no consumers", err=True)
                raise typer.Exit(2)
            return names[0]
        return consumer

    @dead.command("list")
    def list_command(config: Path | None = CONFIG_OPTION, consumer: str | None = None) -> None:
        """Show the dead letters of a consumer (nothing is removed)."""
        _, settings = settings_from(config)
        name = resolve_consumer(settings, consumer)
        letters = list_dead_letters(settings.amqp_uri, name)
        for letter in letters:
            typer.echo(
                f"{letter.dead_lettered_at}  {letter.ce_type or letter.routing_key}  "
                f"{letter.ce_source}#{letter.ce_sequence}  {letter.reason}"
            )
        typer.echo(f"{len(letters)} dead letter(s) for {name}")

    @dead.command("replay")
    def replay_command(config: Path | None = CONFIG_OPTION, consumer: str | None = None) -> None:
        """Send every dead letter back to its consumer, to be applied again."""
        _, settings = settings_from(config)
        name = resolve_consumer(settings, consumer)
        count = replay_dead_letters(settings.amqp_uri, name)
        typer.echo(f"{count} dead letter(s) sent back to {name}")

    return app


def refused(exc: CosoError) -> typer.Exit:
    """A refusal printed as `field: message (rule: rule)`; the exit status is 2."""
    typer.echo(f"{exc.field}: {exc.message} (rule: {exc.rule})", err=True)
    return typer.Exit(2)


def grants_given(
    user: str, grants: list[str], authorities: list[str], role: str, personal_data: bool = False
) -> list[Grant]:
    """What `create-token` grants: each `--grant AUTHORITY:ROLE`, and `--role` on each
    `--authority` (the older form); InvalidGrant without a user or a single grant."""
    if not user.strip():
        raise InvalidGrant("a token is issued to a named user", field="user", rule="required")
    given = [parse_grant(text, personal_data) for text in grants]
    given += [grant_of(authority_id, role, personal_data) for authority_id in authorities]
    if not given:
        raise InvalidGrant("a token comes with at least one grant", field="grant", rule="--grant AUTHORITY:ROLE")
    return given


_GRANT = typer.Option(
    [], "--grant", "-g", help="AUTHORITY:ROLE, e.g. hn.kcn:viewer or hn:editor ('*' for every authority); repeatable"
)
_AUTHORITY = typer.Option(
    [], "--authority", help="Authority whose subtree is granted ('*': all), with --role; repeatable"
)
_ROLE = typer.Option("viewer", "--role", help="The role granted on each --authority: viewer, editor or administrator")


def add_create_token_command(
    app: typer.Typer,
    service: str,
    default_config: Path,
    build: Callable[[CosoSettings], Any],
    personal_data: bool = False,
) -> None:
    """Add `create-token USER --grant AUTHORITY:ROLE …` and `revoke-tokens USER [--grants]`
    to a service's CLI; `build(settings)` gives an application with
    `access.issue_token(user, grants)`, `access.revoke_tokens(user, grants_too)` and `store`.
    With `personal_data`, `create-token` also takes `--personal-data` (admissions)."""

    personal_option = typer.Option(
        False, "--personal-data", hidden=not personal_data, help="The grants also read and write personal data"
    )

    @app.command("create-token")
    def create_token(
        user: str = typer.Argument(..., help="Who the token is for, e.g. an e-mail address"),
        grant: list[str] = _GRANT,
        authority: list[str] = _AUTHORITY,
        role: str = _ROLE,
        personal: bool = personal_option,
        config: Path | None = CONFIG_OPTION,
    ) -> None:
        """Grant a user roles on authorities' subtrees and print a new API token (shown only once)."""
        _, settings = read_settings(service, default_config, config)
        try:
            if personal and not personal_data:
                raise InvalidGrant(f"{service} holds no personal data", field="personal_data", rule="admissions only")
            grants = grants_given(user, grant, authority, role, personal)
        except CosoError as exc:
            raise refused(exc) from None
        application = build(settings)
        try:
            token = application.access.issue_token(user.strip(), grants)
        except CosoError as exc:
            raise refused(exc) from None
        finally:
            application.store.engine.dispose()
        typer.echo(token)

    @app.command("revoke-tokens")
    def revoke_tokens(
        user: str = typer.Argument(..., help="Whose tokens stop working, as given to create-token"),
        grants: bool = typer.Option(False, "--grants", help="Also take back the user's grants"),
        config: Path | None = CONFIG_OPTION,
    ) -> None:
        """Revoke every API token of a user, and the dashboard sessions opened with them (a
        single token cannot be named: only hashes are kept). Issue a new one with create-token."""
        _, settings = read_settings(service, default_config, config)
        who = user.strip()
        if not who:
            raise refused(InvalidGrant("tokens are revoked for a named user", field="user", rule="required"))
        application = build(settings)
        try:
            tokens, taken = application.access.revoke_tokens(who, grants)
        finally:
            application.store.engine.dispose()
        if tokens == 0 and taken == 0:
            typer.echo(f"user: {who} holds no token of {service} (rule: issued by create-token)", err=True)
            raise typer.Exit(1)
        taken_back = f", {taken} grant(s) taken back" if grants else ""
        typer.echo(f"{tokens} token(s) of {who} revoked{taken_back}")
