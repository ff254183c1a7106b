"""Every status monitoring gives a petition is announced as one `status_changed`, in order, so intake can
follow it from those events alone: routing's assignment, each agency answer, a return, a re-assignment."""

import uuid
from datetime import datetime, timedelta, timezone

from tests.integration.monitoring.test_tracking_api import agency, outbox
from tests.support.apps import auth_headers
from tests.support.monitoring import deliver, received, routed

UTC = timezone.utc


async def test_the_announced_changes_replay_the_timeline_of_statuses(client, runtime, settings):
    petition_id, at = uuid.uuid4(), datetime.now(UTC) - timedelta(days=3)
    url = f"/petitions/{petition_id}/status-updates"
    await deliver(runtime, received(petition_id, at), routed(petition_id, at + timedelta(hours=1), sequence=1))
    answers = [({"status": "in_progress", "planned_completion": "2030-06-30"}, "08.SGTVT"),
               ({"status": "returned", "note": "Thuộc thẩm quyền của UBND huyện"}, "08.SGTVT")]
    for body, code in answers:
        assert (await client.post(url, json=body, headers=agency(settings, code))).status_code == 201
    await deliver(runtime, routed(petition_id, at + timedelta(days=1), "076.UBND", "district", sequence=2))
    for body in ({"status": "unresolved_lack_of_resources", "reason": "Chưa bố trí được vốn"},
                 {"status": "resolved", "resolution": "Đã kè lại đoạn sạt lở"}):
        assert (await client.post(url, json=body, headers=agency(settings, "076.UBND"))).status_code == 201

    status = await client.get(f"/petitions/{petition_id}/status", headers=auth_headers(settings, "committee"))
    timeline = [e for e in status.json()["timeline"] if e.get("to_status") and e["type"] != "received"]
    changes = [e for e in await outbox(runtime) if e["subject"] == "petitions.status_changed"]
    assert [e["data"]["to_status"] for e in changes] == [e["to_status"] for e in timeline] == [
        "assigned", "in_progress", "returned", "assigned", "unresolved_lack_of_resources", "resolved"]
    assert [e["data"]["from_status"] for e in changes] == [
        "awaiting_routing", "assigned", "in_progress", "returned", "assigned", "unresolved_lack_of_resources"]
    assert [e["sequence"] for e in changes] == [1, 2, 3, 4, 5, 6]
    assert [e["data"]["agency_code"] for e in changes] == ["08.SGTVT"] * 3 + ["076.UBND"] * 3
