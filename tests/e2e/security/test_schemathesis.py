"""Schemathesis against each service's OpenAPI document, with a valid token of each role.

Each service runs for real (uvicorn in a thread, a migrated SQLite database); every generated request
must get no 5xx, a documented status and content type, and a body matching the documented schema.
Examples are derandomized and few (SCHEMATHESIS_EXAMPLES, 10 per operation and role), so the run is the
same on every machine and takes well under a minute; a deeper search sets it higher.
"""

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from schemathesis import GenerationMode
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from services.intake.app import create_app as create_intake
from services.intake.settings import IntakeSettings
from services.monitoring.app import create_app as create_monitoring
from services.monitoring.settings import MonitoringSettings
from services.routing.app import create_app as create_routing
from services.routing.settings import RoutingSettings
from shared.auth import ensure_secret, issue_token
from shared.migrations import upgrade
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[3]
DEAD_NATS = f"nats://127.0.0.1:{free_port()}"
CALLERS = {"secretariat": None, "agency": "08.SGTVT", "committee": None, "admin": None}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SERVICES = {"intake": (IntakeSettings, create_intake), "routing": (RoutingSettings, create_routing),
            "monitoring": (MonitoringSettings, create_monitoring)}
SENT = [0]
OPERATIONS = ("/healthz", "/readyz", "/metrics")  # /readyz is a 503 here on purpose: no NATS runs
FEW = settings(max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10")), deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))


@contextmanager
def _serving(app):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.025)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def _service(name: str, tmp_path: Path):
    settings_class, create_app = SERVICES[name]
    url = f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
    upgrade(ROOT / "services" / name / "migrations", url)
    service_settings = settings_class(database_url=url, nats_url=DEAD_NATS, run_dir=tmp_path, environment="test",
                                      rate_limit_writes_per_minute=0, rate_limit_imports_per_minute=0)
    secret = ensure_secret(service_settings.jwt_secret_file)
    tokens = {role: {"Authorization": f"Bearer {issue_token(secret, f'st-{role}', role, agency)}"}
              for role, agency in CALLERS.items()}
    with _serving(create_app(service_settings)) as base_url:
        yield schemathesis.openapi.from_url(f"{base_url}/openapi.json"), tokens


@pytest.fixture(scope="module", params=list(SERVICES))
def service(request, tmp_path_factory):
    with _service(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running


@pytest.mark.parametrize("role", list(CALLERS))
def test_no_5xx_and_every_answer_as_documented(service, role):
    schema, tokens = service
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in OPERATIONS:
            continue
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
            generation_mode=GenerationMode.NEGATIVE)

        @FEW
        @given(case=strategy)
        def check(case):
            SENT[0] += 1
            case.call_and_validate(headers=tokens[role], checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failures
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}\n" + "\n".join(
                str(inner) for inner in getattr(exc, "exceptions", ())))
    print("requests sent so far", SENT[0])
    assert failures == [], "\n\n".join(failures)


# The stateful phase: sequences that follow the links schemathesis infers (a created session's id into a
# meeting, a meeting's into a petition, ...), each service as the role that writes there.
WRITER = {"intake": "secretariat", "routing": "admin", "monitoring": "committee"}
STEPS = settings(max_examples=int(os.environ.get("SCHEMATHESIS_SEQUENCES", "5")), stateful_step_count=6,
                 deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


def test_stateful_sequences_find_no_5xx(service, request):
    schema, tokens = service
    headers = tokens[WRITER[request.node.callspec.id]]

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Workflow.run(settings=STEPS)
