"""Events that arrive late or out of order never undo a newer decision (SQLite and PostgreSQL)."""

import uuid
from datetime import datetime, timedelta, timezone

from tests.integration.monitoring.test_tracking_api import agency, outbox
from tests.support.apps import auth_headers
from tests.support.monitoring import deliver, linked, received, routed

UTC = timezone.utc


async def test_a_stale_routed_event_after_a_correction_changes_nothing(client, runtime, settings):
    petition_id, at = uuid.uuid4(), datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    classifier = routed(petition_id, at + timedelta(hours=1), "08.SGTVT", "province", sequence=1)
    correction = routed(petition_id, at + timedelta(hours=2), "076.UBND", "district", topic="dat_dai",
                        decided_by="thu-ky", sequence=2)
    await deliver(runtime, received(petition_id, at), correction)
    headers = auth_headers(settings, "committee")
    before = (await client.get(f"/petitions/{petition_id}/status", headers=headers)).json()
    events_before = await outbox(runtime)

    await deliver(runtime, classifier)  # the classifier's decision, delivered after the correction

    after = (await client.get(f"/petitions/{petition_id}/status", headers=headers)).json()
    assert after == before
    assert (after["agency_code"], after["level"], after["topic"]) == ("076.UBND", "district", "dat_dai")
    assert await outbox(runtime) == events_before
    assert (await client.get(f"/petitions/{petition_id}/status", headers=agency(settings))).status_code == 403


async def test_timeline_keeps_true_times_and_routing_announces_the_status(client, runtime, settings):
    petition_id, at = uuid.uuid4(), datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    # The routing service's clock is behind intake's: the decision looks older than the receipt.
    await deliver(runtime, received(petition_id, at), routed(petition_id, at - timedelta(minutes=5), sequence=1))
    body = (await client.get(f"/petitions/{petition_id}/status", headers=auth_headers(settings, "committee"))).json()
    assert [(e["type"], e["at"]) for e in body["timeline"]] == [
        ("received", "2024-03-01T02:00:00Z"), ("routed", "2024-03-01T01:55:00Z")]
    [change] = [e for e in await outbox(runtime) if e["subject"] == "petitions.status_changed"]
    assert change["sequence"] == 1
    assert (change["data"]["from_status"], change["data"]["to_status"]) == ("awaiting_routing", "assigned")
    assert change["data"]["agency_code"] == "08.SGTVT"


async def test_status_events_carry_increasing_versions(client, runtime, settings):
    petition_id, at = uuid.uuid4(), datetime.now(UTC) - timedelta(days=1)
    await deliver(runtime, received(petition_id, at), routed(petition_id, at, sequence=1))
    url = f"/petitions/{petition_id}/status-updates"
    response = await client.post(url, json={"status": "returned", "note": "Không thuộc thẩm quyền"},
                                 headers=agency(settings))
    assert response.status_code == 201, response.text
    await deliver(runtime, routed(petition_id, datetime.now(UTC), "073.UBND", "district", sequence=2))
    events = [(e["subject"], e["sequence"], e["data"].get("to_status")) for e in await outbox(runtime)]
    assert events == [("petitions.status_changed", 1, "assigned"), ("petitions.status_changed", 2, "returned"),
                      ("petitions.returned", 2, None), ("petitions.status_changed", 3, "assigned")]


async def test_a_late_link_never_replaces_a_newer_one(client, runtime, settings):
    at = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    first, second, repeat = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(runtime, received(first, at), received(second, at + timedelta(hours=1)),
                  received(repeat, at + timedelta(hours=2)))
    await deliver(runtime, linked(repeat, second, second, at + timedelta(hours=4), sequence=2),
                  linked(repeat, first, first, at + timedelta(hours=3), sequence=1))
    body = (await client.get(f"/petitions/{repeat}/status", headers=auth_headers(settings, "committee"))).json()
    assert (body["repeat_of"], body["matter_id"]) == (str(second), str(second))
