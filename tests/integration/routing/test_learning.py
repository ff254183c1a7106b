"""Routing learns from people: model versions, decisions kept as examples, retraining that activates (or not)."""

import asyncio
import os
import pickle
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, update

from services.routing.classification.evaluate import default_classifier
from services.routing.learning import training_process
from services.routing.learning.models import ModelVersion, TrainingExample
from services.routing.learning.service import TrainingData
from services.routing.learning.training_process import TrainingFailed
from services.routing.routings import service as routing_service
from shared.events import PetitionReturned
from tests.integration.routing.test_api import seed_routing
from tests.support.routing import CONFIDENT, DEAD_NATS, received, routing_client

# Rules send a martyrs' memorial to the labour department (người có công); this council's practice,
# as the secretariat keeps correcting, is that the district builds and repairs it.
MEMORIALS = ["Đề nghị sửa chữa nhà bia ghi danh liệt sĩ của xã đã xuống cấp.",
             "Cử tri đề nghị tu bổ nhà bia tưởng niệm liệt sĩ ở trung tâm xã.",
             "Đề nghị xây mới nhà bia ghi tên các liệt sĩ của xã.",
             "Nhà bia liệt sĩ xã bị nứt, đề nghị sửa chữa.",
             "Đề nghị nâng cấp khu nhà bia liệt sĩ xã."]
NEW_MEMORIAL = "Cử tri đề nghị sớm sửa chữa nhà bia liệt sĩ của xã trước ngày 27/7."
CORRECTION = {"level": "district", "agency_code": "076.UBND",
              "reason": "Huyện quản lý, bố trí vốn tu bổ công trình ghi công liệt sĩ của xã"}


async def finished_training(client, headers, timeout: float = 180.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        run = (await client.get("/model-training", headers=headers)).json()
        if not run["running"] or asyncio.get_running_loop().time() > deadline:
            return run
        await asyncio.sleep(0.2)


async def test_the_first_start_trains_and_activates_a_version(routing):
    versions = (await routing.get("/model-versions", headers=routing.headers_for("admin"))).json()
    assert [(v["id"], v["active"], v["trained_by"]) for v in versions] == [(1, True, "cài đặt")]
    figures = versions[0]["figures"]
    assert {"invented", "real", "all"} <= set(figures)
    assert figures["all"]["automatic_precision"] >= 0.95 and 0.5 <= versions[0]["threshold"] <= 1.0
    assert (await routing.get("/model-versions", headers=routing.headers_for("agency", "08.SGTVT"))).status_code == 403


async def test_a_decision_records_its_rule_model_and_place(routing):
    content = "Cử tri xã Yên Hoa, huyện Na Hang đề nghị: Đầu tư nâng cấp tuyến đường từ xã Yên Hoa lên thôn Bản Va."
    petition_id = await seed_routing(routing, content, unit_code="02248")
    detail = (await routing.get(f"/routings/{petition_id}", headers=routing.headers_for("secretariat"))).json()
    assert (detail["level"], detail["agency_code"]) == ("district", "072.UBND")
    assert detail["rule_id"] == "dau_tu_ha_tang_dia_phuong" and detail["rule_hits"]
    assert detail["model_version"] == 1 and len(detail["candidates"]) == 3
    assert detail["candidates"][0]["agency_code"] == "072.UBND"
    assert detail["place"]["commune"] == "02248" and detail["place"]["source"] in ("text", "petition")
    assert detail["history"][0]["decision"]["model_version"] == 1


async def test_corrections_of_one_kind_route_the_next_petition_of_that_kind(routing):
    secretariat = routing.headers_for("secretariat", sub="thu-ky-3")
    before = (await routing.get(f"/routings/{await seed_routing(routing, NEW_MEMORIAL)}", headers=secretariat)).json()
    assert before["agency_code"] != "076.UBND"
    for content in MEMORIALS:
        petition_id = await seed_routing(routing, content)
        answer = await routing.post(f"/routings/{petition_id}/assignment", json=CORRECTION, headers=secretariat)
        assert answer.status_code == 200, answer.text
    async with routing.app.state.runtime.uow() as uow:
        rows = await uow.session.scalars(select(TrainingExample).order_by(TrainingExample.id))
        kept = [(e.agency_code, e.origin, e.decided_by) for e in rows]
    assert kept == [("076.UBND", "corrected", "thu-ky-3")] * 5

    assert (await routing.post("/model-versions", headers=secretariat)).status_code == 403
    admin = routing.headers_for("admin")
    assert (await routing.get("/model-training", headers=admin)).status_code == 404
    started = await routing.post("/model-versions", headers=admin)
    assert started.status_code == 202 and started.json()["running"] is True, started.text
    assert (await routing.post("/model-versions", headers=admin)).status_code == 409  # one at a time
    run = await finished_training(routing, admin)
    assert (run["version_id"], run["activated"], run["failed"]) == (2, True, None)
    version = (await routing.get("/model-versions/2", headers=admin)).json()
    assert (version["corrections"], version["active"], version["comparison"]["active_version"]) == (5, True, 1)
    assert version["comparison"]["candidate"]["agency"] >= version["comparison"]["active"]["agency"]

    after = (await routing.get(f"/routings/{await seed_routing(routing, NEW_MEMORIAL)}", headers=secretariat)).json()
    assert (after["level"], after["agency_code"], after["model_version"]) == ("district", "076.UBND", 2)
    versions = (await routing.get("/model-versions", headers=routing.headers_for("admin"))).json()
    assert [(v["id"], v["active"]) for v in versions] == [(2, True), (1, False)]


async def test_a_reassignment_after_a_return_is_kept_as_an_example(routing):
    runtime = routing.app.state.runtime
    petition_id = uuid.uuid4()
    context = runtime.context.routing
    content = "Cử tri đề nghị tỉnh sớm nâng cấp tuyến ĐT.186 đoạn qua xã Tân Trào đang xuống cấp."
    async with runtime.uow() as uow:
        routing_row = await routing_service.route_received(uow, context, petition_id, received(content), "event:a")
        await uow.commit()
    async with runtime.uow() as uow:
        returned = PetitionReturned(agency_code=routing_row.agency_code, note="Không thuộc thẩm quyền", by="so-gtvt")
        await routing_service.record_return(uow, context, petition_id, returned, "event:b")
        await uow.commit()
    body = {"level": "district", "agency_code": "076.UBND", "reason": "Đoạn tuyến do huyện quản lý"}
    answer = await routing.post(f"/routings/{petition_id}/assignment", json=body,
                                headers=routing.headers_for("secretariat"))
    assert answer.status_code == 200, answer.text
    async with runtime.uow() as uow:
        rows = await uow.session.scalars(select(TrainingExample).where(TrainingExample.petition_id == petition_id))
        kept = [(e.origin, e.agency_code) for e in rows]
    assert kept == [("reassigned", "076.UBND")]


async def test_a_start_retrains_a_version_made_with_other_rules(database_url, tmp_path):
    async with routing_client(database_url, DEAD_NATS, tmp_path) as first:
        admin = first.headers_for("admin")
        assert [v["id"] for v in (await first.get("/model-versions", headers=admin)).json()] == [1]
        async with first.app.state.runtime.uow() as uow:  # as if version 1 came from an older release
            await uow.session.execute(update(ModelVersion).values(fingerprint="older-rules"))
            await uow.commit()
    async with routing_client(database_url, DEAD_NATS, tmp_path) as again:
        versions = (await again.get("/model-versions", headers=again.headers_for("admin"))).json()
        assert [(v["id"], v["active"]) for v in versions] == [(2, True), (1, False)]
    async with routing_client(database_url, DEAD_NATS, tmp_path) as third:  # the same rules: nothing to do
        assert len((await third.get("/model-versions", headers=third.headers_for("admin"))).json()) == 2


async def test_a_start_retrains_a_version_stored_by_an_older_release(database_url, tmp_path):
    # Releases before issue 14 stored a pickle of scikit-learn objects; the service no longer reads those.
    async with routing_client(database_url, DEAD_NATS, tmp_path) as first:
        async with first.app.state.runtime.uow() as uow:
            await uow.session.execute(update(ModelVersion).values(model=pickle.dumps({"coef_": [[0.5]]})))
            await uow.commit()
    async with routing_client(database_url, DEAD_NATS, tmp_path) as again:
        versions = (await again.get("/model-versions", headers=again.headers_for("admin"))).json()
        assert [(v["id"], v["active"]) for v in versions] == [(2, True), (1, False)]
        petition_id = await seed_routing(again, CONFIDENT)
        detail = (await again.get(f"/routings/{petition_id}", headers=again.headers_for("secretariat"))).json()
        assert detail["model_version"] == 2


async def test_a_failed_training_reports_only_its_error_type():
    empty = TrainingData(base=[], learnt=[], through=0, active_id=None, active_through=None, active_fingerprint=None)
    with pytest.raises(TrainingFailed) as failed:
        await training_process.train_candidate(default_classifier(), empty, force=False)
    assert failed.value.kind == "ValueError"


async def test_a_cancelled_training_ends_its_child_process():
    training = asyncio.create_task(training_process.train_base(default_classifier()))
    deadline = asyncio.get_running_loop().time() + 30
    while not _training_children() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    children = _training_children()
    assert children
    training.cancel()
    with pytest.raises(asyncio.CancelledError):
        await training
    while any(_alive(pid) for pid in children) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert not any(_alive(pid) for pid in children)


def _training_children() -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and training_process.CHILD.encode() in command:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
