"""Fixtures shared by every test: real nats-server, real SQLite files, a throwaway PostgreSQL cluster."""

import pytest

from tests.support.servers import NatsServer, PostgresCluster, postgres_bin_dir


@pytest.fixture(scope="session")
def nats_server():
    server = NatsServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def isolated_nats():
    """A nats-server of the module's own: its consumers see no other test's petitions."""
    server = NatsServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def pg_cluster():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb/pg_ctl) are absent on this machine: PostgreSQL tests skipped")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh, empty database of each supported kind (migrations are the test's to run)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    return request.getfixturevalue("pg_cluster").create_database()
