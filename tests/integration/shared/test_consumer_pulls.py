"""What a consumer asks nats-server for: the rest of a batch only when something is waiting behind
the first message (each pull with an expiry is a wait the server sits out on every event's path)."""

import asyncio
import uuid
from datetime import datetime, timezone

import pytest

from shared.consumers import EventConsumer
from shared.messaging import ConsumerSpec, NatsLink
from shared.observability import ServiceMetrics
from tests.support.events import publish_envelopes
from tests.support.monitoring import received
from tests.support.servers import NatsServer


@pytest.fixture
async def link():
    server = NatsServer()
    server.start()
    nats_link = NatsLink(server.url, "pulls", "PETITIONS")
    nats_link.start()
    await asyncio.wait_for(nats_link.ready.wait(), timeout=20)
    yield nats_link, server.url
    await nats_link.close()
    server.cleanup()


async def _pulls_for_one_batch(link, events: int, handed_back: bool = False) -> tuple[int, list[int]]:
    nats_link, url = link
    await publish_envelopes(url, *[received(uuid.uuid4(), datetime.now(timezone.utc)) for _ in range(events)])
    spec = ConsumerSpec(durable="pulls", subjects=["petitions.received"], handler=None)
    consumer = EventConsumer(spec, nats_link, lambda: None, ServiceMetrics("pulls"), batch=50)
    subscription = await consumer.ensure()
    if handed_back:  # another replica took them and gave them back: they come again as redeliveries
        for message in await subscription.fetch(events, timeout=2):
            await message.nak()
    asked: list[int] = []
    fetch = subscription.fetch

    async def counted(batch: int, timeout: float):
        asked.append(batch)
        return await fetch(batch, timeout=timeout)

    subscription.fetch = counted
    consumer._subscription = subscription
    return len(await consumer._next_batch()), asked


async def test_a_lone_event_is_taken_with_one_pull(link):
    assert await _pulls_for_one_batch(link, 1) == (1, [1])


async def test_events_waiting_behind_the_first_come_in_the_same_batch(link):
    assert await _pulls_for_one_batch(link, 5) == (5, [1, 49])


async def test_redelivered_events_come_in_one_batch(link):
    """The server's pending count leaves redeliveries out: behind a redelivered one, the consumer looks."""
    assert await _pulls_for_one_batch(link, 5, handed_back=True) == (5, [1, 49])
