"""Where this installation's files and commands are: a source checkout, or a virtualenv's bin/."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def source_checkout() -> Path | None:
    """The source checkout this package runs from, if any (it holds deploy/ and services/)."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "deploy" / "bin" / "coso-stack-up").exists() else None


def installed_command(name: str) -> str:
    """A console script on PATH, else the one beside this interpreter (a virtualenv not activated)."""
    return shutil.which(name) or str(Path(sys.executable).parent / name)
