"""The pinned tools' verdicts: kubernetes-validate on every overlay (offline, strict), checkov on the
rendered manifests, hadolint on the Dockerfile. Each is also shown to fail on a broken input."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.support.deploy import DEPLOY, OVERLAYS, rendered_text, tool

# Custom resources: no schema in kubernetes-validate; tests/unit/test_deploy_data.py and
# test_deploy_alerts.py check their structure instead.
CUSTOM_KINDS = {"Cluster", "Database", "ObjectStore", "ScheduledBackup", "PodMonitor", "PrometheusRule"}


def _run(*command: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout)


def _validate(path) -> subprocess.CompletedProcess:
    return _run(tool("kubernetes-validate"), "--strict", "--quiet", str(path))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_validates_offline(overlay, tmp_path):
    (tmp_path / f"{overlay}.yaml").write_text(rendered_text(overlay))
    result = _validate(tmp_path / f"{overlay}.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    unvalidated = set(re.findall(r"Couldn't find schema for kind (\w+)", result.stdout + result.stderr))
    expected = {"Cluster", "Database"} | ({"ObjectStore", "ScheduledBackup", "PodMonitor", "PrometheusRule"}
                                          if overlay == "prod" else set())
    assert unvalidated == expected <= CUSTOM_KINDS


def test_validation_refuses_an_unknown_field(tmp_path):
    broken = rendered_text("prod").replace("  minReplicas: 2\n", "  minReplicas: 2\n  minimumReplicas: 2\n", 1)
    (tmp_path / "broken.yaml").write_text(broken)
    result = _validate(tmp_path / "broken.yaml")
    assert result.returncode != 0 and "minimumReplicas" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def checkov_failures(tmp_path_factory) -> dict[str, set[str]]:
    """One checkov run (it takes seconds to start) over both overlays and a deliberately broken copy."""
    folder = tmp_path_factory.mktemp("rendered")
    for overlay in OVERLAYS:
        (folder / f"{overlay}.yaml").write_text(rendered_text(overlay))
    broken = rendered_text("prod").replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", 1)
    (folder / "broken.yaml").write_text(broken)
    result = _run(tool("checkov"), "--config-file", str(DEPLOY / "checkov.yaml"), "--directory", str(folder),
                  "--output", "json")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    [report] = [r for r in _reports(json.loads(result.stdout)) if r["check_type"] == "kubernetes"]
    assert report["summary"]["passed"] > 0
    failures: dict[str, set[str]] = {}
    for check in report["results"]["failed_checks"]:
        failures.setdefault(Path(check["file_path"]).name, set()).add(check["check_id"])
    return failures


def _reports(output) -> list[dict]:
    return output if isinstance(output, list) else [output]


def test_checkov_passes_every_rendered_overlay(checkov_failures):
    for overlay in OVERLAYS:
        assert not checkov_failures.get(f"{overlay}.yaml"), checkov_failures


def test_checkov_fails_a_container_that_may_escalate(checkov_failures):
    assert checkov_failures["broken.yaml"] == {"CKV_K8S_20"}


def test_hadolint_passes_the_dockerfile_and_fails_a_root_one(tmp_path):
    dockerfile = DEPLOY / "Dockerfile"
    result = _run(tool("hadolint"), str(dockerfile))
    assert result.returncode == 0, result.stdout + result.stderr
    root = re.sub(r"^USER .*$", "", dockerfile.read_text(), flags=re.MULTILINE)
    (tmp_path / "Dockerfile").write_text(root + "RUN pip install requests\n")
    result = _run(tool("hadolint"), str(tmp_path / "Dockerfile"))
    assert result.returncode != 0 and "DL3013" in result.stdout
