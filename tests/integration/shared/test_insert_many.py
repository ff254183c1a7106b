"""insert_many: one statement for any number of rows on PostgreSQL, the same rows as an executemany."""

import uuid
from datetime import datetime, timezone

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, Uuid, event, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import db
from shared.persistence import UtcDateTime, insert_many, utcnow

metadata = MetaData()
notes = Table(
    "notes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(50)),
    Column("body", Text, nullable=True),
    Column("status", String(20), default="new"),
    Column("version", Integer, default=0),
    Column("at", UtcDateTime),
)
stamped = Table("stamped", metadata, Column("seq", Integer, primary_key=True, autoincrement=True),
                Column("title", String(50)), Column("at", UtcDateTime, default=utcnow))


def _rows(count: int) -> list[dict]:
    at = datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc)
    return [{"id": uuid.uuid4(), "title": f"Kiến nghị {n} 'ĐT.186' \\ \"", "body": None if n % 2 else "Đường",
             "at": at} for n in range(count)]


async def _statements(engine, rows) -> list[tuple[str, bool]]:
    """(statement, executemany) of each statement `insert_many(rows)` sent (SQLite's BEGIN among them)."""
    sent: list[tuple[str, bool]] = []

    def note(*args) -> None:
        sent.append((args[2], args[5]))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    async with AsyncSession(engine) as session:
        await insert_many(session, notes, rows)
        event.remove(engine.sync_engine, "before_cursor_execute", note)
        await session.commit()
    return sent


async def test_rows_arrive_whole_with_fixed_defaults_in_one_statement_on_postgresql(database_url):
    engine = db.make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        rows = _rows(250)
        sent = await _statements(engine, rows)
        async with engine.connect() as connection:
            stored = {row.id: row for row in await connection.execute(select(notes))}
        assert len(stored) == len(rows)
        for row in rows:
            assert stored[row["id"]]._mapping == {**row, "status": "new", "version": 0}
        [(statement, executemany)] = [sent_one for sent_one in sent if sent_one[0].startswith("INSERT")]
        if engine.dialect.name == "postgresql":
            assert "unnest" in statement and not executemany
        else:
            assert executemany
    finally:
        await engine.dispose()


async def test_a_column_left_to_a_computed_default_still_gets_it(database_url):
    engine = db.make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        async with AsyncSession(engine) as session:
            await insert_many(session, stamped, [{"title": "một"}, {"title": "hai"}])
            await insert_many(session, stamped, [])
            await session.commit()
        async with engine.connect() as connection:
            found = (await connection.execute(select(stamped).order_by(stamped.c.seq))).all()
        assert [row.title for row in found] == ["một", "hai"] and all(row.at is not None for row in found)
    finally:
        await engine.dispose()
