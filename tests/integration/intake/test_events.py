"""Intake's events through a real nats-server: outbox, exactly-once publishing, idempotent consuming."""

import asyncio
import re
import uuid

import pytest

from shared.events import PetitionRouted, StatusChanged
from tests.support.events import publish_event, publish_raw, stream_events, wait_for_events
from tests.support.intake import intake_client, make_meeting
from tests.support.servers import NatsServer

CONTENT = "Cử tri đề nghị sửa chữa cầu treo thôn Nà Héc bị hư hỏng, đi lại nguy hiểm."


async def test_received_event_carries_no_personal_data(intake, secretariat, nats_server):
    meeting = await make_meeting(intake, secretariat)
    created = (await intake.post("/petitions", headers=secretariat, json={
        "meeting_id": meeting["id"], "content": CONTENT,
        "petitioners": [{"name": "Hoàng Văn Quyết", "address": "Tổ 5, phường Phan Thiết", "phone": "0987654321"}],
    })).json()
    [envelope] = await wait_for_events(nats_server.url, "petitions.received", {created["id"]})
    assert envelope["data"]["code"] == created["code"]
    assert envelope["data"]["content"] == CONTENT
    assert envelope["data"]["meeting_unit_code"] == "02545"
    raw = str(envelope)
    for personal in ("Hoàng Văn Quyết", "Tổ 5", "0987654321", "petitioners"):
        assert personal not in raw
    headers = [h for h, env in await stream_events(nats_server.url, "petitions.received")
               if env["id"] == envelope["id"]]
    assert headers == [{"Nats-Msg-Id": envelope["id"]}]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_petitions_taken_while_nats_is_down_are_published_exactly_once(database_url, tmp_path):
    server = NatsServer()
    server.start()
    try:
        async with intake_client(database_url, server.url, tmp_path) as intake:
            headers = intake.headers_for("secretariat")
            meeting = await make_meeting(intake, headers)
            server.stop()
            ids = set()
            for index in range(3):
                response = await intake.post("/petitions", headers=headers,
                                             json={"meeting_id": meeting["id"], "content": f"{CONTENT} Lần {index}."})
                assert response.status_code == 201
                ids.add(response.json()["id"])
            assert (await intake.get("/readyz")).status_code == 503
            await asyncio.sleep(1.5)  # the relay tries, fails, backs off
            server.start()
            events = await wait_for_events(server.url, "petitions.received", ids, timeout=30)
            assert (await intake.get("/readyz")).status_code == 200
        # A restart of the service republishes nothing that was already out.
        async with intake_client(database_url, server.url, tmp_path) as intake:
            await asyncio.sleep(1.5)
        events = [env for _, env in await stream_events(server.url, "petitions.received") if env["petition_id"] in ids]
        assert sorted(env["petition_id"] for env in events) == sorted(ids)
    finally:
        server.cleanup()


async def test_outcome_events_are_applied_once_and_poison_is_skipped(intake, secretariat, nats_server):
    meeting = await make_meeting(intake, secretariat)
    petition = (await intake.post("/petitions", headers=secretariat,
                                  json={"meeting_id": meeting["id"], "content": CONTENT})).json()
    await publish_raw(nats_server.url, "petitions.status_changed", b"{not an envelope")
    change = StatusChanged(from_status="assigned", to_status="in_progress", agency_code="02545.UBND",
                           planned_completion="2025-06-30", note="Đang khảo sát", by="agency")
    event_id = uuid.uuid4()
    for attempt in range(2):  # a redelivery: same event id, new NATS message
        await publish_event(nats_server.url, uuid.UUID(petition["id"]), change, event_id=event_id,
                            msg_id=f"{event_id}-{attempt}")
    for _ in range(100):
        body = (await intake.get(f"/petitions/{petition['id']}", headers=secretariat)).json()
        metrics = (await intake.get("/metrics")).text
        if body["latest_status"] == "in_progress" and _count(metrics, "duplicate") >= 1:
            break
        await asyncio.sleep(0.1)
    assert body["latest_status"] == "in_progress"
    assert body["agency_code"] == "02545.UBND"
    assert _count(metrics, "applied") >= 1
    assert _count(metrics, "duplicate") == 1
    assert _count(metrics, "poison") >= 1


async def test_a_late_status_event_never_undoes_a_newer_one(intake, secretariat, nats_server):
    meeting = await make_meeting(intake, secretariat)
    petition = (await intake.post("/petitions", headers=secretariat,
                                  json={"meeting_id": meeting["id"], "content": CONTENT})).json()
    petition_id, agency = uuid.UUID(petition["id"]), "02545.UBND"
    newer = StatusChanged(from_status="assigned", to_status="in_progress", agency_code=agency,
                          planned_completion="2025-06-30", note="Đang khảo sát", by="agency")
    older = StatusChanged(from_status="awaiting_routing", to_status="assigned", agency_code="08.SGTVT", by="classifier")
    await publish_event(nats_server.url, petition_id, newer, source="monitoring", sequence=2)
    # Published later (a later clock), but monitoring's version says it is older; and a routing decision
    # is not intake's to apply: monitoring announces the status it leads to.
    await publish_event(nats_server.url, petition_id, older, source="monitoring", sequence=1)
    await publish_event(nats_server.url, petition_id, PetitionRouted(
        level="province", agency_code="08.SGTVT", decided_by="classifier"), source="routing", sequence=3)
    for _ in range(100):
        metrics = (await intake.get("/metrics")).text
        if _count(metrics, "applied") + _count(metrics, "duplicate") >= 2:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # the routed event, were it consumed, would land by now
    body = (await intake.get(f"/petitions/{petition_id}", headers=secretariat)).json()
    assert (body["latest_status"], body["agency_code"]) == ("in_progress", agency)


def _count(metrics: str, outcome: str) -> float:
    pattern = rf'events_consumed_total{{consumer="intake-outcomes",outcome="{outcome}"}} ([0-9.e+]+)'
    match = re.search(pattern, metrics)
    return float(match.group(1)) if match else 0.0
