"""Petitioners' names, addresses and phones reach no log line, no event and no report format.

The whole chain runs: intake, routing and monitoring on a real nats-server; the petition is entered
with its petitioners (and once more with a NUL byte that must be refused), routed, tracked, reported.
"""

import io
import json
import logging
import zipfile

import pytest

from shared.observability import json_log_handler
from tests.support.apps import auth_headers
from tests.support.chain import eventually, whole_chain
from tests.support.events import stream_events
from tests.support.intake import make_meeting
from tests.support.routing import CONFIDENT

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NAME, ADDRESS, PHONE = "Đinh Thị Riêng Tư", "Xóm Kín, thôn Giấu Tên", "0911222333"
SECRETS = (NAME, ADDRESS, PHONE)


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


async def _report_texts(monitoring, headers) -> dict[str, str]:
    texts = {}
    for report_format in ("json", "csv", "xlsx", "html"):
        answer = await monitoring.get("/reports/monthly", params={"format": report_format}, headers=headers)
        assert answer.status_code == 200, answer.text
        texts[report_format] = _xlsx_text(answer.content) if report_format == "xlsx" else answer.text
    return texts


@pytest.fixture
def json_logs():
    """What the services' JSON log handler writes, as it would reach the IT office's log collector."""
    stream = io.StringIO()
    handler = json_log_handler(stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


async def test_personal_data_stays_in_intake(database_url, isolated_nats, tmp_path, caplog, json_logs):
    caplog.set_level(logging.DEBUG)
    async with whole_chain(database_url, isolated_nats.url, tmp_path) as (intake, monitoring, settings):
        logging.getLogger().setLevel(logging.DEBUG)  # the apps set LOG_LEVEL's INFO; the consumers' lines too
        secretariat = intake.headers_for("secretariat")
        meeting = await make_meeting(intake, secretariat)
        petitioner = {"name": NAME, "address": ADDRESS, "phone": PHONE}
        created = await intake.post("/petitions", headers={**secretariat, "X-Request-ID": "kn-trace-1"}, json={
            "meeting_id": meeting["id"], "content": CONFIDENT, "petitioners": [petitioner]})
        assert created.status_code == 201 and created.json()["petitioners"] == [petitioner]
        refused = await intake.post("/petitions", headers=secretariat, json={
            "meeting_id": meeting["id"], "content": CONFIDENT, "petitioners": [petitioner | {"name": NAME + "\x00"}]})
        assert refused.status_code == 422
        committee = auth_headers(settings, "committee")
        petition_id = created.json()["id"]

        async def assigned():
            answer = await monitoring.get(f"/petitions/{petition_id}/status", headers=committee)
            return answer.status_code == 200 and answer.json()["status"] == "assigned"

        await eventually(assigned)
        seen = {"events": json.dumps([envelope for _, envelope in await stream_events(isolated_nats.url)],
                                     ensure_ascii=False),
                "intake as committee": (await intake.get(f"/petitions/{petition_id}",
                                                         headers=intake.headers_for("committee"))).text,
                **await _report_texts(monitoring, committee)}
        seen["logs"] = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
        seen["json logs"] = json_logs.getvalue()
        leaks = {where: secret for where, text in seen.items() for secret in SECRETS if secret in text}
        assert leaks == {}
        assert CONFIDENT[:20] in seen["events"]  # the grep does look at the right texts
    assert created.headers["x-request-id"] == "kn-trace-1"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]  # every line is one JSON object
    assert {"service": "intake", "request_id": "kn-trace-1", "method": "POST", "route": "/petitions",
            "status": 201}.items() <= next(line for line in lines if line.get("request_id") == "kn-trace-1").items()
    assert any(line.get("service") == "monitoring" and line.get("route") == "/petitions/{petition_id}/status"
               and line.get("petition_id") == petition_id for line in lines)
    applied = [line for line in lines
               if line.get("event") == "event applied" and line.get("petition_id") == petition_id]
    assert {line["service"] for line in applied} >= {"routing", "monitoring"}
    assert all(line["event_id"] for line in applied)
