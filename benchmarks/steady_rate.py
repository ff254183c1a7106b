"""End-to-end latency and CPU per petition at fixed, light rates: where the chain's time goes before it queues.

    .venv/bin/python -m benchmarks.steady_rate [--db postgres|sqlite] [--rates 5,20,30] [--seconds 10]

Starts the benchmark system (benchmarks.system), then for each rate POSTs auto-assigned petitions with the
open-loop load generator for `--seconds` and prints the end-to-end p50/p95/p99 (POST answer → assigned in
monitoring), each hop's p50, and the CPU milliseconds each process group spent per petition sent. Not a
benchmark row: the figures a closing note sets beside the table's, measured where batches are of one.
"""

import argparse
import sys

from benchmarks import workload
from benchmarks.bench_pipeline import hops_text, ms_text
from benchmarks.processes import cpu_of
from benchmarks.profile_intake import process_groups
from benchmarks.system import LOAD_CPU, System

SETTLE_SECONDS = 10


def at_rate(system: System, headers: dict, bodies: list[str], rate: float, seconds: float) -> str:
    groups = process_groups(system)
    before = {name: cpu_of(pids) for name, pids in groups.items()}
    job = {"mode": "open", "url": system.urls["intake"] + "/petitions", "headers": headers, "bodies": bodies,
           "rate": rate, "duration": seconds, "settle": SETTLE_SECONDS,
           "monitoring_db": system.db_urls["monitoring"], "nats_url": system.nats_url}
    result = workload.run_job(LOAD_CPU, "benchmarks.loadgen", job)
    spent = {name: cpu_of(pids) - before[name] for name, pids in groups.items()}
    ms, sent = result["latency_ms"], max(result["sent"], 1)
    cpu = ", ".join(f"{name} {1000 * seconds_spent / sent:.1f}" for name, seconds_spent in spent.items())
    return (f"{rate:g}/s: p50 {ms_text(ms['p50'])}, p95 {ms_text(ms['p95'])}, p99 {ms_text(ms['p99'])} "
            f"({result['assigned']} of {result['sent']} assigned in the window); {hops_text(result['hops_ms'])}; "
            f"CPU ms per petition: {cpu}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    parser.add_argument("--rates", default="5,20,30", help="petitions per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    system = System(args.db)
    system.start()
    try:
        meeting = workload.create_meeting(system)
        headers = {"Authorization": f"Bearer {system.token()}"}
        bodies = workload.auto_assigned(system, workload.petition_bodies(meeting["meeting_id"]))
        for rate in (float(value) for value in args.rates.split(",")):
            print(at_rate(system, headers, bodies, rate, args.seconds), flush=True)
            workload.drain(system, 30)
    finally:
        system.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
