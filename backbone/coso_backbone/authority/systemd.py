"""The stack under systemd: an installed server's layout, one unit instance per authority.

/etc/coso/<name>.env is read by coso-<service>-<kind>@<name>.service; the service
configurations in /etc/coso are shared by every authority on the server.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from coso_backbone.authority.environment import environment, read_env_file
from coso_backbone.authority.installation import source_checkout
from coso_backbone.authority.model import SERVICES, AuthorityStack
from coso_backbone.authority.provision import stack_up_script
from coso_backbone.authority.render import render


def up_systemd(stack: AuthorityStack, deploy_dir: Path, dry_run: bool) -> Path:
    """Render, install the env file, configurations and units, then coso-stack-up; return where
    the files were rendered (a temporary directory for a dry run)."""
    config_dir = Path(stack.paths.config_dir)
    out = Path(tempfile.mkdtemp(prefix="coso-authority-")) if dry_run else config_dir / "authorities" / stack.name
    files = render(stack, out, deploy_dir)
    print(f"==> rendered {len(files)} files into {out}")
    env_file = out / f"{stack.name}.env"
    if not dry_run:
        env_file = config_dir / f"{stack.name}.env"
        shutil.copyfile(out / env_file.name, env_file)
        env_file.chmod(0o600)
        install_service_configs(config_dir)
        configs = list((out / "config").glob("*.yml"))
        if configs and subprocess.run(["getent", "group", "coso"], capture_output=True).returncode != 0:
            # coso-stack-up would create it too, but the files must be the group's first.
            subprocess.run(
                [
                    *("useradd", "--system", "--user-group", "--home-dir", "/var/lib/coso"),
                    *("--no-create-home", "--shell", "/usr/sbin/nologin", "coso"),
                ],
                check=True,
            )
        for config in configs:
            shutil.chown(config, group="coso")
        for unit in (out / "systemd").iterdir():
            shutil.copyfile(unit, Path("/etc/systemd/system") / unit.name)
        subprocess.run(["systemctl", "daemon-reload"], check=True)
    stack_up_script(
        deploy_dir, env_file, stack.paths.prefix, "--instance", stack.name, *(["--dry-run"] if dry_run else [])
    )
    return out


def install_service_configs(config_dir: Path) -> None:
    """Copy services/<service>/config.yml to <config_dir>/<service>.yml where it is missing.

    They are shared by every authority on the server (all that differs is in the env file);
    an existing copy is the operator's and is left as it is.
    """
    checkout = source_checkout()
    for service in SERVICES:
        target = config_dir / f"{service}.yml"
        if not target.exists() and checkout is not None:
            shutil.copyfile(checkout / "services" / service / "config.yml", target)
            print(f"    installed {target}")


def stop_systemd(stack: AuthorityStack) -> dict[str, str]:
    """Stop the stack's target; return the settings it ran with (for a purge)."""
    subprocess.run(["systemctl", "stop", f"coso@{stack.name}.target"], check=True)
    env_file = Path(stack.paths.config_dir) / f"{stack.name}.env"
    return read_env_file(env_file) if env_file.exists() else environment(stack)
