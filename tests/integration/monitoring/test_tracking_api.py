"""Statuses, deadlines, authorization and the outbox, through the HTTP API on SQLite and PostgreSQL."""

import json
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from services.monitoring.base import OutboxMessage
from tests.support.apps import auth_headers
from tests.support.monitoring import assigned_petition, deliver, received, routed

UTC = timezone.utc
AGENCY = "08.SGTVT"


def agency(settings, code=AGENCY):
    return auth_headers(settings, "agency", code, sub=f"can-bo-{code}")


async def outbox(runtime) -> list[dict]:
    async with runtime.session_factory() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))).all()
    return [{"subject": row.subject, **json.loads(row.payload)} for row in rows]


async def test_events_build_the_read_model_with_a_deadline(client, runtime, settings):
    petition_id = uuid.uuid4()
    at = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    await deliver(runtime, received(petition_id, at, code="KN-2024-000001"))
    response = await client.get(f"/petitions/{petition_id}/status", headers=auth_headers(settings, "secretariat"))
    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_routing" and response.json()["deadline"] is None

    event = routed(petition_id, at + timedelta(days=1), AGENCY, "province")
    await deliver(runtime, event, event)  # a redelivered event is applied once
    body = (await client.get(f"/petitions/{petition_id}/status", headers=agency(settings))).json()
    assert body["status"] == "assigned" and body["agency_code"] == AGENCY and body["level"] == "province"
    assert body["deadline"] == "2024-05-01"  # 2 March (local) + 60 days
    assert body["overdue"] is True and body["disputed"] is False
    assert [e["type"] for e in body["timeline"]] == ["received", "routed"]
    assert body["timeline"][1]["by"] == "classifier" and body["timeline"][1]["event_id"] == str(event.id)


async def test_deadline_days_are_configurable_per_level(client, runtime, settings):
    settings.deadline_days_commune = 30
    at = datetime.now(UTC) - timedelta(days=2)
    petition_id = await assigned_petition(runtime, "070.UBND", at, level="commune")
    body = (await client.get(f"/petitions/{petition_id}/status", headers=auth_headers(settings, "committee"))).json()
    expected = (at + timedelta(hours=1)).astimezone(settings.tz).date() + timedelta(days=30)
    assert body["deadline"] == expected.isoformat() and body["overdue"] is False


async def test_agency_reports_progress_then_resolution(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    url = f"/petitions/{petition_id}/status-updates"
    response = await client.post(url, json={"status": "in_progress", "note": "Đã khảo sát",
                                            "planned_completion": "2030-12-31"}, headers=agency(settings))
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "in_progress" and response.json()["planned_completion"] == "2030-12-31"
    response = await client.post(url, json={"status": "resolved", "note": "Xong", "resolution": "Đã rải nhựa"},
                                 headers={**agency(settings), "X-Request-ID": "req-42"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "resolved" and body["overdue"] is False
    last = body["timeline"][-1]
    assert last["type"] == "status_changed" and last["from_status"] == "in_progress"
    assert last["resolution"] == "Đã rải nhựa" and last["by"] == f"can-bo-{AGENCY}" and last["request_id"] == "req-42"
    events = await outbox(runtime)
    assert [(e["subject"], e["data"]["to_status"], e["sequence"]) for e in events] == [
        ("petitions.status_changed", "assigned", 1), ("petitions.status_changed", "in_progress", 2),
        ("petitions.status_changed", "resolved", 3)]
    assert events[2]["petition_id"] == str(petition_id) and events[2]["data"]["agency_code"] == AGENCY


async def test_illegal_transitions_are_409(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    url = f"/petitions/{petition_id}/status-updates"
    assert (await client.post(url, json={"status": "resolved", "resolution": "Đã xong"},
                              headers=agency(settings))).status_code == 201
    response = await client.post(url, json={"status": "in_progress", "planned_completion": "2030-01-01"},
                                 headers=agency(settings))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Đã giải quyết" in response.json()["detail"]
    waiting = uuid.uuid4()
    await deliver(runtime, received(waiting, datetime.now(UTC)))
    assert (await client.get(f"/petitions/{waiting}/status", headers=agency(settings))).status_code == 403


async def test_missing_required_fields_are_422(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    announced = await outbox(runtime)  # the routing's status change
    url = f"/petitions/{petition_id}/status-updates"
    for payload, field in (({"status": "in_progress", "note": "x"}, "planned_completion"),
                           ({"status": "resolved", "note": "x"}, "resolution"),
                           ({"status": "unresolved_lack_of_resources", "note": "x"}, "reason"),
                           ({"status": "returned"}, "note")):
        response = await client.post(url, json=payload, headers=agency(settings))
        assert response.status_code == 422, payload
        assert response.json()["errors"][0]["field"] == field
    response = await client.post(url, json={"status": "closed"}, headers=agency(settings))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    assert (await outbox(runtime)) == announced


async def test_a_roadmap_date_in_the_past_is_refused(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    announced = await outbox(runtime)
    url = f"/petitions/{petition_id}/status-updates"
    yesterday = (datetime.now(UTC).astimezone(settings.tz).date() - timedelta(days=1)).isoformat()
    response = await client.post(url, json={"status": "in_progress", "note": "x", "planned_completion": yesterday},
                                 headers=agency(settings))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "planned_completion"
    assert "quá khứ" in response.json()["errors"][0]["message"]
    assert (await outbox(runtime)) == announced
    today = datetime.now(UTC).astimezone(settings.tz).date().isoformat()
    response = await client.post(url, json={"status": "in_progress", "note": "x", "planned_completion": today},
                                 headers=agency(settings))
    assert response.status_code == 201, response.text


async def test_an_agency_reads_and_updates_only_its_own(client, runtime, settings):
    mine = await assigned_petition(runtime, AGENCY)
    theirs = await assigned_petition(runtime, "08.SYT")
    other = agency(settings, "08.SYT")
    assert (await client.get(f"/petitions/{mine}/status", headers=other)).status_code == 403
    response = await client.post(f"/petitions/{mine}/status-updates", json={"status": "resolved", "resolution": "x"},
                                 headers=other)
    assert response.status_code == 403
    for role in ("committee", "secretariat", "admin"):
        response = await client.post(f"/petitions/{mine}/status-updates",
                                     json={"status": "resolved", "resolution": "x"},
                                     headers=auth_headers(settings, role))
        assert response.status_code == 403, role
    listed = (await client.get("/petitions", headers=other)).json()["items"]
    assert [item["petition_id"] for item in listed] == [str(theirs)]
    assert (await client.get(f"/petitions?agency={AGENCY}", headers=other)).status_code == 403
    assert (await client.get(f"/petitions/{uuid.uuid4()}/status", headers=other)).status_code == 404
    assert (await client.get(f"/petitions/{mine}/status")).status_code == 401


async def test_returned_goes_back_to_routing_and_a_new_routing_reassigns(client, runtime, settings):
    petition_id = await assigned_petition(runtime, AGENCY)
    response = await client.post(f"/petitions/{petition_id}/status-updates",
                                 json={"status": "returned", "note": "Thuộc thẩm quyền UBND huyện"},
                                 headers=agency(settings))
    assert response.status_code == 201
    assert response.json()["status"] == "returned" and response.json()["agency_code"] is None
    events = (await outbox(runtime))[1:]  # after the routing's status change
    assert [e["subject"] for e in events] == ["petitions.status_changed", "petitions.returned"]
    assert events[1]["data"] == {"agency_code": AGENCY, "note": "Thuộc thẩm quyền UBND huyện",
                                 "by": f"can-bo-{AGENCY}"}
    assert (await client.get(f"/petitions/{petition_id}/status", headers=agency(settings))).status_code == 403
    await deliver(runtime, routed(petition_id, datetime.now(UTC), "073.UBND", "district", decided_by="thu-ky"))
    body = (await client.get(f"/petitions/{petition_id}/status", headers=agency(settings, "073.UBND"))).json()
    assert body["status"] == "assigned" and body["level"] == "district" and body["deadline"] is not None
    assert [e["type"] for e in body["timeline"]] == ["received", "routed", "status_changed", "routed"]


async def test_overdue_filter_and_late_answers(client, runtime, settings):
    old = await assigned_petition(runtime, AGENCY, datetime.now(UTC) - timedelta(days=70))
    late = await assigned_petition(runtime, AGENCY, datetime.now(UTC) - timedelta(days=65))
    fresh = await assigned_petition(runtime, AGENCY, datetime.now(UTC) - timedelta(days=3))
    response = await client.post(f"/petitions/{late}/status-updates",
                                 json={"status": "unresolved_lack_of_resources", "reason": "Chưa có vốn"},
                                 headers=agency(settings))
    assert response.status_code == 201 and response.json()["overdue"] is False
    headers = auth_headers(settings, "committee")
    overdue = (await client.get("/petitions?overdue=true", headers=headers)).json()["items"]
    assert [item["petition_id"] for item in overdue] == [str(old)]
    not_overdue = {item["petition_id"] for item in (await client.get("/petitions?overdue=false", headers=headers)).json()["items"]}
    assert not_overdue == {str(late), str(fresh)}
    by_status = (await client.get("/petitions?status=unresolved_lack_of_resources&level=province", headers=headers)).json()
    assert [item["petition_id"] for item in by_status["items"]] == [str(late)]


async def test_listing_pages_with_a_cursor(client, runtime, settings):
    start = datetime.now(UTC) - timedelta(days=5)
    ids = [await assigned_petition(runtime, AGENCY, start + timedelta(minutes=i)) for i in range(5)]
    headers, seen, cursor = auth_headers(settings, "secretariat"), [], None
    while True:
        page = (await client.get("/petitions", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                 headers=headers)).json()
        seen += [item["petition_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [str(i) for i in reversed(ids)]
    assert (await client.get("/petitions?cursor=nonsense", headers=headers)).status_code == 422


async def test_a_routed_event_before_its_received_is_retried_not_lost(runtime):
    petition_id = uuid.uuid4()
    try:
        await deliver(runtime, routed(petition_id, datetime.now(UTC)))
    except RuntimeError:
        pass
    else:
        raise AssertionError("a routed event for an unknown petition must fail (and be redelivered)")
    await deliver(runtime, received(petition_id, datetime.now(UTC)), routed(petition_id, datetime.now(UTC)))


async def test_a_retried_status_update_with_its_key_is_applied_once(client, runtime, settings):
    petition_id = await assigned_petition(runtime)
    url = f"/petitions/{petition_id}/status-updates"
    headers = {**agency(settings), "Idempotency-Key": "bao-cao-1"}
    update = {"status": "in_progress", "note": "Đã khảo sát", "planned_completion": "2030-12-31"}
    first = await client.post(url, json=update, headers=headers)
    again = await client.post(url, json=update, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    events = [e["data"]["to_status"] for e in await outbox(runtime) if e["subject"] == "petitions.status_changed"]
    assert events == ["assigned", "in_progress"]
    # Without a key the same body is a new roadmap, as before.
    assert (await client.post(url, json=update, headers=agency(settings))).status_code == 201
    assert len([e for e in await outbox(runtime) if e["subject"] == "petitions.status_changed"]) == 3
