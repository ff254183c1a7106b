"""Routing's consumer applies a batch of events in one transaction: its routings read in one query,
receipts and changes of one petition in the same batch applied in order (SQLite and PostgreSQL)."""

import uuid

from sqlalchemy import select

from services.routing.routings import repository as routing_repository
from services.routing.routings.handlers import petition_consumer
from services.routing.routings.models import WITHDRAWN, Routing
from shared.consumers import EventConsumer
from shared.events import PetitionWithdrawn, make_envelope
from tests.integration.routing.test_corrections import HEALTH, corrected, routed_events
from tests.integration.routing.test_routing_service import history_actions
from tests.support.routing import CONFIDENT, received
from tests.support.statements import statements_sent


def consumer(uow_factory, context) -> EventConsumer:
    return EventConsumer(petition_consumer(context), link=None, uow_factory=uow_factory, metrics=None)


def receipt(petition_id: uuid.UUID, content: str = CONFIDENT):
    return make_envelope("intake", petition_id, received(content))


def statements_on(engine, table: str):
    """The SELECTs reading `table` while the block runs."""
    return statements_sent(engine, lambda statement: statement.lstrip().upper().startswith("SELECT")
                           and f"FROM {table}" in statement)


async def test_a_batch_reads_its_routings_in_one_query(uow_factory, context):
    routed_before = uuid.uuid4()
    await consumer(uow_factory, context).apply_all([receipt(routed_before)])
    batch = [receipt(uuid.uuid4()) for _ in range(5)] + [receipt(routed_before)]  # a receipt sent again
    async with uow_factory() as uow:
        engine = uow.session.bind
    with statements_on(engine, "routings") as seen:
        outcomes = await consumer(uow_factory, context).apply_all(batch)
    assert outcomes == [True] * 6 and len(seen) == 1
    assert len(await routed_events(uow_factory)) == 6  # the petition received again is not routed twice


async def test_a_batch_asks_for_the_catalog_revision_and_the_model_version_in_one_statement(uow_factory, context):
    """Asked before every batch, and at a trickle a batch is one petition: each round trip counts."""
    await consumer(uow_factory, context).apply_all([receipt(uuid.uuid4())])
    async with uow_factory() as uow:
        engine = uow.session.bind
    with statements_on(engine, "catalog_revision") as revisions, statements_on(engine, "model_versions") as versions:
        assert await consumer(uow_factory, context).apply_all([receipt(uuid.uuid4())]) == [True]
    assert len(revisions) == 1 and revisions == versions


async def test_two_receipts_of_one_petition_in_a_batch_route_it_once(uow_factory, context):
    petition_id = uuid.uuid4()
    # Before: the second receipt did not see the first's unflushed routing and the batch failed on its key.
    outcomes = await consumer(uow_factory, context).apply_all([receipt(petition_id), receipt(petition_id)])
    assert outcomes == [True, True]
    assert len(await routed_events(uow_factory)) == 1
    assert await history_actions(uow_factory, petition_id) == ["classified"]


async def test_receipt_correction_and_withdrawal_in_one_batch_apply_in_order(uow_factory, context):
    petition_id = uuid.uuid4()
    withdrawn = PetitionWithdrawn(reason="Cử tri rút kiến nghị", by="thu-ky-1")
    batch = [receipt(petition_id),
             make_envelope("intake", petition_id, corrected(HEALTH), sequence=2),
             make_envelope("intake", petition_id, corrected(CONFIDENT), sequence=1),  # late: older than the one applied
             make_envelope("intake", petition_id, withdrawn, sequence=3)]
    assert await consumer(uow_factory, context).apply_all(batch) == [True] * 4
    async with uow_factory() as uow:
        routing = await uow.session.get(Routing, petition_id)
        assert (routing.state, routing.content, routing.intake_revision) == (WITHDRAWN, HEALTH, 3)
    assert await history_actions(uow_factory, petition_id) == ["classified", "petition_corrected", "classified",
                                                               "withdrawn"]
    assert [e["data"]["agency_code"] for e in await routed_events(uow_factory)] == ["08.SGTVT", "08.SYT"]


async def test_held_routings_end_with_the_transaction(uow_factory, context):
    petition_id = uuid.uuid4()
    async with uow_factory() as uow:
        await routing_repository.hold_all(uow.session, [petition_id])
        assert not await routing_repository.exists(uow.session, petition_id)
        await uow.session.rollback()
        await consumer(uow_factory, context).apply_all([receipt(petition_id)])  # routed by another transaction
        assert await routing_repository.exists(uow.session, petition_id)
        assert (await uow.session.scalars(select(Routing.petition_id))).all() == [petition_id]
