"""The Kubernetes manifests start apps that exist and probe the endpoints every service serves."""

import importlib.util
from pathlib import Path

import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def _documents() -> list[dict]:
    return [doc for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_every_deployment_runs_an_existing_app_with_health_probes():
    deployments = [doc for doc in _documents() if doc["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} >= {"intake", "routing", "monitoring", "web"}
    for deployment in deployments:
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        factory = next(arg for arg in container["command"] if arg.startswith("services."))
        module, _, function = factory.partition(":")
        assert function == "create_app" and importlib.util.find_spec(module) is not None
        expected_readiness = "/healthz" if deployment["metadata"]["name"] == "web" else "/readyz"
        assert container["readinessProbe"]["httpGet"]["path"] == expected_readiness
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
