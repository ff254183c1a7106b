"""The database's ceiling: the same petition rows plus an outbox row, inserted by a bare SQLAlchemy loop.

Runs on the server core (`taskset -c 1 python -m benchmarks.bare_insert`, one JSON job on stdin) into
intake's own database: one transaction per petition, as the service commits them — the year's code
counter, the petition, its petitioners and the outbox row. No HTTP, no validation, no framework. The
outbox rows are written already published (and under another year's codes) so the relay leaves them
alone and the pipeline sees none of them. With `rows` in the job: that many petitions in one
transaction instead (an import's baseline), timed.
"""

import asyncio
import json
import sys
import time
import uuid

from services.intake.models import OutboxMessage, Petition, Petitioner
from services.intake.petitions.repository import take_next_number
from shared.db import make_engine, make_session_factory
from shared.persistence import utcnow
from shared.text import fold

BARE_YEAR = 1999


def rows(body: dict, job: dict, number: int) -> list:
    petition_id = uuid.uuid4()
    petition = Petition(id=petition_id, code=f"KN-{BARE_YEAR}-{number:06d}", meeting_id=uuid.UUID(job["meeting_id"]),
                        session_id=uuid.UUID(job["session_id"]), unit_code=job["unit_code"], content=body["content"],
                        content_folded=fold(body["content"]), voters_count=body.get("voters_count"),
                        created_at=utcnow(), created_by="bench-bare")
    petitioners = [Petitioner(petition_id=petition_id, **p) for p in body["petitioners"]]
    outbox = OutboxMessage(event_id=str(uuid.uuid4()), subject="petitions.received",
                           payload=json.dumps({"id": str(petition_id), "content": body["content"]}),
                           published_at=utcnow())
    return [petition, *petitioners, outbox]


async def insert_loop(job: dict) -> dict:
    engine = make_engine(job["url"])
    session_factory = make_session_factory(engine)
    bodies = [json.loads(b) for b in job["bodies"]]
    count, started = 0, time.monotonic()
    while time.monotonic() - started < job["duration"]:
        async with session_factory() as session, session.begin():
            number = await take_next_number(session, BARE_YEAR)
            petition, *others = rows(bodies[count % len(bodies)], job, number)
            session.add(petition)
            await session.flush()  # the petition first: petitioners reference it
            session.add_all(others)
        count += 1
    elapsed = time.monotonic() - started
    await engine.dispose()
    return {"rate": count / elapsed, "count": count}


async def one_transaction(job: dict) -> dict:
    """`rows` petitions in a single transaction, as an import commits a whole file."""
    engine = make_engine(job["url"])
    session_factory = make_session_factory(engine)
    bodies = [json.loads(b) for b in job["bodies"]]
    started = time.monotonic()
    async with session_factory() as session, session.begin():
        for index in range(job["rows"]):
            number = await take_next_number(session, BARE_YEAR)
            petition, *others = rows(bodies[index % len(bodies)], job, number)
            session.add(petition)
            await session.flush()
            session.add_all(others)
    seconds = time.monotonic() - started
    await engine.dispose()
    return {"seconds": seconds}


if __name__ == "__main__":
    job = json.load(sys.stdin)
    json.dump(asyncio.run(one_transaction(job) if job.get("rows") else insert_loop(job)), sys.stdout)
