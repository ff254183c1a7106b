"""Async SQLAlchemy engine and session factory: SQLite (WAL) by default, PostgreSQL via DATABASE_URL."""

import logging

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.sqlite_driver import one_trip_dbapi


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs and pick the async drivers."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain):]
    return url


def is_sqlite(url: str) -> bool:
    return normalise_url(url).startswith("sqlite")


def make_engine(url: str) -> AsyncEngine:
    """An engine whose errors never carry the statement's parameters (petitioners' names, phones).

    hide_parameters keeps them out of every SQLAlchemy error message, hence out of logged tracebacks;
    aiosqlite logs each call with its arguments at DEBUG, so its logger is held at WARNING.
    """
    url = normalise_url(url)
    if not is_sqlite(url):
        engine = create_async_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)
        _replace_closed_connections(engine)
        return engine
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    # One connection per process: every transaction begins IMMEDIATE (below), so two in one process
    # exclude each other anyway; the pool's queue hands the connection on as soon as it is returned,
    # where waiters on SQLite's busy handler would sleep in growing steps and leave the lock idle.
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True, module=one_trip_dbapi(),
                                 pool_size=1, max_overflow=0, pool_timeout=30)
    _configure_sqlite(engine)
    return engine


def _replace_closed_connections(engine: AsyncEngine) -> None:
    """A pooled connection the server has closed (a restart, a terminated backend) is replaced at checkout.

    asyncpg notes the server's goodbye when it arrives, so the check costs no round trip. pool_pre_ping
    did the same with BEGIN, `;` and ROLLBACK before every transaction: three round trips, and about a
    third of the CPU of a one-statement transaction, on the core the services share. A connection cut
    without a goodbye fails its first statement instead; SQLAlchemy then invalidates the pool, and the
    consumers and relays retry.
    """
    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(_dbapi_connection, record, _proxy):
        if record.driver_connection.is_closed():
            raise exc.DisconnectionError("the server closed this pooled connection")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (below); the driver's implicit transactions would defeat it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
        # instead of one failing with "database is locked" when it upgrades a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
