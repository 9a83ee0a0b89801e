"""`coso-registry`: the registry's command line."""

from pathlib import Path

from coso_backbone.cli import service_cli
from coso_registry import bootstrap

app = service_cli(
    "registry",
    Path(__file__).resolve().parents[2] / "config.yml",
    "coso_registry.entrypoints.service:RegistryService",
    bootstrap.migrate,
    bootstrap.worker_loops,
)

if __name__ == "__main__":
    app()
