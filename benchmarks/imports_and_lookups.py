"""Imports (5,000-row CSV and XLSX; 100,000 rows in files of 5,000) and search / similar lookups.

An import's baseline is the time the bare insert loop, measured in the same run, needs for the same
number of rows: what the database alone would cost. A lookup's baseline is reading one petition by id.
"""

import statistics
import time

import httpx

from benchmarks import workload
from benchmarks.system import System
from benchmarks.table import row

FILE_ROWS = 5000
LARGE_ROWS = 100_000
IMPORT_TARGET_S = 3.0
LOOKUP_ROUNDS = 20


def import_rows(system: System, quick: bool, meeting_id: str, bare_rate: float) -> list[dict]:
    found = []
    for kind in ("csv", "xlsx"):
        filename, data = workload.import_file(FILE_ROWS, kind)
        seconds = workload.post_import(system, meeting_id, filename, data)
        found.append(row("import", f"{FILE_ROWS:,}-row {kind.upper()} file", seconds, "s", system.backend,
                         FILE_ROWS / bare_rate, "bare loop, same rows", f"<= {IMPORT_TARGET_S:.0f} s",
                         seconds <= IMPORT_TARGET_S, note=f"{len(data) / 1e6:.1f} MB, {FILE_ROWS / seconds:.0f} rows/s"))
    if not quick:
        found.append(large_import(system, meeting_id, bare_rate))
    return found


def large_import(system: System, meeting_id: str, bare_rate: float) -> dict:
    filename, data = workload.import_file(FILE_ROWS, "csv")
    started = time.monotonic()
    for _ in range(LARGE_ROWS // FILE_ROWS):
        workload.post_import(system, meeting_id, filename, data)
    seconds = time.monotonic() - started
    return row("import", f"{LARGE_ROWS:,} rows in CSV files of {FILE_ROWS:,}", seconds, "s", system.backend,
               LARGE_ROWS / bare_rate, "bare loop, same rows", note=f"{LARGE_ROWS / seconds:.0f} rows/s, one file "
               "after the other while the pipeline works through the earlier ones")


def lookup_rows(system: System) -> list[dict]:
    headers = {"Authorization": f"Bearer {system.token()}"}
    with httpx.Client(base_url=system.urls["intake"], headers=headers, timeout=60) as client:
        newest = client.get("/petitions", params={"limit": 1}).json()["items"][0]["id"]
        by_id = _median_ms(client, f"/petitions/{newest}", {})
        search = _median_ms(client, "/petitions", {"q": "duong lien thon", "limit": 50})
        similar = _median_ms(client, f"/petitions/{newest}/similar", {})
    note = f"median of {LOOKUP_ROUNDS}, over every petition this run entered"
    return [row("lookup", "search q='duong lien thon' (50)", search, "ms", system.backend, by_id,
                "GET one petition", note=note),
            row("lookup", "similar petitions (latest 5,000)", similar, "ms", system.backend, by_id,
                "GET one petition")]


def _median_ms(client: httpx.Client, path: str, params: dict) -> float:
    timings = []
    for _ in range(LOOKUP_ROUNDS):
        started = time.monotonic()
        client.get(path, params=params).raise_for_status()
        timings.append((time.monotonic() - started) * 1000)
    return statistics.median(timings)
