from tests.intake.conftest import make_meeting
from tests.support.events import wait_for_events

FIRST = "Cử tri xã Tân Trào đề nghị sửa chữa tuyến đường ĐT.186 đoạn qua xã bị sạt lở, xuống cấp nghiêm trọng."
AGAIN = "Cử tri tiếp tục đề nghị sửa chữa tuyến đường ĐT.186 đoạn qua xã Tân Trào xuống cấp, sạt lở."
OTHER = "Cử tri đề nghị bổ sung giáo viên mầm non cho trường mầm non xã vì mỗi lớp có hơn 35 cháu."


async def _post(intake, headers, meeting, content) -> dict:
    response = await intake.post("/petitions", headers=headers, json={"meeting_id": meeting["id"], "content": content})
    assert response.status_code == 201
    return response.json()


async def test_similar_lists_earlier_repeats_and_link_records_the_matter(intake, secretariat, nats_server):
    meeting = await make_meeting(intake, secretariat)
    first = await _post(intake, secretariat, meeting, FIRST)
    other = await _post(intake, secretariat, meeting, OTHER)
    again = await _post(intake, secretariat, meeting, AGAIN)

    similar = (await intake.get(f"/petitions/{again['id']}/similar", headers=secretariat)).json()
    assert [item["id"] for item in similar["items"]] == [first["id"]]
    assert similar["items"][0]["latest_status"] == "awaiting_routing"
    assert other["id"] not in [item["id"] for item in similar["items"]]

    linked = await intake.post(f"/petitions/{again['id']}/link", headers=secretariat, json={"earlier_id": first["id"]})
    assert linked.status_code == 200, linked.text
    assert linked.json()["matter_id"] == first["id"]
    [event] = await wait_for_events(nats_server.url, "petitions.linked", {again["id"]})
    assert event["data"]["matter_id"] == first["id"] and event["sequence"] == 1
    # Linked again (to another earlier petition): the next link version, so monitoring keeps the newest.
    relinked = await intake.post(f"/petitions/{again['id']}/link", headers=secretariat, json={"earlier_id": other["id"]})
    assert relinked.status_code == 200, relinked.text
    events = await wait_for_events(nats_server.url, "petitions.linked", {again["id"]}, at_least=2)
    assert [(e["sequence"], e["data"]["matter_id"]) for e in events] == [(1, first["id"]), (2, other["id"])]


async def test_link_refuses_later_unknown_and_self(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    first = await _post(intake, secretariat, meeting, FIRST)
    again = await _post(intake, secretariat, meeting, AGAIN)
    backwards = await intake.post(f"/petitions/{first['id']}/link", headers=secretariat,
                                  json={"earlier_id": again["id"]})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "earlier_id"
    to_self = await intake.post(f"/petitions/{first['id']}/link", headers=secretariat, json={"earlier_id": first["id"]})
    assert to_self.status_code == 422
    unknown = await intake.post(f"/petitions/{first['id']}/link", headers=secretariat,
                                json={"earlier_id": "00000000-0000-0000-0000-000000000000"})
    assert unknown.status_code == 422
    missing = await intake.post("/petitions/00000000-0000-0000-0000-000000000000/link", headers=secretariat,
                                json={"earlier_id": first["id"]})
    assert missing.status_code == 404
