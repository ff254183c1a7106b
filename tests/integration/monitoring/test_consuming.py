"""The monitoring consumer on a real nats-server: batches, a killed consumer, slow work (SQLite and PostgreSQL)."""

import asyncio
import time
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import nats
import pytest
from sqlalchemy import func, select

from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from services.monitoring.tracking.handlers import consumers
from services.monitoring.tracking.models import Petition
from shared.consumers import EventConsumer
from shared.messaging import ConsumerSpec, NatsLink
from shared.migrations import upgrade
from shared.observability import ServiceMetrics
from tests.support.apps import running_app
from tests.support.events import publish_envelopes
from tests.support.monitoring import MIGRATIONS, received, routed
from tests.support.servers import NatsServer

UTC = timezone.utc


@pytest.fixture
def nats_of_its_own():
    """A nats-server for one test: the durable consumer starts with nothing pending."""
    server = NatsServer()
    server.start()
    yield server
    server.cleanup()


@asynccontextmanager
async def monitoring(database_url, nats_url, run_dir):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    settings = MonitoringSettings(run_dir=run_dir, database_url=database_url, nats_url=nats_url,
                                  environment="test", outbox_poll_seconds=0.2)
    application = create_app(settings)
    async with running_app(application):
        yield application.state.runtime


async def count_assigned(runtime) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(Petition).where(Petition.status == "assigned"))


async def wait_until(predicate, timeout: float) -> float:
    start = time.monotonic()
    while not await predicate():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"not done after {timeout}s")
        await asyncio.sleep(0.1)
    return time.monotonic() - start


def petitions(count: int, at: datetime) -> list:
    envelopes = []
    for _ in range(count):
        petition_id = uuid.uuid4()
        envelopes += [received(petition_id, at), routed(petition_id, at + timedelta(hours=1), sequence=1)]
    return envelopes


async def test_a_batch_with_an_early_event_applies_the_rest_and_retries_it(database_url, nats_of_its_own, tmp_path):
    at = datetime.now(UTC) - timedelta(days=1)
    early = uuid.uuid4()
    # The routed event of `early` comes before its received: the batch falls back to one by one.
    batch = [routed(early, at + timedelta(hours=1), sequence=1), *petitions(30, at), received(early, at)]
    await publish_envelopes(nats_of_its_own.url, *batch)
    async with monitoring(database_url, nats_of_its_own.url, tmp_path) as runtime:
        await wait_until(lambda: _at_least(runtime, 31), timeout=20)
        metrics = runtime.metrics.registry.get_sample_value(
            "events_consumed_total", {"consumer": "monitoring-tracking", "outcome": "retry"})
        assert metrics >= 1
        durable = {"consumer": "monitoring-tracking"}
        await wait_until(lambda: _true(runtime.metrics.registry.get_sample_value(
            "events_redelivered_total", durable) >= 1), timeout=20)  # the early event came back
        await wait_until(lambda: _true(runtime.metrics.registry.get_sample_value(
            "consumer_pending_messages", durable) == 0), timeout=20)  # no lag once all is handed out
        assert runtime.metrics.registry.get_sample_value("process_resident_memory_bytes") > 0


async def _at_least(runtime, count: int) -> bool:
    return await count_assigned(runtime) >= count


async def test_a_killed_consumers_messages_come_back_within_seconds(database_url, nats_of_its_own, tmp_path):
    await publish_envelopes(nats_of_its_own.url, *petitions(20, datetime.now(UTC) - timedelta(days=1)))
    # A replica fetches the messages with the service's own consumer settings, then dies without acking.
    link = NatsLink(nats_of_its_own.url, "killed-replica", "PETITIONS")
    link.start()
    await link.ready.wait()
    [spec] = consumers(MonitoringSettings(run_dir=tmp_path, database_url=database_url, environment="test"))
    subscription = await EventConsumer(spec, link, lambda: None, ServiceMetrics("killed")).ensure()
    assert len(await subscription.fetch(40, timeout=2)) == 40
    await link.nc.close()

    async with monitoring(database_url, nats_of_its_own.url, tmp_path) as runtime:
        waited = await wait_until(lambda: _at_least(runtime, 20), timeout=20)
        redelivered = runtime.metrics.registry.get_sample_value("events_redelivered_total",
                                                                {"consumer": "monitoring-tracking"})
    assert waited < spec.ack_wait_seconds + 5
    # Every one came back; JetStream may redeliver a routed event before its received one (seen: the
    # 30th after the 40th), and that one is retried once more: at least 40, not exactly.
    assert redelivered >= 40


async def test_two_replicas_share_one_durable_and_apply_each_event_once(database_url, nats_of_its_own, tmp_path):
    await publish_envelopes(nats_of_its_own.url, *petitions(150, datetime.now(UTC) - timedelta(days=1)))
    async with monitoring(database_url, nats_of_its_own.url, tmp_path) as first, \
            monitoring(database_url, nats_of_its_own.url, tmp_path) as second:
        await wait_until(lambda: _at_least(first, 150), timeout=60)
        await asyncio.sleep(1)  # anything applied twice would have shown by now
        applied = [replica.metrics.registry.get_sample_value(
            "events_consumed_total", {"consumer": "monitoring-tracking", "outcome": "applied"}) or 0
            for replica in (first, second)]
    assert sum(applied) == 300  # every event applied, by one replica, once


async def test_work_slower_than_the_ack_wait_is_not_redelivered(database_url, nats_of_its_own, tmp_path):
    calls: list[uuid.UUID] = []

    async def slow(uow, envelope) -> None:
        calls.append(envelope.id)
        await asyncio.sleep(3.0)

    await publish_envelopes(nats_of_its_own.url, *petitions(1, datetime.now(UTC))[:1])
    async with monitoring(database_url, nats_of_its_own.url, tmp_path) as runtime:
        spec = ConsumerSpec(durable="slow-work", subjects=["petitions.received"], handler=slow, ack_wait_seconds=1.0)
        consumer = EventConsumer(spec, runtime.link, runtime.uow, runtime.metrics)
        await runtime.link.ready.wait()
        await consumer.ensure()
        task = asyncio.create_task(consumer.run())
        try:
            await wait_until(lambda: _true(bool(calls)), timeout=15)
            # A second replica asks for work while the first is still busy past the ack wait.
            replica = await runtime.link.js.pull_subscribe_bind(durable="slow-work", stream="PETITIONS")
            with pytest.raises(nats.errors.TimeoutError):
                await replica.fetch(1, timeout=2.5)
            await replica.unsubscribe()
            await wait_until(lambda: _acked(runtime, "slow-work"), timeout=15)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        info = await runtime.link.js.consumer_info("PETITIONS", "slow-work")
    assert len(calls) == 1 and info.num_redelivered == 0


async def _true(value: bool) -> bool:
    return value


async def _acked(runtime, durable: str) -> bool:
    info = await runtime.link.js.consumer_info("PETITIONS", durable)
    return info.ack_floor.stream_seq >= 1 and info.num_ack_pending == 0
