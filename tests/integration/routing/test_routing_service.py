"""Routing decisions at the service layer, on a migrated database (SQLite and PostgreSQL)."""

import json
import uuid

import pytest

from services.routing.catalog import service as catalog_service
from services.routing.catalog.schemas import UnitUpdate
from services.routing.routings import repository as routing_repository
from services.routing.routings import service as routing_service
from services.routing.routings.models import ASSIGNED, NEEDS_REVIEW
from services.routing.routings.schemas import AssignmentIn
from shared.auth import Principal
from shared.errors import ProblemError
from shared.events import PetitionReturned
from shared.messaging import PoisonMessage
from tests.support.routing import CONFIDENT, UNCLEAR, outbox_events, received

SECRETARY = Principal(sub="thu-ky-1", role="secretariat")


async def route(factory, context, content, unit_code="02545"):
    petition_id = uuid.uuid4()
    async with factory() as uow:
        routing = await routing_service.route_received(uow, context, petition_id, received(content, unit_code), "event:t")
        await uow.commit()
    return petition_id, routing


async def history_actions(factory, petition_id):
    async with factory() as uow:
        return [e.action for e in await routing_repository.history(uow.session, petition_id)]


async def test_confident_petition_is_assigned_and_routed(uow_factory, context):
    petition_id, routing = await route(uow_factory, context, CONFIDENT)
    assert (routing.state, routing.level, routing.agency_code, routing.topic) == (ASSIGNED, "province", "08.SGTVT",
                                                                                  "giao_thong")
    assert any("duong_tinh" in line for line in routing.explanation)
    events = await outbox_events(uow_factory)
    assert [e.subject for e in events] == ["petitions.routed"]
    payload = json.loads(events[0].payload)
    assert payload["petition_id"] == str(petition_id)
    assert payload["data"]["decided_by"] == "classifier" and payload["data"]["reassignment"] is False
    assert await history_actions(uow_factory, petition_id) == ["classified"]


async def test_unclear_petition_waits_for_review_without_event(uow_factory, context):
    petition_id, routing = await route(uow_factory, context, UNCLEAR)
    assert routing.state == NEEDS_REVIEW and routing.confidence < 0.6
    assert await outbox_events(uow_factory) == []
    assert await history_actions(uow_factory, petition_id) == ["classified", "queued"]


async def test_threshold_is_configurable(uow_factory, context):
    context.review_threshold = 0.99
    _petition_id, routing = await route(uow_factory, context, CONFIDENT)
    assert routing.state == NEEDS_REVIEW


async def test_same_petition_received_twice_is_routed_once(uow_factory, context):
    petition_id = uuid.uuid4()
    for _ in range(2):
        async with uow_factory() as uow:
            await routing_service.route_received(uow, context, petition_id, received(CONFIDENT), "event:x")
            await uow.commit()
    assert len(await outbox_events(uow_factory)) == 1


async def assign(factory, petition_id, level, agency_code, reason="Theo thẩm quyền quản lý tuyến đường"):
    async with factory() as uow:
        routing = await routing_service.assign(uow, petition_id, AssignmentIn(
            level=level, agency_code=agency_code, reason=reason), SECRETARY, "request:r1")
        await uow.commit()
    return routing


async def test_correction_is_kept_in_history_and_emits_a_reassignment(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    routing = await assign(uow_factory, petition_id, "district", "076.UBND", "Đoạn tuyến đã giao huyện quản lý")
    assert (routing.state, routing.agency_code, routing.confidence) == (ASSIGNED, "076.UBND", 1.0)
    events = [json.loads(e.payload)["data"] for e in await outbox_events(uow_factory)]
    assert [e["agency_code"] for e in events] == ["08.SGTVT", "076.UBND"]
    assert events[1]["reassignment"] is True and events[1]["decided_by"] == "thu-ky-1"
    assert events[1]["reason"] == "Đoạn tuyến đã giao huyện quản lý"
    async with uow_factory() as uow:
        last = (await routing_repository.history(uow.session, petition_id))[-1]
        assert (last.action, last.by, last.reason, last.source) == ("corrected", "thu-ky-1",
                                                                    "Đoạn tuyến đã giao huyện quản lý", "request:r1")


async def test_confirming_a_proposal_from_the_queue_assigns_it(uow_factory, context):
    petition_id, routing = await route(uow_factory, context, UNCLEAR)
    confirmed = await assign(uow_factory, petition_id, routing.level, routing.agency_code, "Đúng thẩm quyền")
    assert confirmed.state == ASSIGNED
    events = [json.loads(e.payload)["data"] for e in await outbox_events(uow_factory)]
    assert len(events) == 1 and events[0]["reassignment"] is False
    assert (await history_actions(uow_factory, petition_id))[-1] == "confirmed"


async def test_confirming_an_assignment_again_emits_nothing_new(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    await assign(uow_factory, petition_id, "province", "08.SGTVT", "Đã kiểm tra, đúng")
    assert len(await outbox_events(uow_factory)) == 1
    assert (await history_actions(uow_factory, petition_id))[-1] == "confirmed"


async def test_every_decision_carries_its_number_and_a_topic_only_correction_is_announced(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    async with uow_factory() as uow:
        await routing_service.assign(uow, petition_id, AssignmentIn(
            level="province", agency_code="08.SGTVT", topic="xay_dung_quy_hoach", reason="Lĩnh vực xây dựng"),
            SECRETARY, "request:r2")
        await uow.commit()
    await assign(uow_factory, petition_id, "district", "076.UBND")
    envelopes = [json.loads(e.payload) for e in await outbox_events(uow_factory)]
    assert [e["sequence"] for e in envelopes] == [1, 2, 3]
    assert [e["data"]["topic"] for e in envelopes] == ["giao_thong", "xay_dung_quy_hoach", "xay_dung_quy_hoach"]
    assert [e["data"]["reassignment"] for e in envelopes] == [False, True, True]


@pytest.mark.parametrize(("level", "agency_code", "field"), [
    ("province", "08.KHONGCO", "agency_code"),
    ("commune", "08.SGTVT", "level"),
])
async def test_assignment_to_an_unknown_or_mismatched_agency_is_refused(uow_factory, context, level, agency_code,
                                                                         field):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    with pytest.raises(ProblemError) as caught:
        await assign(uow_factory, petition_id, level, agency_code)
    assert caught.value.status == 422 and caught.value.errors[0].field == field


async def test_assignment_of_an_unknown_petition_is_404(uow_factory):
    with pytest.raises(ProblemError) as caught:
        await assign(uow_factory, uuid.uuid4(), "province", "08.SGTVT")
    assert caught.value.status == 404


async def give_back(factory, context, petition_id, agency_code, note="Không thuộc thẩm quyền của Sở"):
    async with factory() as uow:
        routing = await routing_service.record_return(uow, context, petition_id, PetitionReturned(
            agency_code=agency_code, note=note, by=f"can-bo-{agency_code}"), "event:ret")
        await uow.commit()
    return routing


async def test_return_puts_the_petition_back_in_review_never_to_the_same_agency(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    routing = await give_back(uow_factory, context, petition_id, "08.SGTVT")
    assert routing.state == NEEDS_REVIEW
    assert routing.returned_by == ["08.SGTVT"] and routing.agency_code != "08.SGTVT"
    assert "Không thuộc thẩm quyền của Sở" in routing.explanation[0]
    assert len(await outbox_events(uow_factory)) == 1  # no automatic reassignment
    assert (await history_actions(uow_factory, petition_id))[-2:] == ["returned", "queued"]
    again = await assign(uow_factory, petition_id, "province", "08.SGTVT", "Thư ký xác định lại: vẫn là đường tỉnh")
    assert again.state == ASSIGNED  # a person may still decide to send it back there


async def test_return_from_an_agency_no_longer_in_charge_changes_nothing(uow_factory, context):
    petition_id, _ = await route(uow_factory, context, CONFIDENT)
    await assign(uow_factory, petition_id, "district", "076.UBND", "Huyện quản lý")
    routing = await give_back(uow_factory, context, petition_id, "08.SGTVT")
    assert (routing.state, routing.agency_code) == (ASSIGNED, "076.UBND")
    assert (await history_actions(uow_factory, petition_id))[-1] == "return_ignored"


async def test_return_of_a_petition_routing_never_saw_is_poison(uow_factory, context):
    with pytest.raises(PoisonMessage):
        await give_back(uow_factory, context, uuid.uuid4(), "08.SGTVT")


async def test_catalog_seed_is_idempotent(uow_factory):
    from services.routing.catalog.source import read_catalog
    from shared.catalog import DEFAULT_CATALOG
    async with uow_factory() as uow:
        assert await catalog_service.seed(uow.session, read_catalog(DEFAULT_CATALOG)) == 0
        assert len(await catalog_service.list_units(uow.session, "commune", None)) == 137


async def test_an_alias_added_by_an_admin_is_matched_at_once(uow_factory, context):
    content = "Cử tri xã Làng Mít đề nghị sửa chữa đường liên thôn bị sạt lở."
    _pid, before = await route(uow_factory, context, content, unit_code="075")
    assert before.agency_code == "075.UBND"  # commune unknown: district proposed, for review
    async with uow_factory() as uow:
        await catalog_service.update_unit(uow, "02530", UnitUpdate(aliases=["xã Làng Mít"]))
        await uow.commit()
    _pid, after = await route(uow_factory, context, content, unit_code="075")
    assert after.agency_code == "02530.UBND"
