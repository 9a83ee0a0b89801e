"""Reading an authority file: `${VAR:default}` substituted, then validated, every problem named."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coso_backbone.authority.linking import link_problems
from coso_backbone.authority.model import AuthorityStack
from coso_backbone.config import substitute_env


class AuthorityFileError(Exception):
    """The authority file cannot be used; `problems` name the fields."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


def load_authority(path: Path, environ: Mapping[str, str] | None = None) -> AuthorityStack:
    """Read and validate an authority file; `${VAR}` / `${VAR:default}` come from the environment."""
    env = dict(os.environ if environ is None else environ)
    try:
        raw = _substituted(yaml.safe_load(path.read_text(encoding="utf-8")), env)
    except OSError as exc:
        raise AuthorityFileError(path, [f"cannot read it: {exc.strerror}"]) from None
    except KeyError as exc:
        raise AuthorityFileError(path, [str(exc.args[0])]) from None
    except yaml.YAMLError as exc:
        raise AuthorityFileError(path, [f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise AuthorityFileError(path, ["expected a mapping at the top level"])
    try:
        stack = AuthorityStack.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "(file)"
            problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        raise AuthorityFileError(path, problems) from None
    problems = link_problems(stack)
    if problems:
        raise AuthorityFileError(path, problems)
    return stack


def _substituted(value: Any, env: dict[str, str]) -> Any:
    """`${VAR:default}` in string values only, so comments may mention the syntax."""
    if isinstance(value, str):
        return substitute_env(value, env)
    if isinstance(value, list):
        return [_substituted(item, env) for item in value]
    if isinstance(value, dict):
        return {key: _substituted(item, env) for key, item in value.items()}
    return value
