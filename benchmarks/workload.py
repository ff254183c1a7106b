"""What the benchmarks send and how they wait: realistic petitions, a meeting, jobs on pinned cores.

Petition texts are the repository's invented labelled petitions (dev, check, blind): routing assigns
almost all of them without review, so they travel the whole pipeline. Petitioners are invented too
(one name, address and phone per petition, as a secretariat enters them); none is ever printed.
"""

import asyncio
import csv
import io
import json
import subprocess
import sys
import time

import httpx
from openpyxl import Workbook
from sqlalchemy import func, select

from benchmarks.system import ROOT, System, nats_connection, pinned
from services.intake.models import Petition as IntakePetition
from services.monitoring.models import Petition as MonitoredPetition
from shared.db import make_engine
from shared.events import STREAM_NAME

LABELLED = ROOT / "services" / "routing" / "classification" / "data" / "labelled"
INVENTED_SETS = ("petitions-dev.jsonl", "petitions-check.jsonl", "petitions-blind.jsonl")
MEETING_UNIT = "02545"
PETITIONER = {"name": "Nguyễn Văn Bình", "address": "Thôn Tân Lập, xã Tân Trào", "phone": "0912 345 678"}


def labelled_petitions() -> list[dict]:
    items = []
    for name in INVENTED_SETS:
        for line in (LABELLED / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def petition_bodies(meeting_id: str) -> list[str]:
    return [json.dumps({"meeting_id": meeting_id, "content": item["content"], "voters_count": 12,
                        "unit_code": item["meeting_unit"], "petitioners": [PETITIONER]}, ensure_ascii=False)
            for item in labelled_petitions()]


def create_meeting(system: System) -> dict:
    """A session and a voter meeting through intake's API, as a secretariat records them."""
    headers = {"Authorization": f"Bearer {system.token()}"}
    with httpx.Client(base_url=system.urls["intake"], headers=headers, timeout=30) as client:
        session = client.post("/sessions", json={"name": "Kỳ họp thứ 20", "term": "2021-2026",
                                                 "starts_on": "2024-12-10"}).raise_for_status().json()
        meeting = client.post("/meetings", json={
            "session_id": session["id"], "held_on": "2024-11-25", "kind": "voter_meeting",
            "unit_code": MEETING_UNIT, "delegates": ["Nguyễn Thị Hương"]}).raise_for_status().json()
    return {"meeting_id": meeting["id"], "session_id": session["id"], "unit_code": MEETING_UNIT}


def run_job(cpu: str, module: str, job: dict, timeout: float = 600) -> dict:
    """One JSON job to a helper process pinned to `cpu`; its JSON answer."""
    done = subprocess.run(pinned(cpu, [sys.executable, "-m", module]), input=json.dumps(job), text=True,
                          capture_output=True, cwd=ROOT, timeout=timeout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise RuntimeError(f"{module} failed: {last}")
    return json.loads(done.stdout)


async def _counts(system: System) -> tuple[int, int, int]:
    intake = make_engine(system.db_urls["intake"])
    monitoring = make_engine(system.db_urls["monitoring"])
    try:
        async with intake.connect() as connection:
            received = await connection.scalar(select(func.count()).select_from(IntakePetition)
                                               .where(IntakePetition.created_by != "bench-bare"))
        async with monitoring.connect() as connection:
            known = await connection.scalar(select(func.count()).select_from(MonitoredPetition))
            assigned = await connection.scalar(select(func.count()).select_from(MonitoredPetition)
                                               .where(MonitoredPetition.assigned_at.is_not(None)))
    finally:
        await intake.dispose()
        await monitoring.dispose()
    return received, known, assigned


def drain(system: System, timeout: float) -> dict:
    """Wait until monitoring knows every petition intake took, no consumer has an event left in NATS and
    assignments stop; how fast it went.

    Counts alone are not enough: on a slow core routing may spend over a second on one batch, with
    monitoring knowing every petition and nothing assigned meanwhile (a run once measured everything
    after the burst under a backlog of 4,000 events).
    """
    started = time.monotonic()
    _, _, first_assigned = asyncio.run(_counts(system))
    last, stable_since = None, time.monotonic()
    while time.monotonic() - started < timeout:
        received, known, assigned = asyncio.run(_counts(system))
        waiting = asyncio.run(_waiting_in_nats(system.nats_url))
        if (known, assigned, waiting) != last:
            last, stable_since = (known, assigned, waiting), time.monotonic()
        elif known == received and not waiting and time.monotonic() - stable_since >= 1.0:
            break
        time.sleep(0.25)
    seconds = max(stable_since - started, 1e-9)
    return {"seconds": seconds, "assigned": last[1] - first_assigned, "caught_up": last[0] == received and not last[2],
            "backlog": received - last[0], "received": received, "in_nats": last[2]}


async def _waiting_in_nats(nats_url: str) -> int:
    """Events the stream's consumers have not yet been given or not yet acknowledged."""
    async with nats_connection(nats_url) as connection:
        consumers = await connection.jetstream().consumers_info(STREAM_NAME)
    return sum(info.num_pending + info.num_ack_pending for info in consumers)


def import_file(rows: int, kind: str) -> tuple[str, bytes]:
    header = ["content", "voters_count", "unit_code", "petitioner_name", "petitioner_address", "petitioner_phone"]
    items = labelled_petitions()
    table = [[items[i % len(items)]["content"], 12, items[i % len(items)]["meeting_unit"], PETITIONER["name"],
              PETITIONER["address"], PETITIONER["phone"]] for i in range(rows)]
    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *table])
        return "petitions.csv", buffer.getvalue().encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in [header, *table]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "petitions.xlsx", buffer.getvalue()


def post_import(system: System, meeting_id: str, filename: str, data: bytes) -> float:
    headers = {"Authorization": f"Bearer {system.token()}"}
    started = time.monotonic()
    # The same rows go in again and again (CSV then XLSX, files of 5,000): the duplicate check runs, and
    # on_duplicates=import writes them anyway, so each file costs what a new one would.
    answer = httpx.post(f"{system.urls['intake']}/petitions:import",
                        params={"meeting_id": meeting_id, "on_duplicates": "import"},
                        files={"file": (filename, data)}, headers=headers, timeout=300)
    seconds = time.monotonic() - started
    if answer.status_code != 201:
        raise RuntimeError(f"import refused: {answer.status_code} {answer.text[:300]}")
    return seconds


async def _assigned_contents(system: System) -> set[str]:
    intake = make_engine(system.db_urls["intake"])
    monitoring = make_engine(system.db_urls["monitoring"])
    try:
        async with monitoring.connect() as connection:
            assigned = set((await connection.execute(
                select(MonitoredPetition.id).where(MonitoredPetition.assigned_at.is_not(None)))).scalars())
        async with intake.connect() as connection:
            entered = (await connection.execute(select(IntakePetition.id, IntakePetition.content)
                                                .where(IntakePetition.created_by != "bench-bare"))).all()
    finally:
        await intake.dispose()
        await monitoring.dispose()
    waiting = {content for petition_id, content in entered if petition_id not in assigned}
    return {content for _, content in entered} - waiting


def auto_assigned(system: System, bodies: list[str]) -> list[str]:
    """The bodies routing assigned without review in the throughput run (decisions are deterministic):
    a petition waiting for a person would otherwise count as an endless latency."""
    contents = asyncio.run(_assigned_contents(system))
    kept = [body for body in bodies if json.loads(body)["content"] in contents]
    return kept or bodies
