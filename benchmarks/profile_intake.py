"""Where intake's time goes under POST /petitions load: a py-spy profile of the real service.

    .venv/bin/python -m benchmarks.profile_intake [--db sqlite|postgres] [--seconds 10] [--service intake]

Starts the benchmark system (benchmarks.system), drives it with the closed-loop load generator on the
load core, samples the chosen service with py-spy (idle frames left out) and prints the functions with
the largest share of samples, by own time and by time including callees. The raw folded stacks are kept
under bench/profiles/ for a flame graph. Not a benchmark row: this is what a closing note quotes when a
target is missed.
"""

import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from benchmarks import workload
from benchmarks.bench_pipeline import closed
from benchmarks.processes import cpu_of, postgres_pids, stack_counts
from benchmarks.system import ROOT, System

PROFILES = ROOT / "bench" / "profiles"


def process_groups(system: System) -> dict[str, list[int]]:
    """The processes of each part of the system: the services, NATS, and PostgreSQL's server and backends."""
    groups = {name: [process.pid] for name, process in system.processes.items()}
    if system.cluster is not None:
        groups["postgres"] = postgres_pids(system)
    return groups


def summarise(folded: Path, top: int) -> str:
    own, inclusive, total = stack_counts(folded)
    lines = [f"{total} samples"]
    for title, counter in (("own time", own), ("including callees", inclusive)):
        lines.append(f"-- {title}")
        lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in counter.most_common(top)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--service", default="intake", choices=("intake", "routing", "monitoring"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--alone", action="store_true",
                        help="routing and monitoring frozen during the load (a burst queues in NATS)")
    parser.add_argument("--backlog", action="store_true",
                        help="sample --service while routing and monitoring work off the burst afterwards")
    args = parser.parse_args()
    PROFILES.mkdir(parents=True, exist_ok=True)
    folded = PROFILES / f"{args.service}-{args.db}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    system = System(args.db)
    system.start()
    try:
        meeting = workload.create_meeting(system)
        bodies = workload.petition_bodies(meeting["meeting_id"])
        headers = {"Authorization": f"Bearer {system.token()}"}
        spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(system.pids[args.service]),
               "--duration", str(int(args.seconds)), "--format", "raw", "--output", str(folded), "--nonblocking"]
        sampler = threading.Thread(target=subprocess.run, args=(spy,), kwargs={"capture_output": True})
        groups = process_groups(system)
        before = {name: cpu_of(pids) for name, pids in groups.items()}
        if not args.backlog:
            sampler.start()
        with system.paused(*(("routing", "monitoring") if args.alone or args.backlog else ())):
            result = closed(system.urls["intake"] + "/petitions", quick=args.seconds < 10, method="POST",
                            headers=headers, bodies=bodies)
            if not args.backlog:
                sampler.join()
        if args.backlog:
            sampler.start()
            sampler.join()
        metrics = httpx.get(system.urls["intake"] + "/metrics").text
        grouping = {name: float(value) for name, value in re.findall(
            r"^petitions_per_transaction_(count|sum) (\S+)$", metrics, re.M)}
        received = workload.drain(system, 60)["received"]  # the pipeline's share of each petition's cost is counted too
        spent = {name: cpu_of(pids) - before[name] for name, pids in groups.items()}
        print(f"POST /petitions: {result['rate']:.1f}/s, p50 {result['latency_ms']['p50']:.0f} ms, "
              f"p99 {result['latency_ms']['p99']:.0f} ms; statuses {result['statuses']}")
    finally:
        system.stop()
    if grouping.get("count"):
        print(f"new petitions per transaction: {grouping['sum'] / grouping['count']:.1f} on average "
              f"({grouping['count']:.0f} transactions)")
    print("CPU ms per accepted petition, warm-up included, until the pipeline drained: " + ", ".join(
        f"{name} {1000 * seconds / max(received, 1):.2f}" for name, seconds in spent.items()))
    print(summarise(folded, args.top))
    print(f"folded stacks: {folded.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
