"""The HTTP contract of routing: catalog, review queue, assignment, auth and problem+json."""

import uuid
from datetime import datetime, timedelta

from services.routing.routings import service as routing_service
from tests.support.routing import CONFIDENT, UNCLEAR, received

PROBLEM = "application/problem+json"


async def seed_routing(client, content, unit_code="02545") -> str:
    runtime = client.app.state.runtime
    petition_id = uuid.uuid4()
    async with runtime.uow() as uow:
        await routing_service.route_received(uow, runtime.context.routing, petition_id,
                                             received(content, unit_code), f"event:{uuid.uuid4()}")
        await uow.commit()
    return str(petition_id)


async def test_units_and_agencies_are_readable_and_filterable(routing):
    headers = routing.headers_for("agency", "08.SGTVT")
    districts = (await routing.get("/units", params={"level": "district"}, headers=headers)).json()["items"]
    assert sorted(u["code"] for u in districts) == ["070", "071", "072", "073", "074", "075", "076"]
    communes = (await routing.get("/units", params={"parent": "076"}, headers=headers)).json()["items"]
    assert len(communes) == 30
    hong_son = (await routing.get("/units/02608", headers=headers)).json()
    assert "xã Hồng Lạc" in hong_son["aliases"]
    province = (await routing.get("/agencies", params={"level": "province", "unit": "08"}, headers=headers)).json()
    assert {"08.SGTVT", "08.DL", "08.SYT"} <= {a["code"] for a in province["items"]}
    central = (await routing.get("/agencies", params={"level": "central"}, headers=headers)).json()["items"]
    assert [a["code"] for a in central] == ["08.DDBQH"]


async def test_catalog_writes_are_for_admins(routing):
    unit = {"code": "02999", "name": "Xã Thử Nghiệm", "level": "commune", "parent_code": "076"}
    refused = await routing.post("/units", json=unit, headers=routing.headers_for("secretariat"))
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    admin = routing.headers_for("admin")
    assert (await routing.post("/units", json=unit, headers=admin)).status_code == 201
    assert (await routing.post("/units", json=unit, headers=admin)).status_code == 409
    agency = {"code": "02999.UBND", "name": "UBND xã Thử Nghiệm", "level": "commune", "unit_code": "02999"}
    assert (await routing.post("/agencies", json=agency, headers=admin)).status_code == 201
    wrong = {**agency, "code": "08.UBNDX", "level": "commune"}
    response = await routing.post("/agencies", json=wrong, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "code"
    patched = await routing.patch("/units/02999", json={"aliases": ["xã Thử Nghiệm Cũ"]}, headers=admin)
    assert patched.json()["aliases"] == ["xã Thử Nghiệm Cũ"]
    orphan = await routing.post("/units", json={**unit, "code": "03000", "parent_code": "99"}, headers=admin)
    assert orphan.status_code == 422 and orphan.json()["errors"][0]["field"] == "parent_code"


async def test_every_endpoint_needs_a_token(routing):
    for path in ("/units", "/agencies", "/routings", f"/routings/{uuid.uuid4()}"):
        response = await routing.get(path)
        assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


async def test_review_queue_pages_with_a_cursor(routing):
    secretariat = routing.headers_for("secretariat")
    queued = [await seed_routing(routing, UNCLEAR) for _ in range(3)]
    await seed_routing(routing, CONFIDENT)
    first = (await routing.get("/routings", params={"state": "needs_review", "limit": 2}, headers=secretariat)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (await routing.get("/routings", params={"state": "needs_review", "limit": 2,
                                                     "cursor": first["next_cursor"]}, headers=secretariat)).json()
    assert second["next_cursor"] is None
    assert [i["petition_id"] for i in first["items"] + second["items"]] == queued
    assert all(i["state"] == "needs_review" for i in first["items"])
    bad = await routing.get("/routings", params={"cursor": "%%%"}, headers=secretariat)
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


async def test_routing_detail_and_assignment(routing):
    petition_id = await seed_routing(routing, UNCLEAR)
    secretariat = routing.headers_for("secretariat", sub="thu-ky-2")
    detail = (await routing.get(f"/routings/{petition_id}", headers=secretariat)).json()
    assert set(detail) >= {"petition_id", "state", "level", "agency_code", "topic", "confidence", "explanation",
                           "history"}
    assert detail["state"] == "needs_review" and detail["explanation"]
    # Times are aware UTC on every database (the column type, not a repair in the answer's schema).
    assert all(datetime.fromisoformat(t).utcoffset() == timedelta(0)
               for t in (detail["queued_at"], detail["updated_at"], detail["history"][0]["at"]))
    body = {"level": "commune", "agency_code": "02545.UBND", "reason": "Việc của thôn, xã giải quyết"}
    committee = await routing.post(f"/routings/{petition_id}/assignment", json=body,
                                   headers=routing.headers_for("committee"))
    assert committee.status_code == 403
    assigned = await routing.post(f"/routings/{petition_id}/assignment", json=body, headers=secretariat)
    assert assigned.status_code == 200, assigned.text
    result = assigned.json()
    assert (result["state"], result["agency_code"]) == ("assigned", "02545.UBND")
    assert result["history"][-1]["by"] == "thu-ky-2" and result["history"][-1]["reason"] == body["reason"]
    missing = await routing.post(f"/routings/{uuid.uuid4()}/assignment", json=body, headers=secretariat)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    empty = await routing.post(f"/routings/{petition_id}/assignment", json={"level": "x"}, headers=secretariat)
    assert empty.status_code == 422 and {e["field"] for e in empty.json()["errors"]} >= {"level", "reason"}


async def test_an_agency_sees_only_what_is_assigned_to_it(routing):
    petition_id = await seed_routing(routing, CONFIDENT)
    own = routing.headers_for("agency", "08.SGTVT")
    other = routing.headers_for("agency", "08.SYT")
    assert (await routing.get(f"/routings/{petition_id}", headers=own)).status_code == 200
    assert (await routing.get(f"/routings/{petition_id}", headers=other)).status_code == 403
    listed = (await routing.get("/routings", headers=own)).json()["items"]
    assert [i["petition_id"] for i in listed] == [petition_id]
    assert (await routing.get("/routings", params={"state": "needs_review"}, headers=own)).status_code == 403


async def test_an_assignment_retried_with_its_key_is_applied_once(routing):
    petition_id = await seed_routing(routing, UNCLEAR)
    headers = {**routing.headers_for("secretariat"), "Idempotency-Key": "giao-0001"}
    body = {"level": "commune", "agency_code": "02545.UBND", "reason": "Việc của thôn, xã giải quyết"}
    first = await routing.post(f"/routings/{petition_id}/assignment", json=body, headers=headers)
    again = await routing.post(f"/routings/{petition_id}/assignment", json=body, headers=headers)
    assert first.status_code == again.status_code == 200, first.text
    assert again.json() == first.json()
    assert [e["action"] for e in again.json()["history"]] == ["classified", "queued", "corrected"]
    other = await routing.post(f"/routings/{petition_id}/assignment", headers=headers,
                               json={**body, "agency_code": "076.UBND", "level": "district"})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_page_of_petitions_is_read_in_one_request_by_their_ids(routing):
    """The tracking pages show each row's content: one call for the page's rows, not one per row."""
    wanted = [await seed_routing(routing, CONFIDENT) for _ in range(3)]
    unasked = await seed_routing(routing, UNCLEAR)
    secretariat = routing.headers_for("secretariat")
    listed = await routing.get("/routings", params={"petition_id": wanted + [str(uuid.uuid4())]}, headers=secretariat)
    assert listed.status_code == 200
    assert sorted(i["petition_id"] for i in listed.json()["items"]) == sorted(wanted)
    assert unasked not in {i["petition_id"] for i in listed.json()["items"]}
    own = routing.headers_for("agency", "08.SGTVT")  # an agency still sees only what is assigned to it
    mine = await routing.get("/routings", params={"petition_id": [wanted[0], unasked]}, headers=own)
    assert [i["petition_id"] for i in mine.json()["items"]] == [wanted[0]]
    bad = await routing.get("/routings", params={"petition_id": "not-an-id"}, headers=secretariat)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "petition_id.0"
