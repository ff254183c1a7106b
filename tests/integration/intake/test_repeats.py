import uuid

from tests.support.events import wait_for_events
from tests.support.intake import make_meeting

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


async def _old_petitions(intake, meeting: dict, contents: list[str], year: int = 2020, minutes_apart: int = 1) -> None:
    """Earlier history written straight into the service's own database (real rows, as an import would)."""
    from datetime import datetime, timedelta, timezone

    from services.intake.petitions.models import Petition
    from shared.text import fold

    engine = intake._transport.app.state.runtime.engine
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    rows = [dict(id=uuid.uuid4(), code=f"KN-{year}-{index + 1:06d}", meeting_id=uuid.UUID(meeting["id"]),
                 session_id=uuid.UUID(meeting["session_id"]), unit_code=meeting["unit_code"], content=content,
                 content_folded=fold(content), created_at=start + timedelta(minutes=index * minutes_apart),
                 created_by="test", latest_status="resolved", agency_code="08.SGTVT")
            for index, content in enumerate(contents)]
    async with engine.begin() as connection:
        await connection.execute(Petition.__table__.insert(), rows)


async def test_repeats_are_found_in_the_whole_history_not_only_the_latest(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    fillers = [f"Cử tri đề nghị hỗ trợ giống lúa vụ xuân năm {n} cho các hộ thôn Khuôn {n % 97}." for n in range(5200)]
    await _old_petitions(intake, meeting, [FIRST] + fillers)
    again = await _post(intake, secretariat, meeting, AGAIN)
    similar = (await intake.get(f"/petitions/{again['id']}/similar", headers=secretariat)).json()["items"]
    assert similar and similar[0]["content"] == FIRST
    assert similar[0]["latest_status"] == "resolved" and similar[0]["agency_code"] == "08.SGTVT"
    assert similar[0]["place"] == "unit"


async def test_draft_being_typed_gets_its_likely_repeats_weighted_by_place(intake, secretariat):
    here = await make_meeting(intake, secretariat, unit_code="02545")
    same_district = await make_meeting(intake, secretariat, unit_code="02542")
    elsewhere = await make_meeting(intake, secretariat, unit_code="02200")
    road = "Cử tri đề nghị nâng cấp tuyến đường ĐT.186 đoạn qua trung tâm xã bị sạt lở."
    far = await _post(intake, secretariat, elsewhere, road)
    near = await _post(intake, secretariat, same_district, road)
    local = await _post(intake, secretariat, here, road)
    await _post(intake, secretariat, here, OTHER)
    draft = {"content": "Đề nghị sớm nâng cấp đường ĐT186 qua trung tâm xã, sạt lở nhiều.", "unit_code": "02545"}
    response = await intake.post("/petitions:similar", headers=secretariat, json=draft)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    # the same words from the same commune, then the same district; another district's comes last if at all
    assert [item["id"] for item in items][:2] == [local["id"], near["id"]]
    assert [item["place"] for item in items][:2] == ["unit", "district"]
    assert [item["id"] for item in items][2:] in ([], [far["id"]])
    assert items[0]["score"] > items[1]["score"]
    by_meeting = await intake.post("/petitions:similar", headers=secretariat,
                                   json={"content": draft["content"], "meeting_id": elsewhere["id"]})
    assert by_meeting.json()["items"][0]["id"] == far["id"]


async def test_draft_lookup_refuses_bad_input_with_a_problem(intake, secretariat):
    for body, field in (({"content": "đường ĐT186", "unit_code": "99999"}, "unit_code"),
                        ({"content": "đường ĐT186"}, "unit_code"),
                        ({"content": "", "unit_code": "02545"}, "content"),
                        ({"content": "x", "meeting_id": str(uuid.uuid4())}, "meeting_id")):
        response = await intake.post("/petitions:similar", headers=secretariat, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == field
    agency = await intake.post("/petitions:similar", headers=intake.headers_for("agency", "08.SGTVT"),
                               json={"content": "đường ĐT186", "unit_code": "02545"})
    assert agency.status_code == 403


async def test_secretariat_undoes_a_link_and_the_history_keeps_it(intake, secretariat, nats_server):
    meeting = await make_meeting(intake, secretariat)
    first = await _post(intake, secretariat, meeting, FIRST)
    again = await _post(intake, secretariat, meeting, AGAIN)
    third = await _post(intake, secretariat, meeting, AGAIN + " Lần thứ ba.")
    assert (await intake.post(f"/petitions/{third['id']}/link", headers=secretariat,
                              json={"earlier_id": again["id"]})).status_code == 200
    assert (await intake.post(f"/petitions/{again['id']}/link", headers=secretariat,
                              json={"earlier_id": first["id"]})).status_code == 200

    undone = await intake.delete(f"/petitions/{again['id']}/link", headers=secretariat)
    assert undone.status_code == 200, undone.text
    assert undone.json()["repeat_of"] is None and undone.json()["matter_id"] is None
    # the third stays a repeat of the second, whose matter it is again
    assert (await intake.get(f"/petitions/{third['id']}", headers=secretariat)).json()["matter_id"] == again["id"]
    [link] = (await intake.get(f"/petitions/{again['id']}/links", headers=secretariat)).json()
    assert link["earlier_id"] == first["id"] and link["undone_at"] and link["undone_by"] == "test-secretariat"
    [event] = await wait_for_events(nats_server.url, "petitions.unlinked", {again["id"]})
    assert event["data"]["earlier_id"] == first["id"]

    twice = await intake.delete(f"/petitions/{again['id']}/link", headers=secretariat)
    assert twice.status_code == 409 and twice.headers["content-type"].startswith("application/problem+json")
    committee = await intake.delete(f"/petitions/{third['id']}/link", headers=intake.headers_for("committee"))
    assert committee.status_code == 403
