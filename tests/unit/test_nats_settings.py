"""Connection settings that an operator's manifests give: a server list, TLS, the stream's size and replicas."""

import asyncio

import nats
import pytest

from shared.messaging import NatsLink, ensure_stream, stream_config
from shared.settings import ServiceSettings
from tests.support.servers import NatsCluster, free_port


async def test_a_comma_separated_server_list_connects_past_a_dead_server(nats_server, tmp_path):
    dead = f"nats://127.0.0.1:{free_port()}"
    settings = ServiceSettings(run_dir=tmp_path, nats_url=f" {dead}, {nats_server.url} ")
    assert settings.nats_servers == [dead, nats_server.url]
    link = NatsLink.from_settings(settings)
    link.start()
    try:
        await asyncio.wait_for(link.ready.wait(), timeout=20)
        assert link.connected
    finally:
        await link.close()


def test_tls_and_credentials_files_must_exist(tmp_path):
    with pytest.raises(ValueError, match="NATS_TLS_CA"):
        ServiceSettings(run_dir=tmp_path, nats_tls_ca=tmp_path / "missing-ca.pem")
    with pytest.raises(ValueError, match="NATS_CREDS_FILE"):
        ServiceSettings(run_dir=tmp_path, nats_creds_file=tmp_path / "missing.creds")
    with pytest.raises(ValueError, match="NATS_TLS_CERT"):  # a client certificate needs its key
        (tmp_path / "cert.pem").write_text("x")
        ServiceSettings(run_dir=tmp_path, nats_tls_cert=tmp_path / "cert.pem")


def test_the_stream_takes_replicas_retention_and_limits_from_settings(tmp_path):
    settings = ServiceSettings(run_dir=tmp_path, stream_replicas=3, stream_max_age_days=400,
                               stream_max_bytes=10 * 2**30)
    config = stream_config(settings)
    assert (config.num_replicas, config.max_age, config.max_bytes) == (3, 400 * 86400.0, 10 * 2**30)
    assert config.retention == nats.js.api.RetentionPolicy.LIMITS  # every durable reads every event


@pytest.fixture(scope="module")
def nats_cluster():
    cluster = NatsCluster(size=3)
    cluster.start()
    yield cluster
    cluster.cleanup()


async def test_a_start_never_lowers_what_an_operator_set_on_the_server(nats_cluster, tmp_path):
    settings = ServiceSettings(run_dir=tmp_path, nats_url=",".join(nats_cluster.urls), stream_name="OPS",
                               stream_replicas=1, stream_max_age_days=30, stream_max_bytes=2**30)
    await nats_cluster.wait_for_jetstream()
    connection = await nats.connect(settings.nats_servers)
    try:
        js = connection.jetstream(timeout=10)
        await ensure_stream(js, settings)
        # The operator raises replicas and limits by hand on the running cluster.
        info = await js.stream_info("OPS")
        info.config.num_replicas, info.config.max_age, info.config.max_bytes = 3, 90 * 86400.0, 4 * 2**30
        await js.update_stream(info.config)
        await ensure_stream(js, settings)  # the service starts again with its (lower) settings
        kept = (await js.stream_info("OPS")).config
        assert (kept.num_replicas, kept.max_age, kept.max_bytes) == (3, 90 * 86400.0, 4 * 2**30)
        # Settings above the server's are applied.
        higher = settings.model_copy(update={"stream_max_age_days": 120})
        await ensure_stream(js, higher)
        assert (await js.stream_info("OPS")).config.max_age == 120 * 86400.0
    finally:
        await connection.close()
