import uuid

import pytest

from tests.support.intake import make_meeting


async def _count(intake, headers) -> int:
    return len((await intake.get("/petitions", params={"limit": 200}, headers=headers)).json()["items"])


@pytest.mark.parametrize(("payload", "field"), [
    ({"content": "ngắn quá"}, "content"),
    ({"content": "x" * 10_001}, "content"),
    ({"content": None}, "content"),
    ({"content": "Nội dung kiến nghị hợp lệ", "voters_count": "nhiều"}, "voters_count"),
    ({"content": "Nội dung kiến nghị hợp lệ", "voters_count": 0}, "voters_count"),
    ({"content": "Nội dung kiến nghị hợp lệ", "unit_code": "99999"}, "unit_code"),
    ({"content": "Nội dung kiến nghị hợp lệ", "petitioners": [{"phone": "0912345678"}]}, "petitioners.0.name"),
    ({"content": "Nội dung kiến nghị hợp lệ", "surprise": 1}, "surprise"),
])
async def test_bad_petition_is_a_4xx_naming_the_field_and_writes_nothing(intake, secretariat, payload, field):
    meeting = await make_meeting(intake, secretariat)
    response = await intake.post("/petitions", headers=secretariat, json={"meeting_id": meeting["id"]} | payload)
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in body["errors"]]
    assert await _count(intake, secretariat) == 0


async def test_unknown_meeting_is_refused_and_codes_stay_gap_free(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    refused = await intake.post("/petitions", headers=secretariat,
                                json={"meeting_id": str(uuid.uuid4()), "content": "Nội dung kiến nghị hợp lệ"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "meeting_id"
    taken = await intake.post("/petitions", headers=secretariat,
                              json={"meeting_id": meeting["id"], "content": "Nội dung kiến nghị hợp lệ"})
    assert taken.json()["code"].endswith("-000001")


async def test_malformed_json_and_unicode_forms(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    broken = await intake.post("/petitions", headers=secretariat | {"content-type": "application/json"},
                               content=b"{not json")
    assert broken.status_code == 422
    decomposed = "Đe\u0302\u0300 nghi\u0323 sửa đường   liên   thôn"  # NFD marks, runs of spaces
    created = await intake.post("/petitions", headers=secretariat,
                                json={"meeting_id": meeting["id"], "content": decomposed})
    assert created.json()["content"] == "Đề nghị sửa đường liên thôn"


async def test_meeting_needs_known_session_and_unit(intake, secretariat):
    response = await intake.post("/meetings", headers=secretariat, json={
        "session_id": str(uuid.uuid4()), "held_on": "2024-11-20", "kind": "hotline", "unit_code": "08"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "session_id"
    wrong_kind = await intake.post("/meetings", headers=secretariat, json={
        "session_id": str(uuid.uuid4()), "held_on": "2024-11-20", "kind": "picnic", "unit_code": "08"})
    assert wrong_kind.json()["errors"][0]["field"] == "kind"
    committee = await intake.post("/sessions", headers=intake.headers_for("committee"),
                                  json={"name": "Kỳ họp", "term": "2021-2026", "starts_on": "2024-12-05"})
    assert committee.status_code == 403
