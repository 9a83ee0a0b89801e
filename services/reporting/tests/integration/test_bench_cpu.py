"""The bench's account of CPU time (services/reporting/bench/cpu.py): this process, the
processes it forked and waited for, and the machine."""

from __future__ import annotations

import os
import re
import resource

import pytest

from services.reporting.bench.cpu import CpuTimes


def _burn(seconds: float) -> None:
    """Use `seconds` of this process's CPU time."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    until = used.ru_utime + used.ru_stime + seconds
    while (now := resource.getrusage(resource.RUSAGE_SELF)).ru_utime + now.ru_stime < until:
        sum(range(10_000))


def _seconds(said: str, who: str) -> float:
    found = re.search(rf"{who} (\d+\.\d) s", said)
    assert found, said
    return float(found.group(1))


def test_the_time_of_this_process_and_of_a_child_it_waited_for_are_told_apart() -> None:
    before = CpuTimes.now()
    _burn(0.3)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's own process
        _burn(0.5)
        os._exit(0)
    os.waitpid(child, 0)
    said = CpuTimes.now().since(before)
    assert _seconds(said, "this process") >= 0.3
    assert _seconds(said, "the processes it forked") >= 0.5
    assert _seconds(said, "this process") < 0.5 + 0.3  # the child's time is not counted as this one's


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="the machine's time is read from Linux's /proc/stat")
def test_the_machine_was_busy_at_least_as_long_as_this_process() -> None:
    before = CpuTimes.now()
    _burn(0.4)
    said = CpuTimes.now().since(before)
    busy = re.search(r": (\d+\.\d) s of the (\d+) CPUs' (\d+\.\d) s", said)
    assert busy, said
    assert float(busy.group(1)) >= 0.3  # /proc/stat counts in ticks of 10 ms
    assert int(busy.group(2)) == os.cpu_count()
