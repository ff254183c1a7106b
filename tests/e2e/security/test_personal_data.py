"""Petitioners' names, addresses and phones reach no log line, no event and no report format.

The whole chain runs: intake, routing and monitoring on a real nats-server; the petition is entered
with its petitioners (and once more with a NUL byte that must be refused), routed, tracked, reported.
"""

import io
import json
import logging
import zipfile

import pytest

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


async def test_personal_data_stays_in_intake(database_url, isolated_nats, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    async with whole_chain(database_url, isolated_nats.url, tmp_path) as (intake, monitoring, settings):
        secretariat = intake.headers_for("secretariat")
        meeting = await make_meeting(intake, secretariat)
        petitioner = {"name": NAME, "address": ADDRESS, "phone": PHONE}
        created = await intake.post("/petitions", headers=secretariat, json={
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
        leaks = {where: secret for where, text in seen.items() for secret in SECRETS if secret in text}
        assert leaks == {}
        assert CONFIDENT[:20] in seen["events"]  # the grep does look at the right texts
