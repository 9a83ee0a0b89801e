"""`coso-notifications`: the notifications service's command line."""

from pathlib import Path

import typer
from pydantic import ValidationError

from coso_backbone.cli import service_cli
from coso_backbone.config import CosoSettings
from coso_backbone.errors import CosoError
from coso_backbone.wiring import Loop
from coso_notifications import bootstrap


def worker_loops(settings: CosoSettings) -> list[tuple[str, Loop]]:
    """The worker's loops, or a readable refusal of bad `coso.options` instead of a traceback."""
    try:
        return bootstrap.worker_loops(settings)
    except CosoError as exc:
        typer.echo(f"bad configuration: coso.options.{exc.field}: {exc.message} (rule: {exc.rule})", err=True)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            typer.echo(f"bad configuration: coso.options.{where}: {error['msg']}", err=True)
    raise typer.Exit(2)


app = service_cli(
    "notifications",
    Path(__file__).resolve().parents[2] / "config.yml",
    "coso_notifications.entrypoints.service:NotificationsService",
    bootstrap.migrate,
    worker_loops,
    consumer_names=bootstrap.consumer_names,
)

if __name__ == "__main__":
    app()
