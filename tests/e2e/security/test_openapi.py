"""Each service's OpenAPI document declares the bearer scheme and the problem+json answers it gives."""

import pytest

from services.intake.app import create_app as create_intake
from services.intake.settings import IntakeSettings
from services.monitoring.app import create_app as create_monitoring
from services.monitoring.settings import MonitoringSettings
from services.routing.app import create_app as create_routing
from services.routing.settings import RoutingSettings
from shared.errors import DOCUMENTED_STATUSES, PROBLEM_MEDIA_TYPE

OPERATIONS = ("/healthz", "/readyz", "/metrics")
SERVICES = [(create_intake, IntakeSettings), (create_routing, RoutingSettings),
            (create_monitoring, MonitoringSettings)]


@pytest.mark.parametrize(("create_app", "settings_class"), SERVICES)
def test_bearer_scheme_and_problem_answers_are_documented(create_app, settings_class, tmp_path):
    document = create_app(settings_class(run_dir=tmp_path, environment="test")).openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "JWT: sub, role (secretariat | agency | committee | admin), agency"}
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path in OPERATIONS:
                assert "security" not in operation
                continue
            assert operation["security"] == [{"HTTPBearer": []}], (method, path)
            for status in DOCUMENTED_STATUSES:
                content = operation["responses"][str(status)]["content"]
                assert list(content) == [PROBLEM_MEDIA_TYPE], (method, path, status)
                assert content[PROBLEM_MEDIA_TYPE]["schema"] == {"$ref": "#/components/schemas/Problem"}
