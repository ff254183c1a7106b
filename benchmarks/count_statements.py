"""What each service sends to PostgreSQL per petition at a light, steady rate (no batching to share it).

    .venv/bin/python -m benchmarks.count_statements [--rate 10] [--petitions 50] [--top 25]

Starts the benchmark system (benchmarks.system) on PostgreSQL, turns on the server's statement log,
POSTs the petitions at a fixed rate, waits for the pipeline to settle, and counts per service the
statements and transactions (BEGIN) per petition, then the most frequent statements. The relays' idle
polls of the settle time (one a second per service) are counted too. Not a benchmark row: a count to
set beside a profile, since on this shared core every round trip wakes another process.
"""

import argparse
import collections
import re
import subprocess
import sys
import time

import httpx

from benchmarks import workload
from benchmarks.system import System

SETTLE_SECONDS = 5
LOGGED = re.compile(r"^(\w+?)_\d+_\d+\|LOG:\s+(?:statement|execute [^:]*):\s*(.*)")


def psql(system: System, sql: str) -> None:
    cluster = system.cluster
    subprocess.run([str(cluster.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
                    "-d", "postgres", "-qAtc", sql], check=True, stdout=subprocess.DEVNULL)


def log_statements(system: System, on: bool) -> None:
    psql(system, f"ALTER SYSTEM SET log_statement = '{'all' if on else 'none'}'")
    psql(system, "ALTER SYSTEM SET log_line_prefix = '%d|'")
    psql(system, "SELECT pg_reload_conf()")
    time.sleep(0.5)


def post_at_rate(system: System, bodies: list[str], rate: float, count: int) -> int:
    headers = {"Authorization": f"Bearer {system.token()}", "Content-Type": "application/json"}
    accepted, started = 0, time.monotonic()
    with httpx.Client(base_url=system.urls["intake"], headers=headers, timeout=30) as client:
        for index in range(count):
            time.sleep(max(0.0, started + index / rate - time.monotonic()))
            accepted += client.post("/petitions", content=bodies[index % len(bodies)]).status_code == 201
    return accepted


def count(log_text: str) -> tuple[collections.Counter, collections.Counter, collections.Counter]:
    statements, transactions, kinds = collections.Counter(), collections.Counter(), collections.Counter()
    for line in log_text.splitlines():
        found = LOGGED.match(line)
        if found:
            service, statement = found.groups()
            statements[service] += 1
            transactions[service] += statement.upper().startswith("BEGIN")
            kinds[(service, statement[:100])] += 1
    return statements, transactions, kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--petitions", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    system = System("postgres")
    system.start()
    try:
        meeting = workload.create_meeting(system)
        bodies = workload.auto_assigned(system, workload.petition_bodies(meeting["meeting_id"]))
        workload.drain(system, 30)
        log = system.cluster.root / "log"
        log_statements(system, on=True)
        start = log.stat().st_size
        accepted = post_at_rate(system, bodies, args.rate, args.petitions)
        time.sleep(SETTLE_SECONDS)
        log_statements(system, on=False)
        text = log.read_bytes()[start:].decode(errors="replace")
        drained = workload.drain(system, 60)
    finally:
        system.stop()
    statements, transactions, kinds = count(text)
    print(f"{accepted} petitions accepted at {args.rate:g}/s; monitoring "
          f"{'knows every one' if drained['caught_up'] else 'still misses ' + str(drained['backlog'])}")
    for service in sorted(statements):
        print(f"{service}: {statements[service] / accepted:.1f} statements, "
              f"{transactions[service] / accepted:.1f} transactions per petition")
    print(f"all: {sum(statements.values()) / accepted:.1f} statements, "
          f"{sum(transactions.values()) / accepted:.1f} transactions per petition")
    for (service, statement), times in kinds.most_common(args.top):
        print(f"{times:5d}  {service:<10} {statement}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
