"""Faults while petitions are entered, corrected and answered; afterwards the services agree.

Two replicas of every service on one PostgreSQL and one NATS. kill -9 of NATS and of one replica of
each service (intake, routing, monitoring), SIGSTOP of the other monitoring replica past the ack
wait, a PostgreSQL restart; clients spread over both replicas and retry with an Idempotency-Key as a
real client would. Then `make reconcile`'s comparison must find nothing (nothing lost, nothing
counted twice, every timeline ending on routing's last decision), no outbox holds anything, and the
petition codes are 1..N without a gap. CHAOS_PETITIONS sets the size (`make chaos`: 1,000; `make
test`: a small run that fits CI).
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
    intake = client.system.urls["intake"][index % 2]  # both replicas take petitions
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


async def every_petition(intake: httpx.AsyncClient) -> list[dict]:
    items, cursor = [], None
    while True:
        page = (await intake.get("/petitions", params={"limit": 200, **({"cursor": cursor} if cursor else {})})).json()
        items += page["items"]
        if not (cursor := page.get("next_cursor")):
            return items


def faults(system: System) -> list:
    """In order, each while a slice of the petitions is being entered (so each lands mid-load)."""
    return [system.kill_nats, lambda: system.kill("intake", 0), lambda: system.kill("routing", 0),
            lambda: system.kill("monitoring", 1),
            lambda: system.pause("monitoring", seconds=7.0, replica=0),  # past the 5 s ack wait
            system.postgres.restart]


async def enter_during_faults(client: Client, meeting_id: str, entered: list[str]) -> None:
    injected = faults(client.system)
    size = -(-PETITIONS // len(injected))  # ceiling: every petition is in one slice
    for number, fault in enumerate(injected):
        running = asyncio.create_task(asyncio.to_thread(fault))
        indices = range(number * size, min((number + 1) * size, PETITIONS))
        for start in indices[::4]:
            await asyncio.gather(*(enter(client, meeting_id, index, entered)
                                   for index in range(start, min(start + 4, indices.stop))))
        await running


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
    await enter_during_faults(client, meeting.json()["id"], entered)
    done.set()
    corrected, answered = await asyncio.wait_for(updates, timeout=120)
    assert corrected and answered  # the load did what it says

    clients = [httpx.AsyncClient(base_url=system.urls[name][-1], headers=system.headers("committee"), timeout=30)
               for name in ("intake", "routing", "monitoring")]
    try:
        assert await settled_differences(clients, settle=90) == []
        listed = await every_petition(clients[0])
    finally:
        for reader in clients:
            await reader.aclose()
    assert len(set(entered)) == PETITIONS and {item["id"] for item in listed} == set(entered)
    numbers = sorted(int(item["code"].rsplit("-", 1)[1]) for item in listed)
    assert numbers == list(range(1, PETITIONS + 1))  # two intakes: unique codes, no gap
    assert client.unexpected == []
    await client.http.aclose()
