"""Ledger deltas gathered during a transaction and written once, just before it commits.

Each change posts six deltas (a -1 and a +1 to each of three ledgers); a batch of events touches few
distinct ledger rows, and a version closed and reopened in the same month nets to zero. Summing in
memory and upserting each ledger in one statement at commit (all of them in one on PostgreSQL) keeps a
batch to a handful of writes.
Reports read the ledgers only in their own transactions, so nothing reads a delta before its commit.
"""

from collections import Counter

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from shared.persistence import upsert, upserts_as_one

PENDING = "monitoring_ledger_pending"


def add(session: AsyncSession, model, key: dict, delta: int) -> None:
    pending: Counter = session.sync_session.info.setdefault(PENDING, Counter())
    pending[(model, tuple(key.items()))] += delta


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    # A sync event under AsyncSession runs inside its greenlet: blocking-style execute() is allowed here.
    pending: Counter | None = session.info.pop(PENDING, None)
    by_model: dict = {}
    # Sorted: two replicas committing batches lock the same ledger rows in the same order (no deadlock).
    for (model, key), delta in sorted((pending or {}).items(), key=lambda item: (item[0][0].__name__, item[0][1])):
        if delta:
            by_model.setdefault(model, []).append({**dict(key), "delta": delta})
    upserts = [(model.__table__, rows, [column for column in rows[0] if column != "delta"],
                lambda excluded, model=model: {"delta": model.delta + excluded.delta})
               for model, rows in by_model.items()]
    if not upserts:
        return
    # PostgreSQL: every ledger in one statement, a round trip on the path of every event instead of one per ledger.
    if session.bind.dialect.name == "postgresql" and (together := upserts_as_one(upserts)) is not None:
        session.execute(together)
        return
    for table, rows, keys, update in upserts:
        session.execute(upsert(session, table, None, key=keys, update=update), rows)


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended (committed or rolled back)
        session.info.pop(PENDING, None)
