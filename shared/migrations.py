"""Alembic helpers: every service keeps its own migrations folder and runs them the same way."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import is_sqlite, normalise_url
from shared.persistence import UtcDateTime


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    """Run `alembic upgrade` for one service's database (creates the SQLite folder if needed)."""
    url = normalise_url(database_url)
    if is_sqlite(url):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(migrations_dir, url), revision)


def _render_item(type_, obj, _autogen_context):
    # Migrations stay plain SQLAlchemy: UtcDateTime only changes how Python sees the values.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_env(target_metadata, unmapped: tuple[str, ...] = ()) -> None:
    """Body of each service's migrations/env.py: online migrations through the async engine.

    `unmapped`: name prefixes of tables, columns and indexes that only migrations know (a full-text
    index, its shadow tables); autogenerate and `alembic check` leave them alone.
    """
    url = context.config.get_main_option("sqlalchemy.url")

    def _include(obj, name, type_, reflected, compare_to) -> bool:
        return not (reflected and compare_to is None and name and name.startswith(unmapped))

    def _migrate(connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, include_object=_include,
                          render_as_batch=connection.dialect.name == "sqlite", render_item=_render_item)
        with context.begin_transaction():
            context.run_migrations()

    async def _run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(_migrate)
            await connection.commit()
        await engine.dispose()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run())
        return
    raise RuntimeError("run migrations outside a running event loop (use asyncio.to_thread)")


def create_idempotency_keys(op) -> None:
    """The `idempotency_keys` table (shared.idempotency) as each service's migration 0002 creates it.

    Migrations must not change once applied: edit this only together with a new migration.
    """
    import sqlalchemy as sa

    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key"),
    )


def create_outbox_and_inbox(op) -> None:
    """The `outbox` and `inbox` tables (shared.persistence) as each service's migration 0001 creates them.

    Migrations must not change once applied: edit this only together with a new migration.
    """
    import sqlalchemy as sa

    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unpublished", ["published_at", "seq"], unique=False)


def drop_outbox_and_inbox(op) -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unpublished")
    op.drop_table("outbox")
    op.drop_table("inbox")


def create_catalog_copy(op, units: bool, agencies: bool) -> None:
    """The tables of shared.catalog_copy a service keeps (intake the units, monitoring the agencies)."""
    import sqlalchemy as sa

    if units:
        op.create_table(
            "catalog_units",
            sa.Column("code", sa.String(length=20), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("level", sa.String(length=20), nullable=False),
            sa.Column("parent_code", sa.String(length=20), nullable=True),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("code", name=op.f("pk_catalog_units")),
        )
    if agencies:
        op.create_table(
            "catalog_agencies",
            sa.Column("code", sa.String(length=40), nullable=False),
            sa.Column("name", sa.String(length=300), nullable=False),
            sa.Column("level", sa.String(length=20), nullable=False),
            sa.Column("unit_code", sa.String(length=20), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("code", name=op.f("pk_catalog_agencies")),
        )
