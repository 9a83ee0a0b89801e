"""The shared command line: a configuration file that cannot be read is named, exit status 2,
in every command that reads one."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from coso_backbone.cli import add_create_token_command, service_cli
from coso_backbone.rulesets.commandline import add_rules_commands


def never(*args: object) -> list[tuple[str, object]]:
    raise AssertionError("nothing runs without a configuration")


def test_every_shared_command_names_a_configuration_it_cannot_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yml"
    app: typer.Typer = service_cli("example", missing, "example:Service", never, never)
    add_create_token_command(app, "example", missing, never)
    add_rules_commands(app, "example", missing, never, BaseModel, BaseModel)
    for command in (
        ["migrate"],
        ["worker"],
        ["dead-letters", "list"],
        ["create-token", "an@hn", "--grant", "hn:viewer"],
        ["adopt-rules", "--authority", "hn", "--from", "2025-07-01", "--legal-basis", "QĐ 1", "--set", "a=1"],
        ["rules", "--authority", "hn"],
    ):
        result = CliRunner().invoke(app, [*command, "--config", str(missing)])
        assert result.exit_code == 2, (command, result.output)
        assert f"cannot read configuration {missing}" in result.output, command
