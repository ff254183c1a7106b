"""Just the import rows of the pipeline bench, at full size, with the CPU each import cost (issue 14).

    .venv/bin/python -m benchmarks.import_only [--rows 5000] [--db sqlite,postgres] [--repeat 1] [--profile DIR]

A fresh system per database (benchmarks.system), one meeting, then each file (CSV, XLSX) posted as the
pipeline bench posts it (routing and monitoring paused). Beside each wall time: the CPU seconds intake
and the database server spent (from /proc: robust on a shared machine, where wall time is not) and the
load average. Each import starts once intake is idle (the previous file's events published: the
relay runs in intake's process). --profile DIR records intake with py-spy during each import (collapsed stacks, one
file per import) and prints the functions with the most samples.
"""

import argparse
import os
import signal
import subprocess
import time
from pathlib import Path

from benchmarks import workload
from benchmarks.processes import cpu_of, cpu_seconds, postgres_pids, stack_counts
from benchmarks.system import ROOT, System

def database_cpu(system: System) -> float:
    """The PostgreSQL server's CPU seconds; 0 for SQLite (in intake's process)."""
    return cpu_of(postgres_pids(system))


def top_functions(collapsed: Path, count: int = 15) -> list[tuple[str, float, float]]:
    """(function, self share, total share) of py-spy's collapsed stacks, by total share."""
    own, total, samples = stack_counts(collapsed)
    return [(frame, own[frame] / samples, n / samples) for frame, n in total.most_common(count)] if samples else []


def quiesce(pid: int, timeout: float = 60) -> None:
    """Wait until intake is idle: the previous import's events published (the relay runs in intake)."""
    deadline, last = time.monotonic() + timeout, cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.03:
            return
        last = now


def timed_import(system: System, meeting_id: str, kind: str, rows: int, profile: Path | None, label: str) -> dict:
    filename, data = workload.import_file(rows, kind)
    intake_pid = system.pids["intake"]
    quiesce(intake_pid)
    spy = None
    if profile:
        out = profile / f"{label}.txt"
        spy = subprocess.Popen([str(ROOT / ".venv/bin/py-spy"), "record", "-p", str(intake_pid), "-r", "200",
                                "--format", "raw", "-o", str(out), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
    load = os.getloadavg()[0]
    cpu_before, db_before = cpu_seconds(intake_pid), database_cpu(system)
    with system.paused("routing", "monitoring"):
        seconds = workload.post_import(system, meeting_id, filename, data)
    found = {"kind": kind, "seconds": seconds, "intake_cpu": cpu_seconds(intake_pid) - cpu_before,
             "db_cpu": database_cpu(system) - db_before, "load": load}
    if spy:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
        found["top"] = top_functions(profile / f"{label}.txt")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kinds", default="csv,xlsx")
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    for db in args.db.split(","):
        system = System(db)
        system.start()
        try:
            meeting = workload.create_meeting(system)
            for attempt in range(args.repeat):
                for kind in args.kinds.split(","):
                    found = timed_import(system, meeting["meeting_id"], kind, args.rows, args.profile,
                                         f"{db}-{kind}-{attempt}")
                    print(f"{db:8} {kind:4} {args.rows} rows: {found['seconds']:.2f} s wall, intake CPU "
                          f"{found['intake_cpu']:.2f} s, database CPU {found['db_cpu']:.2f} s "
                          f"(load {found['load']:.2f})", flush=True)
                    for frame, own, total in found.get("top", []):
                        print(f"      {total:6.1%} total {own:6.1%} self  {frame[:150]}")
        finally:
            system.stop()


if __name__ == "__main__":
    main()
