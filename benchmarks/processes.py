"""What the profiling tools read of the system's processes: CPU seconds from /proc, PostgreSQL's
processes, and py-spy's folded stacks counted by function."""

import collections
import contextlib
import os
from pathlib import Path

from benchmarks.system import System

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children that have ended (PostgreSQL's backends)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def postgres_pids(system: System) -> list[int]:
    """The PostgreSQL server's postmaster and its backends; none for SQLite (in the services' processes)."""
    if system.cluster is None:
        return []
    postmaster = int((system.cluster.data_dir / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *map(int, children)]


def cpu_of(pids: list[int]) -> float:
    """CPU seconds of some processes; one that has ended meanwhile counts nothing."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


def stack_counts(folded: Path) -> tuple[collections.Counter, collections.Counter, int]:
    """Samples per function of py-spy's folded stacks: own (the innermost frame), including callees, all."""
    own, inclusive, total = collections.Counter(), collections.Counter(), 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, samples = stack.split(";"), int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    return own, inclusive, total
