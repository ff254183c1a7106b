"""Faults while petitions are entered, corrected and answered; afterwards the services agree.

kill -9 of NATS and of a routing replica, SIGSTOP of a monitoring replica past the ack wait, a
PostgreSQL restart, two replicas of routing and monitoring; clients retry with an Idempotency-Key as
a real client would. Then `make reconcile`'s comparison must find nothing. CHAOS_PETITIONS sets the
size (`make chaos`: 1,000; `make test`: a small run that fits CI).
"""

import asyncio
import itertools
import os

import httpx
import pytest

from scripts.reconcile import settled_differences
from tests.e2e.chaos.system import System
from tests.support.routing import CONFIDENT

PETITIONS = int(os.environ.get("CHAOS_PETITIONS", "40"))
AGENCY = "08.SGTVT"
TRANSIENT = {502, 503, 504}
pytestmark = pytest.mark.postgres


@pytest.fixture
def system(pg_cluster, tmp_path):
    running = System(tmp_path, pg_cluster)
    try:
        running.start()
        yield running
    finally:
        running.stop()


class Client:
    """Retries what a person's browser would retry: no answer, or a 5xx that says try again."""

    def __init__(self, system: System):
        self.system = system
        self.http = httpx.AsyncClient(timeout=15)
        self.unexpected: list[str] = []

    async def send(self, method: str, url: str, headers: dict, **kwargs) -> httpx.Response:
        for _attempt in range(200):
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError:
                await asyncio.sleep(0.3)
                continue
            if response.status_code not in TRANSIENT:
                if response.status_code >= 500:
                    self.unexpected.append(f"{method} {url}: {response.status_code} {response.text[:200]}")
                return response
            await asyncio.sleep(0.3)
        raise TimeoutError(f"{method} {url} never answered")


async def enter(client: Client, meeting_id: str, index: int, entered: list[str]) -> None:
    intake = client.system.urls["intake"][0]
    headers = {**client.system.headers("secretariat"), "Idempotency-Key": f"chaos-{index}"}
    response = await client.send("POST", f"{intake}/petitions", headers,
                                 json={"meeting_id": meeting_id, "content": f"{CONFIDENT} Thôn số {index}."})
    assert response.status_code == 201, response.text
    entered.append(response.json()["id"])


async def correct_and_answer(client: Client, entered: list[str], done: asyncio.Event) -> tuple[set, set]:
    """The secretariat corrects every fifth petition; the agency answers the others it holds."""
    routing, monitoring = itertools.cycle(client.system.urls["routing"]), itertools.cycle(client.system.urls["monitoring"])
    corrected, answered = set(), set()
    while not done.is_set() or len(corrected) < len(entered[::5]):
        for petition_id in [p for p in entered[::5] if p not in corrected]:
            response = await client.send("POST", f"{next(routing)}/routings/{petition_id}/assignment",
                                         client.system.headers("secretariat"),
                                         json={"level": "district", "agency_code": "076.UBND", "reason": "Đường huyện"})
            if response.status_code == 200:
                corrected.add(petition_id)
        listing = await client.send("GET", f"{next(monitoring)}/petitions", client.system.headers("agency", AGENCY),
                                    params={"status": "assigned", "agency": AGENCY, "limit": 500})
        assert listing.status_code in (200, 500), listing.text  # a 500 is recorded as unexpected
        for item in listing.json().get("items", []):
            pid = item["petition_id"]
            if pid in answered or pid in entered[::5]:
                continue
            response = await client.send(
                "POST", f"{next(monitoring)}/petitions/{pid}/status-updates",
                {**client.system.headers("agency", AGENCY), "Idempotency-Key": f"answer-{pid}"},
                json={"status": "in_progress", "note": "Đã khảo sát", "planned_completion": "2030-06-30"})
            if response.status_code in (201, 403, 409):  # reassigned meanwhile: no longer this agency's
                answered.add(pid)
        await asyncio.sleep(0.5)
    return corrected, answered


def inject_faults(system: System) -> None:
    system.kill_nats()
    system.kill("routing", 0)
    system.pause("monitoring", seconds=7.0, replica=0)  # past the 5 s ack wait
    system.postgres.restart()


async def test_faults_lose_nothing_and_leave_the_services_in_agreement(system):
    client = Client(system)
    intake, secretariat = system.urls["intake"][0], system.headers("secretariat")
    session = await client.send("POST", f"{intake}/sessions", secretariat,
                                json={"name": "Kỳ họp thứ 20", "term": "2021-2026", "starts_on": "2024-12-05"})
    meeting = await client.send("POST", f"{intake}/meetings", secretariat, json={
        "session_id": session.json()["id"], "held_on": "2024-11-20", "kind": "voter_meeting",
        "unit_code": "02545", "delegates": ["Nguyễn Văn A"]})
    entered: list[str] = []
    done = asyncio.Event()
    updates = asyncio.create_task(correct_and_answer(client, entered, done))
    faults = asyncio.create_task(asyncio.to_thread(inject_faults, system))
    for start in range(0, PETITIONS, 4):
        await asyncio.gather(*(enter(client, meeting.json()["id"], index, entered)
                               for index in range(start, min(start + 4, PETITIONS))))
    await faults
    done.set()
    corrected, answered = await asyncio.wait_for(updates, timeout=120)
    assert corrected and answered  # the load did what it says

    clients = [httpx.AsyncClient(base_url=system.urls[name][-1], headers=system.headers("committee"), timeout=30)
               for name in ("intake", "routing", "monitoring")]
    try:
        assert await settled_differences(clients, settle=90) == []
        listed = (await clients[0].get("/petitions", params={"limit": 200})).json()["items"]
    finally:
        for reader in clients:
            await reader.aclose()
    assert len(set(entered)) == PETITIONS and (PETITIONS > 200 or len(listed) == PETITIONS)
    assert client.unexpected == []
    await client.http.aclose()
