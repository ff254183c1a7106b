"""Intake throughput, end-to-end latency, imports, lookups and memory of a real system, per database.

For SQLite and then PostgreSQL: a fresh system (benchmarks.system: nats-server + the three services,
pinned to the server core), the load generator on the other core, calibrated first against a
framework-less server. Each figure is set beside its ceiling measured in the same run: POST /petitions
beside GET /healthz on the same server (the framework's ceiling) and beside a bare SQLAlchemy insert
loop of the same rows (the database's ceiling).
"""

import subprocess
import sys
import time

from benchmarks import workload
from benchmarks.imports_and_lookups import import_rows, lookup_rows
from benchmarks.system import LOAD_CPU, ROOT, SERVER_CPU, SERVICES, System, memory_kib, pinned
from benchmarks.table import row
from tests.support.servers import free_port, postgres_bin_dir

CONCURRENCY = 16
LOAD_SHARES = (0.50, 0.75, 0.90)
INTAKE_TARGET = {"sqlite": 500, "postgres": 1000}
MEMORY_TARGET_MB = 150


def timings(quick: bool) -> dict:
    # Full run: about 5 minutes per database (the 100,000-row import adds its budget), inside make bench's 20.
    return {"warmup": 0.5 if quick else 2, "duration": 1.5 if quick else 10, "latency": 2.5 if quick else 10,
            "settle": 6 if quick else 15, "drain": 30 if quick else 90}


def rows(quick: bool) -> list[dict]:
    found = [row("load generator", "requests /s, framework-less server", calibrate(quick), "/s",
                 note="the generator's own ceiling: figures near it measure the generator, not the server")]
    for db in ("sqlite", "postgres"):
        if db == "postgres" and postgres_bin_dir() is None:
            found.append(row("intake", "PostgreSQL absent: skipped", None, "", db))
            continue
        system, started = System(db), time.monotonic()
        system.start()
        print(f"  {db}: system ready in {time.monotonic() - started:.0f} s", flush=True)
        try:
            measure(system, quick, found)
        except Exception as exc:  # the figures already taken stay in the table
            found.append(row("pipeline", "FAILED", None, "", db, note=f"{type(exc).__name__}: {exc}"[:300]))
        finally:
            system.stop()
    return found


def closed(url: str, quick: bool, method: str = "GET", headers: dict | None = None, bodies=None) -> dict:
    t = timings(quick)
    job = {"mode": "closed", "url": url, "method": method, "headers": headers or {}, "bodies": bodies,
           "concurrency": CONCURRENCY, "warmup": t["warmup"], "duration": t["duration"]}
    return workload.run_job(LOAD_CPU, "benchmarks.loadgen", job)


def calibrate(quick: bool) -> float:
    port = free_port()
    server = subprocess.Popen(pinned(SERVER_CPU, [sys.executable, "-m", "benchmarks.trivial_server", str(port)]),
                              cwd=ROOT)
    try:
        time.sleep(0.5)
        return closed(f"http://127.0.0.1:{port}/", quick)["rate"]
    finally:
        server.terminate()
        server.wait()


def measure(system: System, quick: bool, found: list[dict]) -> None:
    """Appends each phase's rows to `found` as it ends, so a later failure keeps them."""
    idle = {name: memory_kib(pid)["VmRSS"] for name, pid in system.pids.items()}
    meeting = workload.create_meeting(system)
    bodies = workload.petition_bodies(meeting["meeting_id"])
    headers = {"Authorization": f"Bearer {system.token()}"}
    clock = PhaseClock(system.backend)
    taken, intake = throughput(system, quick, meeting, bodies, headers)
    found += taken
    clock.lap("throughput")
    # The whole chain shares the core: the most it sustains is the lower of what intake takes while the
    # others work and what routing and monitoring work off (a rate above that only measures a queue).
    sustained = min(intake["live"], intake["pipeline"])
    found += latency(system, quick, workload.auto_assigned(system, bodies), headers, sustained)
    clock.lap("end-to-end")
    found += import_rows(system, quick, meeting)
    clock.lap("imports")
    found += lookup_rows(system, quick)
    found += memory_rows(system, idle)
    clock.lap("lookups")


class PhaseClock:
    """Prints how long each phase took, so the run's time can be kept inside its budget."""

    def __init__(self, label: str):
        self.label, self.started = label, time.monotonic()

    def lap(self, phase: str) -> None:
        now = time.monotonic()
        print(f"  {self.label}: {phase} {now - self.started:.0f} s", flush=True)
        self.started = now


def throughput(system: System, quick: bool, meeting: dict, bodies: list[str], headers: dict):
    db, url = system.backend, system.urls["intake"]
    health = closed(url + "/healthz", quick)
    # All of the system shares the server core: while routing and monitoring work through the petitions,
    # intake has what they leave. Frozen, they catch up afterwards (as after a burst, from NATS), and the
    # figure is intake's own capacity, the one compared with its ceilings.
    with system.paused("routing", "monitoring"):
        post = closed(url + "/petitions", quick, "POST", headers, bodies)
    caught_up = workload.drain(system, timings(quick)["drain"])
    live = closed(url + "/petitions", quick, "POST", headers, bodies)
    workload.drain(system, timings(quick)["drain"])
    bare_job = dict(meeting, url=system.db_urls["intake"], bodies=bodies, duration=timings(quick)["duration"])
    bare = workload.run_job(SERVER_CPU, "benchmarks.bare_insert", bare_job)
    target = INTAKE_TARGET[db]
    met = post["rate"] >= target and post["rate"] >= 0.6 * bare["rate"]
    found = [
        row("intake", "GET /healthz /s", health["rate"], "/s", db, note=f"p99 {health['latency_ms']['p99']:.1f} ms"),
        row("intake", "POST /petitions accepted /s", post["rate"], "/s", db, health["rate"], "GET /healthz",
            note=f"{CONCURRENCY} connections, routing and monitoring frozen; p50 {post['latency_ms']['p50']:.0f} ms, "
                 f"p99 {post['latency_ms']['p99']:.0f} ms; statuses {post['statuses']}"),
        row("intake", "POST /petitions accepted /s, pipeline working", live["rate"], "/s", db, post["rate"],
            "intake alone", note=f"routing and monitoring consuming on the same core; p99 "
                                 f"{live['latency_ms']['p99']:.0f} ms; statuses {live['statuses']}"),
        row("intake", "POST /petitions vs bare insert loop", post["rate"], "/s", db, bare["rate"],
            "bare insert+outbox", f">= {target}/s and >= 60%", met),
        pipeline_row(db, caught_up, post["rate"]),
    ]
    return found, {"post": post["rate"], "live": live["rate"], "bare": bare["rate"], "pipeline": _rate(caught_up)}


def _rate(caught_up: dict) -> float:
    return caught_up["assigned"] / caught_up["seconds"]


def pipeline_row(db: str, caught_up: dict, intake_rate: float) -> dict:
    rate = _rate(caught_up)
    note = f"{caught_up['assigned']} assigned in {caught_up['seconds']:.1f} s after the intake burst"
    if not caught_up["caught_up"]:
        note += (f"; when the wait ended {caught_up['backlog']} not in monitoring, "
                 f"{caught_up['in_nats']} events not yet handled by a consumer")
    return row("pipeline", "assigned in monitoring /s (backlog)", rate, "/s", db, intake_rate,
               "intake accepted", note=note)


def latency(system: System, quick: bool, bodies: list[str], headers: dict, max_rate: float) -> list[dict]:
    t, found = timings(quick), []
    for share in LOAD_SHARES:
        job = {"mode": "open", "url": system.urls["intake"] + "/petitions", "headers": headers, "bodies": bodies,
               "rate": max_rate * share, "duration": t["latency"], "settle": t["settle"],
               "monitoring_db": system.db_urls["monitoring"], "nats_url": system.nats_url}
        result = workload.run_job(LOAD_CPU, "benchmarks.loadgen", job)
        ms = result["latency_ms"]
        met = (ms["p99"] is not None and ms["p99"] <= 50) if share == 0.75 else None
        late = "" if ms["p99"] is not None else f"p99 beyond the {t['latency'] + t['settle']} s watch; "
        found.append(row("end-to-end", f"POST answer → assigned, p99 at {share:.0%} load", ms["p99"], "ms",
                         system.backend, ms["p50"], "p50", "<= 50 ms at 75%" if share == 0.75 else "", met,
                         note=f"{late}{max_rate * share:.0f}/s (of {max_rate:.0f}/s sustained) for {t['latency']} s: "
                              f"p95 {ms_text(ms['p95'])}, max "
                              f"{ms_text(ms['max'])}; {result['assigned']} of {result['sent']} assigned in the "
                              f"window; POST p99 {ms_text(result['post_ms']['p99'])}; {hops_text(result['hops_ms'])}"))
        if result["assigned"] < result["answered"] * 0.95:  # a backlog left would slow the next rate
            workload.drain(system, t["drain"])
    return found


def memory_rows(system: System, idle: dict[str, int]) -> list[dict]:
    found = []
    for name in SERVICES:
        peak = memory_kib(system.pids[name])["VmHWM"] / 1024
        found.append(row("memory", f"{name} peak RSS (VmHWM)", peak, "MB", system.backend, idle[name] / 1024,
                         "at rest after start", f"<= {MEMORY_TARGET_MB} MB", peak <= MEMORY_TARGET_MB))
    return found


def hops_text(hops: dict[str, dict]) -> str:
    """Where the time went: each hop's p50 / p99 (POST answer → received on NATS → routed → assigned)."""
    return "hops p50/p99: " + ", ".join(f"{name} {ms_text(ms['p50'])}/{ms_text(ms['p99'])}"
                                        for name, ms in hops.items())


def ms_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"
