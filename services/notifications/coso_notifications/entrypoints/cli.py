"""`coso-notifications`: the notifications service's command line (the shared commands, plus
`adopt-rules` and `rules`)."""

from pathlib import Path

from coso_backbone.cli import service_cli
from coso_backbone.rulesets.commandline import add_rules_commands
from coso_notifications import bootstrap
from coso_notifications.application.commands import AdoptRules, RulesOfAuthority

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yml"

app = service_cli(
    "notifications",
    DEFAULT_CONFIG,
    "coso_notifications.entrypoints.service:NotificationsService",
    bootstrap.migrate,
    bootstrap.worker_loops,
    consumer_names=bootstrap.consumer_names,
)
add_rules_commands(app, "notifications", DEFAULT_CONFIG, bootstrap.build, AdoptRules, RulesOfAuthority)

if __name__ == "__main__":
    app()
