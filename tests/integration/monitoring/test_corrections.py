"""Monitoring follows intake's corrections and withdrawals: timeline entries, out of the lists, counted as withdrawn."""

import uuid
from datetime import UTC, datetime, timedelta

from shared.events import PetitionCorrected, PetitionWithdrawn, make_envelope
from tests.integration.monitoring.test_tracking_api import AGENCY, agency, outbox
from tests.support.apps import auth_headers
from tests.support.monitoring import assigned_petition, deliver


def corrected(petition_id: uuid.UUID, sequence: int, unit_code: str = "071") -> object:
    data = PetitionCorrected(fields=["unit_code"], content="Đề nghị sửa đường liên thôn", unit_code=unit_code,
                             session_id=uuid.uuid4(), meeting_id=uuid.uuid4(), meeting_kind="voter_meeting",
                             meeting_unit_code="070", held_on="2024-11-20", reason="Nhập nhầm xã", by="thu-ky")
    return make_envelope("intake", petition_id, data, occurred_at=datetime.now(UTC), sequence=sequence)


def withdrawn(petition_id: uuid.UUID, sequence: int) -> object:
    return make_envelope("intake", petition_id, PetitionWithdrawn(reason="Cử tri rút kiến nghị", by="thu-ky"),
                         occurred_at=datetime.now(UTC), sequence=sequence)


async def test_a_correction_is_a_timeline_entry_with_who_and_why(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    await deliver(runtime, corrected(petition_id, 2, "072"), corrected(petition_id, 1, "071"))  # the older comes late
    body = (await client.get(f"/petitions/{petition_id}/status", headers=auth_headers(settings, "committee"))).json()
    entries = [e for e in body["timeline"] if e["type"] == "corrected"]
    assert len(entries) == 1
    assert entries[0]["by"] == "thu-ky" and entries[0]["reason"] == "Nhập nhầm xã" and entries[0]["unit_code"] == "072"
    assert body["status"] == "assigned" and body["agency_code"] == AGENCY


async def test_a_withdrawn_petition_leaves_the_lists_and_is_counted_as_withdrawn(client, runtime, settings):
    petition_id = await assigned_petition(runtime, at=datetime.now(UTC) - timedelta(days=90))  # overdue
    kept = await assigned_petition(runtime)
    committee = auth_headers(settings, "committee")
    before = (await client.get("/reports/monthly", headers=committee)).json()
    assert before["overdue"]["count"] == 1
    await deliver(runtime, withdrawn(petition_id, 1))
    body = (await client.get(f"/petitions/{petition_id}/status", headers=committee)).json()
    assert body["status"] == "withdrawn" and body["overdue"] is False
    assert body["timeline"][-1]["type"] == "withdrawn" and body["timeline"][-1]["reason"] == "Cử tri rút kiến nghị"
    listed = (await client.get("/petitions", headers=committee)).json()["items"]
    assert [p["petition_id"] for p in listed] == [str(kept)]
    mine = (await client.get("/petitions", headers=agency(settings))).json()["items"]
    assert str(petition_id) not in [p["petition_id"] for p in mine]
    only = (await client.get("/petitions", params={"status": "withdrawn"}, headers=committee)).json()["items"]
    assert [p["petition_id"] for p in only] == [str(petition_id)]
    report = (await client.get("/reports/monthly", headers=committee)).json()
    assert report["total"] == 2 and report["by_status"]["withdrawn"]["count"] == 1
    assert report["by_status"]["assigned"]["count"] == 1
    assert report["overdue"]["count"] == 0 and report["timeliness"]["withdrawn"]["count"] == 1
    events = await outbox(runtime)
    assert events[-1]["subject"] == "petitions.status_changed" and events[-1]["data"]["to_status"] == "withdrawn"
    refused = await client.post(f"/petitions/{petition_id}/status-updates", headers=agency(settings),
                                json={"status": "resolved", "resolution": "Đã xong"})
    assert refused.status_code in (403, 409)
