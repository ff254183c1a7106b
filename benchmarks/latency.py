"""End-to-end latency at a fixed rate: from the POST's answer to the petition assigned in monitoring.

Runs inside the load generator (its own core). Requests leave on a fixed schedule whatever the
answers do (open loop: a slow server does not slow the arrivals, as voters' petitions do not wait).
A watcher reads monitoring's own database every POLL_SECONDS for the petitions not yet assigned: a
direct read adds no HTTP load to the service measured; the poll interval bounds the resolution.
A plain NATS subscription beside it notes when each petition's `received` and `routed` events were
published, which splits the time into its hops: intake's relay, routing, monitoring.
"""

import asyncio
import json
import time
import uuid

import nats
from sqlalchemy import select

from benchmarks.loadgen import Connection, percentiles, raw_request
from services.monitoring.tracking.models import Petition
from shared.db import make_engine

POLL_SECONDS = 0.005
CONNECTIONS = 64
# Under load monitoring applies events in bursts, pauses of over a second included.
QUIET_SECONDS = 3.0


async def open_loop(job: dict) -> dict:
    requests = [raw_request(job["url"], "POST", job["headers"], body) for body in job["bodies"]]
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(CONNECTIONS):
        pool.put_nowait(Connection(job["url"]))
    answered: dict[str, float] = {}
    post_ms: list[float] = []
    failures = [0]

    async def send(raw: bytes) -> None:
        connection = await pool.get()
        begin = time.monotonic()
        try:
            status, body = await connection.send(raw)
        finally:
            pool.put_nowait(connection)
        post_ms.append((time.monotonic() - begin) * 1000)
        if status == 201:
            answered[json.loads(body)["id"]] = time.monotonic()
        else:
            failures[0] += 1

    watcher = Watcher(job["monitoring_db"], answered)
    watching = asyncio.create_task(watcher.run())
    published = await Published.subscribe(job["nats_url"])
    await schedule(send, requests, job["rate"], job["duration"])
    await watcher.settle(job["settle"])
    watching.cancel()
    await watcher.close()
    await published.close()
    # A petition not assigned when the watch ends counts as slower than any that was: a percentile
    # that falls on one is unknown (None), not the percentile of the lucky ones.
    latencies = [(watcher.assigned[i] - answered[i]) * 1000 if i in watcher.assigned else float("inf")
                 for i in answered]
    figures = {k: (None if v == float("inf") else v) for k, v in percentiles(latencies).items()}
    return {"sent": len(post_ms), "failed": failures[0], "answered": len(answered),
            "assigned": len(watcher.assigned), "latency_ms": figures, "post_ms": percentiles(post_ms),
            "hops_ms": published.hops(answered, watcher.assigned)}


async def schedule(send, requests: list[bytes], rate: float, duration: float) -> None:
    started, tasks = time.monotonic(), []
    for index in range(int(rate * duration)):
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(requests[index % len(requests)])))
    await asyncio.gather(*tasks)


class Watcher:
    def __init__(self, database_url: str, answered: dict[str, float]):
        self.engine = make_engine(database_url)
        self.answered = answered
        self.assigned: dict[str, float] = {}

    def pending(self) -> list[str]:
        return [i for i in self.answered if i not in self.assigned]

    async def run(self) -> None:
        while True:
            await self.poll_once()
            await asyncio.sleep(POLL_SECONDS)

    async def poll_once(self) -> None:
        pending = self.pending()
        for start in range(0, len(pending), 500):
            chunk = [uuid.UUID(i) for i in pending[start:start + 500]]
            async with self.engine.connect() as connection:
                rows = await connection.execute(
                    select(Petition.id).where(Petition.id.in_(chunk), Petition.assigned_at.is_not(None)))
                now = time.monotonic()
                for (petition_id,) in rows:
                    self.assigned.setdefault(str(petition_id), now)

    async def settle(self, timeout: float) -> None:
        """Wait for the stragglers until none is assigned for QUIET_SECONDS (a few wait for review) or timeout."""
        deadline, last_change, seen = time.monotonic() + timeout, time.monotonic(), len(self.assigned)
        while self.pending() and time.monotonic() < deadline and time.monotonic() - last_change < QUIET_SECONDS:
            await asyncio.sleep(0.05)
            if len(self.assigned) != seen:
                seen, last_change = len(self.assigned), time.monotonic()

    async def close(self) -> None:
        await self.engine.dispose()


class Published:
    """When each petition's events went out on NATS, seen by a plain (core) subscription."""

    SUBJECTS = {"petitions.received": "received", "petitions.routed": "routed"}

    def __init__(self, connection):
        self.connection = connection
        self.seen: dict[str, dict[str, float]] = {name: {} for name in self.SUBJECTS.values()}

    @classmethod
    async def subscribe(cls, nats_url: str) -> "Published":
        published = cls(await nats.connect(nats_url))
        for subject in cls.SUBJECTS:
            await published.connection.subscribe(subject, cb=published._note)
        return published

    async def _note(self, message) -> None:
        petition_id = json.loads(message.data).get("petition_id")
        self.seen[self.SUBJECTS[message.subject]].setdefault(petition_id, time.monotonic())

    def hops(self, answered: dict[str, float], assigned: dict[str, float]) -> dict[str, dict]:
        """p50/p99 of each hop over the petitions seen at every step."""
        received, routed = self.seen["received"], self.seen["routed"]
        complete = [i for i in answered if i in received and i in routed and i in assigned]
        return {"intake relay": percentiles([(received[i] - answered[i]) * 1000 for i in complete]),
                "routing": percentiles([(routed[i] - received[i]) * 1000 for i in complete]),
                "monitoring": percentiles([(assigned[i] - routed[i]) * 1000 for i in complete])}

    async def close(self) -> None:
        await self.connection.close()
