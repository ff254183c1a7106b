"""Which failures are a 503 (the database is away: retry) and which stay a 500 (a bug)."""

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from shared.errors import database_unavailable


def _raised_from(cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("driver wrapper") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize("error", [
    _raised_from(asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")),
    _raised_from(asyncpg.exceptions.AdminShutdownError("terminating connection")),
    _raised_from(asyncpg.exceptions.TooManyConnectionsError("too many clients")),
    ConnectionRefusedError(111, "Connect call failed"),
    sa_exc.OperationalError("SELECT 1", {}, Exception("database is locked")),
])
def test_an_unreachable_or_busy_database_is_unavailable(error):
    assert database_unavailable(error)


@pytest.mark.parametrize("error", [
    ValueError("a bug"),
    _raised_from(asyncpg.exceptions.UniqueViolationError("duplicate key")),
    sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
])
def test_bugs_and_conflicts_are_not(error):
    assert not database_unavailable(error)
