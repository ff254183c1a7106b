"""Two outbox relays on one PostgreSQL database (two replicas of a service): each row published by one
relay only, and a petition's events published in the order they were written."""

import asyncio
import json
import uuid
from contextlib import asynccontextmanager

import nats
import pytest
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase

from shared.db import make_engine, make_session_factory
from shared.messaging import NatsLink, OutboxRelay
from shared.observability import ServiceMetrics
from shared.persistence import OutboxMixin
from tests.support.servers import NatsServer
from tests.support.statements import statements_sent

pytestmark = pytest.mark.postgres
PETITIONS, EVENTS_EACH = 20, 15
SUBJECT = "petitions.relay_test"


class _Base(DeclarativeBase):
    pass


class _Outbox(OutboxMixin, _Base):
    pass


async def _fill(session_factory) -> None:
    petitions = [str(uuid.uuid4()) for _ in range(PETITIONS)]
    async with session_factory() as session:
        for sequence in range(1, EVENTS_EACH + 1):  # interleaved: every petition's nth event, then the next
            for petition_id in petitions:
                session.add(_Outbox(event_id=str(uuid.uuid4()), subject=SUBJECT,
                                    payload=json.dumps({"petition_id": petition_id, "sequence": sequence})))
        await session.commit()



async def test_two_relays_publish_each_row_once_and_in_order_per_petition(pg_cluster):
    nats_server = NatsServer()
    nats_server.start()
    engine = make_engine(pg_cluster.create_database("relay"))
    links: list[NatsLink] = []
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_Base.metadata.create_all)
        session_factory = make_session_factory(engine)
        await _fill(session_factory)
        relays, metrics = [], []
        for replica in range(2):
            link = NatsLink(nats_server.url, f"relay-{replica}", "PETITIONS")
            link.start()
            await asyncio.wait_for(link.ready.wait(), timeout=20)
            links.append(link)
            metrics.append(ServiceMetrics(f"relay-{replica}"))
            relays.append(OutboxRelay(session_factory, _Outbox, link, metrics[-1], batch_size=7))

        async def drain(relay: OutboxRelay) -> None:
            while await relay.publish_pending():
                await asyncio.sleep(0)

        await asyncio.gather(*(drain(relay) for relay in relays), *(drain(relay) for relay in relays))
        while any([await relay.publish_pending() for relay in relays]):
            pass

        published = [m.registry.get_sample_value("events_published_total", {"subject": SUBJECT}) or 0
                     for m in metrics]
        assert sum(published) == PETITIONS * EVENTS_EACH, published  # no row sent by both relays
        assert all(count > 0 for count in published), published  # both relays did work
        order = await _published_sequences(nats_server.url)
        assert len(order) == PETITIONS and all(seqs == list(range(1, EVENTS_EACH + 1)) for seqs in order.values())
    finally:
        for link in links:
            await link.close()
        await engine.dispose()
        nats_server.cleanup()


async def _published_sequences(url: str) -> dict[str, list[int]]:
    connection = await nats.connect(url)
    try:
        js = connection.jetstream()
        info = await js.stream_info("PETITIONS")
        order: dict[str, list[int]] = {}
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            event = json.loads((await js.get_msg("PETITIONS", seq)).data)
            order.setdefault(event["petition_id"], []).append(event["sequence"])
        return order
    finally:
        await connection.close()


@asynccontextmanager
async def _relay_on_fresh_outbox(pg_cluster, name: str):
    """A relay of its own (batches of 7) on an empty outbox in a new database, and a nats-server of its own."""
    nats_server = NatsServer()
    nats_server.start()
    engine = make_engine(pg_cluster.create_database(name))
    link = NatsLink(nats_server.url, name, "PETITIONS")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_Base.metadata.create_all)
        link.start()
        await asyncio.wait_for(link.ready.wait(), timeout=20)
        yield engine, OutboxRelay(make_session_factory(engine), _Outbox, link, ServiceMetrics(name), batch_size=7)
    finally:
        await link.close()
        await engine.dispose()
        nats_server.cleanup()


async def _unpublished_subjects(engine) -> list[str]:
    async with engine.connect() as connection:
        return list((await connection.execute(
            select(_Outbox.subject).where(_Outbox.published_at.is_(None)).order_by(_Outbox.seq))).scalars())


async def test_a_relay_round_claims_marks_and_looks_for_held_rows_in_one_statement(pg_cluster):
    """Every statement is a round trip on the path of every event: claim, mark and the check for rows
    another relay holds go as one."""
    async with _relay_on_fresh_outbox(pg_cluster, "relay_statements") as (engine, relay):
        await _fill(make_session_factory(engine))
        with statements_sent(engine, lambda statement: statement.strip().upper() not in {"BEGIN", "COMMIT"}) as sent:
            assert await relay.publish_pending() == 7
        assert len(sent) == 1, sent
        assert len(await _unpublished_subjects(engine)) == PETITIONS * EVENTS_EACH - 7


async def test_rows_after_a_failed_publish_stay_unpublished(pg_cluster):
    """The claim marks rows before they are sent; those not acknowledged are unmarked in the same
    transaction, so the next round sends them."""
    async with _relay_on_fresh_outbox(pg_cluster, "relay_failure") as (engine, relay):
        async with make_session_factory(engine)() as session:
            for subject in [SUBJECT, SUBJECT, "nowhere.no_stream", SUBJECT]:  # no stream: no acknowledgement
                session.add(_Outbox(event_id=str(uuid.uuid4()), subject=subject,
                                    payload=json.dumps({"petition_id": str(uuid.uuid4())})))
            await session.commit()
        with pytest.raises(Exception):  # noqa: B017 - nats-py's no-responders error
            await relay.publish_pending()
        assert await _unpublished_subjects(engine) == ["nowhere.no_stream", SUBJECT]
