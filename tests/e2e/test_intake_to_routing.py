"""Routing end to end through a real nats-server: intake → petitions.received → routing → petitions.routed."""

import asyncio
import time
import uuid

import pytest

from shared.events import PetitionReturned
from tests.support.events import publish_event, stream_events, wait_for_events
from tests.support.intake import intake_client, make_meeting
from tests.support.routing import CONFIDENT, received, routing_client

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.2)


async def routed_for(nats_url: str, petition_id: str) -> list[dict]:
    return [env for _, env in await stream_events(nats_url, "petitions.routed") if env["petition_id"] == petition_id]


async def test_received_event_is_routed_once_even_when_redelivered(database_url, isolated_nats, tmp_path):
    async with routing_client(database_url, isolated_nats.url, tmp_path) as routing:
        petition_id = uuid.uuid4()
        first = await publish_event(isolated_nats.url, petition_id, received(CONFIDENT), source="intake")
        [routed] = await wait_for_events(isolated_nats.url, "petitions.routed", {str(petition_id)})
        assert routed["data"]["agency_code"] == "08.SGTVT" and routed["data"]["decided_by"] == "classifier"
        assert routed["source"] == "routing"
        # The same event again (a redelivery, past JetStream's de-duplication) and a second event
        # about the same petition: neither routes it again.
        await publish_event(isolated_nats.url, petition_id, received(CONFIDENT), event_id=uuid.UUID(first["id"]),
                            msg_id=str(uuid.uuid4()))
        await publish_event(isolated_nats.url, petition_id, received(CONFIDENT))
        metrics = routing.app.state.runtime.metrics.events_consumed

        async def both_consumed() -> bool:
            return metrics.labels(consumer="routing-petitions", outcome="duplicate")._value.get() >= 1 and \
                metrics.labels(consumer="routing-petitions", outcome="applied")._value.get() >= 2

        await wait_until(both_consumed)
        await asyncio.sleep(1.0)  # give a wrong second publication time to show up
        assert len(await routed_for(isolated_nats.url, str(petition_id))) == 1
        detail = (await routing.get(f"/routings/{petition_id}", headers=routing.headers_for("secretariat"))).json()
        assert [h["action"] for h in detail["history"]] == ["classified"]


async def test_petition_posted_to_intake_is_routed_and_corrections_are_announced(database_url, isolated_nats, tmp_path):
    intake_url = database_url.replace("service.db", "intake.db")
    async with intake_client(intake_url, isolated_nats.url, tmp_path / "intake") as intake, \
            routing_client(database_url, isolated_nats.url, tmp_path) as routing:
        secretariat = intake.headers_for("secretariat")
        meeting = await make_meeting(intake, secretariat, unit_code="02545")
        created = await intake.post("/petitions", headers=secretariat, json={
            "meeting_id": meeting["id"], "content": CONFIDENT})
        assert created.status_code == 201, created.text
        petition_id = created.json()["id"]
        [routed] = await wait_for_events(isolated_nats.url, "petitions.routed", {petition_id})
        assert (routed["data"]["level"], routed["data"]["agency_code"]) == ("province", "08.SGTVT")
        assert routed["data"]["explanation"]

        correction = await routing.post(f"/routings/{petition_id}/assignment", headers=routing.headers_for(
            "secretariat", sub="thu-ky-3"), json={"level": "district", "agency_code": "076.UBND",
                                                  "reason": "Đoạn tuyến do huyện quản lý"})
        assert correction.status_code == 200, correction.text
        events = await wait_for_events(isolated_nats.url, "petitions.routed", {petition_id}, at_least=2)
        latest = events[-1]["data"]
        assert (latest["agency_code"], latest["reassignment"], latest["decided_by"]) == ("076.UBND", True, "thu-ky-3")

        # The agency sends it back: routing puts it in review, and announces nothing by itself.
        await publish_event(isolated_nats.url, uuid.UUID(petition_id), PetitionReturned(
            agency_code="076.UBND", note="Tuyến do tỉnh quản lý", by="can-bo-huyen"), source="monitoring")
        headers = routing.headers_for("secretariat")

        async def back_in_review() -> bool:
            queue = (await routing.get("/routings", params={"state": "needs_review"}, headers=headers)).json()
            return petition_id in [item["petition_id"] for item in queue["items"]]

        await wait_until(back_in_review)
        detail = (await routing.get(f"/routings/{petition_id}", headers=headers)).json()
        assert detail["agency_code"] != "076.UBND" and detail["returned_by"] == ["076.UBND"]
        assert len(await routed_for(isolated_nats.url, petition_id)) == 2
