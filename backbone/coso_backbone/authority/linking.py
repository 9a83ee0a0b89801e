"""The authority file's `links:` part, which belongs to `coso-link` (docs/FEDERATION.md).

This package only checks that each link has this stack at one of its ends and hands the list
over unchanged. The link schema and what links add to the services' settings are computed by
`coso_backbone.links` when it is installed; without it, those steps are skipped.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from coso_backbone.authority.installation import installed_command
from coso_backbone.authority.model import SERVICES, AuthorityStack


def _link_spec() -> ModuleType | None:
    """`coso_backbone.links.spec` (the link file's schema), or None where coso-link is not installed."""
    try:
        from coso_backbone.links import spec  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return spec  # type: ignore[no-any-return,unused-ignore]


def link_problems(stack: AuthorityStack) -> list[str]:
    """Each link must have this stack at one of its ends; the link schema itself is coso-link's."""
    problems = []
    for index, link in enumerate(stack.links):
        superior: dict[str, Any] = link["superior"] if isinstance(link.get("superior"), dict) else {}
        lower: dict[str, Any] = link["lower"] if isinstance(link.get("lower"), dict) else {}
        if stack.name not in (superior.get("deployment"), lower.get("deployment")):
            problems.append(f"links.{index}: neither superior.deployment nor lower.deployment is {stack.name!r}")
        elif lower.get("deployment") == stack.name and stack.superior is not None:
            # A link up from this stack goes to the superior the file names, nowhere else.
            for key, expected in (("deployment", stack.superior.deployment), ("vhost", stack.superior.rabbitmq.vhost)):
                if superior.get(key) != expected:
                    problems.append(
                        f"links.{index}.superior.{key}: {superior.get(key)!r} is not the superior's {expected!r}"
                    )
    if problems or not stack.links:
        return problems
    spec = _link_spec()
    model = getattr(spec, "LinkFile", None)
    if model is None:
        return []
    try:
        model.model_validate({"links": stack.links})
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return problems


def link_service_settings(stack: AuthorityStack) -> dict[str, dict[str, Any]]:
    """What the links add to each service's `coso:` settings in this stack (empty without links
    or without coso-link): where a superior catches up with lower sources, which link tokens
    a lower stack's read APIs serve. The link module computes it; nothing is re-derived here."""
    if not stack.links:
        return {}
    spec = _link_spec()
    if spec is None:
        return {}
    links = spec.LinkFile.model_validate({"links": stack.links})
    settings = {service: dict(links.service_settings(stack.name, service)) for service in SERVICES}
    return {service: found for service, found in settings.items() if found}


def apply_links(stack: AuthorityStack, links_file: Path, side: str) -> None:
    if not stack.links:
        return
    link_command = installed_command("coso-link")
    if not Path(link_command).exists():
        print(
            f"    links: {len(stack.links)} link(s) in the file, but `coso-link` is not installed here;"
            f" apply them later with: coso-link apply {links_file} --side {side}"
        )
        return
    subprocess.run([link_command, "apply", str(links_file), "--side", side], check=True)
