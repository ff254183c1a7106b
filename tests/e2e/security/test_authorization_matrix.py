"""Every endpoint of the three services, called by every kind of caller: the status each must get.

Callers: no token, an expired one, a tampered one (role changed, signature kept), one signed with
`alg: none`, then a valid token of each role, the agency split into the one a petition is assigned to
and another. A forbidden call is exactly 403; a bad token exactly 401; an allowed one neither (it may be
a 2xx, or a 404/409/422 about the request itself), and never a 5xx.
"""

import asyncio
import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt

from services.intake.app import create_app as create_intake
from services.intake.settings import IntakeSettings
from services.monitoring.app import create_app as create_monitoring
from services.monitoring.settings import MonitoringSettings
from services.routing.app import create_app as create_routing
from services.routing.routings import service as routing_service
from services.routing.settings import RoutingSettings
from shared.auth import ensure_secret, issue_token
from shared.migrations import upgrade
from tests.support.apps import running_app
from tests.support.monitoring import assigned_petition
from tests.support.routing import CONFIDENT, received
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[3]
DEAD_NATS = f"nats://127.0.0.1:{free_port()}"
OWN, OTHER = "08.SGTVT", "08.SYT"
BAD_TOKENS = ("none", "expired", "tampered", "alg_none")
ROLES = ("secretariat", "own_agency", "other_agency", "committee", "admin")
EVERYONE = frozenset(ROLES)
OVERSEERS = frozenset({"secretariat", "committee", "admin"})
CONTENT = "Cử tri đề nghị sửa chữa đường liên thôn Tân Lập bị sạt lở."


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the OpenAPI template, e.g. /petitions/{petition_id}
    allowed: frozenset[str]
    body: dict | None = None  # its strings may name ids too: {"meeting_id": "{meeting_id}"}
    ids: dict | None = None  # ids of this call only (routing's {code} is a unit or an agency)


def _token(secret: bytes, caller: str) -> str | None:
    if caller == "none":
        return None
    if caller == "expired":
        return issue_token(secret, "het-han", "admin", days=-1)
    if caller == "tampered":
        header, payload, signature = issue_token(secret, "gia-mao", "agency", OTHER).split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        forged = base64.urlsafe_b64encode(json.dumps(claims | {"role": "admin"}).encode()).decode().rstrip("=")
        return f"{header}.{forged}.{signature}"
    if caller == "alg_none":
        claims = {"sub": "khong-ky", "role": "admin", "exp": datetime.now(timezone.utc) + timedelta(days=1)}
        return jwt.encode(claims, None, algorithm="none")
    role, agency = {"own_agency": ("agency", OWN), "other_agency": ("agency", OTHER)}.get(caller, (caller, None))
    return issue_token(secret, f"kiem-tra-{caller}", role, agency)


def _filled(value, ids: dict[str, str]):
    if isinstance(value, str):
        return value.format(**ids)
    return {key: _filled(item, ids) for key, item in value.items()} if isinstance(value, dict) else value


async def _check(client, app, secret: bytes, calls: list[Call], ids: dict[str, str]) -> list[str]:
    assert _documented(app) <= {(call.method, call.path) for call in calls}, "an endpoint is missing"
    wrong = []
    for call in calls:
        call_ids = ids | (call.ids or {})
        for caller in BAD_TOKENS + ROLES:
            token = _token(secret, caller)
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = await client.request(call.method, _filled(call.path, call_ids), headers=headers,
                                          json=_filled(call.body, call_ids))
            if caller in BAD_TOKENS:
                expected_ok = answer.status_code == 401
            elif caller in call.allowed:
                expected_ok = answer.status_code not in (401, 403) and answer.status_code < 500
            else:
                expected_ok = answer.status_code == 403
            if not expected_ok or answer.status_code >= 500:
                wrong.append(f"{call.method} {call.path} as {caller}: {answer.status_code} {answer.text[:120]}")
    return wrong


def _documented(app) -> set[tuple[str, str]]:
    operations = app.openapi()["paths"]
    return {(method.upper(), path) for path, item in operations.items() for method in item
            if path not in ("/healthz", "/readyz", "/metrics")}


async def _migrated(service: str, tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / (service + '.db')}"
    await asyncio.to_thread(upgrade, ROOT / "services" / service / "migrations", url)
    return url


def _settings(cls, tmp_path, url):
    # No rate limits here: the matrix makes hundreds of calls with a few tokens.
    return cls(database_url=url, nats_url=DEAD_NATS, run_dir=tmp_path, environment="test",
               rate_limit_writes_per_minute=0, rate_limit_imports_per_minute=0)


INTAKE_CALLS = [
    Call("POST", "/sessions", frozenset({"secretariat", "admin"}),
         {"name": "Kỳ họp", "term": "2021-2026", "starts_on": "2024-12-05"}),
    Call("GET", "/sessions", OVERSEERS),
    Call("POST", "/meetings", frozenset({"secretariat", "admin"}),
         {"session_id": "{session_id}", "held_on": "2024-11-20", "kind": "hotline", "unit_code": "08"}),
    Call("GET", "/meetings", OVERSEERS),
    Call("GET", "/meetings/{meeting_id}", OVERSEERS),
    Call("POST", "/petitions", frozenset({"secretariat", "admin"}), {"meeting_id": "{meeting_id}", "content": CONTENT}),
    Call("GET", "/petitions", OVERSEERS),
    Call("POST", "/petitions:import", frozenset({"secretariat", "admin"})),
    Call("GET", "/petitions/{petition_id}", OVERSEERS),
    Call("GET", "/petitions/{petition_id}/similar", OVERSEERS),
    Call("POST", "/petitions/{petition_id}/link", frozenset({"secretariat", "admin"}), {"earlier_id": "{petition_id}"}),
    Call("DELETE", "/petitions/{petition_id}/link", frozenset({"secretariat", "admin"})),
    Call("GET", "/petitions/{petition_id}/links", OVERSEERS),
    Call("POST", "/petitions:similar", OVERSEERS, {"content": CONTENT, "unit_code": "02545"}),
    Call("GET", "/petitions:import-template", frozenset({"secretariat", "admin"})),
    Call("GET", "/import-jobs/{job_id}", frozenset({"secretariat", "admin"}), ids={"job_id": str(uuid.uuid4())}),
    Call("GET", "/petitions/{petition_id}/changes", OVERSEERS),
    Call("GET", "/meetings/{meeting_id}/changes", OVERSEERS),
    Call("GET", "/sessions/{session_id}/changes", OVERSEERS),
    Call("PATCH", "/sessions/{session_id}", frozenset({"secretariat", "admin"}),
         {"name": "Kỳ họp thứ 21", "reason": "Sai tên"}),
    Call("PATCH", "/meetings/{meeting_id}", frozenset({"secretariat", "admin"}), {"note": "Bổ sung ghi chú", "reason": "Bổ sung"}),
    Call("PATCH", "/petitions/{petition_id}", frozenset({"secretariat", "admin"}),
         {"voters_count": 3, "reason": "Sai số cử tri"}),
    # Last: a withdrawn petition (then meeting, session) answers 409 to what follows, which is allowed.
    Call("POST", "/petitions/{petition_id}/withdrawal", frozenset({"secretariat", "admin"}), {"reason": "Rút"}),
    Call("POST", "/meetings/{meeting_id}/withdrawal", frozenset({"secretariat", "admin"}), {"reason": "Rút"}),
    Call("POST", "/sessions/{session_id}/withdrawal", frozenset({"secretariat", "admin"}), {"reason": "Rút"}),
]


async def test_intake_matrix(tmp_path):
    settings = _settings(IntakeSettings, tmp_path, await _migrated("intake", tmp_path))
    app = create_intake(settings)
    secret = ensure_secret(settings.jwt_secret_file)
    async with running_app(app) as client:
        admin = {"Authorization": f"Bearer {_token(secret, 'secretariat')}"}
        session = (await client.post("/sessions", headers=admin, json=INTAKE_CALLS[0].body)).json()
        meeting = (await client.post("/meetings", headers=admin, json={
            "session_id": session["id"], "held_on": "2024-11-20", "kind": "hotline", "unit_code": "08"})).json()
        petition = (await client.post("/petitions", headers=admin,
                                      json={"meeting_id": meeting["id"], "content": CONTENT})).json()
        ids = {"session_id": session["id"], "meeting_id": meeting["id"], "petition_id": petition["id"]}
        assert await _check(client, app, secret, INTAKE_CALLS, ids) == []


ROUTING_CALLS = [
    Call("GET", "/units", EVERYONE),
    Call("POST", "/units", frozenset({"admin"}), {"code": "02998", "name": "Xã Thử", "level": "commune",
                                                  "parent_code": "076"}),
    Call("GET", "/units/{code}", EVERYONE, ids={"code": "02545"}),
    Call("PATCH", "/units/{code}", frozenset({"admin"}), {"aliases": ["xã Thử Cũ"]}, ids={"code": "02545"}),
    Call("GET", "/agencies", EVERYONE),
    Call("POST", "/agencies", frozenset({"admin"}), {"code": "02545.UBNDT", "name": "UBND thử", "level": "commune",
                                                     "unit_code": "02545"}),
    Call("GET", "/agencies/{code}", EVERYONE, ids={"code": OWN}),
    Call("PATCH", "/agencies/{code}", frozenset({"admin"}), {"handles": "Giao thông"}, ids={"code": OWN}),
    Call("GET", "/routings", EVERYONE),
    Call("GET", "/routings/{petition_id}", frozenset({"secretariat", "committee", "admin", "own_agency"})),
    Call("POST", "/routings/{petition_id}/assignment", frozenset({"secretariat"}),
         {"level": "province", "agency_code": OWN, "reason": "Đường tỉnh ĐT.186"}),
    Call("GET", "/model-versions", OVERSEERS),
    Call("GET", "/model-versions/{version_id}", OVERSEERS, ids={"version_id": "1"}),
    Call("POST", "/model-versions", frozenset({"admin"})),
    Call("GET", "/model-training", OVERSEERS),
]


async def test_routing_matrix(tmp_path):
    settings = _settings(RoutingSettings, tmp_path, await _migrated("routing", tmp_path))
    app = create_routing(settings)
    secret = ensure_secret(settings.jwt_secret_file)
    async with running_app(app) as client:
        runtime, petition_id = app.state.runtime, uuid.uuid4()
        async with runtime.uow() as uow:
            await routing_service.route_received(uow, runtime.context.routing, petition_id, received(CONFIDENT),
                                                 f"event:{uuid.uuid4()}")
            await uow.commit()
        assert await _check(client, app, secret, ROUTING_CALLS, {"petition_id": str(petition_id)}) == []


MONITORING_CALLS = [
    Call("GET", "/petitions/{petition_id}/status", frozenset({"secretariat", "committee", "admin", "own_agency"})),
    Call("GET", "/petitions", EVERYONE),
    Call("POST", "/petitions/{petition_id}/status-updates", frozenset({"own_agency"}),
         {"status": "in_progress", "planned_completion": "2030-01-01", "note": "Đang làm"}),
    Call("POST", "/spot-checks", frozenset({"committee"}),
         {"period_from": "2024-01-01", "period_to": "2024-01-31", "assigned_to": "Ban Pháp chế"}),
    Call("GET", "/spot-checks", OVERSEERS),
    Call("POST", "/spot-checks/{spot_check_id}/findings", frozenset({"committee"}),
         {"petition_id": "{petition_id}", "verdict": "confirmed"}),
    Call("GET", "/spot-checks/{spot_check_id}", OVERSEERS),
    Call("GET", "/reports/monthly", OVERSEERS),
]


async def test_monitoring_matrix(tmp_path):
    settings = _settings(MonitoringSettings, tmp_path, await _migrated("monitoring", tmp_path))
    app = create_monitoring(settings)
    secret = ensure_secret(settings.jwt_secret_file)
    async with running_app(app) as client:
        petition_id = await assigned_petition(app.state.runtime, OWN)
        ids = {"petition_id": str(petition_id), "spot_check_id": str(uuid.uuid4())}
        assert await _check(client, app, secret, MONITORING_CALLS, ids) == []
