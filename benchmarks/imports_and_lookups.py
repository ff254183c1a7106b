"""Imports (5,000-row CSV and XLSX; 100,000 rows in files of 5,000) and search / similar lookups.

An import's baseline is the time a bare SQLAlchemy loop takes to insert the same number of rows (and
outbox rows) in one transaction, measured in the same run: what the database alone would cost. A lookup's baseline is reading one petition by id.
"""

import statistics
import time

import httpx

from benchmarks import workload
from benchmarks.system import SERVER_CPU, System
from benchmarks.table import row

FILE_ROWS = 5000
QUICK_FILE_ROWS = 1000
CONSUMERS = ("routing", "monitoring")
LARGE_ROWS = 100_000
LARGE_BUDGET_S = 120
IMPORT_TARGET_S = 3.0
LOOKUP_ROUNDS = 20


def bare_import_seconds(system: System, meeting: dict, rows: int) -> float:
    job = dict(meeting, url=system.db_urls["intake"], bodies=workload.petition_bodies(meeting["meeting_id"]), rows=rows)
    return workload.run_job(SERVER_CPU, "benchmarks.bare_insert", job)["seconds"]


def import_rows(system: System, quick: bool, meeting: dict) -> list[dict]:
    """Each file timed with routing and monitoring paused: the previous file's events would otherwise
    share the server core with it (they catch up afterwards), and the figure would depend on the order."""
    rows_per_file = QUICK_FILE_ROWS if quick else FILE_ROWS
    target_s = IMPORT_TARGET_S * rows_per_file / FILE_ROWS
    meeting_id, found = meeting["meeting_id"], []
    with system.paused(*CONSUMERS):
        bare_s = bare_import_seconds(system, meeting, rows_per_file)
    for kind in ("csv", "xlsx"):
        filename, data = workload.import_file(rows_per_file, kind)
        with system.paused(*CONSUMERS):
            seconds = workload.post_import(system, meeting_id, filename, data)
        found.append(row("import", f"{rows_per_file:,}-row {kind.upper()} file", seconds, "s", system.backend,
                         bare_s, "bare ORM, same rows, 1 transaction", f"<= {target_s:.1f} s",
                         seconds <= target_s, note=f"{len(data) / 1e6:.2f} MB, {rows_per_file / seconds:.0f} rows/s"
                         + ("; quick run: a fifth of the 5,000-row file, target scaled" if quick else "")))
    if not quick and system.backend == "postgres":  # the production database; SQLite would double the run
        found.append(large_import(system, meeting_id, bare_s * LARGE_ROWS / FILE_ROWS))
    return found


def large_import(system: System, meeting_id: str, bare_s: float) -> dict:
    """Files of 5,000 one after the other, within LARGE_BUDGET_S: beyond it the total is projected
    from the files done, so that the full run stays under 20 minutes on a slow day."""
    filename, data = workload.import_file(FILE_ROWS, "csv")
    started, files = time.monotonic(), 0
    with system.paused(*CONSUMERS):
        while files < LARGE_ROWS // FILE_ROWS and time.monotonic() - started < LARGE_BUDGET_S:
            workload.post_import(system, meeting_id, filename, data)
            files += 1
    seconds = (time.monotonic() - started) * (LARGE_ROWS // FILE_ROWS) / files
    done = "all files" if files == LARGE_ROWS // FILE_ROWS else \
        f"projected from {files} files imported in the {LARGE_BUDGET_S // 60:.0f}-minute budget"
    return row("import", f"{LARGE_ROWS:,} rows in CSV files of {FILE_ROWS:,}", seconds, "s", system.backend,
               bare_s, "bare ORM, 20 x the file's", note=f"{LARGE_ROWS / seconds:.0f} rows/s, {done}; "
               "routing and monitoring paused")


def lookup_rows(system: System, quick: bool) -> list[dict]:
    rounds = LOOKUP_ROUNDS // 4 if quick else LOOKUP_ROUNDS
    headers = {"Authorization": f"Bearer {system.token()}"}
    # Paused as for the imports: the lookups are timed on intake alone, not beside the import backlog.
    with system.paused(*CONSUMERS), httpx.Client(base_url=system.urls["intake"], headers=headers,
                                                 timeout=60) as client:
        newest = client.get("/petitions", params={"limit": 1}).json()["items"][0]["id"]
        by_id = _median_ms(client, f"/petitions/{newest}", {}, rounds)
        search = _median_ms(client, "/petitions", {"q": "duong lien thon", "limit": 50}, rounds)
        similar = _median_ms(client, f"/petitions/{newest}/similar", {}, rounds)
    note = f"median of {rounds}, over every petition this run entered"
    return [row("lookup", "search q='duong lien thon' (50)", search, "ms", system.backend, by_id,
                "GET one petition", note=note),
            row("lookup", "similar petitions (latest 5,000)", similar, "ms", system.backend, by_id,
                "GET one petition")]


def _median_ms(client: httpx.Client, path: str, params: dict, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.monotonic()
        client.get(path, params=params).raise_for_status()
        timings.append((time.monotonic() - started) * 1000)
    return statistics.median(timings)
