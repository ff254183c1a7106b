import asyncio
import re
from datetime import datetime

from tests.support.intake import intake_client, make_meeting

ROAD = "Cử tri thôn Tân Lập đề nghị sửa chữa Đường giao thông liên thôn bị sạt lở sau mưa lũ."


async def test_petition_is_recorded_with_a_yearly_code(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    response = await intake.post("/petitions", headers=secretariat, json={
        "meeting_id": meeting["id"], "content": ROAD, "voters_count": 12,
        "petitioners": [{"name": "Trần Thị B", "phone": "0912 345 678"}],
    })
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"KN-\d{4}-000001", body["code"])
    assert body["unit_code"] == "02545"  # taken from the meeting
    assert body["latest_status"] == "awaiting_routing"
    assert body["petitioners"][0]["name"] == "Trần Thị B"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None

    second = await intake.post("/petitions", headers=secretariat,
                               json={"meeting_id": meeting["id"], "content": ROAD + " (lần 2)"})
    assert second.json()["code"].endswith("-000002")


async def test_committee_reads_without_personal_data_and_agency_is_refused(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    created = (await intake.post("/petitions", headers=secretariat, json={
        "meeting_id": meeting["id"], "content": ROAD, "petitioners": [{"name": "Trần Thị B"}]})).json()

    as_committee = await intake.get(f"/petitions/{created['id']}", headers=intake.headers_for("committee"))
    assert as_committee.status_code == 200
    assert as_committee.json()["petitioners"] is None

    as_agency = await intake.get(f"/petitions/{created['id']}", headers=intake.headers_for("agency", "08.SGTVT"))
    assert as_agency.status_code == 403
    assert as_agency.headers["content-type"].startswith("application/problem+json")

    anonymous = await intake.get("/petitions")
    assert anonymous.status_code == 401
    assert anonymous.json()["status"] == 401


async def test_search_ignores_diacritics_and_case(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    for content in (ROAD, "Cử tri đề nghị bổ sung giáo viên mầm non cho trường xã."):
        assert (await intake.post("/petitions", headers=secretariat,
                                  json={"meeting_id": meeting["id"], "content": content})).status_code == 201

    found = (await intake.get("/petitions", params={"q": "DUONG giao thong"}, headers=secretariat)).json()
    assert [item["content"] for item in found["items"]] == [ROAD]
    none = (await intake.get("/petitions", params={"q": "bệnh viện"}, headers=secretariat)).json()
    assert none["items"] == []
    by_meeting = (await intake.get("/petitions", params={"meeting_id": meeting["id"]}, headers=secretariat)).json()
    assert len(by_meeting["items"]) == 2


async def test_pagination_walks_every_petition_once(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    created = set()
    for index in range(7):
        response = await intake.post("/petitions", headers=secretariat, json={
            "meeting_id": meeting["id"], "content": f"Kiến nghị số {index} về sửa chữa cầu treo của thôn."})
        created.add(response.json()["id"])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, "meeting_id": meeting["id"]} | ({"cursor": cursor} if cursor else {})
        page = (await intake.get("/petitions", params=params, headers=secretariat)).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen))

    bad = await intake.get("/petitions", params={"cursor": "%%%"}, headers=secretariat)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


async def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    body = {"meeting_id": meeting["id"], "content": "Cử tri đề nghị lắp đèn chiếu sáng đường liên xã."}
    headers = {**secretariat, "Idempotency-Key": "nhap-kn-0001"}
    first = await intake.post("/petitions", headers=headers, json=body)
    again = await intake.post("/petitions", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = (await intake.get("/petitions", headers=secretariat, params={"q": "den chieu sang"})).json()["items"]
    assert [item["id"] for item in listed] == [first.json()["id"]]
    other = await intake.post("/petitions", headers=headers, json={**body, "content": body["content"] + " Gấp."})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    fresh = await intake.post("/petitions", headers={**secretariat, "Idempotency-Key": "nhap-kn-0002"}, json=body)
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]


async def test_concurrent_petitions_on_two_intakes_get_unique_gap_free_codes(intake, secretariat, database_url,
                                                                             nats_server, tmp_path):
    # Two intake processes on one database, each sending many petitions at once: every code is
    # taken once, the numbers run 1..N without a gap, whichever database.
    meeting = await make_meeting(intake, secretariat)
    async with intake_client(database_url, nats_server.url, tmp_path / "second") as other:
        headers = other.headers_for("secretariat")

        async def post(client, auth, n):
            response = await client.post("/petitions", headers=auth, json={
                "meeting_id": meeting["id"], "content": f"{ROAD} Số {n}.",
                "petitioners": [{"name": "Trần Thị B"}]})
            assert response.status_code == 201, response.text
            return response.json()["code"]

        codes = await asyncio.gather(*(post(intake, secretariat, n) for n in range(0, 40, 2)),
                                     *(post(other, headers, n) for n in range(1, 40, 2)))
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 41))
    listed = await intake.get("/petitions", headers=secretariat, params={"limit": 100})
    assert sorted(item["code"] for item in listed.json()["items"]) == sorted(codes)
