"""Petitions sent at the same moment share a transaction, yet each request keeps its own outcome."""

import asyncio
import re
import uuid

from tests.support.intake import make_meeting

ROAD = "Cử tri đề nghị sửa chữa đường giao thông liên thôn bị sạt lở sau mưa lũ."


def transactions_and_petitions(metrics: str) -> tuple[float, float]:
    count = float(re.search(r"^petitions_per_transaction_count (\S+)$", metrics, re.M).group(1))
    total = float(re.search(r"^petitions_per_transaction_sum (\S+)$", metrics, re.M).group(1))
    return count, total


async def test_simultaneous_petitions_are_written_together_each_with_its_own_answer(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    withdrawn = await make_meeting(intake, secretariat)
    assert (await intake.post(f"/meetings/{withdrawn['id']}/withdrawal", headers=secretariat,
                              json={"reason": "Nhập nhầm"})).status_code == 200
    before = transactions_and_petitions((await intake.get("/metrics")).text)
    keyed = {**secretariat, "Idempotency-Key": "cung-mot-khoa"}

    def body(n: int, **changes) -> dict:
        return {"meeting_id": meeting["id"], "content": f"{ROAD} Số {n}.", **changes}

    sends = [intake.post("/petitions", headers=secretariat, json=body(n)) for n in range(20)]
    sends += [
        intake.post("/petitions", headers=secretariat, json=body(90, meeting_id=withdrawn["id"])),
        intake.post("/petitions", headers=secretariat, json=body(91, meeting_id=str(uuid.uuid4()))),
        intake.post("/petitions", headers=secretariat, json=body(92, unit_code="99999")),
        intake.post("/petitions", headers=keyed, json=body(93)),
        intake.post("/petitions", headers=keyed, json=body(93)),
    ]
    *plain, on_withdrawn, on_unknown, bad_unit, first, again = await asyncio.gather(*sends)

    assert all(answer.status_code == 201 for answer in plain), [a.text for a in plain if a.status_code != 201]
    for refused, field in ((on_withdrawn, "meeting_id"), (on_unknown, "meeting_id"), (bad_unit, "unit_code")):
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field, refused.text
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    # 21 petitions, numbered 1..21 without a gap: the refused ones took no number.
    numbers = sorted(int(a.json()["code"].rsplit("-", 1)[1]) for a in [*plain, first])
    assert numbers == list(range(1, 22))
    contents = {a.json()["content"] for a in plain}
    assert contents == {f"{ROAD} Số {n}." for n in range(20)}

    after = transactions_and_petitions((await intake.get("/metrics")).text)
    transactions, petitions = after[0] - before[0], after[1] - before[1]
    assert petitions >= 21 and transactions < petitions  # groups of more than one petition were written


async def test_a_group_commit_answers_503_without_writing_when_the_writer_has_stopped(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    await intake.app.state.runtime.context.petition_writer.stop()
    refused = await intake.post("/petitions", headers=secretariat, json={"meeting_id": meeting["id"], "content": ROAD})
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    listed = (await intake.get("/petitions", headers=secretariat)).json()["items"]
    assert listed == []
