"""Reading and writing the real JetStream stream from tests."""

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime

import nats
from nats.js.errors import NotFoundError

from shared.events import EventData, make_envelope
from shared.messaging import ensure_stream


async def stream_events(nats_url: str, subject: str | None = None) -> list[tuple[dict, dict]]:
    """Every (headers, envelope) stored in the PETITIONS stream, optionally of one subject."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        try:
            info = await js.stream_info("PETITIONS")
        except NotFoundError:
            return []
        found = []
        for seq in range(max(info.state.first_seq, 1), info.state.last_seq + 1):
            try:
                message = await js.get_msg("PETITIONS", seq)
            except NotFoundError:
                continue
            if subject is None or message.subject == subject:
                found.append((dict(message.headers or {}), json.loads(message.data)))
        return found
    finally:
        await connection.close()


async def wait_for_events(nats_url: str, subject: str, petition_ids: set[str], timeout: float = 20.0,
                          at_least: int = 1) -> list[dict]:
    """Envelopes of `subject` about these petitions, once each petition has `at_least` of them."""
    deadline = time.monotonic() + timeout
    while True:
        events = [env for _, env in await stream_events(nats_url, subject) if env["petition_id"] in petition_ids]
        counts = {pid: sum(1 for env in events if env["petition_id"] == pid) for pid in petition_ids}
        if all(count >= at_least for count in counts.values()):
            return events
        if time.monotonic() > deadline:
            raise TimeoutError(f"{subject}: got {counts} after {timeout}s")
        await asyncio.sleep(0.2)


async def publish_event(nats_url: str, petition_id: uuid.UUID, data: EventData, source: str = "test",
                        event_id: uuid.UUID | None = None, msg_id: str | None = None,
                        sequence: int | None = None) -> dict:
    """Publish an envelope as another service would; msg_id differs from the event id to defeat dedup."""
    envelope = make_envelope(source, petition_id, data, occurred_at=datetime.now(UTC), sequence=sequence)
    if event_id is not None:
        envelope.id = event_id
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "PETITIONS")
        await js.publish(envelope.subject, envelope.model_dump_json().encode(),
                         headers={"Nats-Msg-Id": msg_id or str(envelope.id)})
    finally:
        await connection.close()
    return envelope.model_dump(mode="json")


async def publish_envelopes(nats_url: str, *envelopes) -> None:
    """Publish envelopes made by the test, in order, each deduplicated by its own id."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "PETITIONS")
        for envelope in envelopes:
            await js.publish(envelope.subject, envelope.model_dump_json().encode(),
                             headers={"Nats-Msg-Id": str(envelope.id)})
    finally:
        await connection.close()


async def publish_raw(nats_url: str, subject: str, payload: bytes) -> None:
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "PETITIONS")
        await js.publish(subject, payload, headers={"Nats-Msg-Id": str(uuid.uuid4())})
    finally:
        await connection.close()
