"""Giám sát xác suất through the API: the plan, a sample anyone can re-draw, findings and conclusions."""

import hashlib
import json
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from services.monitoring.base import OutboxMessage
from services.monitoring.spot_checks.statistics import clopper_pearson_upper, plan_lot
from tests.support.apps import auth_headers
from tests.support.monitoring import assigned_petition

UTC = timezone.utc


async def resolve_many(client, settings, runtime, agency_code: str, count: int) -> list[uuid.UUID]:
    headers = auth_headers(settings, "agency", agency_code)
    ids = []
    for _ in range(count):
        petition_id = await assigned_petition(runtime, agency_code, datetime.now(UTC) - timedelta(days=10))
        response = await client.post(f"/petitions/{petition_id}/status-updates",
                                      json={"status": "resolved", "resolution": "Đã giải quyết xong"}, headers=headers)
        assert response.status_code == 201
        ids.append(petition_id)
    return ids


def today() -> str:
    return datetime.now(UTC).astimezone(timezone(timedelta(hours=7))).date().isoformat()


async def create(client, settings, **overrides):
    body = {"period_from": (date.fromisoformat(today()) - timedelta(days=30)).isoformat(), "period_to": today(),
            "confidence": 0.95, "tolerable_rate": 0.10, "seed": "giao-ban-thang-5", "assigned_to": "Ban Pháp chế",
            **overrides}
    return await client.post("/spot-checks", json=body, headers=auth_headers(settings, "committee"))


async def finding(client, settings, spot_check_id, petition_id, verdict, note="Kiểm tra thực địa"):
    return await client.post(f"/spot-checks/{spot_check_id}/findings",
                             json={"petition_id": str(petition_id), "verdict": verdict, "note": note},
                             headers=auth_headers(settings, "committee"))


async def test_plan_sample_and_reproducible_order(client, runtime, settings):
    sgtvt = await resolve_many(client, settings, runtime, "08.SGTVT", 40)
    syt = await resolve_many(client, settings, runtime, "08.SYT", 12)
    await assigned_petition(runtime, "08.SYT")  # not resolved: not in any lot
    response = await create(client, settings)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["seed"] == "giao-ban-thang-5"
    lots = {lot["agency_code"]: lot for lot in body["plan"]["lots"]}
    for agency_code, ids in (("08.SGTVT", sgtvt), ("08.SYT", syt)):
        plan = plan_lot(len(ids), 0.10, 0.95)
        assert (lots[agency_code]["lot_size"], lots[agency_code]["n1"], lots[agency_code]["n2"]) == \
            (len(ids), plan.n1, plan.n2)
        assert lots[agency_code]["lot_hash"] == hashlib.sha256("\n".join(sorted(map(str, ids))).encode()).hexdigest()
        redrawn = sorted(ids, key=lambda i: hashlib.sha256(f"giao-ban-thang-5:{i}".encode()).hexdigest())[:plan.n1]
        sampled = [item["petition_id"] for item in body["sample"] if item["agency_code"] == agency_code]
        assert sampled == [str(i) for i in redrawn]
    assert {lot["agency_code"]: lot["conclusion"] for lot in body["lots"]} == {"08.SGTVT": "pending",
                                                                               "08.SYT": "pending"}
    again = await client.get(f"/spot-checks/{body['id']}", headers=auth_headers(settings, "secretariat"))
    assert again.status_code == 200 and again.json() == body


async def test_findings_accept_widen_refer_and_reopen(client, runtime, settings):
    await resolve_many(client, settings, runtime, "08.SGTVT", 60)
    await resolve_many(client, settings, runtime, "08.SYT", 30)
    body = (await create(client, settings, seed="s-42")).json()
    spot_check_id = body["id"]
    sample = {agency: [i["petition_id"] for i in body["sample"] if i["agency_code"] == agency]
              for agency in ("08.SGTVT", "08.SYT")}
    plans = {lot["agency_code"]: lot for lot in body["plan"]["lots"]}

    # 08.SGTVT: exactly one failure in stage 1 -> the planned second stage is drawn, then accepted.
    first = sample["08.SGTVT"]
    response = await finding(client, settings, spot_check_id, first[0], "not_resolved", "Đường vẫn chưa sửa")
    assert response.status_code == 201
    for petition_id in first[1:]:
        response = await finding(client, settings, spot_check_id, petition_id, "confirmed")
    body = response.json()
    lot = next(lot for lot in body["lots"] if lot["agency_code"] == "08.SGTVT")
    assert lot["conclusion"] == "widen" and lot["sample_size"] == plans["08.SGTVT"]["n1"] + plans["08.SGTVT"]["n2"]
    stage_two = [i for i in body["sample"] if i["agency_code"] == "08.SGTVT" and i["stage"] == 2]
    assert [i["rank"] for i in stage_two] == list(range(plans["08.SGTVT"]["n1"] + 1, lot["sample_size"] + 1))
    for item in stage_two:
        response = await finding(client, settings, spot_check_id, item["petition_id"], "confirmed")
    lot = next(lot for lot in response.json()["lots"] if lot["agency_code"] == "08.SGTVT")
    assert (lot["conclusion"], lot["failures"], lot["judged"]) == ("accepted", 1, lot["sample_size"])
    assert lot["upper_bound"] == round(clopper_pearson_upper(1, lot["sample_size"], 0.95), 4)

    # 08.SYT: two failures -> refer to the People's Committee at once.
    await finding(client, settings, spot_check_id, sample["08.SYT"][0], "partially_resolved")
    response = await finding(client, settings, spot_check_id, sample["08.SYT"][1], "not_resolved")
    lot = next(lot for lot in response.json()["lots"] if lot["agency_code"] == "08.SYT")
    assert lot["conclusion"] == "refer" and lot["failures"] == 2

    # The falsely resolved petition is reopened, disputed, on its timeline and in the outbox.
    status = (await client.get(f"/petitions/{first[0]}/status", headers=auth_headers(settings, "committee"))).json()
    assert status["status"] == "in_progress" and status["disputed"] is True
    assert status["timeline"][-1]["type"] == "resolution_disputed"
    assert status["timeline"][-1]["spot_check_id"] == spot_check_id
    async with runtime.session_factory() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))).all()
    disputed = [json.loads(r.payload) for r in rows if r.subject == "petitions.resolution_disputed"]
    assert {d["petition_id"] for d in disputed} == {first[0], sample["08.SYT"][1]}
    assert disputed[0]["data"]["verdict"] == "not_resolved" and disputed[0]["data"]["agency_code"] == "08.SGTVT"
    changes = [json.loads(r.payload)["data"] for r in rows if r.subject == "petitions.status_changed"]
    assert {"from_status": "resolved", "to_status": "in_progress"}.items() <= changes[-1].items()


async def test_all_confirmed_is_accepted(client, runtime, settings):
    await resolve_many(client, settings, runtime, "08.SXD", 8)
    body = (await create(client, settings, tolerable_rate=0.2)).json()
    for item in body["sample"]:
        response = await finding(client, settings, body["id"], item["petition_id"], "confirmed")
    [lot] = response.json()["lots"]
    assert lot["conclusion"] == "accepted" and lot["failures"] == 0
    assert lot["upper_bound"] == round(1 - 0.05 ** (1 / lot["sample_size"]), 4)


async def test_who_may_and_what_is_refused(client, runtime, settings):
    ids = await resolve_many(client, settings, runtime, "08.SGTVT", 3)
    for role in ("secretariat", "admin"):
        response = await client.post("/spot-checks", json={"period_from": today(), "period_to": today(),
                                                           "assigned_to": "x"}, headers=auth_headers(settings, role))
        assert response.status_code == 403
    response = await client.post("/spot-checks", json={"period_from": today(), "period_to": today(), "assigned_to": "x"},
                                 headers=auth_headers(settings, "agency", "08.SGTVT"))
    assert response.status_code == 403
    assert (await create(client, settings, period_from="2020-01-01", period_to="2020-01-31")).status_code == 422
    assert (await create(client, settings, period_from=today(), period_to="2020-01-01")).status_code == 422
    assert (await create(client, settings, confidence=1.5)).status_code == 422
    body = (await create(client, settings)).json()
    outside = await assigned_petition(runtime)
    assert (await finding(client, settings, body["id"], outside, "confirmed")).status_code == 422
    assert (await finding(client, settings, uuid.uuid4(), ids[0], "confirmed")).status_code == 404
    response = await client.post(f"/spot-checks/{body['id']}/findings",
                                 json={"petition_id": str(ids[0]), "verdict": "confirmed"},
                                 headers=auth_headers(settings, "secretariat"))
    assert response.status_code == 403
    assert (await client.get(f"/spot-checks/{body['id']}", headers=auth_headers(settings, "agency", "08.SGTVT"))).status_code == 403


async def test_spot_checks_are_listed_newest_first(client, runtime, settings):
    await resolve_many(client, settings, runtime, "08.SGDDT", 4)
    first = (await create(client, settings, assigned_to="Ban Văn hóa - Xã hội")).json()
    second = (await create(client, settings, assigned_to="Tổ đại biểu huyện Sơn Dương", seed="lan-2")).json()
    listed = await client.get("/spot-checks", headers=auth_headers(settings, "committee"))
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [item["id"] for item in items[:2]] == [second["id"], first["id"]]
    assert items[0]["assigned_to"] == "Tổ đại biểu huyện Sơn Dương"
    assert (await client.get("/spot-checks", params={"limit": 1}, headers=auth_headers(settings, "secretariat"))
            ).json()["items"][0]["id"] == second["id"]
    assert (await client.get("/spot-checks", headers=auth_headers(settings, "agency", "08.SGDDT"))).status_code == 403
