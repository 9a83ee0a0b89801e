"""Bringing a stack up and down with either process manager, links and purge included."""

from __future__ import annotations

import shutil
from pathlib import Path

from coso_backbone.authority.environment import environment
from coso_backbone.authority.honcho import HonchoStack, up_honcho
from coso_backbone.authority.linking import apply_links
from coso_backbone.authority.model import AuthorityStack, ProcessManager
from coso_backbone.authority.provision import purge
from coso_backbone.authority.systemd import stop_systemd, up_systemd


def up(
    stack: AuthorityStack,
    deploy_dir: Path,
    manager: ProcessManager,
    *,
    timeout: float,
    wait: bool,
    dry_run: bool,
    link_side: str,
) -> None:
    """Bring the stack up (idempotent), then apply its links; a dry run changes nothing."""
    if manager == "systemd":
        out = up_systemd(stack, deploy_dir, dry_run)
    else:
        if dry_run:
            raise RuntimeError("--dry-run shows what coso-stack-up would do: use it with --process-manager systemd")
        out = up_honcho(stack, deploy_dir, timeout, wait)
    if dry_run:
        shutil.rmtree(out)
        if stack.links:
            print(f"\nwould apply {len(stack.links)} link(s) with coso-link apply --side {link_side}")
        return
    apply_links(stack, out / "links.yml", link_side)
    print(f"\n{stack.authority.name} ({stack.name}) is up.")


def down(stack: AuthorityStack, manager: ProcessManager, *, purge_all: bool) -> None:
    """Stop the stack; with `purge_all`, also delete its vhost, broker user and databases."""
    if manager == "systemd":
        env = stop_systemd(stack)
    else:
        print("stopped" if HonchoStack(stack).stop() else "not running")
        env = environment(stack)
    if purge_all:
        purge(stack, env)
        print(f"purged the vhost {stack.rabbitmq.vhost}, the broker user and the databases of {stack.name}")
