"""One authority's stack from one file: `coso-authority check|render|up|down FILE`.

The thin command line over this package: it parses, loads the authority file, delegates to
`render` and `lifecycle`, and turns their failures into a message and an exit status.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from coso_backbone.authority.installation import source_checkout
from coso_backbone.authority.lifecycle import down, up
from coso_backbone.authority.loading import AuthorityFileError, load_authority
from coso_backbone.authority.model import SERVICES, AuthorityStack
from coso_backbone.authority.render import render


def _deploy_dir(given: str | None) -> Path:
    if given:
        return Path(given).resolve()
    checkout = source_checkout()
    if checkout is None:
        raise SystemExit("coso-authority: cannot find deploy/: run it from a checkout or give --deploy-dir")
    return checkout / "deploy"


def _print_summary(stack: AuthorityStack) -> None:
    a = stack.authority
    print(f"{a.name} ({a.id}, {a.level.value}); deployment {stack.name}")
    if stack.superior:
        s = stack.superior
        print(
            f"  superior: {s.authority_id} (deployment {s.deployment}, vhost {s.rabbitmq.vhost} on {s.rabbitmq.host})"
        )
    print(f"  rabbitmq: vhost {stack.rabbitmq.vhost} on {stack.rabbitmq.host}:{stack.rabbitmq.port}")
    for service in SERVICES:
        print(
            f"  {service}: api {stack.api_url(service)}, worker metrics :{stack.ports.metrics(service)},"
            f" database {urlsplit(stack.database(service))._replace(netloc='…').geturl()}"
        )
    print(f"  links: {len(stack.links)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coso-authority", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--deploy-dir", help="The deploy/ directory of the coso release (default: this checkout's)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the authority file")
    check.add_argument("file", type=Path)
    render_cmd = commands.add_parser("render", help="write the env file, Procfile, systemd units, compose and Helm")
    render_cmd.add_argument("file", type=Path)
    render_cmd.add_argument("--out", type=Path, required=True)
    for name, text in (("up", "bring the stack up (idempotent)"), ("down", "stop the stack")):
        command = commands.add_parser(name, help=text)
        command.add_argument("file", type=Path)
        command.add_argument("--process-manager", choices=["systemd", "honcho"], default="systemd")
    up_cmd, down_cmd = commands.choices["up"], commands.choices["down"]
    up_cmd.add_argument("--timeout", type=float, default=120, help="seconds to wait for every /health")
    up_cmd.add_argument("--no-wait", action="store_true", help="do not wait for /health (honcho)")
    up_cmd.add_argument("--dry-run", action="store_true", help="only show what coso-stack-up would do (systemd)")
    up_cmd.add_argument("--link-side", choices=["superior", "lower", "both"], default="both")
    down_cmd.add_argument("--purge", action="store_true", help="also delete its vhost, broker user and databases")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        stack = load_authority(args.file)
    except AuthorityFileError as exc:
        print(f"{exc.path}: the authority file is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.command == "check":
        _print_summary(stack)
        return 0
    deploy_dir = _deploy_dir(args.deploy_dir)
    if args.command == "render":
        for path in render(stack, args.out, deploy_dir):
            print(path)
        return 0
    try:
        if args.command == "up":
            up(
                stack,
                deploy_dir,
                args.process_manager,
                timeout=args.timeout,
                wait=not args.no_wait,
                dry_run=args.dry_run,
                link_side=args.link_side,
            )
        else:
            down(stack, args.process_manager, purge_all=args.purge)
    except (subprocess.SubprocessError, RuntimeError, TimeoutError, OSError) as exc:
        print(f"coso-authority {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def cli() -> None:
    sys.exit(main())


if __name__ == "__main__":
    cli()
