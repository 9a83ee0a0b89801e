"""`coso-notifications`: the notifications service's command line."""

from pathlib import Path

from coso_backbone.cli import service_cli
from coso_notifications import bootstrap

app = service_cli(
    "notifications",
    Path(__file__).resolve().parents[2] / "config.yml",
    "coso_notifications.entrypoints.service:NotificationsService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)

if __name__ == "__main__":
    app()
