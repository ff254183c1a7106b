"""Connection settings that an operator's manifests give: a server list, TLS, the stream's size and replicas."""

import asyncio
import ipaddress
import subprocess
from datetime import datetime, timedelta, timezone

import nats
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared.messaging import NatsLink, ensure_stream, stream_config
from shared.settings import ServiceSettings
from tests.support.servers import NatsCluster, _wait_for_port, free_port, nats_server_binary


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
        # A service started without limits in its settings leaves the server's limits alone.
        await ensure_stream(js, ServiceSettings(run_dir=tmp_path, stream_name="OPS"))
        kept = (await js.stream_info("OPS")).config
        assert (kept.num_replicas, kept.max_age, kept.max_bytes) == (3, 120 * 86400.0, 4 * 2**30)
    finally:
        await connection.close()


def _certificates(directory) -> dict[str, object]:
    """A CA, and a server and a client certificate it signed (the server's for 127.0.0.1)."""
    now = datetime.now(timezone.utc)

    def make(name: str, issuer=None, issuer_key=None, ca: bool = False, server: bool = False):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.subject if issuer else subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(hours=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        certificate = builder.sign(issuer_key or key, hashes.SHA256())
        paths = {"cert": directory / f"{name}.pem", "key": directory / f"{name}-key.pem"}
        paths["cert"].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        return certificate, key, paths

    ca, ca_key, ca_paths = make("ca", ca=True)
    _, _, server = make("server", ca, ca_key, server=True)
    _, _, client = make("client", ca, ca_key)
    return {"ca": ca_paths["cert"], "server": server, "client": client}


async def test_tls_with_a_client_certificate_connects(tmp_path):
    files = _certificates(tmp_path)
    port = free_port()
    config = tmp_path / "tls.conf"
    config.write_text(f'listen: "127.0.0.1:{port}"\njetstream {{ store_dir: "{tmp_path / "js"}" }}\n'
                      f'tls {{ cert_file: "{files["server"]["cert"]}", key_file: "{files["server"]["key"]}", '
                      f'ca_file: "{files["ca"]}", verify: true }}\n')
    server = subprocess.Popen([nats_server_binary(), "-c", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        url = f"tls://127.0.0.1:{port}"
        settings = ServiceSettings(run_dir=tmp_path, nats_url=url, nats_tls_ca=files["ca"],
                                   nats_tls_cert=files["client"]["cert"], nats_tls_key=files["client"]["key"])
        link = NatsLink.from_settings(settings)
        link.start()
        try:
            await asyncio.wait_for(link.ready.wait(), timeout=20)  # connected, and the stream made over TLS
        finally:
            await link.close()
        without_certificate = NatsLink.from_settings(ServiceSettings(run_dir=tmp_path, nats_url=url,
                                                                     nats_tls_ca=files["ca"]))
        without_certificate.start()
        try:
            with pytest.raises(TimeoutError):  # the server asks for a client certificate: never connected
                await asyncio.wait_for(without_certificate.ready.wait(), timeout=3)
        finally:
            await without_certificate.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
