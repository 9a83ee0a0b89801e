"""`coso-admissions`: the admissions command line."""

from pathlib import Path

from coso_admissions import bootstrap
from coso_backbone.cli import service_cli

app = service_cli(
    "admissions",
    Path(__file__).resolve().parents[2] / "config.yml",
    "coso_admissions.entrypoints.service:AdmissionsService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)

if __name__ == "__main__":
    app()
