"""Where a rebuild's CPU time goes: this process, the processes it forked and waited for (the
members' lanes), and the whole machine (Linux's `/proc/stat`), so that the bench shows whether
the rebuild was bound by its own work or by the server's, and how much of the CPUs it left idle."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_STAT = Path("/proc/stat")
_BUSY = (0, 1, 2, 5, 6)  # user, nice, system, irq and softirq, of the `cpu` line's counters


@dataclass(frozen=True)
class CpuTimes:
    """CPU seconds used so far (user and system), at a moment (`time.perf_counter`)."""

    at: float
    own: float  # this process, every thread
    children: float  # processes it forked and waited for
    machine: float | None  # every process of every CPU; None where `/proc/stat` is not

    @classmethod
    def now(cls) -> CpuTimes:
        own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return cls(
            time.perf_counter(),
            own.ru_utime + own.ru_stime,
            children.ru_utime + children.ru_stime,
            _machine_busy(),
        )

    def since(self, before: CpuTimes, rest: str = "the rest of the machine") -> str:
        """The CPU time used between `before` and this, in words; `rest` names what used the
        machine's time beside this process and its children (e.g. a database server)."""
        wall = self.at - before.at
        own, children = self.own - before.own, self.children - before.children
        said = f"this process {own:.1f} s, the processes it forked {children:.1f} s"
        if self.machine is None or before.machine is None:
            return said
        machine, cpus = self.machine - before.machine, os.cpu_count() or 1
        others = max(0.0, machine - own - children)
        return (
            f"{said}, {rest} {others:.1f} s: "
            f"{machine:.1f} s of the {cpus} CPUs' {cpus * wall:.1f} s ({machine / max(cpus * wall, 1e-9):.0%})"
        )


def _machine_busy() -> float | None:
    """Seconds every CPU has been busy since boot (Linux), else None."""
    try:
        first = _STAT.read_text().splitlines()[0].split()
    except OSError:
        return None
    ticks = [int(value) for value in first[1:]]
    return sum(ticks[i] for i in _BUSY) / os.sysconf("SC_CLK_TCK")
