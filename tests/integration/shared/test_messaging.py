"""Messaging plumbing: the relay's shutdown and the consumers' retry delays.

The outbox relay must stop when cancelled, even when the cancel lands just as it is woken up: on Python 3.11 asyncio.wait_for returns normally when it is cancelled in the same loop iteration
as the awaited future completes; a relay built on it would then run forever.
"""

import asyncio
from pathlib import Path

from sqlalchemy.orm import DeclarativeBase

from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from shared.db import make_engine, make_session_factory
from shared.messaging import NatsLink, OutboxRelay
from shared.observability import ServiceMetrics
from shared.migrations import upgrade
from shared.persistence import OutboxMixin
from tests.support.apps import running_app


MONITORING_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "monitoring" / "migrations"


class _Base(DeclarativeBase):
    pass


class _Outbox(OutboxMixin, _Base):
    pass


async def test_relay_always_stops_on_cancel(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    link = NatsLink("nats://127.0.0.1:1", "test", "PETITIONS")  # never connected: nothing to publish anyway
    relay = OutboxRelay(make_session_factory(engine), _Outbox, link, ServiceMetrics("test"), poll_seconds=30)
    loop = asyncio.get_running_loop()
    try:
        for delay_steps in range(6):
            task = asyncio.create_task(relay.run())
            await asyncio.sleep(0.2)  # it has found nothing to publish and waits to be woken
            relay.wake()
            _cancel_after_steps(loop, task, delay_steps)
            done, _ = await asyncio.wait([task], timeout=2)
            assert done, f"relay ignored a cancellation {delay_steps} loop steps after a wake-up"
    finally:
        await engine.dispose()


def _cancel_after_steps(loop, task, steps: int) -> None:
    """Cancel `task` after `steps` turns of the event loop (asyncio runs callbacks in FIFO order)."""
    if steps == 0:
        task.cancel()
    else:
        loop.call_soon(_cancel_after_steps, loop, task, steps - 1)


def test_failed_messages_back_off_up_to_a_minute():
    from types import SimpleNamespace

    from shared.consumers import retry_delay

    delays = [retry_delay(SimpleNamespace(metadata=SimpleNamespace(num_delivered=n))) for n in (1, 2, 3, 6, 50)]
    assert delays == [2.0, 4.0, 8.0, 60.0, 60.0]
    assert retry_delay(SimpleNamespace()) == 2.0


async def test_the_nats_link_always_stops_on_cancel():
    # A server that accepts and never speaks: nats.connect waits inside its own wait_for, where a
    # cancellation can come back as a timeout that the retry loop would otherwise swallow.
    server = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    loop = asyncio.get_running_loop()
    try:
        for delay_steps in range(8):
            link = NatsLink(f"nats://127.0.0.1:{port}", "test", "PETITIONS")
            link.start()
            await asyncio.sleep(0.05)
            _cancel_after_steps(loop, link._task, delay_steps)
            done, _ = await asyncio.wait([link._task], timeout=3)
            assert done, f"the NATS link ignored a cancellation {delay_steps} loop steps in"
    finally:
        server.close()


async def test_a_service_that_never_reached_nats_stops_at_once(tmp_path):
    # Its consumers wait for NATS; stop() must end that wait, not the shutdown's 5 s grace.
    url = f"sqlite+aiosqlite:///{tmp_path / 'monitoring.db'}"
    await asyncio.to_thread(upgrade, MONITORING_MIGRATIONS, url)
    settings = MonitoringSettings(run_dir=tmp_path, database_url=url, nats_url="nats://127.0.0.1:1",
                                  environment="test")
    async with running_app(create_app(settings)):
        stopping = loop_time()
    assert loop_time() - stopping < 2.5


def loop_time() -> float:
    return asyncio.get_running_loop().time()
