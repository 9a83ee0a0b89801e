"""`coso-link`: apply, remove and watch the links between authorities' stacks.

The link file is docs/FEDERATION.md's schema (an authority file with a `links:` list works
too); `--file` defaults to COSO_LINKS_FILE.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

import typer
import yaml
from prometheus_client import start_http_server
from pydantic import ValidationError

from coso_backbone.errors import BackboneError
from coso_backbone.links.admin import apply_link, remove_link
from coso_backbone.links.spec import LinkFile, LinkSpec, load_links
from coso_backbone.links.status import LinkInspector, LinkMetrics, LinkStatus

app = typer.Typer(help="Links between authorities' coso stacks (RabbitMQ federation).", no_args_is_help=True)

FILE = typer.Option(..., "--file", "-f", envvar="COSO_LINKS_FILE", help="Link file (YAML with a `links:` list)")
LINK_FILE = typer.Argument(..., help="Link file")
SIDE = typer.Option("both", "--side", help="superior, lower or both: which broker(s) to configure")


def _load(path: Path) -> LinkFile:
    try:
        return load_links(path)
    except (OSError, ValueError, KeyError) as exc:
        if isinstance(exc, ValidationError):
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"])
                typer.echo(f"bad link file {path}: {where}: {error['msg']}", err=True)
        else:
            typer.echo(f"bad link file {path}: {exc}", err=True)
        raise typer.Exit(2) from None


def _side(value: str) -> str:
    if value not in ("superior", "lower", "both"):
        typer.echo("--side must be superior, lower or both", err=True)
        raise typer.Exit(2)
    return value


@app.command()
def apply(file: Path = LINK_FILE, side: str = SIDE) -> None:
    """Make the brokers match every link of the file (idempotent)."""
    for link in _load(file).links:
        try:
            apply_link(link, _side(side))  # type: ignore[arg-type]
        except BackboneError as exc:
            typer.echo(f"link {link.name}: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"link {link.name}: applied ({link.lower.deployment} -> {link.superior.deployment}, {side})")


@app.command()
def remove(name: str, file: Path = FILE, side: str = SIDE) -> None:
    """Remove a link's federation, per-link exchanges and users from the brokers."""
    try:
        link: LinkSpec = _load(file).get(name)
    except KeyError as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(2) from None
    try:
        remove_link(link, _side(side))  # type: ignore[arg-type]
    except BackboneError as exc:
        typer.echo(f"link {name}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"link {name}: removed")


def _print(status: LinkStatus) -> None:
    mark = "UP" if status.up else "DOWN"
    typer.echo(f"{status.link}: {mark}  dead letters {status.dead_letters}")
    for state in status.federation:
        line = f"  federation {state.direction:4} {state.exchange}: {state.status}"
        typer.echo(line + (f" ({state.error[:120]})" if state.error else ""))
    for lag in status.sources:
        events = "?" if lag.lag_events is None else str(lag.lag_events)
        seconds = "?" if lag.lag_seconds is None else f"{lag.lag_seconds:.1f}s"
        typer.echo(
            f"  {lag.source}: lag {events} events, {seconds} (checkpoint {lag.checkpoint}, last {lag.last_position})"
        )
    if status.last_error:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(status.last_error_at or 0))
        typer.echo(f"  last error {when} UTC: {status.last_error}")


@app.command()
def status(file: Path = FILE, as_json: bool = typer.Option(False, "--json", help="JSON instead of text")) -> None:
    """Every link: federation state, lag in events and time per source, dead letters, last error."""
    inspector = LinkInspector()
    try:
        statuses = [inspector.status(link) for link in _load(file).links]
    finally:
        inspector.close()
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in statuses], ensure_ascii=False, indent=2))
    else:
        for one in statuses:
            _print(one)
    if not all(s.up for s in statuses):
        raise typer.Exit(1)


@app.command("service-config")
def service_config(
    file: Path = FILE,
    deployment: str = typer.Option(..., help="The stack whose service is configured"),
    service: str = typer.Option(..., help="registry, admissions, reporting or notifications"),
) -> None:
    """Print (YAML) what the links add to a service's `coso:` settings in a stack:
    `source_read_apis` where the stack is a superior, `read_api_links` where it is a lower one."""
    typer.echo(yaml.safe_dump(_load(file).service_settings(deployment, service), allow_unicode=True, sort_keys=True))


@app.command("serve-metrics")
def serve_metrics(
    file: Path = FILE,
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(9419, help="Port of the Prometheus endpoint"),
    interval: float = typer.Option(15.0, help="Seconds between two looks at the links"),
) -> None:
    """Export the links' status as Prometheus metrics (coso_link_*) until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    links = _load(file).links
    metrics = LinkMetrics()
    start_http_server(port, addr=host, registry=metrics.registry)
    inspector = LinkInspector()
    stop = threading.Event()
    try:
        while not stop.is_set():
            metrics.update(inspector.status(link) for link in links)
            stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        inspector.close()
