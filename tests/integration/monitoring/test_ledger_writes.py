"""What a consumer batch sends, each statement being a round trip on the path of every event: its
petitions locked in one query and their open versions read in one more, after the locks are held
(test_concurrent_batches says why not one); the ledgers it changes written at its commit, on
PostgreSQL all of them in one statement, on SQLite one per ledger."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from services.monitoring.tracking.models import DeadlineCount, StateCount, TopicCount
from tests.support.monitoring import received, routed
from tests.support.statements import statements_sent

LEDGER_TABLES = ("state_counts", "topic_counts", "deadline_counts", "matter_counts")


def _writes_a_ledger(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("INSERT", "WITH")) and any(t in statement for t in LEDGER_TABLES)


def _reads_a_petition(statement: str) -> bool:
    return statement.lstrip().upper().startswith("SELECT") and ("FROM petition" in statement)


async def _ledgers(runtime) -> dict:
    async with runtime.uow() as uow:
        return {model.__tablename__: dict((await uow.session.execute(
            select(key, func.sum(model.delta)).group_by(key).having(func.sum(model.delta) != 0))).all())
            for model, key in ((StateCount, StateCount.status), (TopicCount, TopicCount.topic),
                               (DeadlineCount, DeadlineCount.kind))}


async def test_a_batch_writes_its_ledgers_in_one_statement_on_postgresql(runtime):
    at = datetime.now(UTC) - timedelta(days=1)
    warm_up = uuid.uuid4()  # the first batch also loads what a service loads once
    await runtime.consumers[0].apply_all([received(warm_up, at), routed(warm_up, at + timedelta(hours=1))])
    petitions = [uuid.uuid4() for _ in range(3)]
    routed_at = at + timedelta(hours=1)
    with statements_sent(runtime.engine, _writes_a_ledger) as sent:
        await runtime.consumers[0].apply_all([envelope for petition_id in petitions for envelope in
                                              (received(petition_id, at), routed(petition_id, routed_at))])
    assert len(sent) == (1 if runtime.engine.dialect.name == "postgresql" else 3), sent
    assert await _ledgers(runtime) == {"state_counts": {"assigned": 4}, "topic_counts": {"giao_thong": 4},
                                       "deadline_counts": {"unanswered": 4}}


async def test_a_batch_locks_its_petitions_in_one_query_then_reads_their_open_versions_in_one(runtime):
    at = datetime.now(UTC) - timedelta(days=1)
    petitions = [uuid.uuid4() for _ in range(3)]
    await runtime.consumers[0].apply_all([received(petition_id, at) for petition_id in petitions])
    routed_at = at + timedelta(hours=1)
    with statements_sent(runtime.engine, _reads_a_petition) as reads:
        await runtime.consumers[0].apply_all([routed(petition_id, routed_at) for petition_id in petitions])
    assert len(reads) == 2, reads
    assert "FROM petitions" in reads[0] and "petition_versions" not in reads[0], reads
    assert "FROM petition_versions" in reads[1], reads
    assert (await _ledgers(runtime))["state_counts"] == {"assigned": 3}  # each old version closed, a new one open
