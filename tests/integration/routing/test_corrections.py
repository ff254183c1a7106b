"""Routing follows intake's corrections and withdrawals (petitions.corrected / petitions.withdrawn)."""

import json
import uuid

import pytest

from services.routing.routings import service as routing_service
from services.routing.routings.models import ASSIGNED, NEEDS_REVIEW, WITHDRAWN
from services.routing.routings.schemas import AssignmentIn
from shared.errors import ProblemError
from shared.events import PetitionCorrected, PetitionWithdrawn
from tests.integration.routing.test_api import seed_routing
from tests.integration.routing.test_routing_service import (
    SECRETARY,
    history_actions,
    route,
)
from tests.support.routing import CONFIDENT, UNCLEAR, outbox_events

HEALTH = "Cử tri đề nghị Sở Y tế bổ sung bác sĩ và thuốc cho trạm y tế xã Tân Trào, bà con phải đi xa khám bệnh."


def corrected(content: str, unit_code: str = "02545", fields=("content",)) -> PetitionCorrected:
    return PetitionCorrected(
        fields=list(fields), content=content, unit_code=unit_code, session_id=uuid.uuid4(), meeting_id=uuid.uuid4(),
        meeting_kind="voter_meeting", meeting_unit_code=unit_code, held_on="2024-11-20", reason="Nhập nhầm",
        by="thu-ky-1")


async def apply_correction(factory, context, petition_id, data, sequence):
    async with factory() as uow:
        routing = await routing_service.record_correction(uow, context, petition_id, data, sequence, "event:c")
        await uow.commit()
    return routing


async def routed_events(factory) -> list[dict]:
    return [json.loads(e.payload) for e in await outbox_events(factory) if e.subject == "petitions.routed"]


async def test_a_corrected_content_is_classified_again_and_rerouted(uow_factory, context):
    petition_id, routing = await route(uow_factory, context, CONFIDENT)
    assert routing.agency_code == "08.SGTVT"
    routing = await apply_correction(uow_factory, context, petition_id, corrected(HEALTH), 1)
    assert routing.content == HEALTH and routing.state == ASSIGNED and routing.agency_code == "08.SYT"
    events = await routed_events(uow_factory)
    assert [(e["data"]["agency_code"], e["sequence"], e["data"]["reassignment"]) for e in events] == [
        ("08.SGTVT", 1, False), ("08.SYT", 2, True)]
    assert await history_actions(uow_factory, petition_id) == ["classified", "petition_corrected", "classified"]
    # A redelivered or older correction changes nothing.
    again = await apply_correction(uow_factory, context, petition_id, corrected(CONFIDENT), 1)
    assert again.content == HEALTH and len(await routed_events(uow_factory)) == 2


async def test_a_correction_of_a_petition_a_person_routed_goes_to_review(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    async with uow_factory() as uow:
        await routing_service.assign(uow, petition_id, AssignmentIn(level="district", agency_code="076.UBND",
                                                                    reason="Huyện quản lý"), SECRETARY, "request:r1")
        await uow.commit()
    routing = await apply_correction(uow_factory, context, petition_id, corrected(HEALTH), 1)
    assert routing.state == NEEDS_REVIEW and routing.agency_code == "08.SYT"  # the fresh proposal, for a person
    assert len(await routed_events(uow_factory)) == 2  # nothing new until a person decides
    assert (await history_actions(uow_factory, petition_id))[-2:] == ["petition_corrected", "queued"]


async def test_a_correction_that_leaves_content_and_unit_alone_is_only_recorded(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, UNCLEAR)
    routing = await apply_correction(uow_factory, context, petition_id, corrected(UNCLEAR, fields=["voters_count"]), 1)
    assert routing.state == NEEDS_REVIEW and routing.routed_count == 0
    assert await history_actions(uow_factory, petition_id) == ["classified", "queued", "petition_corrected"]


async def test_a_withdrawn_petition_leaves_the_review_queue_and_cannot_be_assigned(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, UNCLEAR)
    async with uow_factory() as uow:
        await routing_service.record_withdrawal(uow, petition_id, PetitionWithdrawn(reason="Cử tri rút", by="thu-ky-1"),
                                                1, "event:w")
        await uow.commit()
    async with uow_factory() as uow:
        queue, _ = await routing_service.list_routings(uow, SECRETARY, state=NEEDS_REVIEW, agency_code=None,
                                                       level=None, topic=None, cursor=None, limit=50)
        assert petition_id not in [r.petition_id for r in queue]
        with pytest.raises(ProblemError) as refused:
            await routing_service.assign(uow, petition_id, AssignmentIn(level="province", agency_code="08.SGTVT",
                                                                        reason="Đúng thẩm quyền"), SECRETARY, "request:r2")
        assert refused.value.status == 409
    routing = await apply_correction(uow_factory, context, petition_id, corrected(CONFIDENT), 2)
    assert routing.state == WITHDRAWN and routing.routed_count == 0


async def test_a_withdrawn_petition_reads_as_withdrawn_through_the_api(routing):
    petition_id = uuid.UUID(await seed_routing(routing, UNCLEAR))
    runtime = routing.app.state.runtime
    async with runtime.uow() as uow:
        await routing_service.record_withdrawal(uow, petition_id, PetitionWithdrawn(reason="Cử tri rút", by="thu-ky-1"),
                                                1, "event:w")
        await uow.commit()
    headers = routing.headers_for("secretariat")
    assert (await routing.get(f"/routings/{petition_id}", headers=headers)).json()["state"] == WITHDRAWN
    listed = (await routing.get("/routings", params={"state": "withdrawn"}, headers=headers)).json()["items"]
    assert [item["petition_id"] for item in listed] == [str(petition_id)]
    everything = (await routing.get("/routings", headers=headers)).json()["items"]
    assert str(petition_id) not in [item["petition_id"] for item in everything]
