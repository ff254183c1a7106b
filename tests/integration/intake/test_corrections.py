"""Corrections and withdrawals keep history: nothing deleted, every change with who and why, sent as events."""

from tests.support.events import wait_for_events
from tests.support.intake import make_meeting

CONTENT = "Cử tri đề nghị sửa chữa cầu treo thôn Nà Héc bị hư hỏng, đi lại nguy hiểm."
FIXED = "Cử tri đề nghị nâng cấp đường liên thôn Nà Héc, mặt đường sạt lở sau mưa lũ."
PERSON = {"name": "Hoàng Văn Quyết", "address": "Tổ 5, phường Phan Thiết", "phone": "0987654321"}


async def _petition(intake, headers, **extra) -> dict:
    meeting = await make_meeting(intake, headers)
    response = await intake.post("/petitions", headers=headers,
                                 json={"meeting_id": meeting["id"], "content": CONTENT, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_correction_changes_the_petition_keeps_history_and_sends_an_event(intake, secretariat, nats_server):
    petition = await _petition(intake, secretariat)
    other = await make_meeting(intake, secretariat, unit_code="02548")
    response = await intake.patch(f"/petitions/{petition['id']}", headers=secretariat, json={
        "content": FIXED, "unit_code": "02548", "meeting_id": other["id"], "petitioners": [PERSON],
        "reason": "Nhập nhầm nội dung và đơn vị"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["content"] == FIXED and body["unit_code"] == "02548" and body["meeting_id"] == other["id"]
    assert body["code"] == petition["code"] and body["petitioners"][0]["phone"] == "0987654321"
    found = (await intake.get("/petitions", headers=secretariat, params={"q": "nang cap duong"})).json()["items"]
    assert [p["id"] for p in found] == [petition["id"]]  # the search index follows the correction

    changes = (await intake.get(f"/petitions/{petition['id']}/changes", headers=secretariat)).json()
    assert [(c["kind"], c["by"], c["reason"]) for c in changes] == [
        ("corrected", "test-secretariat", "Nhập nhầm nội dung và đơn vị")]
    assert changes[0]["changes"]["content"] == {"from": CONTENT, "to": FIXED}
    assert changes[0]["changes"]["unit_code"] == {"from": "02545", "to": "02548"}
    assert "petitioners" in changes[0]["changes"]
    # Petitioners' data stays out of the history other roles read.
    committee = (await intake.get(f"/petitions/{petition['id']}/changes", headers=intake.headers_for("committee")))
    assert "0987654321" not in committee.text and "Hoàng Văn Quyết" not in committee.text

    [event] = await wait_for_events(nats_server.url, "petitions.corrected", {petition["id"]})
    assert event["sequence"] == 1 and event["version"] == 1
    data = event["data"]
    assert data["content"] == FIXED and data["unit_code"] == "02548" and data["meeting_id"] == other["id"]
    assert sorted(data["fields"]) == ["content", "meeting_id", "petitioners", "unit_code"]
    assert data["reason"] == "Nhập nhầm nội dung và đơn vị" and data["by"] == "test-secretariat"
    for personal in ("Hoàng Văn Quyết", "Tổ 5", "0987654321"):
        assert personal not in str(event)


async def test_a_correction_is_refused_clearly(intake, secretariat):
    petition = await _petition(intake, secretariat)
    url = f"/petitions/{petition['id']}"
    for payload, field in (({"content": FIXED}, "reason"), ({"reason": "x", "content": "ngắn"}, "content"),
                           ({"reason": "Sửa đơn vị", "unit_code": "99999"}, "unit_code"),
                           ({"reason": "Sửa", "meeting_id": "00000000-0000-0000-0000-000000000000"}, "meeting_id")):
        response = await intake.patch(url, headers=secretariat, json=payload)
        assert response.status_code == 422, payload
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == field, response.text
    response = await intake.patch(url, headers=secretariat, json={"reason": "Không đổi gì", "content": CONTENT})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"
    assert (await intake.patch(url, headers=intake.headers_for("committee"),
                               json={"reason": "x", "content": FIXED})).status_code == 403
    assert (await intake.get(f"{url}/changes", headers=secretariat)).json() == []


async def test_a_withdrawal_keeps_the_petition_and_sends_an_event(intake, secretariat, nats_server):
    petition = await _petition(intake, secretariat, petitioners=[PERSON])
    url = f"/petitions/{petition['id']}"
    assert (await intake.post(f"{url}/withdrawal", headers=secretariat, json={})).status_code == 422
    response = await intake.post(f"{url}/withdrawal", headers=secretariat, json={"reason": "Cử tri rút kiến nghị"})
    assert response.status_code == 200, response.text
    assert response.json()["withdrawn"] is True and response.json()["withdrawal_reason"] == "Cử tri rút kiến nghị"
    assert (await intake.get(url, headers=secretariat)).json()["content"] == CONTENT  # nothing deleted
    again = await intake.post(f"{url}/withdrawal", headers=secretariat, json={"reason": "Lần nữa"})
    assert again.status_code == 409
    late = await intake.patch(url, headers=secretariat, json={"reason": "Sửa", "content": FIXED})
    assert late.status_code == 409
    changes = (await intake.get(f"{url}/changes", headers=secretariat)).json()
    assert [(c["kind"], c["reason"]) for c in changes] == [("withdrawn", "Cử tri rút kiến nghị")]
    [event] = await wait_for_events(nats_server.url, "petitions.withdrawn", {petition["id"]})
    assert event["sequence"] == 1 and event["data"] == {"reason": "Cử tri rút kiến nghị", "by": "test-secretariat"}


async def test_meetings_and_sessions_are_corrected_and_withdrawn_with_history(intake, secretariat):
    petition = await _petition(intake, secretariat)
    meeting_url = f"/meetings/{petition['meeting_id']}"
    response = await intake.patch(meeting_url, headers=secretariat,
                                  json={"held_on": "2024-11-21", "reason": "Sai ngày tiếp xúc"})
    assert response.status_code == 200 and response.json()["held_on"] == "2024-11-21"
    # A meeting with petitions still standing cannot be withdrawn: they would be orphans.
    refused = await intake.post(f"{meeting_url}/withdrawal", headers=secretariat, json={"reason": "Trùng"})
    assert refused.status_code == 409
    await intake.post(f"/petitions/{petition['id']}/withdrawal", headers=secretariat, json={"reason": "Trùng"})
    response = await intake.post(f"{meeting_url}/withdrawal", headers=secretariat, json={"reason": "Nhập trùng"})
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    new = await intake.post("/petitions", headers=secretariat, json={"meeting_id": petition["meeting_id"],
                                                                     "content": CONTENT})
    assert new.status_code == 422 and new.json()["errors"][0]["field"] == "meeting_id"
    changes = (await intake.get(f"{meeting_url}/changes", headers=secretariat)).json()
    assert [c["kind"] for c in changes] == ["corrected", "withdrawn"]
    assert changes[0]["changes"]["held_on"] == {"from": "2024-11-20", "to": "2024-11-21"}

    session_url = f"/sessions/{petition['session_id']}"
    response = await intake.patch(session_url, headers=secretariat, json={"name": "Kỳ họp thứ 21", "reason": "Sai tên"})
    assert response.status_code == 200 and response.json()["name"] == "Kỳ họp thứ 21"
    response = await intake.post(f"{session_url}/withdrawal", headers=secretariat, json={"reason": "Nhập trùng"})
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    changes = (await intake.get(f"{session_url}/changes", headers=secretariat)).json()
    assert [(c["kind"], c["reason"]) for c in changes] == [("corrected", "Sai tên"), ("withdrawn", "Nhập trùng")]
