"""The eight processes under honcho, for a server without systemd (and for tests).

The stack's files are rendered into <state_dir>/run; honcho runs in its own session, so
`down` signals exactly the process group that `up` started and nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from coso_backbone.authority.environment import read_env_file
from coso_backbone.authority.health import wait_healthy
from coso_backbone.authority.installation import installed_command, source_checkout
from coso_backbone.authority.model import SERVICES, AuthorityStack
from coso_backbone.authority.provision import stack_up_script
from coso_backbone.authority.render import render


class HonchoStack:
    """The eight processes under honcho (its process group id is kept in <state_dir>/honcho.pid)."""

    def __init__(self, stack: AuthorityStack) -> None:
        self.stack = stack
        self.run_dir = Path(stack.state_dir) / "run"
        self.pid_file = Path(stack.state_dir) / "honcho.pid"
        self.log_file = Path(stack.state_dir) / "honcho.log"
        self.process: subprocess.Popen[bytes] | None = None  # when this invocation started it

    def alive(self) -> bool:
        """Whether honcho still runs (right after start, before its exec, by the child itself)."""
        if self.process is not None:
            return self.process.poll() is None
        return self.running_pid() is not None

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if b"honcho" in cmdline else None

    def migrate(self, env: Mapping[str, str]) -> None:
        bin_dir = Path(self.stack.paths.prefix) / "bin"
        runs = {
            s: subprocess.Popen(
                [str(bin_dir / f"coso-{s}"), "migrate"],
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=self.stack.state_dir,
            )
            for s in SERVICES
        }
        failed = []
        for service, run in runs.items():
            output, _ = run.communicate(timeout=300)
            if run.returncode != 0:
                failed.append(f"{service}: {output.decode(errors='replace')[-1500:]}")
            else:
                print(f"    {service}: migrated")
        if failed:
            raise RuntimeError("migration failed\n" + "\n".join(failed))

    def start(self, env_file: Path) -> None:
        if (pid := self.running_pid()) is not None:
            print(f"    honcho already runs the stack (pid {pid})")
            return
        honcho = installed_command("honcho")
        log = self.log_file.open("ab")
        process = subprocess.Popen(
            [honcho, "start", "-f", str(self.run_dir / "Procfile"), "-e", str(env_file), "-d", self.stack.state_dir],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.process = process
        self.pid_file.write_text(str(process.pid))
        print(f"    honcho started (pid {process.pid}, log {self.log_file})")

    def stop(self, timeout: float = 30) -> bool:
        pid = self.running_pid()
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.2)
        if _group_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def up_honcho(stack: AuthorityStack, deploy_dir: Path, timeout: float, wait: bool) -> Path:
    """Provision, migrate and start under honcho; a stack already running with the same
    rendered settings is left running, one whose settings changed is restarted."""
    honcho = HonchoStack(stack)
    env_file, procfile = honcho.run_dir / f"{stack.name}.env", honcho.run_dir / "Procfile"

    def rendered() -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (env_file, procfile) if p.exists())

    Path(stack.state_dir).mkdir(parents=True, exist_ok=True)
    before = rendered()
    render(stack, honcho.run_dir, deploy_dir, checkout=source_checkout())
    running = honcho.running_pid()
    if running is not None and rendered() == before:
        print(f"    honcho already runs the stack with these settings (pid {running}): nothing to change")
    else:
        stack_up_script(deploy_dir, env_file, stack.paths.prefix, "--provision-only")
        print("\n==> Migrations")
        honcho.migrate(read_env_file(env_file))
        if running is not None:
            print("\n==> The settings changed: restarting")
            honcho.stop()
        print("\n==> Starting the eight processes with honcho")
        honcho.start(env_file)
    if wait:
        print("\n==> Health")
        try:
            wait_healthy(stack, timeout, alive=honcho.alive)
        except (RuntimeError, TimeoutError):
            log = honcho.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
            print("\n".join(["    last lines of " + str(honcho.log_file), *log[-40:]]), file=sys.stderr)
            raise
    return honcho.run_dir
