"""aiosqlite as SQLAlchemy's asyncio DBAPI, with one trip to aiosqlite's thread per statement.

SQLAlchemy's aiosqlite adapter opens a cursor, executes, fetches and closes it in four trips to the
connection's thread. Each trip wakes that thread and waits for the event loop to be woken back, which on
a busy core costs far more than the statement (a py-spy profile of intake under load: most of the
process's time in `SimpleQueue.put_nowait`, 22 trips per POST /petitions). Here the whole statement runs
in one trip; rows, description, rowcount and lastrowid come back together. Passed to
`create_async_engine(module=...)`, SQLAlchemy's documented way to hand a dialect another DBAPI module.
"""

import collections
from typing import Any

import aiosqlite
import sqlite3
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor, AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


def _run(connection: sqlite3.Connection, many: bool, operation: str, parameters: Any) -> tuple:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection):
        # No aiosqlite cursor: the statement's own sqlite3 cursor lives and dies in the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description, self._rowcount, self._lastrowid = None, -1, None

    @property
    def description(self):
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self):
        return self._lastrowid

    async def _trip(self, many: bool, operation: str, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            self._description, self._rowcount, self._lastrowid, rows = await self._connection._execute(
                _run, self._connection._conn, many, operation, parameters)
            self._rows = collections.deque(rows)

    async def _execute_async(self, operation: str, parameters: Any) -> None:
        await self._trip(False, operation, parameters)

    async def _executemany_async(self, operation: str, seq_of_parameters: Any) -> None:
        await self._trip(True, operation, seq_of_parameters)

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        return OneTripConnection(self, super().connect(*arg, **kw)._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
