"""Persistence plumbing every service uses: column types, its declarative base with the outbox,
inbox and idempotency tables, and the one insert-on-conflict (upsert) for SQLite and PostgreSQL.

Each service owns its database, so each makes its own base with `service_base()` and creates the
tables in its migrations (shared.migrations has helpers for the common ones).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import BigInteger, DateTime, Index, Integer, MetaData, String, Table, Text, bindparam, func, select
from sqlalchemy import insert as insert_into
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraints get names, so a later migration can alter or drop them by name on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    SQLite keeps no offset and hands back naive values; the API must answer ISO 8601 with an offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class OutboxMixin:
    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @declared_attr.directive
    def __table_args__(cls):
        return (Index("ix_outbox_unpublished", "published_at", "seq"),)


class InboxMixin:
    """Event ids a consumer has applied, written in the same transaction as the effects."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class IdempotencyMixin:
    """The first answer to each Idempotency-Key (shared.idempotency), per caller."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path, query and body
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


@dataclass(frozen=True)
class ServiceBase:
    """A service's declarative base and the tables every service has on it."""

    Base: type[DeclarativeBase]
    OutboxMessage: type
    InboxEntry: type
    IdempotencyRecord: type


def service_base() -> ServiceBase:
    """A new declarative base (its own metadata, constraints named) with the outbox, inbox and idempotency tables."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    class OutboxMessage(OutboxMixin, Base):
        pass

    class InboxEntry(InboxMixin, Base):
        pass

    class IdempotencyRecord(IdempotencyMixin, Base):
        pass

    return ServiceBase(Base, OutboxMessage, InboxEntry, IdempotencyRecord)


def upsert(session, table, rows: dict | Sequence[dict] | None, key: Sequence | None = None,
           update: Callable[[object], dict] | None = None, when: Callable[[object], object] | None = None):
    """INSERT `rows`; where a row's `key` already exists, do nothing, or set `update(excluded)` on it
    (only where `when(excluded)` holds, if given).

    `session` is any session or connection (sync or async); `excluded` names the values that were refused.
    The statement can still take .returning(...). With `rows=None` the statement has no values: hand the
    rows to execute() (`session.execute(statement, rows)`), one statement compiled once and run as an
    executemany, where a VALUES list is compiled again for every number of rows (a consumer's batches).
    """
    dialect = session.bind.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - not a supported deployment
        raise RuntimeError(f"no insert-on-conflict for {dialect}")
    table = table if isinstance(table, Table) else table.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    insert = insert if rows is None else insert.values(rows)
    if update is None:
        return insert.on_conflict_do_nothing(index_elements=key)
    return insert.on_conflict_do_update(index_elements=key, set_=update(insert.excluded),
                                        where=when(insert.excluded) if when else None)


async def insert_many(session, table, rows: Sequence[dict]) -> None:
    """INSERT many rows of `table` at once (`session`: an async session).

    PostgreSQL gets one statement whatever the number of rows: each column as one array, zipped back
    into rows by unnest(). An executemany sends a Bind and Execute per row, which the server runs as
    separate statements, and SQLAlchemy processes each row's parameters in Python on the way. SQLite
    (and a row leaving out a column whose default is computed) keeps the executemany. Rows that leave
    out a column with a fixed default get it, as the executemany would give it.
    """
    if not rows:
        return
    table = table if isinstance(table, Table) else table.__table__
    if session.bind.dialect.name != "postgresql" or (unnested := _unnested(table, rows)) is None:
        await session.execute(insert_into(table), list(rows))
        return
    await session.execute(insert_into(table).from_select(*unnested))


def _unnested(table: Table, rows: Sequence[dict], prefix: str = ""):
    """(column names, a SELECT of one unnest(array) per column) giving `rows` back, for PostgreSQL; None
    when a row leaves out a column whose default is computed in Python (only an executemany gives it)."""
    given = list(rows[0])  # the columns of the first row, as an executemany compiles its statement
    left_out = [c.default for c in table.columns if c.key not in given and c.default is not None]
    if not all(default.is_scalar for default in left_out):
        return None
    arrays = {name: [row.get(name) for row in rows] for name in given}
    arrays |= {default.column.key: [default.arg] * len(rows) for default in left_out}
    return list(arrays), select(*[
        func.unnest(bindparam(f"_{prefix}{name}", values, type_=postgresql.ARRAY(table.c[name].type)))
        for name, values in arrays.items()])


def upserts_as_one(upserts: Sequence[tuple[Table, Sequence[dict], Sequence[str], Callable[[object], dict]]]):
    """PostgreSQL: the upserts of several tables, each of many rows, as one statement (all but the last
    as data-modifying CTEs, rows as unnest arrays): one round trip, where a statement per table is one
    each. Each (table, rows, key, update) is as `upsert`'s; a table's rows must not repeat a key (one
    INSERT ... ON CONFLICT cannot change a row twice). None when a table's rows need an executemany.
    """
    statements = []
    for number, (table, rows, key, update) in enumerate(upserts):
        if (unnested := _unnested(table, rows, prefix=f"{number}_")) is None:
            return None
        insert = postgresql.insert(table).from_select(*unnested)
        statements.append(insert.on_conflict_do_update(index_elements=key, set_=update(insert.excluded)))
    *first, last = statements
    return last.add_cte(*[statement.cte(f"upsert_{number}") for number, statement in enumerate(first)])
