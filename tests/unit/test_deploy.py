"""The rendered overlays (kustomize) describe pods that can run: the apps exist, every pod is
restricted and sized, the environment is what the settings read, migrations run once in a Job."""

import importlib
import importlib.util
import re

import pytest
from pydantic import AliasChoices

from tests.support.deploy import (
    APIS,
    OVERLAYS,
    containers,
    of_kind,
    pod_spec,
    rendered,
    workloads,
)

SETTINGS = {
    "intake": "services.intake.settings:IntakeSettings",
    "routing": "services.routing.settings:RoutingSettings",
    "monitoring": "services.monitoring.settings:MonitoringSettings",
    "web": "services.web.settings:WebSettings",
}


def _settings_class(service: str):
    module, _, name = SETTINGS[service].partition(":")
    return getattr(importlib.import_module(module), name)


def _env_names_read(settings_class) -> set[str]:
    names = set()
    for field_name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias or field_name]
        names |= {str(choice).upper() for choice in choices}
    return names


def _container_env(container: dict, config: dict[str, str]) -> dict[str, str]:
    """The environment a container gets: the ConfigMap, then its own entries ($(VAR) expanded)."""
    env = dict(config) if container.get("envFrom") else {}
    for entry in container.get("env", []):
        value = entry.get("value", f"<{entry['name']}>")
        env[entry["name"]] = re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), value)
    return env


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_runs_an_existing_app_with_health_probes(overlay):
    deployments = of_kind(rendered(overlay), "Deployment")
    assert set(deployments) == {*APIS, "web"}
    for name, deployment in deployments.items():
        main = pod_spec(deployment)["containers"][0]
        factory = next(arg for arg in main["command"] if arg.startswith("services."))
        module, _, function = factory.partition(":")
        assert module == f"services.{name}.app" and function == "create_app"
        assert importlib.util.find_spec(module) is not None
        port = int(main["command"][main["command"].index("--port") + 1])
        assert main["ports"] == [{"name": "http", "containerPort": port}]
        assert main["readinessProbe"]["httpGet"]["path"] == ("/healthz" if name == "web" else "/readyz")
        assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert main["startupProbe"]["httpGet"]["path"] == "/healthz"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_and_container_is_restricted_and_sized(overlay):
    for workload in workloads(rendered(overlay)):
        spec = pod_spec(workload)
        where = f"{workload['kind']}/{workload['metadata']['name']}"
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["runAsUser"] >= 10000, where
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False, where
        for container in containers(workload):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{where} {kind}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_python_pods_write_only_to_their_tmp_emptydir(overlay):
    docs = rendered(overlay)
    config = of_kind(docs, "ConfigMap")["kien-nghi-config"]["data"]
    for workload in workloads(docs):
        if workload["metadata"]["name"] == "nats":
            continue
        volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
        assert set(volumes) == {"tmp"} and "emptyDir" in volumes["tmp"]
        for container in pod_spec(workload)["containers"]:
            assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert config["RUN_DIR"].startswith("/tmp/")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_environment_variable_is_one_the_service_reads(overlay):
    docs = rendered(overlay)
    config = of_kind(docs, "ConfigMap")["kien-nghi-config"]["data"]
    for workload in workloads(docs):
        name = workload["metadata"]["name"].removesuffix("-migrate")
        if name == "nats":
            continue
        read = _env_names_read(_settings_class(name))
        for container in containers(workload):
            env = _container_env(container, config)
            composed = {m for entry in container.get("env", []) for m in re.findall(r"\$\((\w+)\)", entry.get("value", ""))}
            unknown = set(env) - read - composed
            assert not unknown, f"{workload['metadata']['name']}/{container['name']} sets {unknown}, never read"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_environment_makes_valid_production_settings(overlay, monkeypatch):
    docs = rendered(overlay)
    config = of_kind(docs, "ConfigMap")["kien-nghi-config"]["data"]
    for name, deployment in of_kind(docs, "Deployment").items():
        settings_class = _settings_class(name)
        env = _container_env(pod_spec(deployment)["containers"][0], config)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = settings_class()
        assert settings.environment == "production"
        assert settings.database_url == env.get("DATABASE_URL", settings.database_url)
        assert settings.stream_replicas == int(config["STREAM_REPLICAS"])
        for key in env:
            monkeypatch.delenv(key)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_run_once_in_a_job_and_pods_only_wait_for_them(overlay):
    docs = rendered(overlay)
    jobs, deployments = of_kind(docs, "Job"), of_kind(docs, "Deployment")
    assert set(jobs) == {f"{api}-migrate" for api in APIS}
    for api in APIS:
        job = jobs[f"{api}-migrate"]
        assert job["spec"]["parallelism"] == 1 and job["spec"]["completions"] == 1
        assert pod_spec(job)["restartPolicy"] == "Never"
        [migrate] = pod_spec(job)["containers"]
        assert migrate["command"] == ["python", "-m", "scripts.migrate", api]
        annotations = job["metadata"]["annotations"]
        assert annotations["argocd.argoproj.io/hook"] == "Sync"
        assert int(annotations["argocd.argoproj.io/sync-wave"]) < int(
            deployments[api]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])
        [wait] = pod_spec(deployments[api])["initContainers"]
        assert wait["command"][:4] == ["python", "-m", "scripts.migrate", api] and "--wait" in wait["command"]
        assert migrate["env"] == wait["env"] == pod_spec(deployments[api])["containers"][0]["env"]
