"""`coso-reporting`: reporting's command line (the shared commands, `rebuild` and `create-token`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from coso_backbone.cli import CONFIG_OPTION, add_create_token_command, read_settings, service_cli
from coso_backbone.errors import BackboneError, CosoError
from coso_reporting import bootstrap
from coso_reporting.adapters.members_lane import LANES, LaneFailed
from coso_reporting.adapters.rebuild import RebuildStats

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yml"

app = service_cli(
    "reporting",
    DEFAULT_CONFIG,
    "coso_reporting.entrypoints.service:ReportingService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)
add_create_token_command(app, "reporting", DEFAULT_CONFIG, bootstrap.build)
_DISCARD = typer.Option(
    False, "--discard-leftovers", help="Drop the tables a crashed rebuild left (never while one runs)"
)


_LANES = typer.Option(
    LANES,
    "--members-lanes",
    min=0,
    help="Processes that apply the members' events beside the rebuild's, on PostgreSQL (0: none)",
)


@app.command("rebuild")
def rebuild_command(
    config: Path | None = CONFIG_OPTION, discard_leftovers: bool = _DISCARD, members_lanes: int = _LANES
) -> None:
    """Rebuild the indicators from the sources' read APIs; the old ones serve until the swap."""
    _, settings = read_settings("reporting", DEFAULT_CONFIG, config)
    console = Console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(source: str, position: int, last: int | None) -> None:
            if source not in tasks:
                tasks[source] = bar.add_task(source, total=last)
            bar.update(tasks[source], completed=position, total=max(last or 0, position))

        try:
            stats = bootstrap.rebuild_projection(settings, progress, discard_leftovers, members_lanes)
        except (CosoError, BackboneError, LaneFailed, ValueError) as exc:
            console.print(f"[red]rebuild failed, the indicators are unchanged:[/red] {exc}")
            raise typer.Exit(1) from None
    _report(console, stats)


def _report(console: Console, stats: RebuildStats) -> None:
    table = Table("source", "position", "read", "applied", "skipped", "refused")
    for s in stats.sources:
        table.add_row(s.source, str(s.position), str(s.read), str(s.applied), str(s.skipped), str(s.refused))
    console.print(table)
    for refused in stats.refused[:20]:
        console.print(
            f"[yellow]dead letter[/yellow] {refused.source}#{refused.position} {refused.event_type}: {refused.reason}"
        )
    console.print(
        f"rebuilt and swapped in: {stats.events} events in {stats.seconds:.2f}s "
        f"({stats.events_per_second:,.0f} events/s; the events {stats.replay_seconds:.2f}s, "
        f"the counts, keys and indexes {stats.finish_seconds:.2f}s)"
    )
    longest = ", ".join(f"{step} {seconds:.2f}s" for step, seconds in stats.longest_steps())
    console.print(f"the longest steps of the counts, keys and indexes: {longest}")


if __name__ == "__main__":
    app()
